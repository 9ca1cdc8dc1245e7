"""Identical requests at the same instant, each in its own thread and connection, produce one effect (PostgreSQL)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from common.models import Document, Notification, TransitionLog
from grants.models import Call
from payments import installments, reports, services
from payments.models import Agreement, AgreementState, Installment, InstallmentState, Report, ReportKind
from payments.services import AlreadyDone, PaymentError
from tests.conftest import requires_postgresql
from tests.factories import UserFactory
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, pay, sign
from tests.reviews.test_decisions import restore_role_groups, run_at_once

pytestmark = [requires_postgresql, pytest.mark.django_db(transaction=True)]

PAYMENT_NOTICE = "payments.payment_notice"


@pytest.fixture
def people():
    """The staff of a transactional test, created after the role groups that the emptied database lost."""
    restore_role_groups()
    return {
        "officer": UserFactory(roles=["program_officer"]),
        "second_officer": UserFactory(roles=["program_officer"]),
        "decision_maker": UserFactory(roles=["decision_maker"]),
        "finance": UserFactory(roles=["finance_officer"]),
        "second_finance": UserFactory(roles=["finance_officer"]),
        "third_finance": UserFactory(roles=["finance_officer"]),
    }


def active(people) -> Agreement:
    agreement = approved_agreement(decision_maker=people["decision_maker"])
    return activate(agreement, people["officer"], people["decision_maker"])


def logs(subject, code):
    return TransitionLog.objects.filter(object_id=str(subject.pk), transition=code)


def record(installment, actor):
    return installments.record_payment(installment=installment, actor=actor, paid_on=date(2026, 12, 1), reference="VIR")


def test_concurrent_payments_record_once(people):
    agreement = active(people)
    first = agreement.installments.get(number=1)
    installments.approve_installment(installment=first, actor=people["finance"])

    outcomes = run_at_once(
        lambda: record(first, people["second_finance"]),
        lambda: record(first, people["third_finance"]),
    )

    paid = [outcome for outcome in outcomes if isinstance(outcome, Installment)]
    assert len(paid) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    first.refresh_from_db()
    assert first.state == InstallmentState.PAID
    assert first.paid_by == paid[0].paid_by
    assert logs(first, "payments.installment.paid").count() == 1
    assert Document.objects.filter(kind=PAYMENT_NOTICE, object_id=str(first.pk)).count() == 1
    members = agreement.application.organization.memberships.count()
    assert Notification.objects.filter(event="payments.installment_paid").count() == members


def test_concurrent_approvals_approve_once(people):
    agreement = active(people)
    first = agreement.installments.get(number=1)
    finance = people["finance"]

    outcomes = run_at_once(
        lambda: installments.approve_installment(installment=first, actor=finance),
        lambda: installments.approve_installment(installment=first, actor=finance),
    )

    assert sum(isinstance(outcome, Installment) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    first.refresh_from_db()
    assert (first.state, first.approved_by) == (InstallmentState.APPROVED, finance)
    assert logs(first, "payments.installment.approved").count() == 1


def test_concurrent_report_acceptances_release_once(people):
    agreement = active(people)
    pay(agreement.installments.get(number=1), people["finance"], people["second_finance"])
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)

    outcomes = run_at_once(
        lambda: reports.accept_report(report=progress, actor=people["officer"]),
        lambda: reports.accept_report(report=progress, actor=people["second_officer"]),
    )

    assert sum(isinstance(outcome, Report) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    second = agreement.installments.get(number=2)
    assert second.state == InstallmentState.DUE
    assert logs(second, "payments.installment.due").count() == 1
    assert logs(progress, "payments.report.accepted").count() == 1
    members = agreement.application.organization.memberships.count()
    assert Notification.objects.filter(event="payments.report_accepted").count() == members


def test_concurrent_countersignatures_activate_once(people):
    agreement = approved_agreement(decision_maker=people["decision_maker"])
    sign(agreement, people["officer"])
    second_decision_maker = UserFactory(roles=["decision_maker"])

    outcomes = run_at_once(
        lambda: services.countersign_agreement(agreement=agreement, actor=people["decision_maker"]),
        lambda: services.countersign_agreement(agreement=agreement, actor=second_decision_maker),
    )

    activated = [outcome for outcome in outcomes if isinstance(outcome, Agreement)]
    assert len(activated) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert agreement.countersigned_by == activated[0].countersigned_by
    assert logs(agreement, "payments.agreement.activated").count() == 1
    assert logs(agreement.installments.get(number=1), "payments.installment.due").count() == 1


def test_termination_during_payment_counts_it(people):
    agreement = active(people)
    first = agreement.installments.get(number=1)
    installments.approve_installment(installment=first, actor=people["finance"])

    outcomes = run_at_once(
        lambda: record(first, people["second_finance"]),
        lambda: services.terminate_agreement(
            agreement=agreement,
            actor=people["decision_maker"],
            reason="Organisme dissous",
            eligible_expenses=Decimal("10000"),
        ),
    )

    # Whichever runs first, the payment is recorded and never lost from the amount to recover.
    assert isinstance(outcomes[0], Installment), outcomes
    first.refresh_from_db()
    assert first.state == InstallmentState.PAID
    agreement.refresh_from_db()
    if isinstance(outcomes[1], PaymentError):
        assert "approved for payment" in str(outcomes[1])
        assert agreement.state == AgreementState.ACTIVE
    else:
        assert agreement.state == AgreementState.TERMINATED
        assert agreement.amount_to_recover == Decimal("26000.00")


def test_payment_does_not_wait_for_call_lock(people):
    """An approval in the same call holds the call row; payment actions lock only their agreement's rows."""
    agreement = active(people)
    first = agreement.installments.get(number=1)
    call_locked, done = threading.Event(), threading.Event()

    def hold_call_lock():
        try:
            with transaction.atomic():
                Call.objects.select_for_update().get(pk=agreement.application.call_id)
                call_locked.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_call_lock)
    holder.start()
    try:
        assert call_locked.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Waiting for the call row would fail here instead of hanging the test.
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            installments.approve_installment(installment=first, actor=people["finance"])
    finally:
        done.set()
        holder.join(timeout=30)

    first.refresh_from_db()
    assert first.state == InstallmentState.APPROVED
