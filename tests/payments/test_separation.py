"""Separation of duties on installments: two finance users, officers for withholding, and the payment date."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.models import TransitionLog
from payments import installments, reports
from payments.models import Installment, InstallmentState, ReportKind
from payments.services import AlreadyDone, PaymentError
from tests.factories import UserFactory
from tests.payments.conftest import fill_and_submit, pay, representative_of

pytestmark = pytest.mark.django_db


def first_installment(agreement) -> Installment:
    return agreement.installments.get(number=1)


def record(installment, actor, *, paid_on=None, reference="VIR-0001"):
    return installments.record_payment(
        installment=installment, actor=actor, paid_on=paid_on or date(2026, 12, 1), reference=reference
    )


def logs(installment, code):
    return TransitionLog.objects.filter(object_id=str(installment.pk), transition=code)


# --- Two finance users ------------------------------------------------------------------------------


def test_approve_then_pay_by_two_users(active_agreement, finance, second_finance):
    first = first_installment(active_agreement)

    installments.approve_installment(installment=first, actor=finance)
    record(first, second_finance, paid_on=date(2026, 11, 30), reference="VIR-2026-118")

    first.refresh_from_db()
    assert first.state == InstallmentState.PAID
    assert (first.approved_by, first.paid_by) == (finance, second_finance)
    assert (first.paid_on, first.payment_reference) == (date(2026, 11, 30), "VIR-2026-118")
    assert logs(first, "payments.installment.approved").get().actor == finance
    assert logs(first, "payments.installment.paid").get().actor == second_finance


def test_same_user_cannot_pay_what_they_approved(active_agreement, finance):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)

    with pytest.raises(PaymentError, match="another finance officer must record its payment"):
        record(first, finance)

    first.refresh_from_db()
    assert first.state == InstallmentState.APPROVED
    assert first.paid_by is None
    assert not logs(first, "payments.installment.paid").exists()


def test_database_rejects_same_approver_and_payer(active_agreement, finance, second_finance):
    first = first_installment(active_agreement)
    pay(first, finance, second_finance)

    with pytest.raises(IntegrityError), transaction.atomic():
        Installment.objects.filter(pk=first.pk).update(paid_by=finance)

    first.refresh_from_db()
    assert first.paid_by == second_finance


def test_database_allows_one_finance_step_missing(active_agreement, finance):
    first = first_installment(active_agreement)

    Installment.objects.filter(pk=first.pk).update(approved_by=finance)

    first.refresh_from_db()
    assert first.approved_by == finance
    assert first.paid_by is None


@pytest.mark.parametrize("role", ["program_officer", "decision_maker", "program_manager", None])
def test_non_finance_cannot_approve(active_agreement, role):
    first = first_installment(active_agreement)
    actor = UserFactory(roles=[role] if role else [])

    with pytest.raises(PaymentError, match="Only a finance officer can approve"):
        installments.approve_installment(installment=first, actor=actor)

    first.refresh_from_db()
    assert first.state == InstallmentState.DUE


@pytest.mark.parametrize("role", ["program_officer", "decision_maker", "program_manager", None])
def test_non_finance_cannot_record_payment(active_agreement, finance, role):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)
    actor = UserFactory(roles=[role] if role else [])

    with pytest.raises(PaymentError, match="Only a finance officer can record"):
        record(first, actor)

    first.refresh_from_db()
    assert first.state == InstallmentState.APPROVED


def test_representative_cannot_approve(active_agreement):
    with pytest.raises(PaymentError, match="Only a finance officer"):
        installments.approve_installment(
            installment=first_installment(active_agreement), actor=representative_of(active_agreement)
        )


def test_inactive_finance_user_refused(active_agreement):
    former = UserFactory(roles=["finance_officer"], is_active=False)

    with pytest.raises(PaymentError, match="Only a finance officer"):
        installments.approve_installment(installment=first_installment(active_agreement), actor=former)


def test_approve_twice_already_done(active_agreement, finance, second_finance):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)

    for actor in (finance, second_finance):
        with pytest.raises(AlreadyDone):
            installments.approve_installment(installment=first, actor=actor)

    first.refresh_from_db()
    assert first.approved_by == finance
    assert logs(first, "payments.installment.approved").count() == 1


def test_record_twice_already_done(active_agreement, finance, second_finance):
    first = first_installment(active_agreement)
    pay(first, finance, second_finance)
    third = UserFactory(roles=["finance_officer"])

    for actor in (second_finance, third, finance):
        with pytest.raises(AlreadyDone):
            record(first, actor, reference="VIR-0002")

    first.refresh_from_db()
    assert (first.paid_by, first.payment_reference) == (second_finance, "VIR-0001")
    assert logs(first, "payments.installment.paid").count() == 1


def test_approve_scheduled_refused(active_agreement, finance):
    second = active_agreement.installments.get(number=2)

    with pytest.raises(PaymentError, match="Installment 2 is not due"):
        installments.approve_installment(installment=second, actor=finance)


def test_record_before_approval_refused(active_agreement, second_finance):
    first = first_installment(active_agreement)

    with pytest.raises(PaymentError, match="must be approved before"):
        record(first, second_finance)

    first.refresh_from_db()
    assert first.state == InstallmentState.DUE


# --- Payment date and reference ---------------------------------------------------------------------


def test_payment_date_in_future_refused(active_agreement, finance, second_finance):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(PaymentError, match="cannot be in the future"):
        record(first, second_finance, paid_on=tomorrow)

    first.refresh_from_db()
    assert first.state == InstallmentState.APPROVED
    assert first.paid_on is None


def test_payment_date_today_accepted(active_agreement, finance, second_finance):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)

    record(first, second_finance, paid_on=timezone.localdate())

    first.refresh_from_db()
    assert first.paid_on == timezone.localdate()


@pytest.mark.parametrize(
    ("paid_on", "reference", "message"),
    [
        pytest.param(None, "VIR-1", "Enter the payment date", id="no-date"),
        pytest.param(date(2026, 12, 1), "   ", "Enter the payment reference", id="no-reference"),
    ],
)
def test_payment_needs_date_and_reference(active_agreement, finance, second_finance, paid_on, reference, message):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)

    with pytest.raises(PaymentError, match=message):
        installments.record_payment(installment=first, actor=second_finance, paid_on=paid_on, reference=reference)

    first.refresh_from_db()
    assert first.state == InstallmentState.APPROVED


# --- Withholding and releasing ----------------------------------------------------------------------


def test_withhold_by_officer_with_reason(active_agreement, officer):
    first = first_installment(active_agreement)

    installments.withhold_installment(installment=first, actor=officer, reason="Rapport en retard")

    first.refresh_from_db()
    assert first.state == InstallmentState.WITHHELD
    assert first.withheld_reason == "Rapport en retard"
    log = logs(first, "payments.installment.withheld").get()
    assert (log.source, log.target, log.actor, log.reason) == ("due", "withheld", officer, "Rapport en retard")


@pytest.mark.parametrize("role", ["finance_officer", "decision_maker", "program_manager"])
def test_withhold_by_others_refused(active_agreement, role):
    first = first_installment(active_agreement)

    with pytest.raises(PaymentError, match="Only a program officer can withhold"):
        installments.withhold_installment(installment=first, actor=UserFactory(roles=[role]), reason="Retard")

    first.refresh_from_db()
    assert first.state == InstallmentState.DUE


def test_withhold_without_reason_refused(active_agreement, officer):
    with pytest.raises(PaymentError, match="Give the reason for withholding"):
        installments.withhold_installment(installment=first_installment(active_agreement), actor=officer, reason="  ")


def test_withhold_twice_already_done(active_agreement, officer):
    first = first_installment(active_agreement)
    installments.withhold_installment(installment=first, actor=officer, reason="Retard")

    with pytest.raises(AlreadyDone):
        installments.withhold_installment(installment=first, actor=officer, reason="Retard")


def test_withhold_approved_refused(active_agreement, officer, finance):
    first = first_installment(active_agreement)
    installments.approve_installment(installment=first, actor=finance)

    with pytest.raises(PaymentError, match="Only a scheduled or due installment"):
        installments.withhold_installment(installment=first, actor=officer, reason="Retard")


def test_withheld_installment_cannot_be_approved(active_agreement, officer, finance):
    first = first_installment(active_agreement)
    installments.withhold_installment(installment=first, actor=officer, reason="Retard")

    with pytest.raises(PaymentError, match="is not due"):
        installments.approve_installment(installment=first, actor=finance)


def test_release_returns_to_due_when_gate_open(active_agreement, officer):
    first = first_installment(active_agreement)
    installments.withhold_installment(installment=first, actor=officer, reason="Retard")

    installments.release_installment(installment=first, actor=officer, reason="Rapport reçu")

    first.refresh_from_db()
    assert first.state == InstallmentState.DUE
    log = logs(first, "payments.installment.released").get()
    assert (log.source, log.target, log.actor, log.reason) == ("withheld", "due", officer, "Rapport reçu")


def test_release_returns_to_scheduled_when_gate_closed(active_agreement, officer):
    second = active_agreement.installments.get(number=2)
    installments.withhold_installment(installment=second, actor=officer, reason="Vérification")

    installments.release_installment(installment=second, actor=officer, reason="Vérifié")

    second.refresh_from_db()
    assert second.state == InstallmentState.SCHEDULED
    assert logs(second, "payments.installment.released").get().target == "scheduled"


def test_release_after_report_accepted_is_due(active_agreement, officer, finance, second_finance):
    pay(first_installment(active_agreement), finance, second_finance)
    second = active_agreement.installments.get(number=2)
    installments.withhold_installment(installment=second, actor=officer, reason="Vérification")
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)
    reports.accept_report(report=progress, actor=officer)
    second.refresh_from_db()
    assert second.state == InstallmentState.WITHHELD

    installments.release_installment(installment=second, actor=officer, reason="Vérifié")

    second.refresh_from_db()
    assert second.state == InstallmentState.DUE
    assert second.became_due_at is not None


@pytest.mark.parametrize("role", ["finance_officer", "decision_maker"])
def test_release_by_others_refused(active_agreement, officer, role):
    first = first_installment(active_agreement)
    installments.withhold_installment(installment=first, actor=officer, reason="Retard")

    with pytest.raises(PaymentError, match="Only a program officer can release"):
        installments.release_installment(installment=first, actor=UserFactory(roles=[role]), reason="Reçu")

    first.refresh_from_db()
    assert first.state == InstallmentState.WITHHELD


def test_release_without_reason_refused(active_agreement, officer):
    first = first_installment(active_agreement)
    installments.withhold_installment(installment=first, actor=officer, reason="Retard")

    with pytest.raises(PaymentError, match="Give the reason for releasing"):
        installments.release_installment(installment=first, actor=officer, reason="")


def test_release_twice_already_done(active_agreement, officer):
    first = first_installment(active_agreement)
    installments.withhold_installment(installment=first, actor=officer, reason="Retard")
    installments.release_installment(installment=first, actor=officer, reason="Reçu")

    with pytest.raises(AlreadyDone):
        installments.release_installment(installment=first, actor=officer, reason="Reçu")

    assert logs(first, "payments.installment.released").count() == 1


def test_release_paid_refused(active_agreement, officer, finance, second_finance):
    first = first_installment(active_agreement)
    pay(first, finance, second_finance)

    with pytest.raises(PaymentError, match="Only a withheld installment") as refusal:
        installments.release_installment(installment=first, actor=officer, reason="Reçu")

    assert not isinstance(refusal.value, AlreadyDone)
