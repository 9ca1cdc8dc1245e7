"""The agreement page and the actions on an agreement and its installments, through the client, by role."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from common.models import Document
from payments import installments, reports, services
from payments.models import AgreementState, InstallmentState, ReportKind
from payments.selectors import agreement_history
from reviews.models import ReviewAssignment
from tests.applications.factories import PDF_BYTES, ApplicationFactory, complete_application
from tests.factories import MembershipFactory, UserFactory
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, pay, representative_of, sign

pytestmark = pytest.mark.django_db


def url(name: str, obj) -> str:
    return reverse(f"payments:{name}", kwargs={"pk": obj.pk})


def member_of(agreement):
    """A member of the agreement's organization who is not its representative."""
    return MembershipFactory(organization=agreement.application.organization).user


def info_messages(response) -> list[str]:
    """Return the information messages queued for the next page, without the success messages of earlier steps."""
    return [str(message) for message in get_messages(response.wsgi_request) if message.level == messages.INFO]


def first_installment(agreement):
    return agreement.installments.get(number=1)


def schedule_data(agreement, amounts, dates=None) -> dict:
    rows = list(agreement.installments.order_by("number"))
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)), "reason": ""}
    for index, (installment, amount) in enumerate(zip(rows, amounts, strict=True)):
        data[f"form-{index}-installment_id"] = str(installment.pk)
        data[f"form-{index}-amount"] = amount
        data[f"form-{index}-due_on"] = (dates[index] if dates else installment.due_on).isoformat()
    return data


@pytest.fixture
def sent(agreement, officer):
    return services.send_for_signature(agreement=agreement, actor=officer)


@pytest.fixture
def signed(agreement, officer):
    return sign(agreement, officer)


# The page


def test_page_shows_agreement_to_representative(client, agreement):
    client.force_login(representative_of(agreement))
    response = client.get(url("agreement", agreement))
    content = response.content.decode()
    assert response.status_code == 200
    assert agreement.application.title in content
    assert "$70,000.00" in content
    assert "$36,000.00" in content
    assert "$27,000.00" in content
    assert "When the final report is accepted" in content
    assert "Progress report – year 1" in content
    assert "Final report" in content
    assert "2027-2028" in content
    assert "informe le ministère" in content


