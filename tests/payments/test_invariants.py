"""The installments of an agreement add up to its total, to the cent, whatever the edit or the outcome."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from common.fiscal import fiscal_year_of
from common.models import TransitionLog
from grants.models import Envelope
from payments import installments, reports, services
from payments.models import Agreement, AgreementState, InstallmentKind, InstallmentState, ReportKind
from payments.services import InstallmentEdit, PaymentError
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, funded_call, pay, sign

D = Decimal

pytestmark = pytest.mark.django_db


def installments_total(agreement: Agreement) -> Decimal:
    """The sum of every installment of the agreement, cancelled ones included."""
    return sum((item.amount for item in agreement.installments.all()), D(0))


def snapshot(agreement: Agreement):
    return list(agreement.installments.order_by("number").values_list("number", "amount", "due_on", "fiscal_year"))


def edits_with(agreement: Agreement, amounts: dict[int, str] | None = None, dates: dict[int, date] | None = None):
    """One edit per installment: its current amount and date, except those given by installment number."""
    amounts, dates = amounts or {}, dates or {}
    return [
        InstallmentEdit(
            installment_id=item.pk,
            amount=D(amounts.get(item.number, item.amount)),
            due_on=dates.get(item.number, item.due_on),
        )
        for item in agreement.installments.order_by("number")
    ]


def schedule_edits(agreement: Agreement):
    return TransitionLog.objects.filter(object_id=str(agreement.pk), transition="payments.agreement.schedule_edited")


# --- edit_schedule: accepted ------------------------------------------------------------------------

# The 70 000 $ agreement: 36 000 + 27 000 + 7 000 (holdback). Each row keeps the total exactly.
ACCEPTED_EDITS = [
    pytest.param({1: "36000.01", 2: "26999.99"}, id="one-cent-moved"),
    pytest.param({1: "70000.00", 2: "0.00", 3: "0.00"}, id="all-in-first"),
    pytest.param({1: "35000.00", 2: "28000.00"}, id="thousand-moved"),
    pytest.param({1: "33333.33", 2: "33333.33", 3: "3333.34"}, id="thirds-with-cents"),
    pytest.param({}, id="unchanged"),
]


@pytest.mark.parametrize("amounts", ACCEPTED_EDITS)
def test_edit_schedule_accepted_when_sum_matches(agreement, officer, amounts):
    services.edit_schedule(agreement=agreement, actor=officer, edits=edits_with(agreement, amounts), reason="Demande")

    stored = dict(agreement.installments.values_list("number", "amount"))
    for number, amount in amounts.items():
        assert stored[number] == D(amount)
    assert installments_total(agreement) == agreement.total == D("70000")


def test_edit_schedule_logs_change_with_reason(agreement, officer):
    edits = edits_with(agreement, {1: "36000.01", 2: "26999.99"})

    services.edit_schedule(agreement=agreement, actor=officer, edits=edits, reason="Besoin au démarrage")

    log = schedule_edits(agreement).get()
    assert log.actor == officer
    assert log.reason == "Besoin au démarrage"


def test_edit_schedule_unchanged_logs_nothing(agreement, officer):
    services.edit_schedule(agreement=agreement, actor=officer, edits=edits_with(agreement), reason="Rien")

    assert not schedule_edits(agreement).exists()


def test_edit_schedule_date_moves_fiscal_year(agreement, officer):
    first = agreement.installments.get(number=1)
    assert (first.due_on, first.fiscal_year) == (date(2027, 7, 1), "2027-2028")

    services.edit_schedule(
        agreement=agreement, actor=officer, edits=edits_with(agreement, dates={1: date(2027, 3, 31)})
    )

    first.refresh_from_db()
    assert (first.due_on, first.fiscal_year) == (date(2027, 3, 31), "2026-2027")


def test_edit_schedule_amount_only_keeps_fiscal_year(agreement, officer):
    services.edit_schedule(
        agreement=agreement, actor=officer, edits=edits_with(agreement, {1: "36000.01", 2: "26999.99"})
    )

    assert list(agreement.installments.order_by("number").values_list("fiscal_year", flat=True)) == [
        "2027-2028",
        "2028-2029",
        "2029-2030",
    ]


# --- edit_schedule: refused -------------------------------------------------------------------------

# (amounts by installment number, difference shown: total − sum of the installments)
REFUSED_EDITS = [
    pytest.param({1: "36000.01"}, "-$0.01", id="one-cent-over"),
    pytest.param({1: "35999.99"}, "$0.01", id="one-cent-under"),
    pytest.param({3: "0.00"}, "$7,000.00", id="holdback-dropped"),
    pytest.param({1: "36000.01", 2: "27000.01"}, "-$0.02", id="two-cents-over"),
]


@pytest.mark.parametrize(("amounts", "difference"), REFUSED_EDITS)
def test_edit_schedule_refused_when_sum_differs(agreement, officer, amounts, difference):
    before = snapshot(agreement)

    with pytest.raises(PaymentError) as refusal:
        services.edit_schedule(agreement=agreement, actor=officer, edits=edits_with(agreement, amounts))

    assert "$70,000.00" in str(refusal.value)
    assert f"difference of {difference} is 0" in str(refusal.value)
    assert snapshot(agreement) == before
    assert not schedule_edits(agreement).exists()


def test_edit_schedule_refusal_in_french_format(agreement, officer):
    with translation.override("fr"), pytest.raises(PaymentError) as refusal:
        services.edit_schedule(agreement=agreement, actor=officer, edits=edits_with(agreement, {1: "35999.99"}))

    message = str(refusal.value).replace("\u00a0", " ")
    assert "69 999,99 $" in message
    assert "70 000,00 $" in message
    assert "0,01 $" in message


def test_edit_schedule_refused_with_dates_unchanged(agreement, officer):
    before = snapshot(agreement)
    edits = edits_with(agreement, {1: "36000.01"}, dates={1: date(2027, 3, 1)})

    with pytest.raises(PaymentError):
        services.edit_schedule(agreement=agreement, actor=officer, edits=edits)

    assert snapshot(agreement) == before


def test_edit_schedule_negative_refused(agreement, officer):
    before = snapshot(agreement)
    # Adds up to the total, but installment 3 is negative.
    edits = edits_with(agreement, {1: "40000.00", 2: "31000.00", 3: "-1000.00"})

    with pytest.raises(PaymentError, match="cannot be negative"):
        services.edit_schedule(agreement=agreement, actor=officer, edits=edits)

    assert snapshot(agreement) == before


def test_edit_schedule_fraction_of_cent_refused(agreement, officer):
    before = snapshot(agreement)
    edits = edits_with(agreement, {1: "36000.005", 2: "26999.995"})

    with pytest.raises(PaymentError, match="at most 2 decimals"):
        services.edit_schedule(agreement=agreement, actor=officer, edits=edits)

    assert snapshot(agreement) == before


def test_edit_schedule_stale_installments_refused(agreement, officer):
    edits = edits_with(agreement)[:-1]

    with pytest.raises(PaymentError, match="Reload the page"):
        services.edit_schedule(agreement=agreement, actor=officer, edits=edits)


def test_edit_schedule_other_roles_refused(agreement, finance, decision_maker):
    for actor in (finance, decision_maker):
        with pytest.raises(PaymentError, match="Only a program officer"):
            services.edit_schedule(agreement=agreement, actor=actor, edits=edits_with(agreement))


@pytest.mark.parametrize("step", ["sent", "signed", "active"])
def test_edit_schedule_refused_unless_draft(agreement, officer, decision_maker, step):
    if step == "sent":
        services.send_for_signature(agreement=agreement, actor=officer)
    elif step == "signed":
        sign(agreement, officer)
    else:
        activate(agreement, officer, decision_maker)
    before = snapshot(agreement)

    with pytest.raises(PaymentError, match="only as a draft"):
        services.edit_schedule(
            agreement=agreement, actor=officer, edits=edits_with(agreement, {1: "36000.01", 2: "26999.99"})
        )

    assert snapshot(agreement) == before


def test_edit_schedule_after_revision(agreement, officer):
    services.send_for_signature(agreement=agreement, actor=officer)
    services.revise_agreement(agreement=agreement, actor=officer, reason="Calendrier à revoir")

    services.edit_schedule(
        agreement=agreement, actor=officer, edits=edits_with(agreement, {1: "40000.00", 2: "23000.00"})
    )

    assert installments_total(agreement) == agreement.total


# --- Final report and termination -------------------------------------------------------------------


def complete_project_years(agreement, officer, decision_maker, finance, second_finance):
    """Activate the 70 000 $ agreement, pay both project-year installments and accept both progress reports."""
    activate(agreement, officer, decision_maker)
    for number in (1, 2):
        pay(agreement.installments.get(number=number), finance, second_finance)
        progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=number)
        fill_and_submit(progress)
        reports.accept_report(report=progress, actor=officer)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(final)
    return final


# Paid 63 000 $; holdback 7 000 $. (eligible expenses, holdback kept, unused part, holdback state)
FINAL_TABLE = [
    pytest.param("70000", "7000.00", None, InstallmentState.DUE, id="all-eligible"),
    pytest.param("90000", "7000.00", None, InstallmentState.DUE, id="above-total"),
    pytest.param("66000", "3000.00", "4000.00", InstallmentState.DUE, id="part-of-holdback"),
    pytest.param("63000.01", "0.01", "6999.99", InstallmentState.DUE, id="one-cent"),
    pytest.param("63000", "7000.00", None, InstallmentState.CANCELLED, id="nothing-more"),
    pytest.param("40000", "7000.00", None, InstallmentState.CANCELLED, id="recovery"),
]


@pytest.mark.parametrize(("eligible", "kept", "unused", "holdback_state"), FINAL_TABLE)
def test_final_report_keeps_sum(
    agreement, officer, decision_maker, finance, second_finance, eligible, kept, unused, holdback_state
):
    final = complete_project_years(agreement, officer, decision_maker, finance, second_finance)

    reports.accept_report(report=final, actor=officer, eligible_expenses=D(eligible))

    holdback = agreement.installments.get(kind=InstallmentKind.HOLDBACK)
    assert holdback.amount == D(kept)
    assert holdback.state == holdback_state
    unused_rows = list(agreement.installments.filter(kind=InstallmentKind.UNUSED).values_list("amount", "state"))
    assert unused_rows == ([(D(unused), InstallmentState.CANCELLED)] if unused else [])
    assert installments_total(agreement) == agreement.total


def test_unused_holdback_gated_like_holdback(agreement, officer, decision_maker, finance, second_finance):
    final = complete_project_years(agreement, officer, decision_maker, finance, second_finance)

    reports.accept_report(report=final, actor=officer, eligible_expenses=D("66000"))

    unused = agreement.installments.get(kind=InstallmentKind.UNUSED)
    assert unused.number == 4
    assert unused.gate_report == final
    assert unused.fiscal_year == agreement.installments.get(kind=InstallmentKind.HOLDBACK).fiscal_year


def test_final_payment_zero_cancels_holdback(agreement, officer, decision_maker, finance, second_finance):
    final = complete_project_years(agreement, officer, decision_maker, finance, second_finance)

    reports.accept_report(report=final, actor=officer, eligible_expenses=D("63000"))

    holdback = agreement.installments.get(kind=InstallmentKind.HOLDBACK)
    assert holdback.state == InstallmentState.CANCELLED
    assert holdback.amount == D("7000.00")
    assert not agreement.installments.filter(kind=InstallmentKind.UNUSED).exists()
    assert installments_total(agreement) == agreement.total
    agreement.refresh_from_db()
    assert agreement.final_payment == D("0")
    assert agreement.state == AgreementState.COMPLETED


@pytest.mark.parametrize(
    ("paid_numbers", "eligible"),
    [
        pytest.param((), "0", id="nothing-paid"),
        pytest.param((1,), "20000", id="first-paid"),
        pytest.param((1, 2), "63000", id="both-paid"),
    ],
)
def test_termination_keeps_sum(agreement, officer, decision_maker, finance, second_finance, paid_numbers, eligible):
    activate(agreement, officer, decision_maker)
    for number in paid_numbers:
        if number > 1:
            progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=number - 1)
            fill_and_submit(progress)
            reports.accept_report(report=progress, actor=officer)
        pay(agreement.installments.get(number=number), finance, second_finance)

    services.terminate_agreement(
        agreement=agreement, actor=decision_maker, reason="Projet abandonné", eligible_expenses=D(eligible)
    )

    states = dict(agreement.installments.values_list("number", "state"))
    for number in (1, 2, 3):
        expected = InstallmentState.PAID if number in paid_numbers else InstallmentState.CANCELLED
        assert states[number] == expected
    assert installments_total(agreement) == agreement.total


def test_termination_cancels_withheld_installment(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    installments.withhold_installment(
        installment=agreement.installments.get(number=1), actor=officer, reason="Rapport en retard"
    )

    services.terminate_agreement(
        agreement=agreement, actor=decision_maker, reason="Projet abandonné", eligible_expenses=D("0")
    )

    assert set(agreement.installments.values_list("state", flat=True)) == {InstallmentState.CANCELLED}
    assert installments_total(agreement) == agreement.total


def today():
    return timezone.localdate()


def test_extension_moves_planned_installment(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    second = agreement.installments.get(number=2)
    assert second.due_on == progress.due_on == date(2028, 7, 30)
    new_due_on = max(date(2029, 4, 2), today() + timedelta(days=1))

    reports.extend_due_date(report=progress, actor=officer, due_on=new_due_on, reason="Changement de direction")

    second.refresh_from_db()
    assert second.due_on == new_due_on
    assert second.fiscal_year == fiscal_year_of(new_due_on).label
    assert installments_total(agreement) == agreement.total


def test_extension_keeps_date_set_by_officer(agreement, officer, decision_maker):
    services.edit_schedule(agreement=agreement, actor=officer, edits=edits_with(agreement, dates={2: date(2028, 9, 1)}))
    activate(agreement, officer, decision_maker)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)

    reports.extend_due_date(report=progress, actor=officer, due_on=date(2028, 10, 1), reason="Changement")

    assert agreement.installments.get(number=2).due_on == date(2028, 9, 1)


def test_extension_logged_with_both_dates(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)

    reports.extend_due_date(report=progress, actor=officer, due_on=date(2028, 9, 15), reason="Changement")

    progress.refresh_from_db()
    assert progress.due_on == date(2028, 9, 15)
    log = TransitionLog.objects.get(object_id=str(progress.pk), transition="payments.report.extended")
    assert log.actor == officer
    assert log.reason == "Changement (from July 30, 2028 to September 15, 2028)"


def test_extension_twice_already_done(agreement, officer, decision_maker):
    activate(agreement, officer, decision_maker)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    reports.extend_due_date(report=progress, actor=officer, due_on=date(2028, 9, 15), reason="Changement")

    with pytest.raises(services.AlreadyDone):
        reports.extend_due_date(report=progress, actor=officer, due_on=date(2028, 9, 15), reason="Changement")

    assert TransitionLog.objects.filter(object_id=str(progress.pk), transition="payments.report.extended").count() == 1


@pytest.mark.parametrize(
    ("due_on", "message"),
    [
        pytest.param(date(2028, 7, 29), "after the current one", id="earlier"),
        pytest.param(None, "enter a date", id="missing"),
    ],
)
def test_extension_invalid_date_refused(agreement, officer, decision_maker, due_on, message):
    activate(agreement, officer, decision_maker)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)

    with pytest.raises(PaymentError, match=message):
        reports.extend_due_date(report=progress, actor=officer, due_on=due_on, reason="Changement")

    progress.refresh_from_db()
    assert progress.due_on == date(2028, 7, 30)


def test_extension_to_past_date_refused(officer, decision_maker):
    # A project that ended long ago, so its report is overdue and a later date can still be in the past.
    call = funded_call()
    Envelope.objects.create(call=call, fiscal_year="2024-2025", amount=D("100000"))
    agreement = approved_agreement(("40000",), starts_on=date(2024, 4, 1), call=call, decision_maker=decision_maker)
    activate(agreement, officer, decision_maker)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    assert final.due_on == date(2025, 6, 29)

    with pytest.raises(PaymentError, match="today or a later date"):
        reports.extend_due_date(report=final, actor=officer, due_on=date(2025, 7, 31), reason="Changement")

    reports.extend_due_date(report=final, actor=officer, due_on=today(), reason="Changement")
    final.refresh_from_db()
    assert final.due_on == today()
