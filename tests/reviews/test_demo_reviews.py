"""The demo review stage of `make run`: files in every review and decision state, and the ranking of the call."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organization, User
from applications.demo import DEMO_CALL_CODE
from applications.models import Application, ApplicationState
from common.models import Notification, TransitionLog
from grants.models import Call, Envelope
from reviews.decisions import approved_by_fiscal_year, recommended_amounts
from reviews.models import (
    Affiliation,
    ApprovedAmount,
    AssignmentState,
    CommitteeRecommendation,
    ConflictDeclaration,
    Decision,
    DecisionOutcome,
    RecommendedAmount,
    Review,
    ReviewAssignment,
    Score,
    SuggestedAmount,
)
from reviews.ranking import rank_call

pytestmark = pytest.mark.django_db

REVIEW_STAGE_STATES = [
    ApplicationState.UNDER_REVIEW,
    ApplicationState.EVALUATED,
    ApplicationState.RECOMMENDED,
    ApplicationState.NOT_RECOMMENDED,
    ApplicationState.APPROVED,
    ApplicationState.DECLINED,
]
# The history entry each state after « under review » needs, written by the service that moved the file there.
TRANSITION_TO = {
    ApplicationState.EVALUATED: "applications.application.review_closed",
    ApplicationState.RECOMMENDED: "applications.application.recommended",
    ApplicationState.NOT_RECOMMENDED: "applications.application.not_recommended",
    ApplicationState.APPROVED: "applications.application.approved",
    ApplicationState.DECLINED: "applications.application.declined",
}


def counts() -> dict[str, int]:
    models = [
        User,
        Organization,
        Application,
        Affiliation,
        ReviewAssignment,
        ConflictDeclaration,
        Review,
        Score,
        SuggestedAmount,
        CommitteeRecommendation,
        RecommendedAmount,
        Decision,
        ApprovedAmount,
        Notification,
        TransitionLog,
    ]
    return {model.__name__: model.objects.count() for model in models}


def load(command: str) -> str:
    output = io.StringIO()
    call_command(command, stdout=output)
    return output.getvalue()


def demo_files(state):
    return Application.objects.filter(call__code=DEMO_CALL_CODE, state=state)


def history(application, code):
    return TransitionLog.objects.filter(object_id=str(application.pk), transition=code)


@pytest.fixture
def demo():
    for command in ("load_program", "load_demo", "load_demo_applications"):
        load(command)
    return load("load_demo_reviews")


def test_demo_prints_one_line_per_action(demo):
    assert "declared a conflict of interest on ECI-2027-0005" in demo
    assert "recorded the committee's recommendation to fund" in demo
    assert "recorded the committee's recommendation not to fund" in demo
    assert "saved a draft review of" in demo
    assert "decision@demo.qc.ca approved" in demo
    assert "decision@demo.qc.ca declined" in demo


def test_demo_twice_changes_nothing(demo):
    before = counts()
    states = dict(Application.objects.values_list("pk", "state"))

    output = load("load_demo_reviews")

    assert counts() == before
    assert dict(Application.objects.values_list("pk", "state")) == states
    assert "nothing changed" in output


def test_demo_reaches_every_state_through_services(demo):
    for state in REVIEW_STAGE_STATES:
        assert demo_files(state).exists(), state
    for state, code in TRANSITION_TO.items():
        for application in demo_files(state):
            assert history(application, code).count() == 1, application.reference


def test_demo_file_under_review_has_each_assignment_state(demo):
    application = demo_files(ApplicationState.UNDER_REVIEW).get()
    assignments = ReviewAssignment.objects.filter(application=application)

    offered = assignments.get(state=AssignmentState.ASSIGNED)
    assert not ConflictDeclaration.objects.filter(assignment=offered).exists()
    draft = assignments.get(state=AssignmentState.ACCEPTED)
    assert draft.review.submitted_at is None
    assert draft.review.scores.exists()
    submitted = assignments.get(state=AssignmentState.SUBMITTED)
    assert submitted.review.submitted_at is not None


def test_demo_nikan_file_reviews_and_conflict(demo):
    application = Application.objects.get(call__code=DEMO_CALL_CODE, reference="ECI-2027-0005")
    assert application.state == ApplicationState.RECOMMENDED
    submitted = ReviewAssignment.objects.filter(application=application, state=AssignmentState.SUBMITTED)
    assert submitted.count() == 2
    assert all(assignment.review.submitted_at is not None for assignment in submitted)
    recommendation = CommitteeRecommendation.objects.get(application=application)
    assert recommendation.recommended_amounts.count() == 3

    declined = ReviewAssignment.objects.get(state=AssignmentState.DECLINED, declaration__has_conflict=True)
    assert declined.application == application
    assert declined.reviewer.email == "evaluatrice4@demo.qc.ca"
    affiliation = Affiliation.objects.get()
    assert affiliation.organization == application.organization
    assert not ReviewAssignment.objects.filter(
        reviewer=affiliation.reviewer, application__organization=affiliation.organization
    ).exists()


def test_demo_ranking_shows_funding_line(demo):
    ranking = rank_call(Call.objects.get(code=DEMO_CALL_CODE))

    assert len(ranking.files) >= 4
    assert any(item.within_envelope for item in ranking.files)
    assert any(not item.within_envelope for item in ranking.files)


def test_demo_decisions_follow_the_rules(demo):
    approved = demo_files(ApplicationState.APPROVED).get()
    approval = Decision.objects.get(application=approved, outcome=DecisionOutcome.APPROVED)
    granted = dict(approval.approved_amounts.values_list("project_year", "amount"))
    assert granted == recommended_amounts(approved)
    envelopes = dict(Envelope.objects.filter(call=approved.call).values_list("fiscal_year", "amount"))
    for fiscal_year, total in approved_by_fiscal_year(approved.call).items():
        assert total <= envelopes[fiscal_year], fiscal_year

    declined = demo_files(ApplicationState.DECLINED).get()
    refusal = Decision.objects.get(application=declined, outcome=DecisionOutcome.DECLINED)
    assert refusal.reason
    assert history(declined, TRANSITION_TO[ApplicationState.DECLINED]).get().reason == refusal.reason


def test_demo_reviews_need_the_demo_applications():
    load("load_program")
    load("load_demo")
    with pytest.raises(CommandError, match="load_demo_applications"):
        load("load_demo_reviews")
