"""The organization's step-by-step application form: start, each step, errors, read-only parts and access."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.checks import application_problems
from applications.models import (
    Application,
    ApplicationState,
    Attachment,
    BudgetLine,
    InformationRequest,
    Phase,
    RequestedAmount,
    Revenue,
)
from grants.models import CallState, Clientele, ExpenseCategory
from tests.applications.factories import PDF_BYTES, ApplicationFactory, complete_application, ensure_call_setup
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

STEP_SLUGS = ["organisation", "projet", "clientele", "calendrier", "budget", "revenus", "documents"]


@pytest.fixture
def client(client, settings):
    """A test client that reads the pages in English, so that assertions on messages follow the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def french(client, settings):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return client


@pytest.fixture
def draft():
    application = ApplicationFactory()
    ensure_call_setup(application.call)
    return application


def representative_of(application):
    return application.organization.memberships.get(is_representative=True).user


@pytest.fixture
def rep_client(client, draft):
    client.force_login(representative_of(draft))
    return client


def step_url(application, slug):
    return reverse("applications:step", kwargs={"pk": application.pk, "step": slug})


def with_dates(application, starts_on=date(2027, 7, 1), ends_on=date(2029, 6, 30)):
    Application.objects.filter(pk=application.pk).update(starts_on=starts_on, ends_on=ends_on)
    application.refresh_from_db()
    return application


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def in_state(application, state, **fields):
    # The state field refuses assignment outside transitions, so the row is changed and read back.
    Application.objects.filter(pk=application.pk).update(state=state, **fields)
    return Application.objects.get(pk=application.pk)


# Start


def test_start_creates_draft(client, representative, organization):
    call = CallFactory()
    client.force_login(representative)
    response = client.post(reverse("applications:start"), {"call": call.code})
    application = Application.objects.get(call=call, organization=organization)
    assert response.status_code == 302
    assert response["Location"] == step_url(application, "organisation")
    assert application.state == ApplicationState.DRAFT


def test_start_existing_application_opens_it(client, representative, organization):
    call = CallFactory()
    client.force_login(representative)
    client.post(reverse("applications:start"), {"call": call.code})
    response = client.post(reverse("applications:start"), {"call": call.code})
    application = Application.objects.get(call=call, organization=organization)
    assert Application.objects.filter(call=call).count() == 1
    assert response["Location"] == reverse("applications:review", kwargs={"pk": application.pk})
    assert any("already has an application" in text for text in message_texts(response))


def test_start_unverified_member_refused(client, organization):
    unverified = MembershipFactory(organization=organization, user__email_verified_at=None).user
    call = CallFactory()
    client.force_login(unverified)
    response = client.post(reverse("applications:start"), {"call": call.code})
    assert response.status_code == 302
    assert not Application.objects.exists()


def test_start_without_organization_refused(client, user):
    call = CallFactory()
    client.force_login(user)
    client.post(reverse("applications:start"), {"call": call.code})
    assert not Application.objects.exists()


def test_start_other_organization_refused(client, representative):
    call = CallFactory()
    other = OrganizationFactory()
    client.force_login(representative)
    client.post(reverse("applications:start"), {"call": call.code, "organization": other.pk})
    assert not Application.objects.exists()


def test_start_several_organizations_needs_choice(client, representative, organization):
    second = MembershipFactory(user=representative).organization
    call = CallFactory()
    client.force_login(representative)
    response = client.post(reverse("applications:start"), {"call": call.code})
    assert not Application.objects.exists()
    assert any("Choose the organization" in text for text in message_texts(response))
    client.post(reverse("applications:start"), {"call": call.code, "organization": second.pk})
    assert Application.objects.get().organization == second


def test_start_closed_call_refused(client, representative):
    call = CallFactory(state=CallState.CLOSED)
    client.force_login(representative)
    client.post(reverse("applications:start"), {"call": call.code})
    assert not Application.objects.exists()


def test_start_get_not_allowed(client, representative):
    client.force_login(representative)
    assert client.get(reverse("applications:start")).status_code == 405


