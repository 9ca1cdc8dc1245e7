"""The guards of reviews.services: who may be assigned, declarations, scores, submission and closing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationState
from common.models import Document
from reviews import selectors, services
from reviews.models import Affiliation, AssignmentState, ConflictKind, Review, ReviewAssignment
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory
from tests.reviews.conftest import accept, assign, make_under_review, score_all, submitted_review

pytestmark = pytest.mark.django_db


def state_of(model_object) -> str:
    return type(model_object).objects.values_list("state", flat=True).get(pk=model_object.pk)


# Assigning


def test_assign_refuses_a_non_reviewer(under_review, officer):
    with pytest.raises(services.ReviewError, match="is not a reviewer"):
        assign(under_review, UserFactory(), officer)
    assert not ReviewAssignment.objects.exists()


def test_assign_refuses_an_affiliated_reviewer(under_review, reviewer, officer):
    Affiliation.objects.create(
        reviewer=reviewer, organization=under_review.organization, kind=ConflictKind.BOARD_MEMBER
    )
    with pytest.raises(services.ReviewError, match="Recorded affiliation"):
        assign(under_review, reviewer, officer)


def test_assign_refuses_a_conflict_declared_on_another_file_of_the_organization(under_review, reviewer, officer):
    # Another call: an organization applies once per call.
    other_file = make_under_review(officer, organization=under_review.organization, created_by=under_review.created_by)
    services.declare_conflict(
        assignment=assign(other_file, reviewer, officer), actor=reviewer, has_conflict=True, kind=ConflictKind.FAMILY
    )
    with pytest.raises(services.ReviewError, match="Conflict of interest declared"):
        assign(under_review, reviewer, officer)


def test_assign_refuses_a_file_not_under_review(reviewer, officer):
    draft = ApplicationFactory()
    with pytest.raises(services.ReviewError, match="only while the file is under review"):
        assign(draft, reviewer, officer)


def test_assign_refuses_a_past_due_date(under_review, reviewer, officer):
    with pytest.raises(services.ReviewError, match="after today"):
        services.assign_reviewer(
            application=under_review, reviewer=reviewer, due_on=timezone.localdate(), actor=officer
        )


def test_assign_only_by_an_officer(under_review, reviewer, other_reviewer):
    with pytest.raises(services.ReviewError, match="Only a program officer"):
        assign(under_review, reviewer, other_reviewer)


def test_double_assign_is_already_done_with_one_row(under_review, reviewer, officer):
    assign(under_review, reviewer, officer)
    with pytest.raises(services.AlreadyDone):
        assign(under_review, reviewer, officer)
    assert ReviewAssignment.objects.filter(application=under_review, reviewer=reviewer).count() == 1


def test_assign_notifies_the_reviewer_with_the_assignment_link(assignment):
    from common.models import Notification

    notification = Notification.objects.get(recipient=assignment.reviewer)
    assert notification.link == f"/evaluations/affectations/{assignment.pk}/"
    assert notification.context["reference"] == assignment.application.reference


# Declaring


def test_no_conflict_accepts(assignment):
    accept(assignment)
    assert state_of(assignment) == AssignmentState.ACCEPTED


def test_declaring_a_conflict_declines_and_hides(assignment, reviewer):
    services.declare_conflict(assignment=assignment, actor=reviewer, has_conflict=True, kind=ConflictKind.EMPLOYEE)
    assert state_of(assignment) == AssignmentState.DECLINED
    assert not selectors.assignments_visible_to(reviewer).exists()
    assert not Application.objects.visible_to(reviewer).exists()
    assert not reviewer.has_perm("reviews.view_assignment", ReviewAssignment.objects.get(pk=assignment.pk))


def test_conflict_needs_a_kind(assignment, reviewer):
    with pytest.raises(services.ReviewError, match="kind of conflict"):
        services.declare_conflict(assignment=assignment, actor=reviewer, has_conflict=True)
    assert state_of(assignment) == AssignmentState.ASSIGNED


def test_declaring_twice_is_already_done(assignment, reviewer):
    accept(assignment)
    with pytest.raises(services.AlreadyDone):
        accept(assignment)


def test_only_the_reviewer_declares(assignment, other_reviewer):
    with pytest.raises(services.ReviewError):
        services.declare_conflict(assignment=assignment, actor=other_reviewer, has_conflict=False)


def test_decline_needs_a_reason(assignment, reviewer):
    with pytest.raises(services.ReviewError, match="reason"):
        services.decline_assignment(assignment=assignment, actor=reviewer, reason="  ")
    services.decline_assignment(assignment=assignment, actor=reviewer, reason="En vacances.")
    assert state_of(assignment) == AssignmentState.DECLINED
    # Declined for unavailability: the reviewer still sees the assignment in their list.
    assert selectors.assignments_visible_to(reviewer).filter(pk=assignment.pk).exists()


# Scoring


def criteria_of(assignment):
    return list(assignment.application.call.criteria.order_by("position"))


def save(assignment, scores, recommendation="fund"):
    return services.save_review(
        assignment=assignment,
        actor=assignment.reviewer,
        scores=scores,
        overall_comment="",
        recommendation=recommendation,
        suggested={1: Decimal("30000")},
    )


def test_not_applicable_refused_where_not_allowed(accepted):
    first = criteria_of(accepted)[0]
    with pytest.raises(services.ReviewError, match="Not applicable"):
        save(accepted, {first.pk: (None, True, "")})


def test_not_applicable_accepted_where_allowed(accepted):
    first, second, third = criteria_of(accepted)
    first.allows_not_applicable = True
    first.save()
    review = save(
        accepted, {first.pk: (None, True, ""), second.pk: (Decimal(7), False, ""), third.pk: (Decimal(6), False, "")}
    )
    assert review.total == Decimal("65.83")


def test_score_over_maximum_refused(accepted):
    first = criteria_of(accepted)[0]
    with pytest.raises(services.ReviewError, match="between 0 and 10"):
        save(accepted, {first.pk: (Decimal("10.5"), False, "")})
    assert not Review.objects.filter(assignment=accepted, scores__isnull=False).exists()


def test_scoring_refused_before_the_declaration(assignment):
    with pytest.raises(services.ReviewError):
        save(assignment, {})


def test_submit_refused_until_every_criterion_is_answered(accepted):
    first, second, _third = criteria_of(accepted)
    save(accepted, {first.pk: (Decimal(8), False, ""), second.pk: (Decimal(7), False, "")})
    with pytest.raises(services.ReviewError, match="1 left"):
        services.submit_review(assignment=accepted, actor=accepted.reviewer)
    assert state_of(accepted) == AssignmentState.ACCEPTED


def test_submit_needs_a_recommendation(accepted):
    score_all(accepted, recommendation="")
    with pytest.raises(services.ReviewError, match="recommendation"):
        services.submit_review(assignment=accepted, actor=accepted.reviewer)


def test_submit_records_the_total(accepted):
    submitted = submitted_review(accepted)
    assert submitted.state == AssignmentState.SUBMITTED
    assert submitted.review.total == Decimal("71.50")
    with pytest.raises(services.AlreadyDone):
        services.submit_review(assignment=accepted, actor=accepted.reviewer)


# Closing and reopening


@pytest.fixture
def second_reviewer_assignment(under_review, other_reviewer, officer):
    return accept(assign(under_review, other_reviewer, officer))


def test_close_refused_below_quorum(accepted, officer):
    submitted_review(accepted)
    with pytest.raises(services.ReviewError, match="needs 2 submitted reviews"):
        services.close_review(application=accepted.application, actor=officer)


def test_close_refused_with_pending_reviews(accepted, second_reviewer_assignment, officer):
    submitted_review(accepted)
    with pytest.raises(services.ReviewError, match="not submitted yet"):
        services.close_review(application=accepted.application, actor=officer)


def test_close_accepted_then_reopened(accepted, second_reviewer_assignment, officer):
    submitted_review(accepted)
    submitted_review(second_reviewer_assignment, (4, 5, 6))
    application = services.close_review(application=accepted.application, actor=officer)
    assert application.state == ApplicationState.EVALUATED
    with pytest.raises(services.AlreadyDone):
        services.close_review(application=application, actor=officer)
    with pytest.raises(services.ReviewError, match="Reopen the file"):
        services.reopen_review(assignment=accepted, actor=officer, reason="Erreur de saisie.")
    services.reopen_file_review(application=application, actor=officer, reason="Nouvelle information.")
    assert state_of(application) == ApplicationState.UNDER_REVIEW
    services.reopen_review(assignment=accepted, actor=officer, reason="Erreur de saisie.")
    assert state_of(accepted) == AssignmentState.ACCEPTED
    assert Review.objects.get(assignment=accepted).submitted_at is None


def scorecards_of(application):
    return Document.objects.filter(object_id=str(application.pk), kind="reviews.scorecard")


def test_close_queues_scorecard_once(accepted, second_reviewer_assignment, officer, django_capture_on_commit_callbacks):
    submitted_review(accepted)
    submitted_review(second_reviewer_assignment, (4, 5, 6))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application = services.close_review(application=accepted.application, actor=officer)

    assert len(callbacks) == 1
    scorecard = scorecards_of(application).get()
    assert scorecard.version == 1
    assert scorecard.created_by == officer
    assert scorecard.filename.startswith("Fiche d’évaluation")

    closing_again = pytest.raises(services.AlreadyDone)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, closing_again:
        services.close_review(application=application, actor=officer)

    assert callbacks == []
    assert scorecards_of(application).count() == 1


def test_refused_close_queues_no_scorecard(accepted, officer, django_capture_on_commit_callbacks):
    submitted_review(accepted)

    below_quorum = pytest.raises(services.ReviewError, match="needs 2 submitted reviews")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, below_quorum:
        services.close_review(application=accepted.application, actor=officer)

    assert callbacks == []
    assert not scorecards_of(accepted.application).exists()


def test_cancel_refused_once_submitted(accepted, officer):
    submitted_review(accepted)
    with pytest.raises(services.ReviewError, match="reopen it instead"):
        services.cancel_assignment(assignment=accepted, actor=officer, reason="Plus nécessaire.")


def test_cancelled_assignment_frees_the_reviewer(assignment, reviewer, officer):
    services.cancel_assignment(assignment=assignment, actor=officer, reason="Mauvaise personne.")
    assert not selectors.assignments_visible_to(reviewer).exists()
    again = assign(assignment.application, reviewer, officer)
    assert again.pk != assignment.pk
    assert ReviewAssignment.objects.filter(application=assignment.application, reviewer=reviewer).count() == 2
