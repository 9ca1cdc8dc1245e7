"""The default payment schedule and reporting calendar: pure functions, then the agreement an approval creates."""

from datetime import date
from decimal import Decimal

import pytest

from applications.budget import project_years
from common.fiscal import fiscal_year_of
from payments import reports, schedule
from payments.models import InstallmentKind, InstallmentState, ReportKind
from payments.schedule import PlannedInstallment, PlannedReport, YearAmount
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, funded_call, pay

D = Decimal
PROGRESS_DAYS = 30
FINAL_DAYS = 90


def years_of(starts_on: date, ends_on: date, amounts) -> list[YearAmount]:
    """The project years from `starts_on` to `ends_on`, as the approval splits them, with `amounts`."""
    return [
        YearAmount(number=year.number, starts_on=year.starts_on, ends_on=year.ends_on, amount=D(amount))
        for year, amount in zip(project_years(starts_on, ends_on), amounts, strict=True)
    ]


def plan(years, holdback_percent="10"):
    return schedule.default_schedule(
        years, holdback_percent=D(holdback_percent), progress_days=PROGRESS_DAYS, final_days=FINAL_DAYS
    )


def amounts_of(installments) -> list[Decimal]:
    return [installment.amount for installment in installments]


# --- holdback_amount -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "percent", "expected"),
    [
        ("150000", "10", "15000.00"),
        ("100000", "10", "10000.00"),
        ("1000", "10", "100.00"),
        ("70000", "15", "10500.00"),
        # Half a cent rounds up, not to the even cent.
        ("100000.05", "10", "10000.01"),
        ("1000.05", "10", "100.01"),
        ("1000.25", "10", "100.03"),
        ("1234.56", "12.5", "154.32"),
        ("999.99", "0", "0.00"),
        ("999.99", "100", "999.99"),
    ],
)
def test_holdback_amount_rounds_half_up(total, percent, expected):
    holdback = schedule.holdback_amount(D(total), D(percent))

    assert holdback == D(expected)
    assert holdback.as_tuple().exponent == -2


# --- default_schedule ------------------------------------------------------------------------------

# (years' amounts, holdback %, expected installments by project year, expected holdback)
SCHEDULE_TABLE = [
    pytest.param(("50000", "50000", "50000"), "10", ("45000.00", "45000.00", "45000.00"), "15000.00", id="150k-3y"),
    pytest.param(
        ("33333.33", "33333.33", "33333.34"), "10", ("30000.00", "30000.00", "30000.00"), "10000.00", id="100k-3y"
    ),
    # 90 000,04 $ in three equal shares leaves one cent, which goes to the first year.
    pytest.param(
        ("33333.35", "33333.35", "33333.35"), "10", ("30000.02", "30000.01", "30000.01"), "10000.01", id="100k05-3y"
    ),
    pytest.param(("333.33", "333.33", "333.34"), "10", ("300.00", "300.00", "300.00"), "100.00", id="1000-3y"),
    pytest.param(("500", "300", "200"), "10", ("450.00", "270.00", "180.00"), "100.00", id="1000-uneven"),
    pytest.param(("0.01", "0.01", "0.01"), "10", ("0.01", "0.01", "0.01"), "0.00", id="3-cents"),
    pytest.param(("40000",), "10", ("36000.00",), "4000.00", id="12-months"),
    pytest.param(("40000", "30000"), "15", ("34000.00", "25500.00"), "10500.00", id="15-percent"),
    pytest.param(("40000", "0", "30000"), "10", ("36000.00", "0.00", "27000.00"), "7000.00", id="year-2-zero"),
    pytest.param(("33333.35", "33333.35", "0"), "10", ("30000.02", "30000.01", "0.00"), "6666.67", id="last-zero"),
]


@pytest.mark.parametrize(("amounts", "percent", "expected", "holdback"), SCHEDULE_TABLE)
def test_default_schedule_amounts(amounts, percent, expected, holdback):
    years = years_of(date(2027, 4, 1), date(2027 + len(amounts), 3, 31), amounts)

    installments = plan(years, percent)

    assert amounts_of(installments) == [*map(D, expected), D(holdback)]
    assert sum(amounts_of(installments)) == sum(map(D, amounts))
    assert [item.kind for item in installments] == ["project_year"] * len(amounts) + ["holdback"]


