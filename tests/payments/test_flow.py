"""An agreement from approval to completion through the real services, and what each step leaves behind."""

from datetime import date
from decimal import Decimal

import pytest

from payments import installments, reports, services
from payments.models import AgreementState, InstallmentKind, InstallmentState, ReportKind, ReportState
from tests.payments.conftest import activate, fill_and_submit, pay


def states(agreement):
    return [item.state for item in agreement.installments.order_by("number")]


@pytest.mark.django_db
def test_approval_creates_draft_agreement_with_schedule(agreement):
    assert agreement.state == AgreementState.DRAFT
    assert agreement.total == Decimal("70000")
    rows = list(agreement.installments.order_by("number").values_list("kind", "amount"))
    assert rows == [
        (InstallmentKind.PROJECT_YEAR, Decimal("36000.00")),
        (InstallmentKind.PROJECT_YEAR, Decimal("27000.00")),
        (InstallmentKind.HOLDBACK, Decimal("7000.00")),
    ]
    assert [(r.kind, r.number) for r in agreement.reports.order_by("due_on")] == [
        (ReportKind.PROGRESS, 1),
        (ReportKind.PROGRESS, 2),
        (ReportKind.FINAL, 0),
    ]


@pytest.mark.django_db
def test_whole_life_of_an_agreement(agreement, officer, decision_maker, finance, second_finance):
    agreement = activate(agreement, officer, decision_maker)
    assert agreement.state == AgreementState.ACTIVE
    assert states(agreement) == [InstallmentState.DUE, InstallmentState.SCHEDULED, InstallmentState.SCHEDULED]

    first, second, holdback = agreement.installments.order_by("number")
    pay(first, finance, second_finance)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)
    reports.request_revision(report=progress, actor=officer, comments="Précisez les dépenses.")
    progress.refresh_from_db()
    assert progress.state == ReportState.REVISION_REQUESTED
    fill_and_submit(progress)
    reports.accept_report(report=progress, actor=officer)
    assert states(agreement)[1] == InstallmentState.DUE
    pay(second, finance, second_finance)

    fill_and_submit(agreement.reports.get(kind=ReportKind.PROGRESS, number=2))
    reports.accept_report(report=agreement.reports.get(kind=ReportKind.PROGRESS, number=2), actor=officer)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(final, expenses=Decimal("66000"))
    reports.accept_report(report=final, actor=officer, eligible_expenses=Decimal("66000"))
    agreement.refresh_from_db()
    # Paid 63 000 $; eligible 66 000 $: the final payment is 3 000 $ of the 7 000 $ holdback.
    assert agreement.final_payment == Decimal("3000.00")
    assert agreement.amount_to_recover == Decimal("0")
    holdback.refresh_from_db()
    assert holdback.amount == Decimal("3000.00")
    assert holdback.state == InstallmentState.DUE
    unused = agreement.installments.get(kind=InstallmentKind.UNUSED)
    assert unused.amount == Decimal("4000.00")
    assert unused.state == InstallmentState.CANCELLED
    assert sum(item.amount for item in agreement.installments.all()) == agreement.total

    pay(holdback, finance, second_finance)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.COMPLETED


@pytest.mark.django_db
def test_approver_cannot_record_payment(active_agreement, finance):
    first = active_agreement.installments.get(number=1)
    installments.approve_installment(installment=first, actor=finance)
    with pytest.raises(services.PaymentError, match="another finance officer"):
        installments.record_payment(installment=first, actor=finance, paid_on=date(2026, 12, 1), reference="X")
