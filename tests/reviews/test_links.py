"""Links to the review pages: the committee's recommendation and the ranking on the file page, and the panels."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, ApplicationState
from reviews import committee
from reviews.models import CommitteeDecision
from tests.factories import CallFactory, MembershipFactory, UserFactory
from tests.reviews.test_ranking import evaluated_file

pytestmark = pytest.mark.django_db

RATIONALE = "Projet prioritaire pour la région."


def recommended_file(call):
    application = evaluated_file(call, ["80", "70"], requested=["40000", "30000"])
    committee.record_recommendation(
        application=application,
        actor=UserFactory(roles=["committee_member"]),
        decision=CommitteeDecision.RECOMMEND,
        amounts={1: Decimal("35000"), 2: Decimal("30000")},
        rationale=RATIONALE,
    )
    application.refresh_from_db()
    return application


def under_review_file(call):
    organization = MembershipFactory(is_representative=True).organization
    return Application.objects.create(
        call=call,
        organization=organization,
        created_by=organization.memberships.first().user,
        state=ApplicationState.UNDER_REVIEW,
        reference=f"{call.code}-R{Application.objects.count() + 1:03d}",
    )


def detail(client, user, application) -> str:
    client.force_login(user)
    response = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    return response.content.decode()


def ranking_url(call) -> str:
    return reverse("reviews:ranking", kwargs={"code": call.code})


# The file page


def test_officer_sees_the_recommendation_and_the_ranking_link(client, officer):
    call = CallFactory(code="ECI-2027")
    application = recommended_file(call)
    content = detail(client, officer, application)
    assert "Recommendation of the selection committee" in content
    assert RATIONALE in content
    assert "Amount recommended, year 2" in content
    assert ranking_url(call) in content


def test_decision_maker_sees_ranking_link(client):
    call = CallFactory()
    application = evaluated_file(call, ["75", "65"], requested=["10000"])
    content = detail(client, UserFactory(roles=["decision_maker"]), application)
    assert ranking_url(call) in content
    assert "Recommendation of the selection committee" not in content


def test_applicant_sees_neither_the_recommendation_nor_the_ranking(client):
    call = CallFactory()
    application = recommended_file(call)
    content = detail(client, application.organization.memberships.first().user, application)
    assert "Recommendation of the selection committee" not in content
    assert ranking_url(call) not in content
    assert RATIONALE not in content


def test_no_ranking_link_before_the_file_is_evaluated(client, officer):
    call = CallFactory()
    content = detail(client, officer, under_review_file(call))
    assert ranking_url(call) not in content


def test_committee_member_still_cannot_open_the_file_page(client):
    application = recommended_file(CallFactory())
    client.force_login(UserFactory(roles=["committee_member"]))
    assert client.get(reverse("applications:detail", kwargs={"pk": application.pk})).status_code == 404


# Dashboard panels


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return response


def panel_of(response, title):
    return next(panel for panel in response.context["panels"] if panel.title == title)


def test_committee_member_dashboard_links_to_the_ranking(client):
    call = CallFactory()
    evaluated_file(call, ["80", "70"], requested=["10000"])
    evaluated_file(call, ["60", "70"], requested=["10000"])
    recommended_file(call)
    response = dashboard(client, UserFactory(roles=["committee_member"]))
    content = response.content.decode()
    assert ranking_url(call) in content
    panel = panel_of(response, "Selection committee")
    assert [row.count for row in panel.context["rows"]] == [3]
    assert "recommendation: 2" in panel.context["summary"]


def test_decision_maker_dashboard_lists_calls_with_recommended_files(client):
    with_recommendation = CallFactory()
    recommended_file(with_recommendation)
    only_evaluated = CallFactory()
    evaluated_file(only_evaluated, ["80", "70"], requested=["10000"])
    response = dashboard(client, UserFactory(roles=["decision_maker"]))
    rows = panel_of(response, "Committee recommendations").context["rows"]
    assert [row.call for row in rows] == [with_recommendation]
    assert ranking_url(with_recommendation) in response.content.decode()


def test_officer_dashboard_links_both_pages(client, officer):
    call = CallFactory(review_quorum=2)
    evaluated_file(call, ["80", "70"], requested=["10000"])
    under_review_file(call)
    under_review_file(call)
    response = dashboard(client, officer)
    content = response.content.decode()
    assert ranking_url(call) in content
    assert reverse("reviews:call_assignments", kwargs={"code": call.code}) in content
    staffing = panel_of(response, "Reviews of the calls").context["staffing"]
    assert [(row.call, row.count) for row in staffing] == [(call, 2)]


def test_manager_dashboard_has_no_assignment_link(client):
    call = CallFactory()
    under_review_file(call)
    evaluated_file(call, ["80", "70"], requested=["10000"])
    content = dashboard(client, UserFactory(roles=["program_manager"])).content.decode()
    assert ranking_url(call) in content
    assert reverse("reviews:call_assignments", kwargs={"code": call.code}) not in content


def test_reviewer_sees_none_of_the_call_panels(client):
    response = dashboard(client, UserFactory(roles=["reviewer"]))
    titles = {panel.title for panel in response.context["panels"]}
    assert not titles & {"Selection committee", "Committee recommendations", "Reviews of the calls"}


def calls_at_every_stage(count: int) -> None:
    for _index in range(count):
        call = CallFactory()
        evaluated_file(call, ["80", "70"], requested=["10000"])
        recommended_file(call)
        under_review_file(call)


def count_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["committee_member", "decision_maker", "program_officer", "program_manager"])
def test_panels_queries_constant(client, role):
    user = UserFactory(roles=[role])
    calls_at_every_stage(1)
    with_one = count_queries(client, user)
    calls_at_every_stage(2)
    with_three = count_queries(client, user)
    assert with_one == with_three


def test_decision_maker_sees_decide_links_on_ranking(client):
    call = CallFactory()
    application = recommended_file(call)
    client.force_login(UserFactory(roles=["decision_maker"]))
    content = client.get(ranking_url(call)).content.decode()
    assert reverse("reviews:decide", kwargs={"pk": application.pk}) in content
    assert reverse("reviews:decide_bulk", kwargs={"code": call.code}) in content
