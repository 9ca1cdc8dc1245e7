"""Final payment and amount to recover: the settle() table, the final report, completion and termination."""

from datetime import date
from decimal import Decimal

import pytest

from common.models import TransitionLog
from payments import installments, reports, schedule, services
from payments.models import AgreementState, InstallmentKind, InstallmentState, ReportKind, ReportState
from payments.services import AlreadyDone, PaymentError
from tests.payments.conftest import activate, fill_and_submit, pay

D = Decimal


# --- settle() ---------------------------------------------------------------------------------------

# A 150 000 $ agreement: 135 000 $ paid in three installments and a holdback of 15 000 $.
# (holdback, eligible expenses, already paid, final payment, amount to recover)
SETTLE_TABLE = [
    pytest.param("15000", "200000", "135000", "15000", "0", id="eligible-above-total"),
    pytest.param("15000", "150000", "135000", "15000", "0", id="eligible-equals-total"),
    pytest.param("15000", "140000", "135000", "5000", "0", id="eligible-inside-holdback"),
    pytest.param("15000", "135000.01", "135000", "0.01", "0", id="eligible-one-cent-above-paid"),
    pytest.param("15000", "149999.99", "135000", "14999.99", "0", id="eligible-one-cent-below-total"),
    pytest.param("15000", "135000", "135000", "0", "0", id="eligible-equals-paid"),
    pytest.param("15000", "134999.99", "135000", "0", "0.01", id="eligible-one-cent-below-paid"),
    pytest.param("15000", "100000", "135000", "0", "35000", id="recovery"),
    pytest.param("15000", "0", "135000", "0", "135000", id="nothing-eligible"),
    pytest.param("15000", "0", "0", "0", "0", id="nothing-paid-nothing-eligible"),
    pytest.param("15000", "20000", "0", "15000", "0", id="nothing-paid"),
    pytest.param("0", "0", "0", "0", "0", id="all-zero"),
    pytest.param("0", "200000", "135000", "0", "0", id="no-holdback"),
    pytest.param("0", "100000", "135000", "0", "35000", id="no-holdback-recovery"),
]


@pytest.mark.parametrize(("holdback", "eligible", "paid", "final_payment", "to_recover"), SETTLE_TABLE)
def test_settle_table(holdback, eligible, paid, final_payment, to_recover):
    settlement = schedule.settle(holdback=D(holdback), eligible_expenses=D(eligible), already_paid=D(paid))

    assert settlement.final_payment == D(final_payment)
    assert settlement.to_recover == D(to_recover)


@pytest.mark.parametrize(("holdback", "eligible", "paid", "final_payment", "to_recover"), SETTLE_TABLE)
def test_settle_never_both(holdback, eligible, paid, final_payment, to_recover):
    settlement = schedule.settle(holdback=D(holdback), eligible_expenses=D(eligible), already_paid=D(paid))

    assert settlement.final_payment == 0 or settlement.to_recover == 0
    assert 0 <= settlement.final_payment <= D(holdback)
    assert settlement.to_recover >= 0


# --- The final report, through the services ---------------------------------------------------------


def project_years_done(agreement, officer, decision_maker, finance, second_finance):
    """Activate the 70 000 $ agreement, pay 36 000 + 27 000 $, accept both progress reports, submit the final one."""
    activate(agreement, officer, decision_maker)
    for number in (1, 2):
        pay(agreement.installments.get(number=number), finance, second_finance)
        progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=number)
        fill_and_submit(progress)
        reports.accept_report(report=progress, actor=officer)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(final, expenses=D("65000"))
    return final


# Paid 63 000 $, holdback 7 000 $. (eligible expenses, final payment, amount to recover, agreement state after)
FINAL_REPORT_TABLE = [
    pytest.param("75000", "7000.00", "0", AgreementState.ACTIVE, id="above-total"),
    pytest.param("70000", "7000.00", "0", AgreementState.ACTIVE, id="equals-total"),
    pytest.param("65000", "2000.00", "0", AgreementState.ACTIVE, id="inside-holdback"),
    pytest.param("63000", "0", "0", AgreementState.COMPLETED, id="equals-paid"),
    pytest.param("50000.50", "0", "12999.50", AgreementState.COMPLETED, id="recovery"),
    pytest.param("0", "0", "63000.00", AgreementState.COMPLETED, id="nothing-eligible"),
]


@pytest.mark.parametrize(("eligible", "final_payment", "to_recover", "state"), FINAL_REPORT_TABLE)
def test_final_report_settles(
    agreement, officer, decision_maker, finance, second_finance, eligible, final_payment, to_recover, state
):
    final = project_years_done(agreement, officer, decision_maker, finance, second_finance)

    reports.accept_report(report=final, actor=officer, eligible_expenses=D(eligible))

    agreement.refresh_from_db()
    assert agreement.eligible_expenses == D(eligible)
    assert agreement.final_payment == D(final_payment)
    assert agreement.amount_to_recover == D(to_recover)
    assert agreement.state == state
    final.refresh_from_db()
    assert final.state == ReportState.ACCEPTED


