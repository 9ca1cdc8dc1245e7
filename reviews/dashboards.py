"""Dashboard panels of the review stage.

Reviewers see their assignments. Committee members, decision makers, program officers and managers see the
calls that have files to rank, to recommend or to staff, with a link to the matching page. Each panel costs
the same number of queries whatever the number of calls and files.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from applications.models import Application, ApplicationState
from common.dashboards import Panel, register_panel
from grants.models import Call
from reviews import selectors
from reviews.models import AssignmentState
from reviews.ranking import RANKED_STATES

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


# Calls at the review stage


@dataclass
class CallRow:
    call: Call
    count: int
    url: str
    link_label: str


def calls_with_files() -> list[Call]:
    """Return the calls that have files under review or ranked, with the count of each state, in one query."""
    in_state = {
        "under_review": Q(applications__state=ApplicationState.UNDER_REVIEW),
        "evaluated": Q(applications__state=ApplicationState.EVALUATED),
        "recommended": Q(applications__state=ApplicationState.RECOMMENDED),
        "ranked": Q(applications__state__in=RANKED_STATES),
    }
    return list(
        Call.objects.annotate(**{name: Count("applications", filter=condition) for name, condition in in_state.items()})
        .filter(Q(under_review__gt=0) | Q(ranked__gt=0))
        .order_by("-opens_at", "pk")
    )


def understaffed_by_call() -> dict[int, int]:
    """Return call id → number of its files under review with fewer active reviewers than the quorum, in one query."""
    rows = (
        Application.objects.filter(state=ApplicationState.UNDER_REVIEW)
        .annotate(
            reviewers=Count("review_assignments", filter=Q(review_assignments__state__in=AssignmentState.active()))
        )
        .filter(reviewers__lt=F("call__review_quorum"))
        .values_list("call_id", flat=True)
    )
    counts: dict[int, int] = {}
    for call_id in rows:
        counts[call_id] = counts.get(call_id, 0) + 1
    return counts


def ranking_url(call: Call) -> str:
    return reverse("reviews:ranking", kwargs={"code": call.code})


@register_panel(order=23)
def committee_panel(user):
    if not user.is_authenticated or not user.has_role(Role.COMMITTEE_MEMBER):
        return None
    calls = [call for call in calls_with_files() if call.ranked]
    rows = [CallRow(call, call.ranked, ranking_url(call), _("See the ranking")) for call in calls]
    context = {
        "rows": rows,
        "count_label": _("Evaluated files"),
        "caption": _("Calls with evaluated files"),
        "summary": _("Files waiting for the committee’s recommendation: %(count)d")
        % {"count": sum(call.evaluated for call in calls)},
        "empty": _("No call has evaluated files yet."),
    }
    return Panel(title=_("Selection committee"), template="reviews/panels/calls.html", context=context)


@register_panel(order=24)
def decision_panel(user):
    if not user.is_authenticated or not user.has_role(Role.DECISION_MAKER):
        return None
    calls = [call for call in calls_with_files() if call.recommended]
    context = {
        "rows": [CallRow(call, call.recommended, ranking_url(call), _("See the ranking")) for call in calls],
        "count_label": _("Recommended files"),
        "caption": _("Calls with files recommended by the committee"),
        "empty": _("No file is recommended by the committee yet."),
    }
    return Panel(title=_("Committee recommendations"), template="reviews/panels/calls.html", context=context)


@register_panel(order=25)
def call_reviews_panel(user):
    is_officer = user.is_authenticated and user.has_role(Role.PROGRAM_OFFICER)
    if not is_officer and not (user.is_authenticated and user.has_role(Role.PROGRAM_MANAGER)):
        return None
    calls = calls_with_files()
    rows = [CallRow(call, call.ranked, ranking_url(call), _("See the ranking")) for call in calls if call.ranked]
    staffing = []
    if is_officer:
        understaffed = understaffed_by_call()
        staffing = [
            CallRow(
                call,
                understaffed.get(call.pk, 0),
                reverse("reviews:call_assignments", kwargs={"code": call.code}),
                _("Assign the reviewers"),
            )
            for call in calls
            if call.under_review
        ]
    context = {
        "rows": rows,
        "count_label": _("Evaluated files"),
        "caption": _("Calls with evaluated files"),
        "staffing": staffing,
        "empty": _("No call has files under review or evaluated yet."),
    }
    return Panel(title=_("Reviews of the calls"), template="reviews/panels/calls.html", context=context)
