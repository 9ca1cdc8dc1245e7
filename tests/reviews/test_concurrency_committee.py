"""Concurrent committee recommendations on one file: one recommendation, one history entry, no server error.

Each case runs two requests in two threads, each with its own database connection, released together. Only
PostgreSQL has the row locks this needs, so on SQLite the tests are skipped.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application, ApplicationState
from common.models import TransitionLog
from grants.models import Envelope
from reviews import committee
from reviews.models import CommitteeDecision, CommitteeRecommendation, RecommendedAmount
from reviews.services import AlreadyDone, ReviewError
from tests.conftest import requires_postgresql
from tests.factories import CallFactory, UserFactory
from tests.reviews.test_decisions import restore_role_groups, run_at_once
from tests.reviews.test_ranking import evaluated_file

pytestmark = [requires_postgresql, pytest.mark.django_db(transaction=True)]

RECOMMENDED_CODE = "applications.application.recommended"
NOT_RECOMMENDED_CODE = "applications.application.not_recommended"


def in_line_file() -> Application:
    """An evaluated file that passes and is within the envelope, so no decision needs a rationale."""
    call = CallFactory(code="ECI-2027", passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    Envelope.objects.create(call=call, fiscal_year="2028-2029", amount=Decimal("100000"))
    return evaluated_file(call, ["80"], requested=["40000", "30000"])


def record(application, actor, decision=CommitteeDecision.RECOMMEND, rationale=""):
    return committee.record_recommendation(
        application=application,
        actor=actor,
        decision=decision,
        amounts={1: Decimal("40000"), 2: Decimal("30000")},
        rationale=rationale,
    )


def committee_history(application):
    return TransitionLog.objects.filter(
        object_id=str(application.pk), transition__in=[RECOMMENDED_CODE, NOT_RECOMMENDED_CODE]
    )


@pytest.fixture
def application():
    restore_role_groups()
    return in_line_file()


def test_same_member_twice_records_once(application):
    member = UserFactory(roles=["committee_member"])

    outcomes = run_at_once(lambda: record(application, member), lambda: record(application, member))

    assert sum(isinstance(outcome, CommitteeRecommendation) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    assert CommitteeRecommendation.objects.filter(application=application).count() == 1
    assert RecommendedAmount.objects.filter(recommendation__application=application).count() == 2
    assert committee_history(application).count() == 1
    assert Application.objects.get(pk=application.pk).state == ApplicationState.RECOMMENDED


def test_two_members_opposite_decisions_record_one(application):
    first = UserFactory(roles=["committee_member"])
    second = UserFactory(roles=["committee_member"])

    outcomes = run_at_once(
        lambda: record(application, first, CommitteeDecision.RECOMMEND),
        lambda: record(application, second, CommitteeDecision.NOT_RECOMMEND, rationale="Projet trop coûteux."),
    )

    winners = [outcome for outcome in outcomes if isinstance(outcome, CommitteeRecommendation)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ReviewError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    assert "already recorded" in str(losers[0])
    recommendation = CommitteeRecommendation.objects.get(application=application)
    assert recommendation.decision == winners[0].decision
    assert committee_history(application).count() == 1
    expected_state = {
        CommitteeDecision.RECOMMEND: ApplicationState.RECOMMENDED,
        CommitteeDecision.NOT_RECOMMEND: ApplicationState.NOT_RECOMMENDED,
    }[recommendation.decision]
    assert Application.objects.get(pk=application.pk).state == expected_state


def post_recommendation(member, application, language_cookie):
    """Post the recommendation form as `member`, from a browser of their own, and return the response."""
    browser = Client()
    browser.cookies[language_cookie] = "en"
    browser.force_login(member)
    return browser.post(
        reverse("reviews:recommend", kwargs={"pk": application.pk}),
        {"decision": CommitteeDecision.RECOMMEND, "rationale": "", "amount_1": "40000", "amount_2": "30000"},
    )


def test_two_members_posting_at_once_get_no_error(application, settings):
    members = [UserFactory(roles=["committee_member"]) for _ in range(2)]
    cookie = settings.LANGUAGE_COOKIE_NAME

    responses = run_at_once(
        *[lambda member=member: post_recommendation(member, application, cookie) for member in members]
    )

    ranking_url = reverse("reviews:ranking", kwargs={"code": application.call.code})
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code == 302, response.status_code
        assert response.url == ranking_url
    assert CommitteeRecommendation.objects.filter(application=application).count() == 1
    assert committee_history(application).count() == 1
