"""The staff list of applications (filters, pagination, query count, access) and the officer's dashboard panel."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organization, Role
from applications import services
from applications.dashboards.staff import screening_panel
from applications.models import Application, ApplicationState
from applications.views.staff import StaffApplicationListView
from grants.models import Clientele
from tests.applications.factories import ApplicationFactory
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")
LIST_URL = reverse("applications:list")


@pytest.fixture(autouse=True)
def english(client, settings):
    """Serve the pages in English: messages are compared with their msgids, which the French catalogue leaves alone."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def make_application(call=None, *, organization_name=None, title="", **fields) -> Application:
    """Create a file with `fields` written straight to the row, since the state field rejects assignment."""
    organization = OrganizationFactory(**({"name": organization_name} if organization_name else {}))
    representative = MembershipFactory(organization=organization, is_representative=True).user
    application = ApplicationFactory(call=call or CallFactory(), organization=organization)
    if title:
        # Through the service, so that the search key is built the way the site builds it.
        services.save_project(application=application, actor=representative, data={"title": title})
    else:
        services.confirm_organization(application=application, actor=representative)
    if fields:
        Application.objects.filter(pk=application.pk).update(**fields)
    return Application.objects.get(pk=application.pk)


def listed(client, user, **params) -> list[Application]:
    client.force_login(user)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return list(response.context["applications"])


# Filters


def test_list_shows_every_file_unfiltered(client, officer):
    first, second = make_application(), make_application()
    assert set(listed(client, officer)) == {first, second}


def test_filter_by_call(client, officer):
    call = CallFactory()
    inside, _outside = make_application(call), make_application()
    assert listed(client, officer, call=call.pk) == [inside]


def test_filter_by_several_states(client, officer):
    submitted = make_application(state=ApplicationState.SUBMITTED)
    incomplete = make_application(state=ApplicationState.INCOMPLETE)
    make_application(state=ApplicationState.DRAFT)
    found = listed(client, officer, state=[ApplicationState.SUBMITTED, ApplicationState.INCOMPLETE])
    assert set(found) == {submitted, incomplete}


def test_filter_by_region_on_current_backend(client, officer):
    montreal_and_laval = make_application(regions=["06", "13"])
    make_application(regions=["16"])
    make_application(regions=["03"])
    make_application(regions=[])
    assert connection.vendor in {"sqlite", "postgresql"}
    assert listed(client, officer, region="06") == [montreal_and_laval]
    assert listed(client, officer, region="13") == [montreal_and_laval]


def test_filter_by_region_matches_whole_code(client, officer):
    nord_du_quebec = make_application(regions=["10"])
    make_application(regions=["11"])
    assert listed(client, officer, region="01") == []
    assert listed(client, officer, region="10") == [nord_du_quebec]


def test_filter_by_clientele(client, officer):
    youth = Clientele.objects.create(code="youth-test", name_fr="Jeunes")
    seniors = Clientele.objects.create(code="seniors-test", name_fr="Aînés")
    both, only_seniors = make_application(), make_application()
    both.clienteles.set([youth, seniors])
    only_seniors.clienteles.set([seniors])
    assert listed(client, officer, clientele=youth.pk) == [both]


def test_filter_by_reach(client, officer):
    provincial = make_application(reach="provincial")
    make_application(reach="local")
    assert listed(client, officer, reach="provincial") == [provincial]


def test_filter_by_officer(client, officer):
    other_officer = UserFactory(roles=[Role.PROGRAM_OFFICER])
    mine = make_application(state=ApplicationState.SCREENING, officer=officer)
    make_application(state=ApplicationState.SCREENING, officer=other_officer)
    make_application(state=ApplicationState.SUBMITTED)
    assert listed(client, officer, officer=officer.pk) == [mine]


def test_filter_by_nobody_in_charge(client, officer):
    waiting = make_application(state=ApplicationState.SUBMITTED)
    make_application(state=ApplicationState.SCREENING, officer=officer)
    assert listed(client, officer, officer="none") == [waiting]


def test_end_date_includes_late_evening_montreal(client, officer):
    late_evening = make_application(submitted_at=datetime(2027, 3, 15, 23, 30, tzinfo=MONTREAL))
    make_application(submitted_at=datetime(2027, 3, 16, 0, 0, tzinfo=MONTREAL))
    assert listed(client, officer, submitted_from="2027-03-15", submitted_to="2027-03-15") == [late_evening]


