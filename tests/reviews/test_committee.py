"""The committee's recommendation: who may record it, the amounts, the rationale when departing from the ranking."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationState
from common.models import TransitionLog
from grants.models import Envelope
from reviews import committee
from reviews.models import (
    Affiliation,
    CommitteeDecision,
    CommitteeRecommendation,
    ConflictKind,
    RecommendedAmount,
)
from reviews.services import AlreadyDone, ReviewError
from tests.factories import CallFactory, UserFactory
from tests.reviews.test_ranking import evaluated_file

pytestmark = pytest.mark.django_db

RECOMMEND = CommitteeDecision.RECOMMEND
NOT_RECOMMEND = CommitteeDecision.NOT_RECOMMEND


@pytest.fixture
def call():
    call = CallFactory(code="ECI-2027", passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    Envelope.objects.create(call=call, fiscal_year="2028-2029", amount=Decimal("100000"))
    return call


@pytest.fixture
def in_line(call):
    """A file that passes and is within the envelope."""
    return evaluated_file(call, ["80"], requested=["40000", "30000"])


@pytest.fixture
def below_threshold(call):
    return evaluated_file(call, ["50"], requested=["10000"])


@pytest.fixture
def committee_member():
    return UserFactory(roles=["committee_member"])


def record(application, actor, decision=RECOMMEND, amounts=None, rationale=""):
    if amounts is None:
        amounts = {1: Decimal("40000"), 2: Decimal("30000")}
    return committee.record_recommendation(
        application=application, actor=actor, decision=decision, amounts=amounts, rationale=rationale
    )


def state_of(application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


def history(application, code):
    return TransitionLog.objects.filter(object_id=str(application.pk), transition=code)


def test_recommend_in_line_records_amounts(in_line, committee_member):
    recommendation = record(in_line, committee_member, amounts={1: Decimal("35000"), 2: Decimal("30000")})

    assert state_of(in_line) == ApplicationState.RECOMMENDED
    assert recommendation.departs_from_ranking is False
    assert dict(
        RecommendedAmount.objects.filter(recommendation=recommendation).values_list("project_year", "amount")
    ) == {1: Decimal("35000"), 2: Decimal("30000")}
    assert history(in_line, "applications.application.recommended").count() == 1


def test_not_recommend_below_threshold_no_rationale(below_threshold, committee_member):
    recommendation = record(below_threshold, committee_member, decision=NOT_RECOMMEND, amounts={})

    assert state_of(below_threshold) == ApplicationState.NOT_RECOMMENDED
    assert recommendation.departs_from_ranking is False
    assert not recommendation.recommended_amounts.exists()
    assert history(below_threshold, "applications.application.not_recommended").count() == 1


@pytest.mark.parametrize("role", ["program_officer", "program_manager", "decision_maker", "reviewer"])
def test_recommend_committee_members_only(in_line, role):
    with pytest.raises(ReviewError, match="Only a member of the selection committee"):
        record(in_line, UserFactory(roles=[role]))

    assert state_of(in_line) == ApplicationState.EVALUATED


def test_recommend_conflicted_member_rejected(in_line, committee_member):
    Affiliation.objects.create(reviewer=committee_member, organization=in_line.organization, kind=ConflictKind.FAMILY)

    with pytest.raises(ReviewError, match="cannot make a recommendation on this file"):
        record(in_line, committee_member)

    assert not CommitteeRecommendation.objects.exists()


def test_recommend_amount_above_request_rejected(in_line, committee_member):
    with pytest.raises(ReviewError, match="Year 2: the recommended amount cannot exceed"):
        record(in_line, committee_member, amounts={1: Decimal("40000"), 2: Decimal("30000.01")})

    assert state_of(in_line) == ApplicationState.EVALUATED


def test_recommend_unrequested_year_rejected(in_line, committee_member):
    with pytest.raises(ReviewError, match="Year 3"):
        record(in_line, committee_member, amounts={1: Decimal("1000"), 3: Decimal("1")})


def test_recommend_without_amount_rejected(in_line, committee_member):
    with pytest.raises(ReviewError, match="at least one project year"):
        record(in_line, committee_member, amounts={1: Decimal("0")})


def test_recommend_unevaluated_file_rejected(in_line, committee_member):
    Application.objects.filter(pk=in_line.pk).update(state=ApplicationState.UNDER_REVIEW)

    with pytest.raises(ReviewError, match="Only an evaluated file"):
        record(in_line, committee_member)


def test_recommend_below_threshold_needs_rationale(below_threshold, committee_member):
    with pytest.raises(ReviewError, match="departs from the ranking"):
        record(below_threshold, committee_member, amounts={1: Decimal("10000")})

    recommendation = record(
        below_threshold, committee_member, amounts={1: Decimal("10000")}, rationale="Seul projet en région."
    )

    assert recommendation.departs_from_ranking is True
    assert recommendation.rationale == "Seul projet en région."
    assert history(below_threshold, "applications.application.recommended").get().reason == "Seul projet en région."


def test_recommend_below_funding_line_needs_rationale(call, in_line, committee_member):
    below_line = evaluated_file(call, ["70"], requested=["70000"])

    with pytest.raises(ReviewError, match="departs from the ranking"):
        record(below_line, committee_member, amounts={1: Decimal("70000")})


def test_not_recommend_in_line_needs_rationale(in_line, committee_member):
    with pytest.raises(ReviewError, match="departs from the ranking"):
        record(in_line, committee_member, decision=NOT_RECOMMEND, amounts={})

    recommendation = record(in_line, committee_member, decision=NOT_RECOMMEND, amounts={}, rationale="Doublon.")

    assert recommendation.departs_from_ranking is True


def test_recommend_twice_already_done(in_line, committee_member):
    record(in_line, committee_member)

    with pytest.raises(AlreadyDone):
        record(in_line, committee_member)

    assert CommitteeRecommendation.objects.count() == 1
    assert history(in_line, "applications.application.recommended").count() == 1


def test_recommend_history_label_registered():
    from common.models.audit import TRANSITION_LABELS

    assert str(TRANSITION_LABELS["applications.application.recommended"]) == "Recommended by the selection committee"
    assert "applications.application.not_recommended" in TRANSITION_LABELS


def test_recommend_page_conflicts_match_service(in_line, committee_member):
    Affiliation.objects.create(reviewer=committee_member, organization=in_line.organization, kind=ConflictKind.FAMILY)

    assert in_line.organization_id in committee.conflicted_organization_ids(committee_member)


# The recommendation page


def recommend_url(application):
    return reverse("reviews:recommend", kwargs={"pk": application.pk})


def post_data(decision=RECOMMEND, rationale="", **amounts):
    data = {"decision": decision, "rationale": rationale}
    data.update({f"amount_{key[1:]}": value for key, value in amounts.items()})
    return data


def test_recommend_form_prefilled_with_request(client, in_line, committee_member):
    client.force_login(committee_member)

    response = client.get(recommend_url(in_line))

    assert response.status_code == 200
    assert response.context["form"]["amount_1"].value() == "40000.00"
    assert response.context["form"]["amount_2"].value() == "30000.00"


@pytest.mark.parametrize("role", ["program_officer", "decision_maker", "reviewer"])
def test_recommend_page_404_for_non_members(client, in_line, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(recommend_url(in_line)).status_code == 404
    assert client.post(recommend_url(in_line), post_data(y1="1000")).status_code == 404
    assert state_of(in_line) == ApplicationState.EVALUATED


def test_recommend_page_404_for_conflicted_member(client, in_line, committee_member):
    Affiliation.objects.create(reviewer=committee_member, organization=in_line.organization, kind=ConflictKind.FAMILY)
    client.force_login(committee_member)

    assert client.get(recommend_url(in_line)).status_code == 404
    assert client.post(recommend_url(in_line), post_data(y1="1000")).status_code == 404


def test_recommend_page_records_recommendation(client, call, in_line, committee_member):
    client.force_login(committee_member)

    response = client.post(recommend_url(in_line), post_data(y1="35 000,00", y2="30000"))

    assert response.status_code == 302
    assert response.url == reverse("reviews:ranking", kwargs={"code": call.code})
    recommendation = CommitteeRecommendation.objects.get(application=in_line)
    assert recommendation.recommended_amounts.get(project_year=1).amount == Decimal("35000")
    ranking_page = client.get(response.url).content.decode()
    assert "Year 1: $35,000.00" in ranking_page


def test_recommend_page_shows_amount_error(client, in_line, committee_member):
    client.force_login(committee_member)

    response = client.post(recommend_url(in_line), post_data(y1="40000.01", y2="0"))

    assert response.status_code == 200
    assert "cannot exceed the amount requested" in response.content.decode()
    assert state_of(in_line) == ApplicationState.EVALUATED


def test_recommend_page_twice_already_done(client, in_line, committee_member):
    client.force_login(committee_member)
    client.post(recommend_url(in_line), post_data(y1="40000", y2="30000"))

    response = client.post(recommend_url(in_line), post_data(y1="40000", y2="30000"), follow=True)

    assert "already recorded" in response.content.decode()
    assert history(in_line, "applications.application.recommended").count() == 1