def test_call_page_offers_start(client, representative):
    call = CallFactory()
    client.force_login(representative)
    content = client.get(reverse("grants:call_detail", kwargs={"code": call.code})).content.decode()
    assert reverse("applications:start") in content


# Each step saves


def test_organisation_step_saves_confirmation(rep_client, draft):
    response = rep_client.post(step_url(draft, "organisation"), {"confirm": "on", "continue": "1"})
    draft.refresh_from_db()
    assert draft.organization_confirmed_at is not None
    assert response["Location"] == step_url(draft, "projet") + "#main"


def test_organisation_step_shows_profile(rep_client, draft):
    content = rep_client.get(step_url(draft, "organisation")).content.decode()
    assert draft.organization.neq in content
    assert reverse("accounts:organization_update", kwargs={"pk": draft.organization.pk}) in content


def test_organisation_step_unchecked_not_saved(rep_client, draft):
    response = rep_client.post(step_url(draft, "organisation"), {})
    draft.refresh_from_db()
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert draft.organization_confirmed_at is None


PROJECT_DATA = {
    "title": "Pairs aidants à l’école",
    "summary": "Former des élèves pairs aidants.",
    "objectives": "Réduire l’intimidation.",
    "expected_impacts": "Plus de signalements.",
    "approach": "Ateliers et accompagnement.",
    "knowledge_base": "Programmes évalués.",
    "help_resources": "Tel-jeunes.",
}


def test_projet_step_saves(rep_client, draft):
    response = rep_client.post(step_url(draft, "projet"), PROJECT_DATA)
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == PROJECT_DATA["title"]
    assert draft.help_resources == PROJECT_DATA["help_resources"]


def test_projet_step_partial_draft_saves(rep_client, draft):
    rep_client.post(step_url(draft, "projet"), {"title": "Seulement le titre"})
    draft.refresh_from_db()
    assert draft.title == "Seulement le titre"


def test_projet_step_shows_max_lengths(rep_client, draft, settings):
    content = french(rep_client, settings).get(step_url(draft, "projet")).content.decode()
    assert 'maxlength="3000"' in content
    assert "3\xa0000" in content


def test_projet_step_line_breaks_count_once(rep_client, draft):
    # Browsers send CRLF; 2 999 characters plus one line break fit in the 3 000 of the summary.
    summary = "a" * 1499 + "\r\n" + "b" * 1499
    rep_client.post(step_url(draft, "projet"), {**PROJECT_DATA, "summary": summary})
    draft.refresh_from_db()
    assert draft.summary == "a" * 1499 + "\n" + "b" * 1499


def test_projet_step_error_keeps_values(rep_client, draft):
    data = {**PROJECT_DATA, "title": "T" * 201}
    response = rep_client.post(step_url(draft, "projet"), data)
    content = response.content.decode()
    draft.refresh_from_db()
    assert response.status_code == 200
    assert 'href="#id_title"' in content
    for name, value in PROJECT_DATA.items():
        if name != "title":
            assert value in content
    assert "T" * 201 in content
    assert draft.title == ""
    assert draft.summary == ""


def test_clientele_step_saves(rep_client, draft):
    youth = Clientele.objects.get(code="youth")
    data = {"clienteles": [youth.pk], "regions": ["06", "03"], "reach": "regional"}
    rep_client.post(step_url(draft, "clientele"), data)
    draft.refresh_from_db()
    assert list(draft.clienteles.all()) == [youth]
    assert draft.regions == ["03", "06"]
    assert draft.reach == "regional"


def test_clientele_step_reach_limited_to_call(rep_client, draft):
    draft.call.reaches = ["local"]
    draft.call.save(update_fields=["reaches"])
    response = rep_client.post(step_url(draft, "clientele"), {"regions": ["06"], "reach": "provincial"})
    draft.refresh_from_db()
    content = response.content.decode()
    assert 'href="#id_reach"' in content
    assert 'value="06" id="id_regions_5" checked' in content
    assert draft.reach == ""
    assert draft.regions == []


