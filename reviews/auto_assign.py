"""Assign reviewers to every file of a call at once, spreading the work by current load.

The plan is computed in memory from a few queries. Applying it goes through services.assign_reviewer, so each
assignment gets the same guards, history entry and e-mail as one made by hand.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from applications.models import Application, ApplicationState
from grants.models import Call
from reviews import selectors, services
from reviews.models import Affiliation, AssignmentState, ConflictDeclaration, ReviewAssignment

ACTIVE_ASSIGNMENT = Q(review_assignments__state__in=AssignmentState.active())
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unstaffed:
    """A file that ends with fewer active assignments than requested."""

    application: Application
    missing: int
    reason: str = ""


class AssignmentPlan(list):
    """The (application, reviewer) pairs to create, in order, with the files that cannot be fully staffed."""

    def __init__(self, pairs=(), unstaffed=()):
        super().__init__(pairs)
        self.unstaffed: list[Unstaffed] = list(unstaffed)


def _active_loads() -> dict[int, int]:
    """Return reviewer id → number of active assignments, across every call."""
    rows = (
        ReviewAssignment.objects.filter(state__in=AssignmentState.active())
        .values("reviewer_id")
        .annotate(count=Count("pk"))
    )
    return {row["reviewer_id"]: row["count"] for row in rows}


def _conflicted_pairs(organization_ids: set[int]) -> set[tuple[int, int]]:
    """Return the (reviewer id, organization id) pairs that services.conflict_reason rejects.

    The same two sources are read (a recorded affiliation, a conflict declared on any file of the
    organization), in two queries instead of two per pair.
    """
    affiliations = Affiliation.objects.filter(organization_id__in=organization_ids).values_list(
        "reviewer_id", "organization_id"
    )
    declarations = ConflictDeclaration.objects.filter(
        has_conflict=True, assignment__application__organization_id__in=organization_ids
    ).values_list("assignment__reviewer_id", "assignment__application__organization_id")
    return set(affiliations) | set(declarations)


def plan_assignments(*, call: Call, reviewers_per_file: int, cap_per_reviewer: int) -> AssignmentPlan:
    """Plan the assignments that bring every file of `call` under review to `reviewers_per_file` reviewers.

    Files are taken in id order. For each one, the eligible reviewers with the lowest active load are
    chosen, ties broken by user id, and each choice raises that reviewer's load for the next files. A
    reviewer is eligible when not already active on the file, not in conflict with its organization and
    below `cap_per_reviewer` active assignments. Files left short are listed in `plan.unstaffed`.
    """
    applications = list(
        Application.objects.filter(call=call, state=ApplicationState.UNDER_REVIEW)
        .select_related("organization")
        .annotate(active_count=Count("review_assignments", filter=ACTIVE_ASSIGNMENT))
        .order_by("pk")
    )
    reviewers = list(selectors.reviewers())
    loads = _active_loads()
    conflicted = _conflicted_pairs({application.organization_id for application in applications})
    already = set(
        ReviewAssignment.objects.filter(application__in=applications, state__in=AssignmentState.active()).values_list(
            "application_id", "reviewer_id"
        )
    )
    plan = AssignmentPlan()
    for application in applications:
        needed = reviewers_per_file - application.active_count
        if needed <= 0:
            continue
        candidates = sorted(
            (
                reviewer
                for reviewer in reviewers
                if (application.pk, reviewer.pk) not in already
                and (reviewer.pk, application.organization_id) not in conflicted
                and loads.get(reviewer.pk, 0) < cap_per_reviewer
            ),
            key=lambda reviewer: (loads.get(reviewer.pk, 0), reviewer.pk),
        )
        for reviewer in candidates[:needed]:
            plan.append((application, reviewer))
            loads[reviewer.pk] = loads.get(reviewer.pk, 0) + 1
        if len(candidates) < needed:
            plan.unstaffed.append(
                Unstaffed(
                    application=application,
                    missing=needed - len(candidates),
                    reason=_("Not enough reviewers without a conflict and below the maximum load."),
                )
            )
    return plan


def apply_assignments(
    *, call: Call, actor: User, due_on: date, reviewers_per_file: int, cap_per_reviewer: int
) -> tuple[list[ReviewAssignment], list[Unstaffed]]:
    """Plan then create the assignments of `call`, and return (created assignments, files left short).

    Each pair goes through services.assign_reviewer in its own transaction. A pair that the service
    rejects (the file or the reviewer changed since the plan) is skipped and its file reported as short.
    """
    if not actor.has_role(Role.PROGRAM_OFFICER):
        raise services.ReviewError(_("Only a program officer can do this."))
    if due_on <= timezone.localdate():
        raise services.ReviewError(_("The due date must be after today."))
    if reviewers_per_file < 1 or cap_per_reviewer < 1:
        raise services.ReviewError(_("The number of reviewers per file and the maximum load must be at least 1."))
    plan = plan_assignments(call=call, reviewers_per_file=reviewers_per_file, cap_per_reviewer=cap_per_reviewer)
    created = []
    unstaffed = list(plan.unstaffed)
    for application, reviewer in plan:
        try:
            created.append(
                services.assign_reviewer(application=application, reviewer=reviewer, due_on=due_on, actor=actor)
            )
        except services.ReviewError as error:
            logger.warning(
                "Automatic assignment of reviewer %s to application %s skipped: %s", reviewer.pk, application.pk, error
            )
            unstaffed.append(Unstaffed(application=application, missing=1, reason=str(error)))
    return created, unstaffed