@pytest.mark.parametrize(
    "role", [Role.PROGRAM_OFFICER, Role.PROGRAM_MANAGER, Role.DECISION_MAKER, Role.FINANCE_OFFICER]
)
def test_page_shown_to_organization_staff(client, agreement, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(url("agreement", agreement)).status_code == 200


def test_page_offers_draft_actions_to_officer_only(client, agreement, officer):
    client.force_login(officer)
    officer_page = client.get(url("agreement", agreement)).content.decode()
    client.force_login(representative_of(agreement))
    member_page = client.get(url("agreement", agreement)).content.decode()
    assert url("agreement_schedule", agreement) in officer_page
    assert url("agreement_send", agreement) in officer_page
    assert url("agreement_schedule", agreement) not in member_page
    assert url("agreement_send", agreement) not in member_page
    # Withholding waits for the agreement to be active.
    assert url("installment_withhold", first_installment(agreement)) not in officer_page


def test_page_marks_overdue_report(client, agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    agreement.reports.filter(kind=ReportKind.PROGRESS, number=1).update(due_on=date(2020, 1, 1))
    client.force_login(representative_of(agreement))
    content = client.get(url("agreement", agreement)).content.decode()
    assert content.count(">overdue<") == 1


def test_page_shows_termination_and_amount_to_recover(
    client, active_agreement, decision_maker, finance, second_finance
):
    pay(first_installment(active_agreement), finance, second_finance)
    services.terminate_agreement(
        agreement=active_agreement, actor=decision_maker, reason="Projet abandonné.", eligible_expenses=Decimal("6000")
    )
    client.force_login(representative_of(active_agreement))
    content = client.get(url("agreement", active_agreement)).content.decode()
    assert "Projet abandonné." in content
    # Paid 36 000 $, eligible 6 000 $.
    assert "$30,000.00" in content


def test_file_page_links_agreement(client, agreement):
    client.force_login(representative_of(agreement))
    response = client.get(reverse("applications:detail", kwargs={"pk": agreement.application.pk}))
    assert url("agreement", agreement) in response.content.decode()


def test_file_page_without_agreement_renders(client, officer):
    application = complete_application(ApplicationFactory())
    client.force_login(officer)
    response = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    # The menu links to the agreements list; no link to any agreement of this file.
    assert 'href="/conventions/1' not in response.content.decode()
    assert "See the agreement, its installments and its reports" not in response.content.decode()


# History


def test_history_merges_agreement_installments_and_reports(agreement, officer, decision_maker, finance):
    activate(agreement, officer, decision_maker)
    installments.approve_installment(installment=first_installment(agreement), actor=finance)
    history = agreement_history(agreement, for_organization=False)
    concerns = [(entry.concerns, entry.transition) for entry in history]
    assert ("Agreement", "payments.agreement.activated") in concerns
    assert ("Installment 1", "payments.installment.due") in concerns
    assert ("Installment 1", "payments.installment.approved") in concerns


def test_history_labels_reports(active_agreement, officer):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    final = active_agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(progress)
    reports.extend_due_date(report=final, actor=officer, due_on=date(2031, 1, 15), reason="Projet prolongé.")
    concerns = {entry.concerns for entry in agreement_history(active_agreement, for_organization=True)}
    assert "Progress report – year 1" in concerns
    assert "Final report" in concerns


def test_history_hides_approver_from_organization(agreement, officer, decision_maker, finance):
    activate(agreement, officer, decision_maker)
    installments.approve_installment(installment=first_installment(agreement), actor=finance)
    for_organization = agreement_history(agreement, for_organization=True)
    for_staff = agreement_history(agreement, for_organization=False)
    approval = next(entry for entry in for_organization if entry.transition == "payments.installment.approved")
    staff_approval = next(entry for entry in for_staff if entry.transition == "payments.installment.approved")
    assert approval.internal
    assert approval.actor is None
    assert staff_approval.actor == finance


def test_history_queries_do_not_grow_with_entries(active_agreement, finance):
    agreement_history(active_agreement, for_organization=True)
    with CaptureQueriesContext(connection) as queries:
        agreement_history(active_agreement, for_organization=True)
    installments.approve_installment(installment=first_installment(active_agreement), actor=finance)
    with CaptureQueriesContext(connection) as more_queries:
        agreement_history(active_agreement, for_organization=True)

    assert len(queries) == len(more_queries) == 3


def test_page_hides_approver_name_from_organization(client, active_agreement, finance):
    installments.approve_installment(installment=first_installment(active_agreement), actor=finance)
    client.force_login(representative_of(active_agreement))
    member_page = client.get(url("agreement", active_agreement)).content.decode()
    client.force_login(UserFactory(roles=[Role.PROGRAM_OFFICER]))
    staff_page = client.get(url("agreement", active_agreement)).content.decode()
    assert finance.get_full_name() not in member_page
    assert finance.get_full_name() in staff_page


def page_queries(client, agreement) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("agreement", agreement))
    assert response.status_code == 200
    return len(queries)


def test_page_queries_same_for_one_and_three_years(
    client, officer, decision_maker, finance, second_finance, django_capture_on_commit_callbacks
):
    one_year = activate(approved_agreement(("40000",)), officer, decision_maker)
    three_years = activate(approved_agreement(("40000", "30000", "20000")), officer, decision_maker)
    for agreement in (one_year, three_years):
        with django_capture_on_commit_callbacks(execute=True):
            pay(first_installment(agreement), finance, second_finance)
    assert one_year.installments.count() == 2
    assert three_years.installments.count() == 4
    client.force_login(officer)
    page_queries(client, one_year)
    assert page_queries(client, one_year) == page_queries(client, three_years)


# Schedule


def test_schedule_page_shows_installments(client, agreement, officer):
    client.force_login(officer)
    response = client.get(url("agreement_schedule", agreement))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="form-2-amount"' in content
    assert "Amount of installment 3" in content


def test_schedule_saved(client, agreement, officer):
    client.force_login(officer)
    data = schedule_data(
        agreement, ["35000", "28000,00", "7 000"], [date(2027, 7, 2), date(2028, 9, 1), date(2029, 9, 1)]
    )
    response = client.post(url("agreement_schedule", agreement), data)
    assert response.status_code == 302
    amounts = list(agreement.installments.order_by("number").values_list("amount", flat=True))
    assert amounts == [Decimal("35000.00"), Decimal("28000.00"), Decimal("7000.00")]
    assert first_installment(agreement).due_on == date(2027, 7, 2)


def test_schedule_sum_error_keeps_values(client, agreement, officer):
    client.force_login(officer)
    response = client.post(url("agreement_schedule", agreement), schedule_data(agreement, ["36001", "27000", "7000"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "add up to $70,001.00 but the agreement total is $70,000.00" in content
    assert 'value="36001"' in content
    assert "-$1.00" in content
    assert first_installment(agreement).amount == Decimal("36000.00")


def test_schedule_invalid_amount_named(client, agreement, officer):
    client.force_login(officer)
    response = client.post(url("agreement_schedule", agreement), schedule_data(agreement, ["36 000", "abc", "7000"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Amount of installment 2" in content
    assert "is not a valid amount" in content
    assert 'href="#id_form-1-amount"' in content


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.DECISION_MAKER])
def test_schedule_other_staff_404(client, agreement, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.post(url("agreement_schedule", agreement), schedule_data(agreement, ["36000", "27000", "7000"]))
    assert response.status_code == 404


def test_schedule_member_404(client, agreement):
    client.force_login(representative_of(agreement))
    assert client.get(url("agreement_schedule", agreement)).status_code == 404


def test_schedule_of_sent_agreement_refused(client, sent, officer):
    client.force_login(officer)
    response = client.get(url("agreement_schedule", sent))
    assert response.status_code == 302
    assert "only as a draft" in info_messages(response)[0]
    response = client.post(url("agreement_schedule", sent), schedule_data(sent, ["35000", "28000", "7000"]))
    assert response.status_code == 200
    assert "only as a draft" in response.content.decode()


# Conditions


def test_conditions_saved(client, agreement, officer):
    client.force_login(officer)
    response = client.post(url("agreement_conditions", agreement), {"conditions": "Condition unique.\r\nDeux."})
    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.conditions == "Condition unique.\nDeux."


def test_conditions_member_404(client, agreement):
    client.force_login(representative_of(agreement))
    assert client.post(url("agreement_conditions", agreement), {"conditions": "x"}).status_code == 404


# Sending and revising


def test_send_for_signature(client, agreement, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("agreement_send", agreement))
    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.state == AgreementState.SENT_FOR_SIGNATURE
    assert Document.objects.filter(kind="payments.agreement", object_id=str(agreement.pk)).count() == 1
    assert representative_of(agreement).email in [address for message in mail.outbox for address in message.to]


def test_send_twice_already_done(client, agreement, officer):
    client.force_login(officer)
    client.post(url("agreement_send", agreement))
    response = client.post(url("agreement_send", agreement))
    assert response.status_code == 302
    assert info_messages(response) == ["The agreement was already sent for signature."]
    assert Document.objects.filter(kind="payments.agreement", object_id=str(agreement.pk)).count() == 1


def test_send_without_conditions_refused(client, agreement, officer):
    agreement.conditions = ""
    agreement.save(update_fields=["conditions"])
    client.force_login(officer)
    response = client.post(url("agreement_send", agreement))
    agreement.refresh_from_db()
    assert response.status_code == 200
    assert "Write the conditions of the agreement before sending it." in response.content.decode()
    assert agreement.state == AgreementState.DRAFT


def test_send_by_representative_404(client, agreement):
    client.force_login(representative_of(agreement))
    assert client.post(url("agreement_send", agreement)).status_code == 404


def test_revise_returns_to_draft(client, signed, officer):
    client.force_login(officer)
    response = client.post(url("agreement_revise", signed), {"reason": "Dates à corriger."})
    signed.refresh_from_db()
    assert response.status_code == 302
    assert signed.state == AgreementState.DRAFT
    assert signed.signed_at is None


def test_revise_needs_reason(client, sent, officer):
    client.force_login(officer)
    response = client.post(url("agreement_revise", sent), {"reason": "  "})
    sent.refresh_from_db()
    assert response.status_code == 200
    assert 'href="#id_reason"' in response.content.decode()
    assert sent.state == AgreementState.SENT_FOR_SIGNATURE


def test_revise_twice_already_done(client, sent, officer):
    client.force_login(officer)
    client.post(url("agreement_revise", sent), {"reason": "Dates à corriger."})
    response = client.post(url("agreement_revise", sent), {"reason": "Dates à corriger."})
    assert response.status_code == 302
    assert info_messages(response) == ["The agreement is already a draft."]


# Signature


def signature_data(sha256: str, **overrides) -> dict:
    data = {
        "electronic-signer_name": "Camille Lavoie",
        "electronic-signer_title": "Directrice générale",
        "electronic-has_read": "on",
        "electronic-document_sha256": sha256,
    }
    data.update(overrides)
    return data


def test_sign_page_shows_pdf_and_hash(client, sent):
    client.force_login(representative_of(sent))
    response = client.get(url("agreement_sign", sent))
    content = response.content.decode()
    assert response.status_code == 200
    assert url("agreement_document", sent) in content
    assert sent.sent_document_sha256 in content
    assert f'name="electronic-document_sha256" value="{sent.sent_document_sha256}"' in content


def test_sign_electronically(client, sent, django_capture_on_commit_callbacks, decision_maker):
    client.force_login(representative_of(sent))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("agreement_sign", sent), signature_data(sent.sent_document_sha256))
    sent.refresh_from_db()
    assert response.status_code == 302
    assert sent.state == AgreementState.SIGNED_BY_ORGANIZATION
    assert sent.signed_document_sha256 == sent.sent_document_sha256
    assert sent.signer_title == "Directrice générale"
    assert decision_maker.email in [address for message in mail.outbox for address in message.to]


def test_sign_twice_already_done(client, sent):
    client.force_login(representative_of(sent))
    client.post(url("agreement_sign", sent), signature_data(sent.sent_document_sha256))
    response = client.post(url("agreement_sign", sent), signature_data(sent.sent_document_sha256))
    assert response.status_code == 302
    assert info_messages(response) == ["The agreement was already signed."]


def test_sign_with_stale_hash_refused(client, sent):
    client.force_login(representative_of(sent))
    response = client.post(url("agreement_sign", sent), signature_data("0" * 64))
    content = response.content.decode()
    sent.refresh_from_db()
    assert response.status_code == 200
    assert "The agreement changed since you opened it" in content
    assert sent.state == AgreementState.SENT_FOR_SIGNATURE
    # The form now carries the version shown, and keeps the name typed.
    assert f'value="{sent.sent_document_sha256}"' in content
    assert 'value="Directrice générale"' in content


def test_sign_needs_acknowledgement(client, sent):
    client.force_login(representative_of(sent))
    data = signature_data(sent.sent_document_sha256)
    del data["electronic-has_read"]
    response = client.post(url("agreement_sign", sent), data)
    sent.refresh_from_db()
    assert "Check the box to confirm that you have read the agreement." in response.content.decode()
    assert sent.state == AgreementState.SENT_FOR_SIGNATURE


def test_sign_by_other_member_refused(client, sent):
    client.force_login(member_of(sent))
    response = client.post(url("agreement_sign", sent), signature_data(sent.sent_document_sha256))
    sent.refresh_from_db()
    assert response.status_code == 200
    assert "Only the organization's authorized representative can sign" in response.content.decode()
    assert sent.state == AgreementState.SENT_FOR_SIGNATURE


@pytest.mark.parametrize("role", [Role.PROGRAM_OFFICER, Role.DECISION_MAKER])
def test_sign_by_staff_404(client, sent, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.post(url("agreement_sign", sent), signature_data(sent.sent_document_sha256)).status_code == 404


def copy_data(upload) -> dict:
    return {"copy-signer_name": "Camille Lavoie", "copy-signer_title": "Directrice", "copy-signed_file": upload}


def test_upload_non_pdf_refused(client, sent):
    client.force_login(representative_of(sent))
    upload = SimpleUploadedFile("convention.pdf", b"not a PDF at all", content_type="application/pdf")
    response = client.post(url("agreement_upload_signed", sent), copy_data(upload))
    content = response.content.decode()
    sent.refresh_from_db()
    assert response.status_code == 200
    assert "Agreement signed by hand (PDF)" in content
    assert "is not an accepted file type. Accepted types: PDF." in content
    assert 'href="#id_copy-signed_file"' in content
    assert 'value="Directrice"' in content
    assert sent.state == AgreementState.SENT_FOR_SIGNATURE


def test_upload_twice_already_done(client, sent):
    client.force_login(representative_of(sent))
    for _attempt in range(2):
        upload = SimpleUploadedFile("Convention signée.pdf", PDF_BYTES, content_type="application/pdf")
        response = client.post(url("agreement_upload_signed", sent), copy_data(upload))
    assert response.status_code == 302
    assert info_messages(response) == ["The agreement was already signed."]


def test_upload_signed_pdf_then_download(client, sent, officer):
    client.force_login(representative_of(sent))
    upload = SimpleUploadedFile("Convention signée.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url("agreement_upload_signed", sent), copy_data(upload))
    sent.refresh_from_db()
    assert response.status_code == 302
    assert sent.state == AgreementState.SIGNED_BY_ORGANIZATION
    client.force_login(officer)
    download = client.get(url("agreement_signed_copy", sent))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES


# Countersignature and termination


def test_countersign(client, signed, decision_maker):
    client.force_login(decision_maker)
    response = client.post(url("agreement_countersign", signed))
    signed.refresh_from_db()
    assert response.status_code == 302
    assert signed.state == AgreementState.ACTIVE
    assert first_installment(signed).state == InstallmentState.DUE


def test_countersign_twice_already_done(client, signed, decision_maker):
    client.force_login(decision_maker)
    client.post(url("agreement_countersign", signed))
    response = client.post(url("agreement_countersign", signed))
    assert response.status_code == 302
    assert info_messages(response) == ["The agreement is already active."]


def test_countersign_before_signature_refused(client, sent, decision_maker):
    client.force_login(decision_maker)
    response = client.post(url("agreement_countersign", sent))
    assert response.status_code == 200
    assert "The organization must sign the agreement before it is countersigned." in response.content.decode()


def test_countersign_by_officer_404(client, signed, officer):
    client.force_login(officer)
    assert client.post(url("agreement_countersign", signed)).status_code == 404


def test_terminate(client, active_agreement, decision_maker):
    client.force_login(decision_maker)
    data = {"reason": "Projet abandonné.", "eligible_expenses": "12 345,67"}
    response = client.post(url("agreement_terminate", active_agreement), data)
    active_agreement.refresh_from_db()
    assert response.status_code == 302
    assert active_agreement.state == AgreementState.TERMINATED
    assert active_agreement.eligible_expenses == Decimal("12345.67")
    assert set(active_agreement.installments.values_list("state", flat=True)) == {InstallmentState.CANCELLED}


def test_terminate_invalid_amount_keeps_reason(client, active_agreement, decision_maker):
    client.force_login(decision_maker)
    data = {"reason": "Projet abandonné.", "eligible_expenses": "12,345.67"}
    response = client.post(url("agreement_terminate", active_agreement), data)
    content = response.content.decode()
    active_agreement.refresh_from_db()
    assert response.status_code == 200
    assert "“12,345.67” is not a valid amount" in content
    assert "Projet abandonné." in content
    assert active_agreement.state == AgreementState.ACTIVE


def test_terminate_twice_already_done(client, active_agreement, decision_maker):
    client.force_login(decision_maker)
    data = {"reason": "Projet abandonné.", "eligible_expenses": "0"}
    client.post(url("agreement_terminate", active_agreement), data)
    response = client.post(url("agreement_terminate", active_agreement), data)
    assert response.status_code == 302
    assert info_messages(response) == ["The agreement is already terminated."]


def test_terminate_by_officer_404(client, active_agreement, officer):
    client.force_login(officer)
    data = {"reason": "Projet abandonné.", "eligible_expenses": "0"}
    assert client.post(url("agreement_terminate", active_agreement), data).status_code == 404


# Installments


def test_withhold_and_release(client, active_agreement, officer):
    installment = first_installment(active_agreement)
    client.force_login(officer)
    response = client.post(url("installment_withhold", installment), {"reason": "Rapport en retard."})
    installment.refresh_from_db()
    assert response.status_code == 302
    assert installment.state == InstallmentState.WITHHELD
    response = client.post(url("installment_release", installment), {"reason": "Rapport reçu."})
    installment.refresh_from_db()
    assert response.status_code == 302
    assert installment.state == InstallmentState.DUE


def test_withhold_twice_already_done(client, active_agreement, officer):
    installment = first_installment(active_agreement)
    client.force_login(officer)
    client.post(url("installment_withhold", installment), {"reason": "Rapport en retard."})
    response = client.post(url("installment_withhold", installment), {"reason": "Rapport en retard."})
    assert response.status_code == 302
    assert info_messages(response) == ["Installment 1 is already withheld."]


def test_release_twice_already_done(client, active_agreement, officer):
    installment = first_installment(active_agreement)
    installments.withhold_installment(installment=installment, actor=officer, reason="Rapport en retard.")
    client.force_login(officer)
    client.post(url("installment_release", installment), {"reason": "Rapport reçu."})
    response = client.post(url("installment_release", installment), {"reason": "Rapport reçu."})
    assert response.status_code == 302
    assert info_messages(response) == ["Installment 1 is not withheld."]


def test_withhold_needs_reason(client, active_agreement, officer):
    installment = first_installment(active_agreement)
    client.force_login(officer)
    response = client.post(url("installment_withhold", installment), {"reason": ""})
    installment.refresh_from_db()
    assert response.status_code == 200
    assert installment.state == InstallmentState.DUE


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.DECISION_MAKER])
def test_withhold_by_other_staff_404(client, active_agreement, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.post(url("installment_withhold", first_installment(active_agreement)), {"reason": "x"})
    assert response.status_code == 404


def test_approve_then_pay(client, active_agreement, finance, second_finance, django_capture_on_commit_callbacks):
    installment = first_installment(active_agreement)
    client.force_login(finance)
    response = client.post(url("installment_approve", installment))
    installment.refresh_from_db()
    assert response.status_code == 302
    assert installment.state == InstallmentState.APPROVED
    assert installment.approved_by == finance

    client.force_login(second_finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("installment_pay", installment), {"paid_on": "2026-12-01", "reference": "VIR-42"})
    installment.refresh_from_db()
    assert response.status_code == 302
    assert installment.state == InstallmentState.PAID
    assert installment.payment_reference == "VIR-42"
    assert Document.objects.filter(kind="payments.payment_notice", object_id=str(installment.pk)).exists()
    assert representative_of(active_agreement).email in [address for message in mail.outbox for address in message.to]


def test_approve_twice_already_done(client, active_agreement, finance):
    installment = first_installment(active_agreement)
    client.force_login(finance)
    client.post(url("installment_approve", installment))
    response = client.post(url("installment_approve", installment))
    assert response.status_code == 302
    assert info_messages(response) == ["Installment 1 was already approved."]


def test_approver_not_offered_payment(client, active_agreement, finance, second_finance):
    installment = first_installment(active_agreement)
    installments.approve_installment(installment=installment, actor=finance)
    client.force_login(finance)
    approver_page = client.get(url("agreement", active_agreement)).content.decode()
    client.force_login(second_finance)
    other_page = client.get(url("agreement", active_agreement)).content.decode()
    assert url("installment_pay", installment) not in approver_page
    assert "another finance officer records the payment" in approver_page
    assert url("installment_pay", installment) in other_page


def test_approver_payment_refused(client, active_agreement, finance):
    installment = first_installment(active_agreement)
    installments.approve_installment(installment=installment, actor=finance)
    client.force_login(finance)
    response = client.post(url("installment_pay", installment), {"paid_on": "2026-12-01", "reference": "VIR-42"})
    installment.refresh_from_db()
    assert response.status_code == 200
    assert "another finance officer must record its payment" in response.content.decode()
    assert 'value="VIR-42"' in response.content.decode()
    assert installment.state == InstallmentState.APPROVED


def test_pay_twice_already_done(client, active_agreement, finance, second_finance):
    installment = first_installment(active_agreement)
    installments.approve_installment(installment=installment, actor=finance)
    client.force_login(second_finance)
    data = {"paid_on": "2026-12-01", "reference": "VIR-42"}
    client.post(url("installment_pay", installment), data)
    response = client.post(url("installment_pay", installment), data)
    assert response.status_code == 302
    assert info_messages(response) == ["Installment 1 was already paid."]


def test_future_payment_date_refused(client, active_agreement, finance, second_finance):
    installment = first_installment(active_agreement)
    installments.approve_installment(installment=installment, actor=finance)
    client.force_login(second_finance)
    response = client.post(url("installment_pay", installment), {"paid_on": "2999-01-01", "reference": "VIR-42"})
    assert "The payment date cannot be in the future." in response.content.decode()


@pytest.mark.parametrize("role", [Role.PROGRAM_OFFICER, Role.DECISION_MAKER])
def test_approve_by_other_staff_404(client, active_agreement, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.post(url("installment_approve", first_installment(active_agreement))).status_code == 404


# Downloads


def test_agreement_pdf_downloads_for_member(client, sent):
    client.force_login(member_of(sent))
    response = client.get(url("agreement_document", sent))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_agreement_pdf_missing_file_shows_message(client, sent):
    document = Document.objects.get(kind="payments.agreement", object_id=str(sent.pk))
    document.file.storage.delete(document.file.name)
    client.force_login(representative_of(sent))
    response = client.get(url("agreement_document", sent))
    assert response.status_code == 410
    assert document.filename in response.content.decode()


def test_agreement_pdf_before_sending_404(client, agreement, officer):
    client.force_login(officer)
    assert client.get(url("agreement_document", agreement)).status_code == 404


def test_payment_notice_downloads_for_member(
    client, active_agreement, finance, second_finance, django_capture_on_commit_callbacks
):
    installment = first_installment(active_agreement)
    with django_capture_on_commit_callbacks(execute=True):
        pay(installment, finance, second_finance)
    client.force_login(member_of(active_agreement))
    page = client.get(url("agreement", active_agreement)).content.decode()
    response = client.get(url("installment_notice", installment))
    assert url("installment_notice", installment) in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# Out of scope: every URL returns 404 to people outside the agreement, and sends anonymous visitors to the login page


@pytest.fixture
def world(officer, decision_maker, finance, second_finance, django_capture_on_commit_callbacks):
    """An active agreement signed by an uploaded copy, with installment 1 paid and its notice stored."""
    agreement = approved_agreement()
    services.send_for_signature(agreement=agreement, actor=officer)
    upload = SimpleUploadedFile("signée.pdf", PDF_BYTES, content_type="application/pdf")
    services.upload_signed_agreement(
        agreement=agreement, actor=representative_of(agreement), signer_name="C. L.", signer_title="DG", upload=upload
    )
    services.countersign_agreement(agreement=agreement, actor=decision_maker)
    with django_capture_on_commit_callbacks(execute=True):
        pay(first_installment(agreement), finance, second_finance)
    return agreement


AGREEMENT_URLS = [
    "agreement",
    "agreement_schedule",
    "agreement_conditions",
    "agreement_send",
    "agreement_revise",
    "agreement_sign",
    "agreement_upload_signed",
    "agreement_countersign",
    "agreement_terminate",
    "agreement_document",
    "agreement_signed_copy",
]
INSTALLMENT_URLS = [
    "installment_approve",
    "installment_pay",
    "installment_withhold",
    "installment_release",
    "installment_notice",
]
OUTSIDERS = ["outsider", "other_member", "reviewer", "committee_member", "jury_member"]


def outsider_of(kind: str, agreement, outsider):
    if kind == "outsider":
        return outsider
    if kind == "other_member":
        return member_of(approved_agreement(("10000",)))
    if kind == "reviewer":
        return ReviewAssignment.objects.filter(application=agreement.application).first().reviewer
    return UserFactory(roles=[kind])


def url_of(name: str, agreement) -> str:
    if name in INSTALLMENT_URLS:
        return url(name, first_installment(agreement))
    return url(name, agreement)


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_out_of_scope_404(client, world, outsider, kind):
    client.force_login(outsider_of(kind, world, outsider))
    names = AGREEMENT_URLS + INSTALLMENT_URLS
    on_get = {name: client.get(url_of(name, world)).status_code for name in names}
    on_post = {name: client.post(url_of(name, world), {"reason": "x", "conditions": "x"}).status_code for name in names}
    assert {name: status for name, status in on_get.items() if status != 404} == {}
    assert {name: status for name, status in on_post.items() if status != 404} == {}
    world.refresh_from_db()
    assert world.state == AgreementState.ACTIVE


def test_anonymous_sent_to_login(client, world):
    login = reverse("accounts:login")
    locations = {
        name: client.get(url_of(name, world)).get("Location", "") for name in AGREEMENT_URLS + INSTALLMENT_URLS
    }
    assert {name: location for name, location in locations.items() if not location.startswith(login)} == {}


def test_member_reaches_pages_and_downloads(client, world):
    client.force_login(member_of(world))
    names = ["agreement", "agreement_document", "agreement_signed_copy", "installment_notice"]
    statuses = {name: client.get(url_of(name, world)).status_code for name in names}
    assert statuses == dict.fromkeys(names, 200)
