"""The default payment schedule and reporting calendar of an agreement, from the program rules.

Holdback H = holdback % × total, rounded half-up to the cent. The rest, total − H, is divided among the
project years in proportion to their amounts, by the largest-remainder method at the cent. So each project
year gets (1 − holdback %) × its amount to within a cent, and a year granted 0 $ gets 0 $. No installment is
negative, and the installments and the holdback add up to the total exactly.

Reporting calendar: a progress report per project year, due `progress_days` after that year ends, and the
final report, due `final_days` after the project ends. Installment 1 is planned for the project start,
installment N + 1 for the due date of the progress report on year N, and the holdback for the due date of
the final report. These planned dates place each installment in a fiscal year for the envelope sums.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from common.money import allocate_by_weights

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class YearAmount:
    number: int
    starts_on: date
    ends_on: date
    amount: Decimal


@dataclass(frozen=True)
class PlannedReport:
    kind: str  # "progress" or "final"
    number: int  # the project year of a progress report; 0 for the final report
    due_on: date


@dataclass(frozen=True)
class PlannedInstallment:
    number: int
    kind: str  # "project_year" or "holdback"
    project_year: int | None
    amount: Decimal
    due_on: date
    # The report whose acceptance makes it due: ("progress", N), ("final", 0), or None for activation.
    gate: tuple[str, int] | None


def round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def holdback_amount(total: Decimal, holdback_percent: Decimal) -> Decimal:
    return round_cent(total * holdback_percent / HUNDRED)


def allocate_in_proportion(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Divide `amount`, rounded to the cent, in proportion to `weights` with common.money's largest remainder."""
    return allocate_by_weights(round_cent(amount), weights)


def reporting_calendar(years: list[YearAmount], *, progress_days: int, final_days: int) -> list[PlannedReport]:
    reports = [
        PlannedReport(kind="progress", number=year.number, due_on=year.ends_on + timedelta(days=progress_days))
        for year in years
    ]
    reports.append(PlannedReport(kind="final", number=0, due_on=years[-1].ends_on + timedelta(days=final_days)))
    return reports


def default_schedule(
    years: list[YearAmount], *, holdback_percent: Decimal, progress_days: int, final_days: int
) -> list[PlannedInstallment]:
    """Return one installment per project year and the holdback, adding up to the sum of the years' amounts."""
    if not years:
        raise ValueError("An agreement needs at least one project year.")
    if not 0 <= holdback_percent <= HUNDRED:
        raise ValueError(f"The holdback must be between 0 and 100 %, not {holdback_percent}.")
    total = sum((year.amount for year in years), Decimal(0))
    holdback = holdback_amount(total, holdback_percent)
    amounts = allocate_in_proportion(total - holdback, [year.amount for year in years])

    calendar = {
        (report.kind, report.number): report.due_on
        for report in reporting_calendar(years, progress_days=progress_days, final_days=final_days)
    }
    installments = []
    for index, (year, amount) in enumerate(zip(years, amounts, strict=True)):
        if index == 0:
            due_on, gate = year.starts_on, None
        else:
            previous = years[index - 1].number
            due_on, gate = calendar[("progress", previous)], ("progress", previous)
        installments.append(
            PlannedInstallment(
                number=index + 1, kind="project_year", project_year=year.number, amount=amount, due_on=due_on, gate=gate
            )
        )
    installments.append(
        PlannedInstallment(
            number=len(years) + 1,
            kind="holdback",
            project_year=None,
            amount=holdback,
            due_on=calendar[("final", 0)],
            gate=("final", 0),
        )
    )
    return installments


@dataclass(frozen=True)
class Settlement:
    final_payment: Decimal
    to_recover: Decimal


def settle(*, holdback: Decimal, eligible_expenses: Decimal, already_paid: Decimal) -> Settlement:
    """Final payment = max(0, min(holdback, eligible − paid)); to recover = max(0, paid − eligible)."""
    zero = Decimal(0)
    return Settlement(
        final_payment=max(zero, min(holdback, eligible_expenses - already_paid)),
        to_recover=max(zero, already_paid - eligible_expenses),
    )
