"""The report page: filling, attachments, submission, the officer's decisions, scope and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from common.models import TransitionLog
from payments import reports
from payments.models import InstallmentKind, InstallmentState, Report, ReportAttachment, ReportKind, ReportState
from payments.reports import ReportContent
from tests.applications.factories import PDF_BYTES
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.payments.conftest import fill_and_submit, pay, representative_of

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def report_url(report, name="payments:report") -> str:
    return reverse(name, kwargs={"pk": report.pk})


def progress(agreement, number=1) -> Report:
    return agreement.reports.get(kind=ReportKind.PROGRESS, number=number)


def final(agreement) -> Report:
    return agreement.reports.get(kind=ReportKind.FINAL)


def taxonomy(agreement):
    call = agreement.application.call
    clienteles = list(call.clienteles.order_by("position", "code"))
    return clienteles, list(call.expense_categories.order_by("position", "code"))


def revenue_management(total=2, initial=0) -> dict:
    return {
        "revenues-TOTAL_FORMS": str(total),
        "revenues-INITIAL_FORMS": str(initial),
        "revenues-MIN_NUM_FORMS": "0",
        "revenues-MAX_NUM_FORMS": "1000",
    }


def post_report(client, report, data=None, *, action="save", **extra):
    payload = {"action": action, **(data or {})}
    if report.kind == ReportKind.FINAL and "revenues-TOTAL_FORMS" not in payload:
        payload.update(revenue_management())
    return client.post(report_url(report), payload, **extra)


def complete_progress_data(agreement, amount="1 234,56") -> dict:
    clienteles, categories = taxonomy(agreement)
    return {
        "activities": "Ateliers dans trois écoles.",
        "indicators": "120 élèves rencontrés.",
        "difficulties": "",
        f"reach_{clienteles[0].pk}": "120",
        f"expense_0_{categories[0].pk}": amount,
    }


def pdf_upload(name="bilan.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def representative_user(active_agreement):
    return representative_of(active_agreement)


@pytest.fixture
def other_member(active_agreement):
    return MembershipFactory(organization=active_agreement.application.organization).user


# Filling a report


def test_member_sees_progress_form(client, active_agreement, other_member):
    client.force_login(other_member)
    response = client.get(report_url(progress(active_agreement)))
    assert response.status_code == 200
    form = response.context["forms"].form
    assert {"activities", "indicators", "difficulties"} <= set(form.fields)
    assert "results" not in form.fields
    assert response.context["forms"].revenues is None


def test_save_draft_stores_content(client, active_agreement, other_member):
    report = progress(active_agreement)
    clienteles, categories = taxonomy(active_agreement)
    client.force_login(other_member)
    response = post_report(client, report, complete_progress_data(active_agreement))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.activities == "Ateliers dans trois écoles."
    assert report.state == ReportState.EXPECTED
    assert list(report.reach.values_list("clientele_id", "people")) == [(clienteles[0].pk, 120)]
    assert list(report.expenses.values_list("category_id", "project_year", "amount")) == [
        (categories[0].pk, 0, Decimal("1234.56"))
    ]
    assert "The draft is saved." in messages_of(response)


def test_saved_amount_shown_french_way(client, active_agreement, representative_user, settings):
    report = progress(active_agreement)
    client.force_login(representative_user)
    post_report(client, report, complete_progress_data(active_agreement, amount="1234.5"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with translation.override("fr"):
        content = client.get(report_url(report)).content.decode()
    assert 'value="1 234,50"' in content


def test_bad_amount_keeps_typed_values(client, active_agreement, other_member):
    report = progress(active_agreement)
    _clienteles, categories = taxonomy(active_agreement)
    client.force_login(other_member)
    data = complete_progress_data(active_agreement, amount="12,345.67")
    data["activities"] = "Atelier de théâtre forum"
    response = post_report(client, report, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Atelier de théâtre forum" in content
    assert 'value="12,345.67"' in content
    assert f"expense_0_{categories[0].pk}" in response.context["forms"].form.errors
    assert 'id="error-summary"' in content
    report.refresh_from_db()
    assert report.activities == ""
    assert not report.expenses.exists()


def test_bad_amount_error_names_field_in_french(client, active_agreement, representative_user, settings):
    report = final(active_agreement)
    _clienteles, categories = taxonomy(active_agreement)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(representative_user)
    with translation.override("fr"):
        response = post_report(client, report, {f"expense_1_{categories[0].pk}": "12 34"})
        errors = [str(error) for error in response.context["forms"].form.errors[f"expense_1_{categories[0].pk}"]]
    assert len(errors) == 1
    # The French catalogue puts a no-break space before the colon and inside the guillemets.
    assert errors[0].startswith(f"{categories[0].name}, année 1\xa0: «\xa012 34\xa0» n’est pas un montant valide.")
    assert errors[0] in response.content.decode()


def test_bad_people_count_keeps_typed_values(client, active_agreement, other_member):
    report = progress(active_agreement)
    clienteles, _categories = taxonomy(active_agreement)
    client.force_login(other_member)
    data = complete_progress_data(active_agreement)
    data[f"reach_{clienteles[0].pk}"] = "-3"
    response = post_report(client, report, data)
    assert response.status_code == 200
    assert response.context["forms"].form.errors[f"reach_{clienteles[0].pk}"] == ["Enter 0 or more people."]
    assert "Ateliers dans trois écoles." in response.content.decode()
    assert not Report.objects.get(pk=report.pk).reach.exists()


def test_final_report_saves_years_and_revenues(client, active_agreement, representative_user):
    report = final(active_agreement)
    clienteles, categories = taxonomy(active_agreement)
    client.force_login(representative_user)
    data = {
        "results": "Objectifs atteints dans les deux écoles.",
        f"reach_{clienteles[1].pk}": "300",
        f"expense_1_{categories[0].pk}": "30 000",
        f"expense_2_{categories[0].pk}": "25 000,50",
        f"expense_2_{categories[2].pk}": "0",
        "revenues-0-source": "Ville de Montréal",
        "revenues-0-amount": "5 000",
        "revenues-1-source": "",
        "revenues-1-amount": "",
        **revenue_management(),
    }
    response = post_report(client, report, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.results == "Objectifs atteints dans les deux écoles."
    assert sorted(report.expenses.values_list("project_year", "category_id", "amount")) == sorted(
        [
            (1, categories[0].pk, Decimal("30000.00")),
            (2, categories[0].pk, Decimal("25000.50")),
            (2, categories[2].pk, Decimal("0.00")),
        ]
    )
    assert list(report.revenues.values_list("source", "amount")) == [("Ville de Montréal", Decimal("5000.00"))]


def test_final_report_form_has_column_per_year(client, active_agreement, representative_user):
    client.force_login(representative_user)
    response = client.get(report_url(final(active_agreement)))
    form = response.context["forms"].form
    assert form.years == [1, 2]
    assert "results" in form.fields
    assert response.context["forms"].revenues is not None


def test_revenue_without_source_keeps_row(client, active_agreement, representative_user):
    report = final(active_agreement)
    client.force_login(representative_user)
    data = {"revenues-0-source": "", "revenues-0-amount": "1 500", **revenue_management()}
    response = post_report(client, report, data)
    assert response.status_code == 200
    formset = response.context["forms"].revenues
    assert formset.forms[0].errors["source"] == ["Name the source of this revenue, or empty the row."]
    assert 'value="1 500"' in response.content.decode()


# Submission


def test_representative_submits(client, active_agreement, representative_user, officer):
    report = progress(active_agreement)
    client.force_login(representative_user)
    response = post_report(client, report, complete_progress_data(active_agreement), action="submit")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_by == representative_user
    assert report.activities == "Ateliers dans trois écoles."


def test_other_member_cannot_submit(client, active_agreement, other_member):
    report = progress(active_agreement)
    client.force_login(other_member)
    page = client.get(report_url(report)).content.decode()
    assert 'value="submit"' not in page
    response = post_report(client, report, complete_progress_data(active_agreement), action="submit")
    report.refresh_from_db()
    assert report.state == ReportState.EXPECTED
    assert report.activities == "Ateliers dans trois écoles."
    assert "Only the organization's authorized representative can submit a report." in messages_of(response)


def test_incomplete_submission_lists_problems(client, active_agreement, representative_user):
    report = progress(active_agreement)
    client.force_login(representative_user)
    response = post_report(client, report, {"activities": "Ateliers."}, action="submit", follow=True)
    report.refresh_from_db()
    assert report.state == ReportState.EXPECTED
    anchors = [problem.anchor for problem in response.context["problems"]]
    assert anchors == ["reach", "expenses"]
    content = response.content.decode()
    assert 'href="#reach"' in content
    assert 'href="#expenses"' in content
    assert 'id="reach"' in content


def test_second_submit_is_already_done(client, active_agreement, representative_user):
    report = progress(active_agreement)
    client.force_login(representative_user)
    data = complete_progress_data(active_agreement)
    post_report(client, report, data, action="submit")
    response = post_report(client, report, data, action="submit")
    assert response.status_code == 302
    assert "This report was already submitted." in messages_of(response)
    assert TransitionLog.objects.filter(transition="payments.report.submitted").count() == 1


def test_submitted_report_is_read_only(client, active_agreement, other_member):
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(other_member)
    response = client.get(report_url(report))
    content = response.content.decode()
    assert response.context["forms"] is None
    assert 'name="action"' not in content
    assert "Ateliers dans trois écoles." in content


def test_save_after_submission_keeps_typed_values(client, active_agreement, other_member):
    report = progress(active_agreement)
    # The member opened the form in another tab before the representative submitted.
    fill_and_submit(report)
    client.force_login(other_member)
    data = complete_progress_data(active_agreement)
    data["activities"] = "Texte tapé dans un autre onglet"
    response = post_report(client, report, data)
    assert response.status_code == 200
    assert "Texte tapé dans un autre onglet" in response.content.decode()
    assert response.context["forms"].form.non_field_errors() == [
        "This report was submitted; it can be changed only if the ministry asks for a revision."
    ]
    report.refresh_from_db()
    assert report.activities == "Ateliers dans trois écoles."


def test_revision_comments_shown_and_form_reopens(client, active_agreement, other_member, officer):
    report = progress(active_agreement)
    fill_and_submit(report)
    reports.request_revision(report=report, actor=officer, comments="Précisez les dépenses de matériel.")
    client.force_login(other_member)
    response = client.get(report_url(report))
    assert "Précisez les dépenses de matériel." in response.content.decode()
    assert response.context["forms"] is not None


# Attachments


def test_pdf_attachment_added_with_draft(client, active_agreement, other_member):
    report = progress(active_agreement)
    client.force_login(other_member)
    data = complete_progress_data(active_agreement)
    data["file"] = pdf_upload()
    response = post_report(client, report, data)
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.filename == "bilan.pdf"
    assert attachment.content_type == "application/pdf"
    assert "The file « bilan.pdf » was added." in messages_of(response)


def test_wrong_type_attachment_refused(client, active_agreement, other_member):
    report = progress(active_agreement)
    client.force_login(other_member)
    data = complete_progress_data(active_agreement)
    data["activities"] = "Texte à garder"
    data["file"] = SimpleUploadedFile("rapport.pdf", b"#!/bin/sh\necho faux PDF\n", content_type="application/pdf")
    response = post_report(client, report, data)
    assert response.status_code == 200
    errors = response.context["forms"].attachment.errors["file"]
    assert errors == [
        "“rapport.pdf” is not an accepted file type. Accepted types: PDF, Word (DOCX), Excel (XLSX), "
        "OpenDocument (ODT), OpenDocument (ODS), JPEG, PNG."
    ]
    assert not ReportAttachment.objects.filter(report=report).exists()
    assert "Texte à garder" in response.content.decode()


def test_oversized_attachment_refused(client, active_agreement, other_member, settings):
    settings.UPLOAD_MAX_BYTES = 100
    report = progress(active_agreement)
    client.force_login(other_member)
    response = post_report(client, report, {"file": pdf_upload()})
    assert response.status_code == 200
    assert "over the" in response.context["forms"].attachment.errors["file"][0]
    assert not ReportAttachment.objects.filter(report=report).exists()


def test_valid_upload_kept_when_amount_invalid(client, active_agreement, other_member):
    report = progress(active_agreement)
    client.force_login(other_member)
    data = complete_progress_data(active_agreement, amount="douze")
    data["file"] = pdf_upload()
    response = post_report(client, report, data)
    assert response.status_code == 200
    assert ReportAttachment.objects.filter(report=report).count() == 1
    assert "bilan.pdf" in response.content.decode()


def test_checked_attachment_removed(client, active_agreement, other_member):
    report = progress(active_agreement)
    attachment = reports.add_report_attachment(report=report, actor=other_member, upload=pdf_upload())
    client.force_login(other_member)
    response = post_report(client, report, {"remove": str(attachment.pk)})
    assert response.status_code == 302
    assert not ReportAttachment.objects.filter(pk=attachment.pk).exists()
    assert "The file « bilan.pdf » was removed." in messages_of(response)


def test_attachment_download_for_member_and_officer(client, active_agreement, other_member, officer):
    report = progress(active_agreement)
    attachment = reports.add_report_attachment(report=report, actor=other_member, upload=pdf_upload("bilan été.pdf"))
    url = reverse("payments:report_attachment", kwargs={"pk": report.pk, "attachment_id": attachment.pk})
    for user in (other_member, officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''bilan%20%C3%A9t%C3%A9.pdf" in response["Content-Disposition"]


def test_attachment_of_other_report_not_found(client, active_agreement, other_member):
    attachment = reports.add_report_attachment(
        report=progress(active_agreement), actor=other_member, upload=pdf_upload()
    )
    url = reverse(
        "payments:report_attachment", kwargs={"pk": final(active_agreement).pk, "attachment_id": attachment.pk}
    )
    client.force_login(other_member)
    assert client.get(url).status_code == 404


def test_missing_stored_file_shows_message(client, active_agreement, other_member):
    report = progress(active_agreement)
    attachment = reports.add_report_attachment(report=report, actor=other_member, upload=pdf_upload())
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(other_member)
    response = client.get(
        reverse("payments:report_attachment", kwargs={"pk": report.pk, "attachment_id": attachment.pk})
    )
    assert response.status_code == 410
    assert "bilan.pdf" in response.content.decode()


# Overdue badge


def test_overdue_badge_from_local_date(client, active_agreement, other_member):
    report = progress(active_agreement)
    today = timezone.localdate()
    client.force_login(other_member)
    Report.objects.filter(pk=report.pk).update(due_on=today)
    assert client.get(report_url(report)).context["overdue"] is False
    Report.objects.filter(pk=report.pk).update(due_on=today - timedelta(days=1))
    response = client.get(report_url(report))
    assert response.context["overdue"] is True
    assert '<span class="status status-closed">Overdue</span>' in response.content.decode()


# The officer's decisions


def test_officer_sees_content_and_actions(client, active_agreement, officer):
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(officer)
    response = client.get(report_url(report))
    assert response.status_code == 200
    assert response.context["forms"] is None
    assert "Ateliers dans trois écoles." in response.content.decode()
    assert response.context["accept_form"] is not None
    assert response.context["revision_form"] is not None


def test_officer_accepts_progress_report(client, active_agreement, officer, finance, second_finance):
    pay(active_agreement.installments.get(number=1), finance, second_finance)
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(officer)
    response = client.post(report_url(report, "payments:report_accept"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert active_agreement.installments.get(number=2).state == InstallmentState.DUE


def test_second_accept_is_already_done(client, active_agreement, officer):
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(officer)
    client.post(report_url(report, "payments:report_accept"))
    response = client.post(report_url(report, "payments:report_accept"))
    assert response.status_code == 302
    assert "This report was already accepted." in messages_of(response)


def test_revision_needs_comments(client, active_agreement, officer):
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(officer)
    response = client.post(report_url(report, "payments:report_request_revision"), {"comments": "   "})
    assert response.status_code == 200
    assert response.context["revision_form"].errors["comments"] == [
        "Say what the organization must change in its report."
    ]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_officer_requests_revision(client, active_agreement, officer):
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(officer)
    response = client.post(
        report_url(report, "payments:report_request_revision"), {"comments": "Ajoutez les indicateurs."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.REVISION_REQUESTED
    assert report.revision_comments == "Ajoutez les indicateurs."


def test_officer_extends_due_date(client, active_agreement, officer):
    report = progress(active_agreement)
    new_date = report.due_on + timedelta(days=30)
    client.force_login(officer)
    response = client.post(
        report_url(report, "payments:report_extend"),
        {"due_on": new_date.isoformat(), "reason": "Départ de la coordonnatrice."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.due_on == new_date
    log = TransitionLog.objects.get(transition="payments.report.extended")
    assert log.reason.startswith("Départ de la coordonnatrice.")


def test_earlier_due_date_refused_keeps_reason(client, active_agreement, officer):
    report = progress(active_agreement)
    before = report.due_on
    client.force_login(officer)
    response = client.post(
        report_url(report, "payments:report_extend"),
        {"due_on": (before - timedelta(days=1)).isoformat(), "reason": "Motif à garder"},
    )
    assert response.status_code == 200
    assert response.context["extend_form"].non_field_errors()[0].startswith("New due date: choose a date after")
    assert "Motif à garder" in response.content.decode()
    report.refresh_from_db()
    assert report.due_on == before


def test_finance_officer_cannot_accept(client, active_agreement, finance):
    report = progress(active_agreement)
    fill_and_submit(report)
    client.force_login(finance)
    assert client.get(report_url(report)).status_code == 200
    assert client.post(report_url(report, "payments:report_accept")).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_staff_cannot_post_member_form(client, active_agreement, officer):
    report = progress(active_agreement)
    client.force_login(officer)
    assert post_report(client, report, complete_progress_data(active_agreement)).status_code == 404


# The final report and the settlement


@pytest.fixture
def final_submitted(active_agreement, officer, finance, second_finance):
    """Installments 1 and 2 paid (63 000 $), both progress reports accepted, final report of 66 000 $ submitted."""
    first, second = active_agreement.installments.filter(kind=InstallmentKind.PROJECT_YEAR).order_by("number")
    pay(first, finance, second_finance)
    fill_and_submit(progress(active_agreement, 1))
    reports.accept_report(report=progress(active_agreement, 1), actor=officer)
    pay(second, finance, second_finance)
    fill_and_submit(progress(active_agreement, 2))
    reports.accept_report(report=progress(active_agreement, 2), actor=officer)
    report = final(active_agreement)
    fill_and_submit(report, expenses=Decimal("66000"))
    return report


def test_final_acceptance_prefills_reported_total(client, final_submitted, officer):
    client.force_login(officer)
    response = client.get(report_url(final_submitted))
    assert response.context["accept_form"]["eligible_expenses"].value() == "66000.00"
    assert response.context["paid_total"] == Decimal("63000.00")
    assert response.context["holdback"] == Decimal("7000.00")
    settlement = response.context["settlement"]
    assert settlement.final_payment == Decimal("3000.00")
    assert settlement.to_recover == Decimal("0")


def test_final_settlement_preview_writes_nothing(client, final_submitted, officer):
    client.force_login(officer)
    response = client.post(
        report_url(final_submitted, "payments:report_accept"), {"eligible_expenses": "60 000", "preview": "1"}
    )
    assert response.status_code == 200
    settlement = response.context["settlement"]
    assert settlement.final_payment == Decimal("0")
    assert settlement.to_recover == Decimal("3000.00")
    assert "$3,000.00" in response.content.decode()
    final_submitted.refresh_from_db()
    assert final_submitted.state == ReportState.SUBMITTED


def test_final_acceptance_records_recovery(client, final_submitted, officer):
    client.force_login(officer)
    response = client.post(report_url(final_submitted, "payments:report_accept"), {"eligible_expenses": "60 000"})
    assert response.status_code == 302
    agreement = final_submitted.agreement
    agreement.refresh_from_db()
    assert agreement.final_payment == Decimal("0")
    assert agreement.amount_to_recover == Decimal("3000.00")
    assert "The final report is accepted. Final payment: $0.00; amount to recover: $3,000.00." in messages_of(response)
    page = client.get(report_url(final_submitted)).content.decode()
    assert "Settlement of the agreement" in page
    assert "$3,000.00" in page


def test_final_acceptance_pays_part_of_holdback(client, final_submitted, officer):
    client.force_login(officer)
    client.post(report_url(final_submitted, "payments:report_accept"), {"eligible_expenses": "66 000,00"})
    agreement = final_submitted.agreement
    agreement.refresh_from_db()
    assert agreement.final_payment == Decimal("3000.00")
    assert agreement.amount_to_recover == Decimal("0")
    assert agreement.installments.get(kind=InstallmentKind.HOLDBACK).state == InstallmentState.DUE


def test_final_acceptance_needs_valid_amount(client, final_submitted, officer):
    client.force_login(officer)
    response = client.post(report_url(final_submitted, "payments:report_accept"), {"eligible_expenses": "abc"})
    assert response.status_code == 200
    assert (
        response.context["accept_form"]
        .errors["eligible_expenses"][0]
        .startswith("Eligible actual expenses: “abc” is not a valid amount.")
    )
    final_submitted.refresh_from_db()
    assert final_submitted.state == ReportState.SUBMITTED


def test_final_acceptance_refused_while_installment_unpaid(client, active_agreement, officer):
    report = final(active_agreement)
    fill_and_submit(report)
    client.force_login(officer)
    page = client.get(report_url(report))
    assert page.context["unsettled_installments"] == [1, 2]
    response = client.post(report_url(report, "payments:report_accept"), {"eligible_expenses": "1000"})
    assert response.status_code == 200
    assert response.context["accept_form"].non_field_errors() == [
        "Installment 1 is not paid yet. Pay or cancel every installment before the final report."
    ]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


# Scope: every URL returns 404 to a user who cannot see the agreement


def scope_urls(report, attachment) -> list[tuple[str, str]]:
    """Return (method, url) pairs of every report URL."""
    return [
        ("get", report_url(report)),
        ("post", report_url(report)),
        ("get", reverse("payments:report_attachment", kwargs={"pk": report.pk, "attachment_id": attachment.pk})),
        ("post", report_url(report, "payments:report_accept")),
        ("post", report_url(report, "payments:report_request_revision")),
        ("post", report_url(report, "payments:report_extend")),
    ]


@pytest.fixture
def scope_world(active_agreement, representative_user):
    report = progress(active_agreement)
    attachment = reports.add_report_attachment(report=report, actor=representative_user, upload=pdf_upload())
    return report, attachment


PERSONAS = {
    "outsider": lambda: MembershipFactory(organization=OrganizationFactory(), is_representative=True).user,
    "other_organization_member": lambda: MembershipFactory(organization=OrganizationFactory()).user,
    "reviewer": lambda: UserFactory(roles=["reviewer"]),
    "committee_member": lambda: UserFactory(roles=["committee_member"]),
}


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("index", range(6))
def test_out_of_scope_gets_404(client, scope_world, persona, index):
    report, attachment = scope_world
    method, url = scope_urls(report, attachment)[index]
    client.force_login(PERSONAS[persona]())
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).state == ReportState.EXPECTED


@pytest.mark.parametrize("index", range(6))
def test_anonymous_sent_to_login(client, scope_world, index):
    report, attachment = scope_world
    method, url = scope_urls(report, attachment)[index]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", ["program_officer", "program_manager", "decision_maker", "finance_officer"])
def test_staff_roles_see_report(client, scope_world, role):
    report, _attachment = scope_world
    client.force_login(UserFactory(roles=[role]))
    assert client.get(report_url(report)).status_code == 200


# Query counts


def fill_rows(report, actor, count: int) -> None:
    """Save `count` rows of people reached, expenses and revenues, and `count` attachments."""
    clienteles, categories = taxonomy(report.agreement)
    years = [1, 2] if report.is_final else [0]
    reports.save_report(
        report=report,
        actor=actor,
        content=ReportContent(
            results="Résultats.",
            activities="Activités.",
            reach={clientele.pk: 10 for clientele in clienteles[:count]},
            expenses={(category.pk, years[0]): Decimal("100") for category in categories[:count]},
            revenues=[(f"Source {number}", Decimal("50")) for number in range(count)],
        ),
    )
    ReportAttachment.objects.filter(report=report).delete()
    for number in range(count):
        reports.add_report_attachment(report=report, actor=actor, upload=pdf_upload(f"piece-{number}.pdf"))


def page_queries(client, url) -> int:
    client.get(url)  # fills the content-type cache, which later requests reuse
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_report_page_queries_constant_for_member(client, active_agreement, representative_user):
    report = final(active_agreement)
    client.force_login(representative_user)
    fill_rows(report, representative_user, 1)
    one = page_queries(client, report_url(report))
    fill_rows(report, representative_user, 3)
    three = page_queries(client, report_url(report))
    assert one == three


def test_report_page_queries_constant_for_officer(client, active_agreement, representative_user, officer):
    report = final(active_agreement)
    fill_rows(report, representative_user, 1)
    reports.submit_report(report=report, actor=representative_user)
    client.force_login(officer)
    one = page_queries(client, report_url(report))
    reports.request_revision(report=report, actor=officer, comments="Encore.")
    fill_rows(report, representative_user, 3)
    reports.submit_report(report=report, actor=representative_user)
    three = page_queries(client, report_url(report))
    assert one == three