def test_end_date_excludes_next_day(client, officer):
    make_application(submitted_at=datetime(2027, 3, 16, 0, 0, tzinfo=MONTREAL))
    assert listed(client, officer, submitted_to="2027-03-15") == []


def test_start_date_includes_midnight_montreal(client, officer):
    at_midnight = make_application(submitted_at=datetime(2027, 3, 15, 0, 0, tzinfo=MONTREAL))
    make_application(submitted_at=datetime(2027, 3, 14, 23, 59, tzinfo=MONTREAL))
    assert listed(client, officer, submitted_from="2027-03-15") == [at_midnight]


def test_date_range_excludes_drafts(client, officer):
    make_application()
    assert listed(client, officer, submitted_from="2000-01-01") == []


def test_reversed_dates_show_error(client, officer):
    make_application(submitted_at=datetime(2027, 3, 15, 12, 0, tzinfo=MONTREAL))
    client.force_login(officer)
    response = client.get(LIST_URL, {"submitted_from": "2027-03-20", "submitted_to": "2027-03-10"})
    assert "submitted_to" in response.context["form"].errors
    assert list(response.context["applications"]) == []
    assert 'id="error-summary"' in response.content.decode()


def test_search_ignores_accents_and_case(client, officer):
    school = make_application(title="École sans intimidation")
    make_application(title="Ateliers de théâtre")
    assert listed(client, officer, q="ecole") == [school]
    assert listed(client, officer, q="ÉCOLE SANS") == [school]


def test_search_finds_organization_name(client, officer):
    rosemont = make_application(organization_name="Carrefour jeunesse Rosemont", title="Projet A")
    make_application(organization_name="Maison des familles", title="Projet B")
    assert listed(client, officer, q="carrefour JEUNESSE") == [rosemont]


def test_search_of_spaces_filters_nothing(client, officer):
    first, second = make_application(title="Un"), make_application(title="Deux")
    assert set(listed(client, officer, q="   ")) == {first, second}


def test_drafts_listed_after_submitted_files(client, officer):
    draft = make_application()
    submitted = make_application(
        state=ApplicationState.SUBMITTED, submitted_at=datetime(2027, 3, 15, 12, 0, tzinfo=MONTREAL)
    )
    assert listed(client, officer) == [submitted, draft]


# Pagination and queries


def test_pagination_keeps_filters(client, officer, monkeypatch):
    monkeypatch.setattr(StaffApplicationListView, "paginate_by", 2)
    call = CallFactory()
    for _index in range(3):
        make_application(call, reach="regional")
    make_application(call, reach="local")
    client.force_login(officer)

    first_page = client.get(LIST_URL, {"reach": "regional", "call": call.pk})
    second_page = client.get(LIST_URL, {"reach": "regional", "call": call.pk, "page": 2})

    assert first_page.context["query_string"] == f"reach=regional&call={call.pk}"
    assert f"?reach=regional&amp;call={call.pk}&amp;page=2" in first_page.content.decode()
    assert len(second_page.context["applications"]) == 1
    assert second_page.context["query_string"] == f"reach=regional&call={call.pk}"


def test_list_paginates_by_fifty():
    assert StaffApplicationListView.paginate_by == 50


def list_query_count(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"state": ApplicationState.SCREENING})
    assert response.status_code == 200
    return len(queries)


def test_query_count_same_for_one_and_three_rows(client, officer):
    make_application(state=ApplicationState.SCREENING, officer=officer, regions=["06"])
    one_row = list_query_count(client, officer)
    for _index in range(2):
        other_officer = UserFactory(roles=[Role.PROGRAM_OFFICER])
        make_application(state=ApplicationState.SCREENING, officer=other_officer, regions=["03", "06"])
    three_rows = list_query_count(client, officer)
    assert one_row == three_rows


# Access