def test_clientele_step_error_links_to_group(rep_client, draft):
    response = rep_client.post(step_url(draft, "clientele"), {"regions": ["99"]})
    content = response.content.decode()
    assert 'href="#id_regions"' in content
    assert 'id="id_regions"' in content


def calendar_data(phases, starts_on="2027-07-01", ends_on="2029-06-30", initial=0):
    data = {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "phases-TOTAL_FORMS": str(len(phases)),
        "phases-INITIAL_FORMS": str(initial),
        "phases-MIN_NUM_FORMS": "1",
        "phases-MAX_NUM_FORMS": "1000",
    }
    for index, phase in enumerate(phases):
        for key, value in phase.items():
            data[f"phases-{index}-{key}"] = value
    return data


PHASE = {"title": "Recrutement", "starts_on": "2027-07-01", "ends_on": "2027-12-31", "activities": "Affiches"}
BLANK_PHASE = {"title": "", "starts_on": "", "ends_on": "", "activities": ""}


def test_calendrier_step_saves(rep_client, draft):
    second = {**PHASE, "title": "Ateliers", "starts_on": "2028-01-01", "ends_on": "2029-06-30"}
    response = rep_client.post(step_url(draft, "calendrier"), calendar_data([PHASE, second, BLANK_PHASE]))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.starts_on == date(2027, 7, 1)
    assert draft.ends_on == date(2029, 6, 30)
    assert list(draft.phases.values_list("title", flat=True)) == ["Recrutement", "Ateliers"]


def test_calendrier_step_keeps_unchanged_phases(rep_client, draft):
    rep_client.post(step_url(draft, "calendrier"), calendar_data([PHASE]))
    rep_client.post(step_url(draft, "calendrier"), calendar_data([PHASE, BLANK_PHASE], initial=1))
    assert list(draft.phases.values_list("title", flat=True)) == ["Recrutement"]


def test_calendrier_step_deletes_phase(rep_client, draft):
    second = {**PHASE, "title": "Ateliers"}
    rep_client.post(step_url(draft, "calendrier"), calendar_data([PHASE, second]))
    rep_client.post(step_url(draft, "calendrier"), calendar_data([PHASE, {**second, "DELETE": "on"}], initial=2))
    assert list(draft.phases.values_list("title", flat=True)) == ["Recrutement"]


def test_calendrier_step_phase_outside_dates_keeps_values(rep_client, draft):
    outside = {**PHASE, "title": "Bilan final", "starts_on": "2029-06-01", "ends_on": "2029-09-30"}
    response = rep_client.post(step_url(draft, "calendrier"), calendar_data([PHASE, outside]))
    content = response.content.decode()
    draft.refresh_from_db()
    assert response.status_code == 200
    assert "outside the project dates" in content
    assert 'href="#id_phases-1-ends_on"' in content
    assert 'value="Bilan final"' in content
    assert 'value="2029-09-30"' in content
    assert 'value="Recrutement"' in content
    assert 'value="2027-07-01"' in content
    assert draft.starts_on is None
    assert not Phase.objects.exists()


def test_calendrier_step_needs_one_phase(rep_client, draft):
    response = rep_client.post(step_url(draft, "calendrier"), calendar_data([BLANK_PHASE]))
    draft.refresh_from_db()
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert draft.starts_on is None


def test_calendrier_step_end_before_start_is_form_error(rep_client, draft):
    response = rep_client.post(
        step_url(draft, "calendrier"), calendar_data([PHASE], starts_on="2029-06-30", ends_on="2027-07-01")
    )
    draft.refresh_from_db()
    assert response.status_code == 200
    assert 'href="#id_ends_on"' in response.content.decode()
    assert draft.ends_on is None


def budget_data(application, cells=None, requested=None, subcontracting=""):
    data = {"subcontracting_amount": subcontracting}
    for (year, code), value in (cells or {}).items():
        category = ExpenseCategory.objects.get(code=code)
        data[f"expense_{year}_{category.pk}"] = value
    for year, value in (requested or {}).items():
        data[f"requested_{year}"] = value
    return data


