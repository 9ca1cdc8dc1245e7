"""Every write on review assignments, conflict declarations and reviews, and the closing of a file's review."""

import logging
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Role, User
from applications.models import Application, ApplicationState
from common.audit import record_transition
from common.documents import queue_document
from common.models import Notification
from common.notifications import notify
from common.text import normalize_text
from reviews.aggregation import CriterionScore, reviewer_total
from reviews.models import (
    Affiliation,
    AssignmentState,
    ConflictDeclaration,
    Review,
    ReviewAssignment,
    Score,
    SuggestedAmount,
)

logger = logging.getLogger(__name__)

# A criterion counts as answered when it has a score or is marked « not applicable ».
ANSWERED = Q(not_applicable=True) | Q(value__isnull=False)


class ReviewError(Exception):
    """A rule stopped the action; the message says what to do and is shown to the user."""


class AlreadyDone(ReviewError):
    """The same action already happened; nothing changed."""


def _require_officer(user) -> None:
    if not user.has_role(Role.PROGRAM_OFFICER):
        raise ReviewError(_("Only a program officer can do this."))


def _lock_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_for_update()
        .select_related("application", "application__call", "reviewer")
        .get(pk=assignment.pk)
    )


def _transition(assignment: ReviewAssignment, method: str, code: str, *, actor, reason: str = "", fields=()) -> None:
    source = assignment.state
    getattr(assignment, method)()
    assignment.save(update_fields=["state", *fields])
    record_transition(
        subject=assignment, transition=code, source=source, target=assignment.state, actor=actor, reason=reason
    )


def conflict_reason(*, reviewer: User, application: Application) -> str:
    """Return why `reviewer` may not review `application` (an affiliation or a declared conflict), or ""."""
    affiliation = Affiliation.objects.filter(reviewer=reviewer, organization_id=application.organization_id).first()
    if affiliation is not None:
        return _("Recorded affiliation with the organization: %(kind)s.") % {"kind": affiliation.get_kind_display()}
    declared = ConflictDeclaration.objects.filter(
        has_conflict=True,
        assignment__reviewer=reviewer,
        assignment__application__organization_id=application.organization_id,
    ).first()
    if declared is not None:
        return _("Conflict of interest declared with the organization: %(kind)s.") % {
            "kind": declared.get_kind_display()
        }
    return ""


def assign_reviewer(*, application: Application, reviewer: User, due_on: date, actor) -> ReviewAssignment:
    """Ask `reviewer` to review the file by `due_on`; never a reviewer in conflict with the organization.

    Side effects, in order: the assignment, its history entry, then after commit an e-mail to the reviewer.
    """
    _require_officer(actor)
    if not reviewer.has_role(Role.REVIEWER):
        raise ReviewError(_("%(name)s is not a reviewer.") % {"name": reviewer.get_full_name()})
    if due_on <= timezone.localdate():
        raise ReviewError(_("The due date must be after today."))
    reason = conflict_reason(reviewer=reviewer, application=application)
    if reason:
        raise ReviewError(
            _("%(name)s cannot review this file. %(reason)s") % {"name": reviewer.get_full_name(), "reason": reason}
        )
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.state != ApplicationState.UNDER_REVIEW:
                raise ReviewError(_("Reviewers can be assigned only while the file is under review."))
            if ReviewAssignment.objects.filter(
                application=locked, reviewer=reviewer, state__in=AssignmentState.active()
            ).exists():
                raise AlreadyDone(_("%(name)s is already assigned to this file.") % {"name": reviewer.get_full_name()})
            assignment = ReviewAssignment.objects.create(
                application=locked, reviewer=reviewer, due_on=due_on, assigned_by=actor
            )
            record_transition(
                subject=assignment,
                transition="reviews.assignment.assigned",
                source="",
                target=assignment.state,
                actor=actor,
            )
            notify(
                recipient=reviewer,
                event="reviews.assigned",
                key=f"reviews.assigned:{assignment.pk}",
                template="emails/reviews/assigned",
                context={"reference": locked.reference, "due_on": due_on.isoformat()},
                subject=assignment,
                link=reverse("reviews:assignment", kwargs={"pk": assignment.pk}),
            )
    except IntegrityError as error:
        raise AlreadyDone(
            _("%(name)s is already assigned to this file.") % {"name": reviewer.get_full_name()}
        ) from error
    return assignment


