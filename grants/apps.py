from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Programs and calls")

    def ready(self):
        from django.db.models.signals import post_migrate

        from common.audit import describe_transitions

        post_migrate.connect(grant_configuration_permissions, sender=self)

        describe_transitions(
            {
                "grants.call.published": _("Call published"),
                "grants.call.closed": _("Call closed"),
                "grants.call.archived": _("Call archived"),
            }
        )


def grant_configuration_permissions(sender, apps=None, using="default", **kwargs):
    """Let program managers configure programs and calls in the admin site (the state stays read-only there)."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name="program_manager").first()
    if group is None:
        return
    permissions = Permission.objects.using(using).filter(content_type__app_label="grants")
    group.permissions.add(*permissions)
