"""Insert the planned review assignments, conflict declarations, reviews, scores and affiliations."""

from __future__ import annotations

from datetime import datetime

from oversight.scale.base import insert
from oversight.scale.plans import FilePlan
from oversight.scale.reviewing import CONFLICT_COMMENT, AssignmentPlan, ReviewerPool
from reviews.models import Affiliation, AssignmentState, ConflictDeclaration, Review, ReviewAssignment, Score

AFFILIATION_COMMENT = "Lien déclaré au ministère lors de la nomination au comité d’évaluation."


def insert_reviews(plans: list[FilePlan]) -> None:
    pairs = [(plan, item) for plan in plans for item in plan.assignments]
    rows = insert(
        ReviewAssignment,
        (
            dict(
                application_id=plan.pk,
                reviewer_id=item.reviewer_id,
                state=item.state,
                due_on=item.due_on,
                assigned_by_id=item.assigned_by,
                assigned_at=item.assigned_at,
                decline_reason=item.decline_reason,
            )
            for plan, item in pairs
        ),
    )
    for key, (_plan, item) in zip(rows, pairs, strict=True):
        item.pk = key
    assignments = [item for _plan, item in pairs]
    insert(ConflictDeclaration, (_declaration(item) for item in assignments if _declared(item)))
    reviewed = [item for item in assignments if item.review is not None]
    reviews = insert(
        Review,
        (
            dict(
                assignment_id=item.pk,
                overall_comment=item.review.comment,
                recommendation=item.review.recommendation,
                total=item.review.total,
                updated_at=item.review.updated_at,
                submitted_at=item.review.submitted_at,
            )
            for item in reviewed
        ),
    )
    insert(
        Score,
        (
            dict(review_id=review_id, criterion_id=criterion_id, value=value, not_applicable=not_applicable)
            for review_id, item in zip(reviews, reviewed, strict=True)
            for criterion_id, value, not_applicable in item.review.scores
        ),
    )


def _declared(item: AssignmentPlan) -> bool:
    """Return whether the reviewer made a declaration: an acceptance, or a decline for a conflict of interest."""
    accepted = item.state in (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED)
    return accepted or bool(item.conflict_kind)


def _declaration(item: AssignmentPlan) -> dict:
    return dict(
        assignment_id=item.pk,
        has_conflict=bool(item.conflict_kind),
        kind=item.conflict_kind,
        comment=CONFLICT_COMMENT if item.conflict_kind else "",
        declared_at=item.declared_at,
    )


def insert_affiliations(pool: ReviewerPool, recorded_at: datetime) -> None:
    insert(
        Affiliation,
        (
            dict(
                reviewer_id=reviewer,
                organization_id=organization,
                kind=kind,
                comment=AFFILIATION_COMMENT,
                recorded_at=recorded_at,
            )
            for reviewer, organization, kind in pool.affiliations
        ),
    )
