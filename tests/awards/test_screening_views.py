"""The program officer's nomination pages: the filtered list, the nomination page, its actions and downloads."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.dashboards import screening_panel
from awards.models import Nomination, NominationState
from tests.awards.conftest import category, draft, eligible, make_edition, nominate, refreshed, start_round1
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("awards:screening_list")


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Serve the pages in English, so that messages compare with their msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def detail_url(nomination) -> str:
    return reverse("awards:screening_detail", args=[nomination.pk])


def action_url(name: str, nomination) -> str:
    return reverse(f"awards:screening_{name}", args=[nomination.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed(client, user, **params) -> list[Nomination]:
    client.force_login(user)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return list(response.context["nominations"])


def outsiders(jurors) -> dict:
    """Users who may not see the staff pages: a juror, a nominator, an applicant and a reviewer."""
    return {
        "juror": jurors[1],
        "nominator": UserFactory(),
        "applicant": MembershipFactory(is_representative=True).user,
        "reviewer": UserFactory(roles=["reviewer"]),
    }


# List


def test_list_shows_submitted_not_drafts(client, officer, edition):
    submitted = nominate(edition)
    draft(edition)
    assert listed(client, officer) == [submitted]


def test_list_open_to_manager(client, manager, edition):
    submitted = nominate(edition)
    assert listed(client, manager) == [submitted]


def test_list_filters_by_edition(client, officer, manager, jurors, edition):
    inside = nominate(edition)
    other = make_edition(manager, jurors)
    nominate(other)
    assert listed(client, officer, edition=edition.pk) == [inside]


def test_list_filters_by_category(client, officer, edition):
    education = nominate(edition, "education")
    nominate(edition, "organisation")
    assert listed(client, officer, category=category(edition, "education").pk) == [education]


def test_list_filters_by_several_states(client, officer, edition):
    submitted = nominate(edition)
    declared = eligible(edition, officer)
    incomplete = nominate(edition)
    services.request_completion(nomination=incomplete, actor=officer, items=["Une lettre d'appui signée"])
    found = listed(client, officer, state=[NominationState.SUBMITTED, NominationState.ELIGIBLE])
    assert set(found) == {submitted, declared}


def test_list_filters_by_region(client, officer, edition):
    laval = nominate(edition, region="13")
    nominate(edition, region="06")
    assert listed(client, officer, region="13") == [laval]


def test_list_invalid_filter_shows_nothing(client, officer, edition):
    nominate(edition)
    client.force_login(officer)
    response = client.get(LIST_URL, {"state": "unknown"})
    assert list(response.context["nominations"]) == []
    assert response.context["form"].errors


def test_list_paginates_by_fifty():
    from awards.views.screening import NominationListView

    assert NominationListView.paginate_by == 50


@pytest.mark.parametrize("persona", ["juror", "nominator", "applicant", "reviewer"])
def test_list_hidden_from_non_staff(client, jurors, edition, persona):
    nominate(edition)
    client.force_login(outsiders(jurors)[persona])
    assert client.get(LIST_URL).status_code == 404


def test_list_sends_anonymous_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/comptes/connexion/" in response["Location"]


def count_queries(client, user, url, params=None) -> int:
    client.force_login(user)
    client.get(url, params)  # fills the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_list_queries_constant(client, officer, edition):
    nominate(edition)
    one_row = count_queries(client, officer, LIST_URL, {"edition": edition.pk})
    nominate(edition, "education")
    eligible(edition, officer)
    three_rows = count_queries(client, officer, LIST_URL, {"edition": edition.pk})
    assert one_row == three_rows


# Nomination page


def test_detail_shows_the_nomination(client, officer, edition):
    nomination = nominate(edition, nominee_name="Maison des jeunes du Plateau")
    client.force_login(officer)
    response = client.get(detail_url(nomination))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Maison des jeunes du Plateau" in content


def test_detail_offers_the_three_actions(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    content = client.get(detail_url(nomination)).content.decode()
    for name in ("eligible", "ineligible", "incomplete"):
        assert action_url(name, nomination) in content


@pytest.mark.parametrize("persona", ["juror", "nominator", "applicant", "reviewer"])
def test_detail_hidden_from_non_staff(client, jurors, edition, persona):
    nomination = nominate(edition)
    client.force_login(outsiders(jurors)[persona])
    assert client.get(detail_url(nomination)).status_code == 404


def test_detail_hidden_from_its_own_nominator(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)
    assert client.get(detail_url(nomination)).status_code == 404


def test_draft_not_shown_to_staff(client, officer, edition):
    client.force_login(officer)
    assert client.get(detail_url(draft(edition))).status_code == 404


def test_unknown_nomination_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("awards:screening_detail", args=[999999])).status_code == 404


# Actions


def test_declare_eligible(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    response = client.post(action_url("eligible", nomination))
    assert response.status_code == 302
    assert refreshed(nomination).state == NominationState.ELIGIBLE
    assert refreshed(nomination).screened_by == officer


def test_declare_eligible_twice_is_already_done(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    client.post(action_url("eligible", nomination))
    response = client.post(action_url("eligible", nomination))
    assert response.status_code == 302
    assert response["Location"] == detail_url(nomination)
    assert "This nomination was already declared eligible." in messages_of(response)


def test_eligible_without_consent_shows_the_status(client, officer, edition):
    nomination = nominate(edition, "individu")
    client.force_login(officer)
    content = client.get(detail_url(nomination)).content.decode()
    assert action_url("eligible", nomination) not in content
    response = client.post(action_url("eligible", nomination))
    assert response.status_code == 200
    assert "Awaiting the nominee's answer" in response.context["page_error"]
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_declare_ineligible_needs_a_reason(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    response = client.post(action_url("ineligible", nomination), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["ineligibility_form"].errors["reason"]
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_declare_ineligible_keeps_the_reason(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    client.post(action_url("ineligible", nomination), {"reason": "Les actions ont eu lieu hors Québec."})
    nomination = refreshed(nomination)
    assert nomination.state == NominationState.INELIGIBLE
    assert nomination.ineligibility_reason == "Les actions ont eu lieu hors Québec."


def test_request_completion_one_item_per_line(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    items = "Lettre d'appui signée\r\n\r\n  Nombre de personnes rejointes  \r\n"
    response = client.post(action_url("incomplete", nomination), {"items": items})
    assert response.status_code == 302
    nomination = refreshed(nomination)
    assert nomination.state == NominationState.INCOMPLETE
    assert nomination.incomplete_items == ["Lettre d'appui signée", "Nombre de personnes rejointes"]


def test_request_completion_needs_an_item(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    response = client.post(action_url("incomplete", nomination), {"items": "\r\n \r\n"})
    assert response.status_code == 200
    assert response.context["completion_form"].errors["items"]
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_request_completion_twice_is_already_done(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    client.post(action_url("incomplete", nomination), {"items": "Lettre d'appui"})
    response = client.post(action_url("incomplete", nomination), {"items": "Lettre d'appui"})
    assert response.status_code == 302
    expected = "Completion was already requested; wait until the nominator sends the nomination again."
    assert expected in messages_of(response)


@pytest.mark.parametrize("name", ["eligible", "ineligible", "incomplete"])
def test_actions_hidden_from_jurors(client, jurors, edition, name):
    nomination = nominate(edition)
    client.force_login(jurors[0])
    response = client.post(action_url(name, nomination), {"reason": "Non", "items": "Lettre"})
    assert response.status_code == 404
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_action_get_redirects_to_the_page(client, officer, edition):
    nomination = nominate(edition)
    client.force_login(officer)
    response = client.get(action_url("eligible", nomination))
    assert response.status_code == 302
    assert response["Location"] == detail_url(nomination)


def test_screening_error_keeps_the_services_message(client, officer, manager, edition):
    nomination = nominate(edition)
    services.declare_ineligible(nomination=nomination, actor=officer, reason="Hors sujet")
    other = nominate(edition)
    services.declare_eligible(nomination=other, actor=officer)
    start_round1(edition, manager)
    client.force_login(officer)
    response = client.post(action_url("ineligible", other), {"reason": "Trop tard"})
    assert response.status_code == 200
    errors = response.context["ineligibility_form"].non_field_errors()
    assert "Nominations can be screened only until the jury's round 1 starts." in errors


# Downloads


def test_detail_links_documents_to_the_shared_download(client, officer, edition):
    nomination = nominate(edition)
    document = nomination.documents.get()
    url = reverse("awards:nomination_document", args=[nomination.pk, document.pk])
    client.force_login(officer)
    assert url in client.get(detail_url(nomination)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert "lettre-appui.pdf" in response["Content-Disposition"]


# Dashboard


def test_panel_counts_nominations_to_screen(officer, edition):
    nominate(edition)
    nominate(edition)
    eligible(edition, officer)
    panel = screening_panel(officer)
    [row] = panel.context["editions"]
    assert row.submitted == 2
    assert row.incomplete == 0


def test_panel_hidden_from_jurors(jurors):
    assert screening_panel(jurors[0]) is None


def test_panel_queries_constant(officer, edition):
    nominate(edition)
    screening_panel(officer)  # caches the officer's roles on the instance
    with CaptureQueriesContext(connection) as one_row:
        screening_panel(officer)
    nominate(edition)
    nominate(edition)
    with CaptureQueriesContext(connection) as three_rows:
        screening_panel(officer)
    assert len(one_row) == len(three_rows)