@pytest.mark.parametrize(("amounts", "percent", "expected", "holdback"), SCHEDULE_TABLE)
def test_default_schedule_within_cent_of_exact(amounts, percent, expected, holdback):
    years = years_of(date(2027, 4, 1), date(2027 + len(amounts), 3, 31), amounts)

    installments = plan(years, percent)

    share = (100 - D(percent)) / 100
    for year, installment in zip(years, installments, strict=False):
        assert abs(installment.amount - year.amount * share) < D("0.01"), installment
        assert installment.amount >= 0


def test_default_schedule_150k_dates_and_gates():
    years = years_of(date(2027, 4, 1), date(2030, 3, 31), ("50000", "50000", "50000"))

    installments = plan(years)

    assert installments == [
        PlannedInstallment(1, "project_year", 1, D("45000.00"), date(2027, 4, 1), None),
        PlannedInstallment(2, "project_year", 2, D("45000.00"), date(2028, 4, 30), ("progress", 1)),
        PlannedInstallment(3, "project_year", 3, D("45000.00"), date(2029, 4, 30), ("progress", 2)),
        PlannedInstallment(4, "holdback", None, D("15000.00"), date(2030, 6, 29), ("final", 0)),
    ]


def test_default_schedule_12_months():
    years = years_of(date(2027, 7, 1), date(2028, 6, 30), ("40000",))

    installments = plan(years)

    assert installments == [
        PlannedInstallment(1, "project_year", 1, D("36000.00"), date(2027, 7, 1), None),
        PlannedInstallment(2, "holdback", None, D("4000.00"), date(2028, 9, 28), ("final", 0)),
    ]


def test_default_schedule_30_months_four_fiscal_years():
    years = years_of(date(2027, 1, 1), date(2029, 6, 30), ("50000", "50000", "25000"))

    installments = plan(years)

    assert [(year.starts_on, year.ends_on) for year in years] == [
        (date(2027, 1, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 12, 31)),
        (date(2029, 1, 1), date(2029, 6, 30)),
    ]
    assert [(item.amount, item.due_on, fiscal_year_of(item.due_on).label) for item in installments] == [
        (D("45000.00"), date(2027, 1, 1), "2026-2027"),
        (D("45000.00"), date(2028, 1, 30), "2027-2028"),
        (D("22500.00"), date(2029, 1, 30), "2028-2029"),
        (D("12500.00"), date(2029, 9, 28), "2029-2030"),
    ]


def test_default_schedule_rejects_no_years():
    with pytest.raises(ValueError, match="at least one project year"):
        plan([])


@pytest.mark.parametrize("percent", ["-1", "100.01"])
def test_default_schedule_rejects_holdback_out_of_range(percent):
    years = years_of(date(2027, 4, 1), date(2028, 3, 31), ("40000",))

    with pytest.raises(ValueError, match="between 0 and 100"):
        plan(years, percent)


# --- reporting_calendar ----------------------------------------------------------------------------


def test_reporting_calendar_30_months():
    years = years_of(date(2027, 1, 1), date(2029, 6, 30), ("50000", "50000", "25000"))

    calendar = schedule.reporting_calendar(years, progress_days=PROGRESS_DAYS, final_days=FINAL_DAYS)

    assert calendar == [
        PlannedReport("progress", 1, date(2028, 1, 30)),
        PlannedReport("progress", 2, date(2029, 1, 30)),
        PlannedReport("progress", 3, date(2029, 7, 30)),
        PlannedReport("final", 0, date(2029, 9, 28)),
    ]


def test_reporting_calendar_uses_given_delays():
    years = years_of(date(2027, 4, 1), date(2028, 3, 31), ("40000",))

    calendar = schedule.reporting_calendar(years, progress_days=45, final_days=120)

    assert calendar == [PlannedReport("progress", 1, date(2028, 5, 15)), PlannedReport("final", 0, date(2028, 7, 29))]


# --- allocate_in_proportion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        ("100.00", ("1", "1", "1"), ("33.34", "33.33", "33.33")),
        ("0.02", ("1", "1", "1"), ("0.01", "0.01", "0.00")),
        ("10.00", ("3", "0", "1"), ("7.50", "0.00", "2.50")),
        ("0.00", ("1", "2"), ("0.00", "0.00")),
        ("5.00", ("0", "0"), ("0.00", "0.00")),
    ],
)
def test_allocate_in_proportion_adds_up(amount, weights, expected):
    shares = schedule.allocate_in_proportion(D(amount), [D(weight) for weight in weights])

    assert shares == [D(share) for share in expected]


# --- Through the approval --------------------------------------------------------------------------


def installment_rows(agreement):
    return [
        (item.number, item.kind, item.project_year, item.amount, item.due_on, item.fiscal_year)
        for item in agreement.installments.order_by("number")
    ]