def test_budget_step_without_dates_links_to_calendar(rep_client, draft):
    content = rep_client.get(step_url(draft, "budget")).content.decode()
    assert f"{step_url(draft, 'calendrier')}#id_starts_on" in content
    assert 'id="id_requested_1"' not in content


def test_budget_step_grid_has_one_column_per_year(rep_client, draft):
    with_dates(draft)
    content = rep_client.get(step_url(draft, "budget")).content.decode()
    assert 'id="id_requested_1"' in content
    assert 'id="id_requested_2"' in content
    assert 'id="id_requested_3"' not in content
    assert 'id="id_subcontracting_amount"' in content


def test_budget_step_saves_amounts(rep_client, draft):
    with_dates(draft)
    data = budget_data(
        draft,
        {(1, "salaries"): "42 000,00", (2, "salaries"): "42\u00a0000", (1, "materials"): "3\u202f000,50"},
        {1: "40000", 2: "40 000,00"},
        subcontracting="1234.56",
    )
    response = rep_client.post(step_url(draft, "budget"), data)
    draft.refresh_from_db()
    assert response.status_code == 302
    lines = {(line.project_year, line.category.code): line.amount for line in BudgetLine.objects.all()}
    assert lines == {
        (1, "salaries"): Decimal("42000.00"),
        (2, "salaries"): Decimal("42000.00"),
        (1, "materials"): Decimal("3000.50"),
    }
    assert dict(RequestedAmount.objects.values_list("project_year", "amount")) == {
        1: Decimal("40000.00"),
        2: Decimal("40000.00"),
    }
    assert draft.subcontracting_amount == Decimal("1234.56")


def test_budget_step_unbalanced_budget_still_saved(rep_client, draft):
    with_dates(draft)
    rep_client.post(step_url(draft, "budget"), budget_data(draft, {(1, "salaries"): "90 000"}, {1: "80 000"}))
    assert BudgetLine.objects.count() == 1
    problems = [problem.message for problem in application_problems(draft)]
    assert any("not balanced" in message for message in problems)
    assert any("yearly maximum" in message for message in problems)


def test_budget_step_shows_saved_totals(rep_client, draft, settings):
    french(rep_client, settings)
    with_dates(draft)
    rep_client.post(
        step_url(draft, "budget"),
        budget_data(draft, {(1, "salaries"): "1 000", (1, "materials"): "234,56"}, {1: "1 234,56"}),
    )
    content = rep_client.get(step_url(draft, "budget")).content.decode()
    assert "1\xa0234,56\xa0$" in content


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "is not a valid amount"),
        ("-5", "cannot be negative"),
        ("12 345 678 901,00", "too large"),
        ("10,555", "more than 2 decimals"),
    ],
)
def test_budget_step_bad_amount_is_form_error(rep_client, draft, value, expected):
    with_dates(draft)
    data = budget_data(draft, {(1, "salaries"): value, (1, "materials"): "3 000,50"}, {1: "40 000"})
    response = rep_client.post(step_url(draft, "budget"), data)
    content = response.content.decode()
    salaries = ExpenseCategory.objects.get(code="salaries")
    assert response.status_code == 200
    assert expected in content
    assert f'href="#id_expense_1_{salaries.pk}"' in content
    assert "3 000,50" in content
    assert "40 000" in content
    assert not BudgetLine.objects.exists()
    assert not RequestedAmount.objects.exists()


def test_budget_step_error_names_field(rep_client, draft):
    with_dates(draft)
    response = rep_client.post(step_url(draft, "budget"), budget_data(draft, requested={2: "1,2,3"}))
    assert "Amount requested from the program, year 2: “1,2,3” is not a valid amount" in response.content.decode()


