"""Review assignments, conflict declarations and reviews with their scores, as reviews.services leaves them.

A reviewer is never assigned to an organization they are affiliated with or declared a conflict with. Every
accepted assignment has its « no conflict » declaration. Every submitted one has a review with a score for
each criterion within its maximum, or « not applicable » where the criterion allows it. A file's review is
closed only when its active assignments are all submitted and the call's quorum is met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from applications.models import ApplicationState
from oversight.scale import names
from oversight.scale.base import CENT, Build, local_date
from oversight.scale.people import Org, Staff
from oversight.scale.plans import FilePlan
from oversight.scale.screening import RANKED, UNDER_REVIEW
from reviews.aggregation import CriterionScore, file_statistics, reviewer_total
from reviews.models import AssignmentState, ConflictKind, Recommendation

REVIEW_DAYS = 28
HALF = Decimal("0.5")
# Chance that a file also has an assignment declined for a conflict of interest, declined for lack of time,
# or cancelled by the officer.
CONFLICT_SHARE, UNAVAILABLE_SHARE, CANCELLED_SHARE = 0.04, 0.04, 0.03
AFFILIATED_REVIEWER_SHARE = 0.2
UNAVAILABLE_REASON = "Indisponible pendant la période d’évaluation."
CONFLICT_COMMENT = "Je siège au conseil d’administration d’un partenaire du projet."


@dataclass
class ReviewPlan:
    scores: list[tuple[int, Decimal | None, bool]]  # (criterion pk, value, not applicable)
    total: Decimal | None
    recommendation: str
    comment: str
    updated_at: datetime
    submitted_at: datetime | None = None


@dataclass
class AssignmentPlan:
    reviewer_id: int
    state: str
    assigned_at: datetime
    assigned_by: int
    declared_at: datetime | None = None
    conflict_kind: str = ""
    decline_reason: str = ""
    review: ReviewPlan | None = None
    pk: int | None = None

    @property
    def due_on(self) -> date:
        return local_date(self.assigned_at) + timedelta(days=REVIEW_DAYS)


@dataclass
class ReviewerPool:
    """The reviewers, their scoring habits, and the organizations each of them may not review."""

    reviewers: list[int]
    bias: dict[int, float]
    blocked: set[tuple[int, int]] = field(default_factory=set)
    assigned: set[tuple[int, int]] = field(default_factory=set)
    # (reviewer, organization, kind) recorded by the ministry.
    affiliations: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def create(cls, build: Build, staff: Staff, organizations: list[Org]) -> ReviewerPool:
        rng = build.rng
        pool = cls(reviewers=list(staff.reviewers), bias={pk: rng.gauss(0, 0.7) for pk in staff.reviewers})
        for reviewer in pool.reviewers:
            if rng.random() < AFFILIATED_REVIEWER_SHARE:
                organization = rng.choice(organizations).pk
                kind = rng.choice((ConflictKind.BOARD_MEMBER, ConflictKind.EMPLOYEE))
                pool.affiliations.append((reviewer, organization, str(kind)))
                pool.blocked.add((reviewer, organization))
        return pool

    def pick(self, build: Build, organization: int, count: int, exclude: set[int] = frozenset()) -> list[int]:
        candidates = [pk for pk in self.reviewers if (pk, organization) not in self.blocked and pk not in exclude]
        chosen = build.rng.sample(candidates, min(count, len(candidates)))
        self.assigned.update((pk, organization) for pk in chosen)
        return chosen

    def conflicted(self, build: Build, organization: int, exclude: set[int]) -> int | None:
        """Pick a reviewer who will declare a conflict with `organization`, never assigned to it before or after."""
        candidates = [
            pk
            for pk in self.reviewers
            if pk not in exclude and (pk, organization) not in self.blocked and (pk, organization) not in self.assigned
        ]
        if not candidates:
            return None
        reviewer = build.rng.choice(candidates)
        self.blocked.add((reviewer, organization))
        return reviewer


def plan_reviews(build: Build, plan: FilePlan, pool: ReviewerPool, submitted: int) -> None:
    """Assign reviewers to a receivable file and, for files past review, close it with `submitted` reviews."""
    rng, clock = build.rng, build.clock
    plan.quality = min(9.7, max(2.0, rng.gauss(6.7, 1.4)))
    prior_agreement = rng.random() < 0.25
    assigned_at = _before_now(build, plan.receivable_at, 1, 6)
    count = 3 if plan.group == UNDER_REVIEW else submitted
    reviewers = pool.pick(build, plan.org.pk, count)
    _plan_declines(build, plan, pool, assigned_at, set(reviewers))
    replacement_at = assigned_at
    if plan.assignments:
        # The reviewer who replaces the one who declined is assigned once the decline is known.
        last_decline = max(item.declared_at or item.assigned_at for item in plan.assignments)
        replacement_at = _before_now(build, last_decline, 0, 3)
    for index, reviewer in enumerate(reviewers):
        moment = replacement_at if index == len(reviewers) - 1 else assigned_at
        plan.assignments.append(_assignment(build, plan, pool, reviewer, moment, prior_agreement))
    if plan.group == UNDER_REVIEW:
        _keep_one_pending(build, plan, pool, prior_agreement)
        return
    totals = [item.review.total for item in plan.assignments if item.state == AssignmentState.SUBMITTED]
    plan.mean = file_statistics(totals, disagreement_threshold=plan.call.call.disagreement_threshold).mean
    last = max(item.review.submitted_at for item in plan.assignments if item.state == AssignmentState.SUBMITTED)
    closed_at = clock.later(last, 1, 7)
    plan.move("applications.application.review_closed", ApplicationState.EVALUATED, closed_at, plan.officer_id)


def _before_now(build: Build, start: datetime, low: int, high: int) -> datetime:
    """Return an instant `low` to `high` days after `start`, or between `start` and now when that is later."""
    moment = build.clock.later(start, low, high)
    return moment if build.clock.has_happened(moment) else build.clock.between(start, build.clock.now)


def _plan_declines(build: Build, plan: FilePlan, pool: ReviewerPool, assigned_at: datetime, busy: set[int]) -> None:
    rng = build.rng
    if plan.group not in (RANKED, UNDER_REVIEW) and rng.random() < CANCELLED_SHARE:
        for reviewer in pool.pick(build, plan.org.pk, 1, exclude=busy):
            busy.add(reviewer)
            # Cancelled by the officer after the reviewer let the due date pass without a declaration.
            plan.assignments.append(AssignmentPlan(reviewer, AssignmentState.CANCELLED, assigned_at, plan.officer_id))
    if rng.random() < CONFLICT_SHARE:
        reviewer = pool.conflicted(build, plan.org.pk, busy)
        if reviewer is not None:
            busy.add(reviewer)
            kind = rng.choice((ConflictKind.FAMILY, ConflictKind.FINANCIAL, ConflictKind.OTHER))
            plan.assignments.append(
                AssignmentPlan(
                    reviewer,
                    AssignmentState.DECLINED,
                    assigned_at,
                    plan.officer_id,
                    declared_at=_before_now(build, assigned_at, 0, 3),
                    conflict_kind=str(kind),
                    decline_reason="Conflit d’intérêts déclaré.",
                )
            )
    elif rng.random() < UNAVAILABLE_SHARE:
        for reviewer in pool.pick(build, plan.org.pk, 1, exclude=busy):
            plan.assignments.append(
                AssignmentPlan(
                    reviewer,
                    AssignmentState.DECLINED,
                    assigned_at,
                    plan.officer_id,
                    declared_at=_before_now(build, assigned_at, 0, 3),
                    decline_reason=UNAVAILABLE_REASON,
                )
            )


def _assignment(
    build: Build, plan: FilePlan, pool: ReviewerPool, reviewer: int, assigned_at: datetime, prior: bool
) -> AssignmentPlan:
    clock = build.clock
    bias = pool.bias[reviewer]
    assignment = AssignmentPlan(reviewer, AssignmentState.ASSIGNED, assigned_at, plan.officer_id)
    declared_at = clock.later(assigned_at, 0, 4)
    if not clock.has_happened(declared_at):
        return assignment
    assignment.state, assignment.declared_at = AssignmentState.ACCEPTED, declared_at
    submitted_at = clock.later(declared_at, 2, 21)
    if clock.has_happened(submitted_at):
        assignment.state = AssignmentState.SUBMITTED
        assignment.review = score(build, plan, bias, prior, submitted_at=submitted_at)
    elif build.rng.random() < 0.5:
        assignment.review = score(build, plan, bias, prior, draft_at=clock.between(declared_at, clock.now))
    return assignment


def _keep_one_pending(build: Build, plan: FilePlan, pool: ReviewerPool, prior: bool) -> None:
    """Keep at least one review of a file under review unsubmitted, as its state requires."""
    active = [item for item in plan.assignments if item.state in AssignmentState.active()]
    if not active or any(item.state != AssignmentState.SUBMITTED for item in active):
        return
    last = active[-1]
    last.state = AssignmentState.ACCEPTED
    draft_at = build.clock.between(last.declared_at, build.clock.now)
    last.review = score(build, plan, pool.bias[last.reviewer_id], prior, draft_at=draft_at)


def score(
    build: Build,
    plan: FilePlan,
    bias: float,
    prior: bool,
    *,
    submitted_at: datetime | None = None,
    draft_at: datetime | None = None,
) -> ReviewPlan:
    """Score every criterion of the call (a submitted review) or the first ones (a draft).

    A reviewer scores around the file's quality, moved by their own habit and some noise. The criterion on a
    previous agreement is « not applicable » unless the organization had one.
    """
    rng = build.rng
    criteria = plan.call.criteria
    answered = criteria if submitted_at else criteria[: rng.randint(1, len(criteria) - 1)]
    scores, parts = [], []
    for criterion in answered:
        if criterion.allows_not_applicable and not prior:
            scores.append((criterion.pk, None, True))
            parts.append(CriterionScore(weight=criterion.weight, maximum=criterion.maximum, score=None))
            continue
        # Scores are on 10 around the quality, then scaled to the criterion's maximum by steps of 0.5.
        raw = (plan.quality + bias + rng.gauss(0, 0.9)) * float(criterion.maximum) / 10
        value = min(criterion.maximum, max(Decimal(0), Decimal(round(raw * 2)) * HALF)).quantize(CENT)
        scores.append((criterion.pk, value, False))
        parts.append(CriterionScore(weight=criterion.weight, maximum=criterion.maximum, score=value))
    total = reviewer_total(parts)
    recommendation = ""
    if submitted_at or rng.random() < 0.5:
        recommendation = _recommendation(total)
    return ReviewPlan(
        scores=scores,
        total=total,
        recommendation=recommendation,
        comment=names.REVIEW_COMMENTS[recommendation] if recommendation else "",
        updated_at=submitted_at or draft_at,
        submitted_at=submitted_at,
    )


def _recommendation(total: Decimal | None) -> str:
    if total is not None and total >= 75:
        return Recommendation.FUND
    if total is not None and total >= 60:
        return Recommendation.FUND_WITH_CONDITIONS
    return Recommendation.DO_NOT_FUND