def declare_conflict(*, assignment: ReviewAssignment, actor, has_conflict: bool, kind: str = "", comment: str = ""):
    """Record the reviewer's declaration: no conflict accepts the assignment, a conflict declines it.

    After a declared conflict, the reviewer sees nothing more of the file, anywhere.
    """
    comment = normalize_text(comment)
    if has_conflict and not kind:
        raise ReviewError(_("Choose the kind of conflict of interest."))
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.reviewer_id != actor.pk:
            raise ReviewError(_("Only the assigned reviewer can declare conflicts of interest."))
        if hasattr(assignment, "declaration"):
            raise AlreadyDone(_("You already made your declaration for this file."))
        if assignment.state != AssignmentState.ASSIGNED:
            raise ReviewError(_("This assignment is no longer waiting for a declaration."))
        ConflictDeclaration.objects.create(
            assignment=assignment, has_conflict=has_conflict, kind=kind if has_conflict else "", comment=comment
        )
        if has_conflict:
            assignment.decline_reason = _("Conflict of interest declared.")
            _transition(
                assignment,
                "decline",
                "reviews.assignment.declined",
                actor=actor,
                reason=assignment.decline_reason,
                fields=["decline_reason"],
            )
            _forget_notifications(assignment, actor)
        else:
            _transition(assignment, "accept", "reviews.assignment.accepted", actor=actor)
    return assignment


def _forget_notifications(assignment: ReviewAssignment, reviewer) -> None:
    """Delete the reviewer's notifications about the assignment and its file: even its reference must not show."""
    subjects = Q(content_type=ContentType.objects.get_for_model(ReviewAssignment), object_id=str(assignment.pk)) | Q(
        content_type=ContentType.objects.get_for_model(Application), object_id=str(assignment.application_id)
    )
    Notification.objects.filter(subjects, recipient=reviewer).delete()


def decline_assignment(*, assignment: ReviewAssignment, actor, reason: str) -> ReviewAssignment:
    """Decline for a reason other than a conflict (unavailable, for example)."""
    reason = normalize_text(reason)
    if not reason:
        raise ReviewError(_("Give the reason for declining."))
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.reviewer_id != actor.pk:
            raise ReviewError(_("Only the assigned reviewer can decline this assignment."))
        if assignment.state == AssignmentState.DECLINED:
            raise AlreadyDone(_("You already declined this assignment."))
        if not can_proceed(assignment.decline):
            raise ReviewError(_("This assignment can no longer be declined."))
        assignment.decline_reason = reason
        _transition(
            assignment, "decline", "reviews.assignment.declined", actor=actor, reason=reason, fields=["decline_reason"]
        )
    return assignment


def cancel_assignment(*, assignment: ReviewAssignment, actor, reason: str) -> ReviewAssignment:
    _require_officer(actor)
    reason = normalize_text(reason)
    if not reason:
        raise ReviewError(_("Give the reason for cancelling the assignment."))
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.state == AssignmentState.CANCELLED:
            raise AlreadyDone(_("This assignment was already cancelled."))
        if not can_proceed(assignment.cancel):
            raise ReviewError(_("A submitted review cannot be cancelled; reopen it instead."))
        _transition(assignment, "cancel", "reviews.assignment.cancelled", actor=actor, reason=reason)
    return assignment


def save_review(
    *,
    assignment: ReviewAssignment,
    actor,
    scores: dict[int, tuple[Decimal | None, bool, str]],
    overall_comment: str,
    recommendation: str,
    suggested: dict[int, Decimal],
) -> Review:
    """Save a draft review: criterion id → (score, not applicable, comment), and suggested amounts per year.

    Each score must lie between 0 and the criterion's maximum, and « not applicable » is refused where the
    criterion does not allow it. The draft total is kept up to date.
    """
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.reviewer_id != actor.pk:
            raise ReviewError(_("Only the assigned reviewer can score this file."))
        if assignment.state != AssignmentState.ACCEPTED:
            raise ReviewError(_("This review cannot be changed now."))
        criteria = {criterion.pk: criterion for criterion in assignment.application.call.criteria.all()}
        review, _created = Review.objects.get_or_create(assignment=assignment)
        for criterion_id, (value, not_applicable, comment) in scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                continue
            if not_applicable and not criterion.allows_not_applicable:
                raise ReviewError(
                    _("« Not applicable » is not allowed for the criterion « %(name)s ».") % {"name": criterion.name}
                )
            if value is not None and not Decimal(0) <= value <= criterion.maximum:
                raise ReviewError(
                    _("The score of « %(name)s » must be between 0 and %(max)s.")
                    % {"name": criterion.name, "max": f"{criterion.maximum.normalize():f}"}
                )
            Score.objects.update_or_create(
                review=review,
                criterion=criterion,
                defaults={
                    "value": None if not_applicable else value,
                    "not_applicable": not_applicable,
                    "comment": normalize_text(comment),
                },
            )
        review.suggested_amounts.all().delete()
        SuggestedAmount.objects.bulk_create(
            SuggestedAmount(review=review, project_year=year, amount=amount)
            for year, amount in sorted(suggested.items())
        )
        review.overall_comment = normalize_text(overall_comment)
        review.recommendation = recommendation
        review.total = compute_total(review)
        review.save(update_fields=["overall_comment", "recommendation", "total", "updated_at"])
    return review