def gates(agreement):
    return [
        (item.gate_report.kind, item.gate_report.number) if item.gate_report else None
        for item in agreement.installments.select_related("gate_report").order_by("number")
    ]


def report_rows(agreement):
    return [(report.kind, report.number, report.due_on) for report in agreement.reports.order_by("due_on", "pk")]


@pytest.mark.django_db
def test_approval_150k_over_3_years(decision_maker):
    agreement = approved_agreement(
        ("50000", "50000", "50000"), starts_on=date(2027, 4, 1), decision_maker=decision_maker
    )

    assert agreement.total == D("150000")
    assert (agreement.starts_on, agreement.ends_on) == (date(2027, 4, 1), date(2030, 3, 31))
    assert list(agreement.years.values_list("number", "amount")) == [(1, D("50000")), (2, D("50000")), (3, D("50000"))]
    assert installment_rows(agreement) == [
        (1, InstallmentKind.PROJECT_YEAR, 1, D("45000.00"), date(2027, 4, 1), "2027-2028"),
        (2, InstallmentKind.PROJECT_YEAR, 2, D("45000.00"), date(2028, 4, 30), "2028-2029"),
        (3, InstallmentKind.PROJECT_YEAR, 3, D("45000.00"), date(2029, 4, 30), "2029-2030"),
        (4, InstallmentKind.HOLDBACK, None, D("15000.00"), date(2030, 6, 29), "2030-2031"),
    ]
    assert gates(agreement) == [None, ("progress", 1), ("progress", 2), ("final", 0)]
    assert all(item.state == InstallmentState.SCHEDULED for item in agreement.installments.all())


@pytest.mark.django_db
def test_approval_100k_over_3_years_exact_cents(decision_maker):
    agreement = approved_agreement(
        ("33333.33", "33333.33", "33333.34"), starts_on=date(2027, 4, 1), decision_maker=decision_maker
    )

    amounts = [item.amount for item in agreement.installments.order_by("number")]

    assert agreement.total == D("100000.00")
    assert list(agreement.years.values_list("amount", flat=True)) == [D("33333.33"), D("33333.33"), D("33333.34")]
    assert amounts == [D("30000.00"), D("30000.00"), D("30000.00"), D("10000.00")]
    assert sum(amounts) == agreement.total


@pytest.mark.django_db
def test_approval_odd_cents_add_up(decision_maker):
    agreement = approved_agreement(
        ("33333.35", "33333.35", "33333.35"), starts_on=date(2027, 4, 1), decision_maker=decision_maker
    )

    amounts = [item.amount for item in agreement.installments.order_by("number")]

    assert amounts == [D("30000.02"), D("30000.01"), D("30000.01"), D("10000.01")]
    assert sum(amounts) == agreement.total == D("100000.05")


@pytest.mark.django_db
def test_approval_1000_over_3_years(decision_maker):
    agreement = approved_agreement(
        ("333.33", "333.33", "333.34"), starts_on=date(2027, 4, 1), decision_maker=decision_maker
    )

    amounts = [item.amount for item in agreement.installments.order_by("number")]

    assert amounts == [D("300.00"), D("300.00"), D("300.00"), D("100.00")]
    assert sum(amounts) == agreement.total == D("1000.00")


@pytest.mark.django_db
def test_approval_12_month_project(decision_maker):
    agreement = approved_agreement(("40000",), starts_on=date(2027, 7, 1), decision_maker=decision_maker)

    assert installment_rows(agreement) == [
        (1, InstallmentKind.PROJECT_YEAR, 1, D("36000.00"), date(2027, 7, 1), "2027-2028"),
        (2, InstallmentKind.HOLDBACK, None, D("4000.00"), date(2028, 9, 28), "2028-2029"),
    ]
    assert gates(agreement) == [None, ("final", 0)]
    assert report_rows(agreement) == [
        (ReportKind.PROGRESS, 1, date(2028, 7, 30)),
        (ReportKind.FINAL, 0, date(2028, 9, 28)),
    ]