def test_final_report_needs_eligible_expenses(agreement, officer, decision_maker, finance, second_finance):
    final = project_years_done(agreement, officer, decision_maker, finance, second_finance)

    for eligible in (None, D("-0.01")):
        with pytest.raises(PaymentError, match="Eligible actual expenses"):
            reports.accept_report(report=final, actor=officer, eligible_expenses=eligible)

    final.refresh_from_db()
    assert final.state == ReportState.SUBMITTED


def test_final_report_waits_for_unpaid_installment(agreement, officer, decision_maker, finance, second_finance):
    activate(agreement, officer, decision_maker)
    pay(agreement.installments.get(number=1), finance, second_finance)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)
    reports.accept_report(report=progress, actor=officer)
    installments.approve_installment(installment=agreement.installments.get(number=2), actor=finance)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(final)

    with pytest.raises(PaymentError, match="Installment 2 is not paid yet"):
        reports.accept_report(report=final, actor=officer, eligible_expenses=D("70000"))

    agreement.refresh_from_db()
    assert agreement.final_payment is None
    assert agreement.installments.get(kind=InstallmentKind.HOLDBACK).state == InstallmentState.SCHEDULED


def test_completion_after_holdback_paid(agreement, officer, decision_maker, finance, second_finance):
    final = project_years_done(agreement, officer, decision_maker, finance, second_finance)
    reports.accept_report(report=final, actor=officer, eligible_expenses=D("70000"))
    holdback = agreement.installments.get(kind=InstallmentKind.HOLDBACK)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE

    installments.approve_installment(installment=holdback, actor=finance)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE

    installments.record_payment(
        installment=holdback, actor=second_finance, paid_on=date(2026, 12, 1), reference="VIR-9"
    )
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.COMPLETED
    log = TransitionLog.objects.get(object_id=str(agreement.pk), transition="payments.agreement.completed")
    assert log.actor == second_finance


def test_completion_waits_for_withheld_holdback(agreement, officer, decision_maker, finance, second_finance):
    final = project_years_done(agreement, officer, decision_maker, finance, second_finance)
    holdback = agreement.installments.get(kind=InstallmentKind.HOLDBACK)
    installments.withhold_installment(installment=holdback, actor=officer, reason="Pièces manquantes")

    reports.accept_report(report=final, actor=officer, eligible_expenses=D("66000"))

    holdback.refresh_from_db()
    assert holdback.state == InstallmentState.WITHHELD
    assert holdback.amount == D("3000.00")
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE

    installments.release_installment(installment=holdback, actor=officer, reason="Pièces reçues")
    holdback.refresh_from_db()
    assert holdback.state == InstallmentState.DUE
    pay(holdback, finance, second_finance)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.COMPLETED


def test_paying_project_years_does_not_complete(agreement, officer, decision_maker, finance, second_finance):
    project_years_done(agreement, officer, decision_maker, finance, second_finance)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert not TransitionLog.objects.filter(object_id=str(agreement.pk), transition="payments.agreement.completed")


def test_last_progress_report_gates_nothing(agreement, officer, decision_maker, finance, second_finance):
    activate(agreement, officer, decision_maker)
    pay(agreement.installments.get(number=1), finance, second_finance)
    first = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(first)
    reports.accept_report(report=first, actor=officer)
    before = list(agreement.installments.order_by("number").values_list("state", flat=True))
    last = agreement.reports.get(kind=ReportKind.PROGRESS, number=2)
    fill_and_submit(last)

    reports.accept_report(report=last, actor=officer)

    assert list(agreement.installments.order_by("number").values_list("state", flat=True)) == before
    assert before == [InstallmentState.PAID, InstallmentState.DUE, InstallmentState.SCHEDULED]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE


def test_accept_report_twice_already_done(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)
    reports.accept_report(report=progress, actor=officer)

    with pytest.raises(AlreadyDone):
        reports.accept_report(report=progress, actor=officer)

    due_logs = TransitionLog.objects.filter(transition="payments.installment.due")
    assert due_logs.filter(object_id=str(agreement.installments.get(number=2).pk)).count() == 1


# --- Termination ------------------------------------------------------------------------------------

# Installment 1 (36 000 $) paid. (eligible expenses so far, amount to recover)
TERMINATION_TABLE = [
    pytest.param("0", "36000.00", id="nothing-eligible"),
    pytest.param("20000", "16000.00", id="part-eligible"),
    pytest.param("35999.99", "0.01", id="one-cent"),
    pytest.param("36000", "0", id="equals-paid"),
    pytest.param("50000", "0", id="above-paid"),
]