def revenue_data(rows, initial=0):
    data = {
        "revenues-TOTAL_FORMS": str(len(rows)),
        "revenues-INITIAL_FORMS": str(initial),
        "revenues-MIN_NUM_FORMS": "0",
        "revenues-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"revenues-{index}-{key}"] = value
    return data


REVENUE = {
    "kind": "partner",
    "source": "Ville de Montréal",
    "project_year": "1",
    "amount": "5 000",
    "is_confirmed": "on",
}
BLANK_REVENUE = {"kind": "", "source": "", "project_year": "", "amount": ""}


def test_revenus_step_saves(rep_client, draft):
    with_dates(draft)
    rep_client.post(step_url(draft, "revenus"), revenue_data([REVENUE, BLANK_REVENUE]))
    revenue = Revenue.objects.get()
    assert revenue.source == "Ville de Montréal"
    assert revenue.amount == Decimal("5000.00")
    assert revenue.is_confirmed


def test_revenus_step_error_keeps_values(rep_client, draft):
    with_dates(draft)
    second = {**REVENUE, "source": "Fondation Chagnon", "project_year": "2", "amount": "-10"}
    response = rep_client.post(step_url(draft, "revenus"), revenue_data([REVENUE, second]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "cannot be negative" in content
    assert 'href="#id_revenues-1-amount"' in content
    assert 'value="Fondation Chagnon"' in content
    assert 'value="-10"' in content
    assert 'value="Ville de Montréal"' in content
    assert not Revenue.objects.exists()


def test_revenus_step_year_outside_dates_refused(rep_client, draft):
    with_dates(draft)
    rep_client.post(step_url(draft, "revenus"), revenue_data([{**REVENUE, "project_year": "3"}]))
    assert not Revenue.objects.exists()


def test_revenus_step_without_dates_links_to_calendar(rep_client, draft):
    content = rep_client.get(step_url(draft, "revenus")).content.decode()
    assert f"{step_url(draft, 'calendrier')}#id_starts_on" in content


def docx_bytes():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document'
            '.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_documents_step_saves_upload(rep_client, draft):
    upload = SimpleUploadedFile("résolution.pdf", PDF_BYTES, content_type="application/pdf")
    response = rep_client.post(step_url(draft, "documents"), {"document_board-resolution": upload})
    attachment = Attachment.objects.get()
    assert response.status_code == 302
    assert attachment.document_type.code == "board-resolution"
    assert attachment.filename == "résolution.pdf"


def test_documents_step_wrong_type_keeps_other_upload(rep_client, draft):
    good = SimpleUploadedFile("rapport.docx", docx_bytes())
    bad = SimpleUploadedFile("lettres.pdf", b"MZ\x90\x00 not a pdf at all")
    response = rep_client.post(
        step_url(draft, "documents"), {"document_annual-report": good, "document_letters-patent": bad}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "is not an accepted file type" in content
    assert 'href="#id_document_letters-patent"' in content
    assert list(Attachment.objects.values_list("document_type__code", flat=True)) == ["annual-report"]
    assert "rapport.docx" in content


def test_documents_step_too_big_keeps_other_upload(rep_client, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    small = SimpleUploadedFile("resolution.pdf", PDF_BYTES)
    big = SimpleUploadedFile("etats.pdf", PDF_BYTES + b"0" * 2048)
    response = rep_client.post(
        step_url(draft, "documents"), {"document_board-resolution": small, "document_financial-statements": big}
    )
    assert "over the" in response.content.decode()
    assert list(Attachment.objects.values_list("document_type__code", flat=True)) == ["board-resolution"]


def test_documents_step_over_max_files_is_field_error(rep_client, draft):
    rep_client.post(step_url(draft, "documents"), {"document_board-resolution": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    response = rep_client.post(
        step_url(draft, "documents"), {"document_board-resolution": SimpleUploadedFile("b.pdf", PDF_BYTES)}
    )
    assert response.status_code == 200
    assert 'href="#id_document_board-resolution"' in response.content.decode()
    assert Attachment.objects.count() == 1


def test_documents_step_remove_attachment(rep_client, draft):
    rep_client.post(step_url(draft, "documents"), {"document_board-resolution": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    attachment = Attachment.objects.get()
    stored = attachment.file.path
    url = reverse("applications:attachment_remove", kwargs={"pk": draft.pk, "attachment_id": attachment.pk})
    response = rep_client.post(url)
    assert response["Location"] == step_url(draft, "documents")
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(stored)


def test_documents_step_remove_other_application_attachment_404(rep_client, draft):
    other = complete_application(ApplicationFactory())
    attachment = other.attachments.first()
    url = reverse("applications:attachment_remove", kwargs={"pk": draft.pk, "attachment_id": attachment.pk})
    assert rep_client.post(url).status_code == 404
    assert other.attachments.count() == 4


def test_step_navigation_shows_completion(rep_client, draft):
    rep_client.post(step_url(draft, "organisation"), {"confirm": "on"})
    content = rep_client.get(step_url(draft, "projet")).content.decode()
    assert "wizard-step wizard-step-done" in content
    assert "wizard-step wizard-step-todo" in content
    assert 'aria-current="step"' in content


def test_unknown_step_404(rep_client, draft):
    assert rep_client.get(step_url(draft, "nope")).status_code == 404


# Review


def test_review_lists_every_problem_with_link(rep_client, draft):
    content = rep_client.get(reverse("applications:review", kwargs={"pk": draft.pk})).content.decode()
    problems = application_problems(draft)
    assert len(problems) > 5
    for problem in problems:
        assert f"#{problem.field}" in content
    assert f"{step_url(draft, 'projet')}#id_title" in content
    assert f"{step_url(draft, 'documents')}#document-board-resolution" in content
    assert reverse("applications:submit", kwargs={"pk": draft.pk}) not in content


def test_review_complete_shows_submit_to_representative(client, settings):
    french(client, settings)
    application = complete_application(ApplicationFactory())
    client.force_login(representative_of(application))
    content = client.get(reverse("applications:review", kwargs={"pk": application.pk})).content.decode()
    assert reverse("applications:submit", kwargs={"pk": application.pk}) in content
    assert "45\xa0000,00\xa0$" in content


def test_member_can_edit_but_not_submit(client):
    application = complete_application(ApplicationFactory())
    member = MembershipFactory(organization=application.organization).user
    client.force_login(member)
    client.post(step_url(application, "projet"), {**PROJECT_DATA, "title": "Nouveau titre"})
    application.refresh_from_db()
    assert application.title == "Nouveau titre"

    content = client.get(reverse("applications:review", kwargs={"pk": application.pk})).content.decode()
    representative = representative_of(application)
    assert reverse("applications:submit", kwargs={"pk": application.pk}) not in content
    assert "Only the organization's representative (mandataire)" in content.replace("&#x27;", "'")
    assert representative.get_full_name() in content

    response = client.post(reverse("applications:submit", kwargs={"pk": application.pk}))
    application.refresh_from_db()
    assert response["Location"] == reverse("applications:review", kwargs={"pk": application.pk})
    assert application.state == ApplicationState.DRAFT


# Incomplete files: only the reopened sections change


@pytest.fixture
def incomplete(officer):
    application = complete_application(ApplicationFactory())
    application = in_state(
        application, ApplicationState.INCOMPLETE, reference="X-0001", reopened_sections=["budget", "documents"]
    )
    InformationRequest.objects.create(
        application=application,
        sections=["budget", "documents"],
        items="Ajoutez la résolution signée du conseil d’administration.",
        respond_by=timezone.localdate() + timedelta(days=10),
        requested_by=officer,
    )
    return application


def test_incomplete_shows_request_and_resubmit(client, incomplete):
    client.force_login(representative_of(incomplete))
    content = client.get(step_url(incomplete, "budget")).content.decode()
    assert "résolution signée" in content
    assert reverse("applications:resubmit", kwargs={"pk": incomplete.pk}) in content
    assert 'id="id_requested_1"' in content


def test_incomplete_other_sections_read_only(client, incomplete):
    client.force_login(representative_of(incomplete))
    response = client.get(step_url(incomplete, "projet"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<textarea" not in content
    assert incomplete.summary in content

    response = client.post(step_url(incomplete, "projet"), {**PROJECT_DATA, "title": "Changé"})
    incomplete.refresh_from_db()
    assert response.status_code == 302
    assert incomplete.title != "Changé"


def test_submitted_steps_read_only(client):
    application = in_state(complete_application(ApplicationFactory()), ApplicationState.SUBMITTED)
    client.force_login(representative_of(application))
    for slug in STEP_SLUGS:
        content = client.get(step_url(application, slug)).content.decode()
        assert "<textarea" not in content
        assert 'type="file"' not in content
        assert 'class="money-input"' not in content


# Access


def action_urls(application):
    """Return (URL, HTTP method) pairs for every page and action of one application."""
    attachment = application.attachments.first()
    kwargs = {"pk": application.pk}
    attachment_kwargs = {**kwargs, "attachment_id": attachment.pk}
    return [
        *((step_url(application, slug), "post") for slug in STEP_SLUGS),
        *((step_url(application, slug), "get") for slug in STEP_SLUGS),
        (reverse("applications:review", kwargs=kwargs), "get"),
        (reverse("applications:submit", kwargs=kwargs), "post"),
        (reverse("applications:resubmit", kwargs=kwargs), "post"),
        (reverse("applications:withdraw", kwargs=kwargs), "get"),
        (reverse("applications:withdraw", kwargs=kwargs), "post"),
        (reverse("applications:detail", kwargs=kwargs), "get"),
        (reverse("applications:attachment_download", kwargs=attachment_kwargs), "get"),
        (reverse("applications:attachment_remove", kwargs=attachment_kwargs), "post"),
    ]


def test_other_organization_gets_404_everywhere(client, outsider):
    application = complete_application(ApplicationFactory())
    client.force_login(outsider)
    for url, method in action_urls(application):
        response = getattr(client, method)(url, {"reason": "x", "confirm": "on"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.organization_confirmed_at is not None
    assert application.attachments.count() == 4


def test_anonymous_redirected_to_login(client):
    application = complete_application(ApplicationFactory())
    login = reverse("accounts:login")
    for url, method in action_urls(application):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(login), (method, url)


def test_staff_step_get_goes_to_file_page(client, officer):
    application = complete_application(ApplicationFactory())
    client.force_login(officer)
    response = client.get(step_url(application, "projet"))
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": application.pk})
    assert client.post(step_url(application, "projet"), PROJECT_DATA).status_code == 404


# Withdrawal


def test_withdraw_by_representative(rep_client, draft):
    url = reverse("applications:withdraw", kwargs={"pk": draft.pk})
    assert rep_client.get(url).status_code == 200
    response = rep_client.post(url, {"reason": "Le projet est reporté."})
    draft.refresh_from_db()
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": draft.pk})
    assert draft.state == ApplicationState.WITHDRAWN
    assert draft.withdrawal_reason == "Le projet est reporté."


def test_withdraw_needs_reason(rep_client, draft):
    response = rep_client.post(reverse("applications:withdraw", kwargs={"pk": draft.pk}), {"reason": "  "})
    draft.refresh_from_db()
    assert response.status_code == 200
    assert 'href="#id_reason"' in response.content.decode()
    assert draft.state == ApplicationState.DRAFT


def test_withdraw_by_member_refused(client, draft):
    member = MembershipFactory(organization=draft.organization).user
    client.force_login(member)
    url = reverse("applications:withdraw", kwargs={"pk": draft.pk})
    response = client.post(url, {"reason": "Non."})
    draft.refresh_from_db()
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": draft.pk})
    assert draft.state == ApplicationState.DRAFT


def test_unverified_user_sees_no_start_button(client, organization):
    CallFactory()
    unverified = MembershipFactory(organization=organization, user__email_verified_at=None).user
    client.force_login(unverified)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("applications:start") not in content


def test_dashboard_offers_start_for_open_call(client, representative):
    call = CallFactory()
    client.force_login(representative)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("applications:start") in content
    assert f'value="{call.code}"' in content


def test_dashboard_lists_draft(client, draft):
    client.force_login(representative_of(draft))
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("applications:review", kwargs={"pk": draft.pk}) in content
    assert f'value="{draft.call.code}"' not in content