@pytest.mark.django_db
def test_approval_30_months_four_fiscal_years(decision_maker):
    agreement = approved_agreement(
        ("50000", "50000", "25000"),
        starts_on=date(2027, 1, 1),
        ends_on=date(2029, 6, 30),
        decision_maker=decision_maker,
    )

    assert (agreement.starts_on, agreement.ends_on) == (date(2027, 1, 1), date(2029, 6, 30))
    assert list(agreement.years.values_list("number", "starts_on", "ends_on")) == [
        (1, date(2027, 1, 1), date(2027, 12, 31)),
        (2, date(2028, 1, 1), date(2028, 12, 31)),
        (3, date(2029, 1, 1), date(2029, 6, 30)),
    ]
    assert installment_rows(agreement) == [
        (1, InstallmentKind.PROJECT_YEAR, 1, D("45000.00"), date(2027, 1, 1), "2026-2027"),
        (2, InstallmentKind.PROJECT_YEAR, 2, D("45000.00"), date(2028, 1, 30), "2027-2028"),
        (3, InstallmentKind.PROJECT_YEAR, 3, D("22500.00"), date(2029, 1, 30), "2028-2029"),
        (4, InstallmentKind.HOLDBACK, None, D("12500.00"), date(2029, 9, 28), "2029-2030"),
    ]
    # Progress reports 30 days after each project year ends; the final report 90 days after the project ends.
    assert report_rows(agreement) == [
        (ReportKind.PROGRESS, 1, date(2028, 1, 30)),
        (ReportKind.PROGRESS, 2, date(2029, 1, 30)),
        (ReportKind.PROGRESS, 3, date(2029, 7, 30)),
        (ReportKind.FINAL, 0, date(2029, 9, 28)),
    ]
    assert gates(agreement) == [None, ("progress", 1), ("progress", 2), ("final", 0)]


@pytest.mark.django_db
def test_approval_holdback_percent_default_10(decision_maker):
    agreement = approved_agreement(("40000", "30000"), decision_maker=decision_maker)

    assert agreement.application.call.rules.holdback_percent == D("10")
    assert agreement.holdback_percent == D("10")
    assert agreement.installments.get(kind=InstallmentKind.HOLDBACK).amount == D("7000.00")


@pytest.mark.django_db
def test_approval_holdback_percent_from_rules(decision_maker):
    call = funded_call(holdback_percent=D("15"), progress_report_days=45, final_report_days=120)

    agreement = approved_agreement(("40000", "30000"), call=call, decision_maker=decision_maker)

    assert agreement.holdback_percent == D("15")
    assert [item.amount for item in agreement.installments.order_by("number")] == [
        D("34000.00"),
        D("25500.00"),
        D("10500.00"),
    ]
    # Project from 1 July 2027 to 30 June 2029.
    assert report_rows(agreement) == [
        (ReportKind.PROGRESS, 1, date(2028, 8, 14)),
        (ReportKind.PROGRESS, 2, date(2029, 8, 14)),
        (ReportKind.FINAL, 0, date(2029, 10, 28)),
    ]


@pytest.mark.django_db
def test_approval_keeps_year_granted_nothing(decision_maker):
    agreement = approved_agreement(("40000", "0", "30000"), starts_on=date(2027, 4, 1), decision_maker=decision_maker)

    assert agreement.total == D("70000")
    assert list(agreement.years.values_list("number", "amount")) == [(1, D("40000")), (2, D("0")), (3, D("30000"))]
    assert [item.amount for item in agreement.installments.order_by("number")] == [
        D("36000.00"),
        D("0.00"),
        D("27000.00"),
        D("7000.00"),
    ]
    # Year 3's installment waits for the report on year 2, not on year 1.
    assert gates(agreement) == [None, ("progress", 1), ("progress", 2), ("final", 0)]
    assert agreement.ends_on == date(2030, 3, 31)


@pytest.mark.django_db
def test_zero_installment_cancelled_when_gate_opens(officer, decision_maker, finance, second_finance):
    agreement = approved_agreement(("40000", "0", "30000"), starts_on=date(2027, 4, 1), decision_maker=decision_maker)
    activate(agreement, officer, decision_maker)
    pay(agreement.installments.get(number=1), finance, second_finance)
    progress = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)

    reports.accept_report(report=progress, actor=officer)

    states = dict(agreement.installments.values_list("number", "state"))
    assert states == {
        1: InstallmentState.PAID,
        2: InstallmentState.CANCELLED,
        3: InstallmentState.SCHEDULED,
        4: InstallmentState.SCHEDULED,
    }


@pytest.mark.django_db
def test_zero_first_installment_cancelled_at_activation(officer, decision_maker):
    agreement = approved_agreement(("0", "40000"), starts_on=date(2027, 4, 1), decision_maker=decision_maker)

    activate(agreement, officer, decision_maker)

    rows = list(agreement.installments.order_by("number").values_list("amount", "state"))
    assert rows == [
        (D("0.00"), InstallmentState.CANCELLED),
        (D("36000.00"), InstallmentState.SCHEDULED),
        (D("4000.00"), InstallmentState.SCHEDULED),
    ]