@pytest.mark.parametrize(("eligible", "to_recover"), TERMINATION_TABLE)
def test_termination_amount_to_recover(
    agreement, officer, decision_maker, finance, second_finance, eligible, to_recover
):
    activate(agreement, officer, decision_maker)
    pay(agreement.installments.get(number=1), finance, second_finance)

    services.terminate_agreement(
        agreement=agreement, actor=decision_maker, reason="Organisme dissous", eligible_expenses=D(eligible)
    )

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED
    assert agreement.amount_to_recover == D(to_recover)
    assert agreement.final_payment == D("0")
    assert agreement.eligible_expenses == D(eligible)
    assert agreement.termination_reason == "Organisme dissous"
    assert list(agreement.installments.order_by("number").values_list("state", flat=True)) == [
        InstallmentState.PAID,
        InstallmentState.CANCELLED,
        InstallmentState.CANCELLED,
    ]


def test_termination_logged_for_each_installment(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)

    services.terminate_agreement(
        agreement=agreement, actor=decision_maker, reason="Organisme dissous", eligible_expenses=D("0")
    )

    log = TransitionLog.objects.get(object_id=str(agreement.pk), transition="payments.agreement.terminated")
    assert (log.source, log.target, log.actor, log.reason) == (
        "active",
        "terminated",
        decision_maker,
        "Organisme dissous",
    )
    cancelled = TransitionLog.objects.filter(transition="payments.installment.cancelled", reason="Organisme dissous")
    assert cancelled.count() == 3


def test_termination_refused_with_approved_installment(agreement, officer, decision_maker, finance, second_finance):
    activate(agreement, officer, decision_maker)
    first = agreement.installments.get(number=1)
    installments.approve_installment(installment=first, actor=finance)

    with pytest.raises(PaymentError, match="Installment 1 is approved for payment"):
        services.terminate_agreement(
            agreement=agreement, actor=decision_maker, reason="Organisme dissous", eligible_expenses=D("0")
        )

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert list(agreement.installments.order_by("number").values_list("state", flat=True)) == [
        InstallmentState.APPROVED,
        InstallmentState.SCHEDULED,
        InstallmentState.SCHEDULED,
    ]
    # Once finance records the payment, the termination counts it in the amount to recover.
    installments.record_payment(installment=first, actor=second_finance, paid_on=date(2026, 12, 1), reference="VIR-1")
    services.terminate_agreement(
        agreement=agreement, actor=decision_maker, reason="Organisme dissous", eligible_expenses=D("10000")
    )
    agreement.refresh_from_db()
    assert agreement.amount_to_recover == D("26000.00")


def test_termination_twice_already_done(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    services.terminate_agreement(agreement=agreement, actor=decision_maker, reason="Abandon", eligible_expenses=D("0"))

    with pytest.raises(AlreadyDone):
        services.terminate_agreement(
            agreement=agreement, actor=decision_maker, reason="Abandon", eligible_expenses=D("0")
        )

    assert TransitionLog.objects.filter(transition="payments.agreement.terminated").count() == 1


@pytest.mark.parametrize(
    ("reason", "eligible", "message"),
    [
        pytest.param("  ", "0", "Give the reason", id="no-reason"),
        pytest.param("Abandon", None, "eligible expenses", id="no-expenses"),
        pytest.param("Abandon", "-1", "eligible expenses", id="negative-expenses"),
    ],
)
def test_termination_needs_reason_and_expenses(agreement, officer, decision_maker, reason, eligible, message):
    activate(agreement, officer, decision_maker)

    with pytest.raises(PaymentError, match=message):
        services.terminate_agreement(
            agreement=agreement,
            actor=decision_maker,
            reason=reason,
            eligible_expenses=None if eligible is None else D(eligible),
        )

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE


def test_termination_by_decision_maker_only(agreement, officer, decision_maker, finance):
    activate(agreement, officer, decision_maker)

    for actor in (officer, finance):
        with pytest.raises(PaymentError, match="Only the decision-making authority"):
            services.terminate_agreement(agreement=agreement, actor=actor, reason="Abandon", eligible_expenses=D("0"))


def test_termination_of_draft_refused(agreement, decision_maker):
    with pytest.raises(PaymentError, match="Only an active agreement"):
        services.terminate_agreement(
            agreement=agreement, actor=decision_maker, reason="Abandon", eligible_expenses=D("0")
        )


def test_report_of_terminated_agreement_not_accepted(agreement, officer, decision_maker, finance, second_finance):
    final = project_years_done(agreement, officer, decision_maker, finance, second_finance)
    services.terminate_agreement(
        agreement=agreement, actor=decision_maker, reason="Fraude", eligible_expenses=D("40000")
    )

    with pytest.raises(PaymentError, match="no longer active"):
        reports.accept_report(report=final, actor=officer, eligible_expenses=D("70000"))

    agreement.refresh_from_db()
    assert agreement.amount_to_recover == D("23000.00")
    assert agreement.final_payment == D("0")
    assert agreement.state == AgreementState.TERMINATED
    holdback = agreement.installments.get(kind=InstallmentKind.HOLDBACK)
    assert (holdback.amount, holdback.state) == (D("7000.00"), InstallmentState.CANCELLED)
    assert not agreement.installments.filter(kind=InstallmentKind.UNUSED).exists()
