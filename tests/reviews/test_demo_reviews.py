"""The demo review stage of `make run`: reviews, a declared conflict, an affiliation and a recommendation."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from applications.demo import DEMO_CALL_CODE
from applications.models import Application, ApplicationState
from common.models import TransitionLog
from reviews.models import (
    Affiliation,
    AssignmentState,
    CommitteeRecommendation,
    ConflictDeclaration,
    RecommendedAmount,
    Review,
    ReviewAssignment,
)

pytestmark = pytest.mark.django_db

LATER_STATES = [ApplicationState.EVALUATED, ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED]


def counts() -> dict[str, int]:
    models = [
        User,
        Affiliation,
        ReviewAssignment,
        ConflictDeclaration,
        Review,
        CommitteeRecommendation,
        RecommendedAmount,
        TransitionLog,
    ]
    return {model.__name__: model.objects.count() for model in models}


def load(command: str) -> str:
    output = io.StringIO()
    call_command(command, stdout=output)
    return output.getvalue()


@pytest.fixture
def demo():
    for command in ("load_program", "load_demo", "load_demo_applications"):
        load(command)
    return load("load_demo_reviews")


def test_demo_prints_one_line_per_action(demo):
    assert "declared a conflict of interest on ECI-2027-0005" in demo
    assert "recorded the committee's recommendation" in demo


def test_demo_twice_changes_nothing(demo):
    before = counts()
    output = load("load_demo_reviews")
    assert counts() == before
    assert "nothing changed" in output


def test_demo_file_has_two_reviews(demo):
    application = Application.objects.get(call__code=DEMO_CALL_CODE, reference="ECI-2027-0005")
    assert application.state in LATER_STATES
    submitted = ReviewAssignment.objects.filter(application=application, state=AssignmentState.SUBMITTED)
    assert submitted.count() == 2
    assert all(assignment.review.submitted_at is not None for assignment in submitted)
    recommendation = CommitteeRecommendation.objects.get(application=application)
    assert recommendation.recommended_amounts.count() == 3


def test_demo_has_a_conflict_and_an_affiliation(demo):
    declined = ReviewAssignment.objects.get(state=AssignmentState.DECLINED, declaration__has_conflict=True)
    assert declined.reviewer.email == "evaluatrice4@demo.qc.ca"
    affiliation = Affiliation.objects.get()
    assert affiliation.organization == declined.application.organization
    assert not ReviewAssignment.objects.filter(reviewer=affiliation.reviewer).exists()


def test_demo_reviews_need_the_demo_applications():
    load("load_program")
    load("load_demo")
    with pytest.raises(CommandError, match="load_demo_applications"):
        load("load_demo_reviews")