def compute_total(review: Review) -> Decimal | None:
    rows = review.scores.select_related("criterion")
    return reviewer_total(
        [
            CriterionScore(
                weight=row.criterion.weight,
                maximum=row.criterion.maximum,
                score=None if row.not_applicable else row.value,
            )
            for row in rows
            if row.not_applicable or row.value is not None
        ]
    )


def submit_review(*, assignment: ReviewAssignment, actor) -> Review:
    """Lock the review once every criterion has a score (or « not applicable ») and a recommendation is given."""
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.reviewer_id != actor.pk:
            raise ReviewError(_("Only the assigned reviewer can submit this review."))
        if assignment.state == AssignmentState.SUBMITTED:
            raise AlreadyDone(_("This review was already submitted."))
        if assignment.state != AssignmentState.ACCEPTED:
            raise ReviewError(_("This review cannot be submitted now."))
        review = Review.objects.filter(assignment=assignment).first()
        if review is None:
            raise ReviewError(_("Score the file before submitting the review."))
        answered = set(review.scores.filter(ANSWERED).values_list("criterion_id", flat=True))
        missing = assignment.application.call.criteria.exclude(pk__in=answered).count()
        if missing:
            raise ReviewError(_("Score every criterion first (%(count)d left).") % {"count": missing})
        if not review.recommendation:
            raise ReviewError(_("Choose a recommendation before submitting."))
        review.submitted_at = timezone.now()
        review.total = compute_total(review)
        review.save(update_fields=["submitted_at", "total", "updated_at"])
        _transition(assignment, "submit", "reviews.assignment.submitted", actor=actor)
    return review


def reopen_review(*, assignment: ReviewAssignment, actor, reason: str) -> ReviewAssignment:
    _require_officer(actor)
    reason = normalize_text(reason)
    if not reason:
        raise ReviewError(_("Give the reason for reopening the review."))
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.state == AssignmentState.ACCEPTED:
            raise AlreadyDone(_("This review is already open."))
        if assignment.application.state != ApplicationState.UNDER_REVIEW:
            raise ReviewError(_("Reopen the file's review first."))
        if not can_proceed(assignment.reopen):
            raise ReviewError(_("Only a submitted review can be reopened."))
        Review.objects.filter(assignment=assignment).update(submitted_at=None)
        _transition(assignment, "reopen", "reviews.assignment.reopened", actor=actor, reason=reason)
    return assignment


def close_review(*, application: Application, actor) -> Application:
    """Mark the file evaluated once every active assignment is submitted and the call's quorum is met.

    Side effects, in order: the state change, its history entry, then, once the transaction commits, the
    scorecard PDF (fiche d'évaluation). Closing again after a reopening queues a new version of the scorecard.
    """
    _require_officer(actor)
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        if application.state == ApplicationState.EVALUATED:
            raise AlreadyDone(_("The review of this file is already closed."))
        if application.state != ApplicationState.UNDER_REVIEW:
            raise ReviewError(_("Only a file under review can have its review closed."))
        active = ReviewAssignment.objects.filter(application=application, state__in=AssignmentState.active())
        pending = active.exclude(state=AssignmentState.SUBMITTED).count()
        if pending:
            raise ReviewError(_("%(count)d review(s) are not submitted yet.") % {"count": pending})
        submitted = active.filter(state=AssignmentState.SUBMITTED).count()
        if submitted < application.call.review_quorum:
            raise ReviewError(
                _("The call needs %(quorum)d submitted reviews; this file has %(count)d.")
                % {"quorum": application.call.review_quorum, "count": submitted}
            )
        source = application.state
        application.close_review()
        application.save(update_fields=["state", "updated_at"])
        record_transition(
            subject=application,
            transition="applications.application.review_closed",
            source=source,
            target=application.state,
            actor=actor,
        )
        queue_document(owner=application, kind="reviews.scorecard", actor=actor)
    logger.info("Review of application %s closed by user %s.", application.pk, actor.pk)
    return application


def reopen_file_review(*, application: Application, actor, reason: str) -> Application:
    _require_officer(actor)
    reason = normalize_text(reason)
    if not reason:
        raise ReviewError(_("Give the reason for reopening the review."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.state == ApplicationState.UNDER_REVIEW:
            raise AlreadyDone(_("The review of this file is already open."))
        if not can_proceed(application.reopen_review):
            raise ReviewError(_("Only an evaluated file can have its review reopened."))
        source = application.state
        application.reopen_review()
        application.save(update_fields=["state", "updated_at"])
        record_transition(
            subject=application,
            transition="applications.application.review_reopened",
            source=source,
            target=application.state,
            actor=actor,
            reason=reason,
        )
    return application
