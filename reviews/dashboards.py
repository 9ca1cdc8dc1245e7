"""Dashboard panel of the reviewers: what waits for their declaration, their scores, and the next due dates."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import Role
from common.dashboards import Panel, register_panel
from reviews import selectors
from reviews.models import AssignmentState

NEXT_DUE_SHOWN = 3


@register_panel(order=22)
def reviews_panel(user):
    if not user.is_authenticated or not user.has_role(Role.REVIEWER):
        return None
    assignments = selectors.assignments_visible_to(user)
    # One query for every count, so the dashboard costs the same whatever the number of assignments.
    totals = assignments.aggregate(
        to_declare=Count("pk", filter=Q(state=AssignmentState.ASSIGNED)),
        to_score=Count("pk", filter=Q(state=AssignmentState.ACCEPTED)),
        submitted=Count("pk", filter=Q(state=AssignmentState.SUBMITTED)),
    )
    upcoming = list(
        selectors.my_assignments(user)
        .filter(state__in=[AssignmentState.ASSIGNED, AssignmentState.ACCEPTED])
        .order_by("due_on", "pk")[:NEXT_DUE_SHOWN]
    )
    rows = [
        {"label": _("Waiting for your conflict of interest declaration"), "total": totals["to_declare"]},
        {"label": _("To score"), "total": totals["to_score"]},
        {"label": _("Submitted"), "total": totals["submitted"]},
    ]
    return Panel(title=_("My reviews"), template="reviews/panel.html", context={"rows": rows, "upcoming": upcoming})