@pytest.mark.parametrize(
    "role", [Role.PROGRAM_OFFICER, Role.PROGRAM_MANAGER, Role.DECISION_MAKER, Role.FINANCE_OFFICER]
)
def test_list_open_to_organization_staff(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(LIST_URL).status_code == 200


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.COMMITTEE_MEMBER, Role.JURY_MEMBER])
def test_list_hidden_from_reviewers(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(LIST_URL).status_code == 404


def test_list_hidden_from_applicants(client, representative, member):
    for user in (representative, member):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 404


def test_list_sends_anonymous_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_screen_link_only_for_officers(client, manager):
    submitted = make_application(state=ApplicationState.SUBMITTED)
    client.force_login(manager)
    content = client.get(LIST_URL).content.decode()
    assert reverse("applications:screening", kwargs={"pk": submitted.pk}) not in content


def test_extend_link_for_drafts(client, officer):
    draft = make_application()
    client.force_login(officer)
    content = client.get(LIST_URL).content.decode()
    assert reverse("applications:extend", kwargs={"pk": draft.pk}) in content


# Dashboard panel


def test_panel_counts_by_state(officer):
    make_application(state=ApplicationState.SUBMITTED)
    make_application(state=ApplicationState.SUBMITTED)
    make_application(state=ApplicationState.SCREENING, officer=officer)
    make_application(state=ApplicationState.INCOMPLETE, officer=UserFactory(roles=[Role.PROGRAM_OFFICER]))
    make_application(state=ApplicationState.UNDER_REVIEW, officer=officer)
    totals = {row["label"]: row["total"] for row in screening_panel(officer).context["rows"]}
    assert list(totals.values()) == [2, 1, 1, 1, 1]


def test_panel_links_match_counts(client, officer):
    make_application(state=ApplicationState.SCREENING, officer=officer)
    make_application(state=ApplicationState.INCOMPLETE, officer=officer)
    make_application(state=ApplicationState.SCREENING, officer=UserFactory(roles=[Role.PROGRAM_OFFICER]))
    make_application(state=ApplicationState.UNDER_REVIEW, officer=officer)
    client.force_login(officer)
    for row in screening_panel(officer).context["rows"]:
        response = client.get(row["url"])
        assert response.context["paginator"].count == row["total"], row["label"]


def test_panel_query_count_constant(officer):
    officer.has_role(Role.PROGRAM_OFFICER)  # loads and caches the roles, which the dashboard page does once
    with CaptureQueriesContext(connection) as empty:
        screening_panel(officer)
    for state in (ApplicationState.SUBMITTED, ApplicationState.SCREENING, ApplicationState.INCOMPLETE):
        make_application(state=state, officer=officer)
    with CaptureQueriesContext(connection) as filled:
        screening_panel(officer)
    assert len(empty) == len(filled) == 1


def test_panel_only_for_officers(manager):
    assert screening_panel(manager) is None


def test_organization_never_sees_list_or_counts(client, representative, member):
    make_application(state=ApplicationState.SUBMITTED)
    for user in (representative, member):
        client.force_login(user)
        response = client.get(reverse("accounts:dashboard"))
        templates = [panel.template for panel in response.context["panels"]]
        assert "applications/staff/panel.html" not in templates
        assert LIST_URL + "?" not in response.content.decode()
        assert client.get(LIST_URL, {"state": ApplicationState.SUBMITTED}).status_code == 404


def test_officer_dashboard_shows_panel(client, officer):
    client.force_login(officer)
    response = client.get(reverse("accounts:dashboard"))
    assert "applications/staff/panel.html" in [panel.template for panel in response.context["panels"]]


# Choices of the officer filter


def officer_choices(client, user) -> list:
    client.force_login(user)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    return list(response.context["form"].fields["officer"].queryset)


def test_officer_choices_list_each_officer_once(client, officer):
    for _index in range(3):
        make_application(state=ApplicationState.SCREENING, officer=officer)
    assert officer_choices(client, officer) == [officer]


def test_officer_choices_keep_former_officer_in_charge(client, officer):
    former_officer = UserFactory(roles=[Role.REVIEWER], last_name="Zz")
    make_application(state=ApplicationState.SCREENING, officer=former_officer)
    UserFactory(roles=[Role.REVIEWER])  # in charge of nothing: not a choice
    assert officer_choices(client, officer) == [officer, former_officer]


def test_caption_count_has_thousands_separator(client, settings):
    """A list of 1 000 files or more shows its count with the French thousands separator."""
    original = make_application()
    organizations = Organization.objects.bulk_create(
        OrganizationFactory.build(neq=f"119{number:07d}") for number in range(1_000)
    )
    copies = []
    for organization in organizations:
        values = {field.attname: getattr(original, field.attname) for field in Application._meta.concrete_fields}
        copies.append(Application(**{**values, "id": None, "organization_id": organization.pk}))
    Application.objects.bulk_create(copies)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(UserFactory(roles=[Role.PROGRAM_OFFICER]))

    response = client.get(LIST_URL)

    assert "<caption>1\u00a0001\u00a0demandes</caption>" in response.content.decode()
