"""The demo agreements of `make run`: every agreement, installment and report state, through the real services."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organization, User
from applications.models import Application
from common.models import Document, Notification, TransitionLog
from payments.demo import FINANCE_EMAILS, PAST_CALL_CODE
from payments.models import (
    Agreement,
    AgreementState,
    Installment,
    InstallmentKind,
    InstallmentState,
    Report,
    ReportKind,
    ReportState,
)

pytestmark = pytest.mark.django_db

# The transition each agreement state needs in the history, written by the service that made it.
TRANSITION_TO = {
    AgreementState.SENT_FOR_SIGNATURE: "payments.agreement.sent",
    AgreementState.SIGNED_BY_ORGANIZATION: "payments.agreement.signed",
    AgreementState.ACTIVE: "payments.agreement.activated",
    AgreementState.COMPLETED: "payments.agreement.completed",
    AgreementState.TERMINATED: "payments.agreement.terminated",
}


def load(command: str) -> str:
    output = io.StringIO()
    call_command(command, stdout=output)
    return output.getvalue()


def counts() -> dict[str, int]:
    models = [User, Organization, Application, Agreement, Installment, Report, Notification, TransitionLog, Document]
    return {model.__name__: model.objects.count() for model in models}


def demo_agreements():
    return Agreement.objects.filter(application__call__code=PAST_CALL_CODE)


@pytest.fixture
def demo():
    for command in ("load_program", "load_demo", "load_demo_applications", "load_demo_reviews"):
        load(command)
    return load("load_demo_payments")


def test_demo_reaches_every_state(demo):
    # Every agreement state, each with the history entry of the service that made it.
    for state in AgreementState.values:
        agreements = demo_agreements().filter(state=state)
        assert agreements.exists(), state
        if state in TRANSITION_TO:
            for agreement in agreements:
                history = TransitionLog.objects.filter(object_id=str(agreement.pk), transition=TRANSITION_TO[state])
                assert history.count() == 1, agreement.reference
    assert f"Created the closed call {PAST_CALL_CODE}" in demo
    assert demo.count("Agreement ECI-2025-") == demo_agreements().count()

    # Installments paid, due and withheld. One finance officer approved each payment and the other recorded it.
    installments = Installment.objects.filter(agreement__in=demo_agreements())
    for state in (InstallmentState.PAID, InstallmentState.DUE, InstallmentState.WITHHELD):
        assert installments.filter(state=state).exists(), state
    finance_users = set(User.objects.filter(email__in=FINANCE_EMAILS))
    for paid in installments.filter(state=InstallmentState.PAID):
        assert {paid.approved_by, paid.paid_by} == finance_users

    # Reports accepted and sent back for revision, and one overdue: past its due date and never submitted.
    reports = Report.objects.filter(agreement__in=demo_agreements())
    for state in (ReportState.ACCEPTED, ReportState.REVISION_REQUESTED):
        assert reports.filter(state=state).exists(), state
    overdue = [report for report in reports.filter(state=ReportState.EXPECTED) if report.is_overdue()]
    assert any(report.agreement.state == AgreementState.ACTIVE for report in overdue)

    # The completed agreement: final report accepted, a final payment, every installment paid.
    completed = demo_agreements().get(state=AgreementState.COMPLETED)
    assert completed.reports.get(kind=ReportKind.FINAL).state == ReportState.ACCEPTED
    assert completed.final_payment > 0
    assert set(completed.installments.values_list("state", flat=True)) == {InstallmentState.PAID}
    holdback = completed.installments.get(kind=InstallmentKind.HOLDBACK)
    assert holdback.amount == completed.final_payment

    # The terminated agreement: nothing left to pay, an amount to recover.
    terminated = demo_agreements().get(state=AgreementState.TERMINATED)
    assert terminated.amount_to_recover > Decimal(0)
    assert terminated.termination_reason
    assert not terminated.installments.filter(state__in=InstallmentState.pending()).exists()


def test_demo_payments_twice_changes_nothing(demo):
    before = counts()
    states = dict(Agreement.objects.values_list("pk", "state"))

    output = load("load_demo_payments")

    assert counts() == before
    assert dict(Agreement.objects.values_list("pk", "state")) == states
    assert "nothing changed" in output


def test_demo_payments_need_the_demo_logins():
    load("load_program")
    with pytest.raises(CommandError, match="load_demo"):
        load("load_demo_payments")
