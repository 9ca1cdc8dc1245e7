from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self):
        from common.audit import describe_transitions

        describe_transitions(
            {
                "accounts.organization.created": _("Organization created"),
                "accounts.organization.updated": _("Profile updated"),
                "accounts.organization.member_invited": _("Member invited"),
                "accounts.organization.member_joined": _("Member joined"),
                "accounts.organization.representative_changed": _("Representative changed"),
            }
        )
