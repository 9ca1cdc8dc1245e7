from django.db.models import Count, Window
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.roles import is_organization_staff
from common.dashboards import Panel, register_panel
from common.models import Notification


@register_panel(order=10)
def my_organizations_panel(user):
    organizations = selectors.cached_organizations_of(user)
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
    # The panel shows names and regions only: the list's member counts and representatives are not read.
    # One query: each of the 5 latest rows carries the count of all organizations.
    latest = list(
        selectors.organizations_visible_to(user).annotate(total=Window(Count("pk"))).order_by("-created_at", "-pk")[:5]
    )
    return Panel(
        title=_("Registered organizations"),
        template="accounts/panels/organizations.html",
        context={"total": latest[0].total if latest else 0, "latest": latest},
    )


@register_panel(order=90)
def notifications_panel(user):
    notifications = list(Notification.objects.filter(recipient=user).select_related("recipient")[:5])
    return Panel(
        title=_("Latest notifications"),
        template="common/panels/notifications.html",
        context={"notifications": notifications},
    )
