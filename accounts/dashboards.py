from django.utils.translation import gettext as _

from accounts import selectors
from accounts.roles import is_organization_staff
from common.dashboards import Panel, register_panel
from common.models import Notification


@register_panel(order=10)
def my_organizations_panel(user):
    organizations = list(selectors.organizations_of(user))
    if is_organization_staff(user) and not organizations:
        return None
    return Panel(
        title=_("My organizations"),
        template="accounts/panels/my_organizations.html",
        context={"organizations": organizations, "verified": user.email_verified},
    )


@register_panel(order=30)
def organizations_panel(user):
    if not is_organization_staff(user):
        return None
    queryset = selectors.organization_list(user)
    return Panel(
        title=_("Registered organizations"),
        template="accounts/panels/organizations.html",
        context={"total": queryset.count(), "latest": list(queryset.order_by("-created_at")[:5])},
    )


@register_panel(order=90)
def notifications_panel(user):
    notifications = list(Notification.objects.filter(recipient=user).select_related("recipient")[:5])
    return Panel(
        title=_("Latest notifications"),
        template="common/panels/notifications.html",
        context={"notifications": notifications},
    )
