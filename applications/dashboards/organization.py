"""Dashboard panel for members of organizations: their applications and the calls they can still apply to."""

from django.utils.translation import gettext as _

from accounts.selectors import cached_organizations_of
from applications import selectors
from applications.models import ApplicationState
from common.dashboards import Panel, register_panel
from grants.models import Call


@register_panel(order=15)
def my_applications_panel(user):
    """List the applications of the user's organizations, and a start button per open call each has none in.

    The panel runs three queries whatever the number of organizations, calls and applications.
    """
    if not user.is_authenticated:
        return None
    organizations = sorted(cached_organizations_of(user), key=lambda organization: organization.name)
    if not organizations:
        return None
    applications = list(selectors.applications_of(user))
    existing_pairs = {(application.call_id, application.organization_id) for application in applications}
    startable = []
    for call in Call.objects.accepting().order_by("closes_at"):
        missing = [organization for organization in organizations if (call.pk, organization.pk) not in existing_pairs]
        if missing:
            startable.append((call, missing))
    return Panel(
        title=_("My applications"),
        template="applications/panels/my_applications.html",
        context={
            "applications": applications,
            "startable": startable,
            "several_organizations": len(organizations) > 1,
            "verified": user.email_verified,
            "editable_states": ApplicationState.organization_editable(),
        },
    )
