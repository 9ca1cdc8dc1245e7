"""The program's budget rules, checked on plain values so that forms, the review page and submission agree.

Each problem names the section and the field it concerns, so the review page can link to it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from common.money import format_money

# The largest amount a DecimalField(max_digits=12, decimal_places=2) column holds.
MAX_AMOUNT = Decimal("9999999999.99")


@dataclass(frozen=True)
class Problem:
    section: str
    field: str
    message: str


@dataclass(frozen=True)
class ProjectYear:
    number: int
    starts_on: date
    ends_on: date


def add_months(value: date, months: int) -> date:
    """Move `value` by whole months. A day the target month lacks rolls over to the 1st of the next month,
    so a project started on 29 February has its anniversary on 1 March and its first year ends on 28 February.
    """
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    try:
        return value.replace(year=year, month=month)
    except ValueError:
        return date(year + month // 12, month % 12 + 1, 1)


def duration_months(starts_on: date, ends_on: date) -> int:
    """Count the months from the start to the end date inclusive, a started month counting as a whole one.

    1 April 2027 to 31 March 2030 is 36 months; 1 April 2027 to 1 April 2030 is 37.
    """
    months = 0
    while add_months(starts_on, months) <= ends_on:
        months += 1
    return months


def project_years(starts_on: date, ends_on: date) -> list[ProjectYear]:
    """Split the project into consecutive 12-month years from its start; the last one ends with the project."""
    years = []
    number = 1
    start = starts_on
    while start <= ends_on:
        end = min(add_months(starts_on, 12 * number) - timedelta(days=1), ends_on)
        years.append(ProjectYear(number=number, starts_on=start, ends_on=end))
        number += 1
        start = end + timedelta(days=1)
    return years


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """Return `percent` % of `amount`, rounded down to the cent, so that a cap shown is never above the exact one."""
    return (amount * percent / Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def exceeds_percent(part: Decimal, whole: Decimal, percent: Decimal) -> bool:
    """Compare `part` with `percent` % of `whole` exactly, with no rounding either way."""
    return part * Decimal(100) > whole * percent


def check_dates(*, rules, starts_on: date | None, ends_on: date | None) -> list[Problem]:
    if starts_on is None or ends_on is None:
        return [Problem("calendar", "id_starts_on", _("Enter the start and end dates of the project."))]
    if ends_on < starts_on:
        return [Problem("calendar", "id_ends_on", _("The end date must come after the start date."))]
    months = duration_months(starts_on, ends_on)
    if not rules.min_duration_months <= months <= rules.max_duration_months:
        return [
            Problem(
                "calendar",
                "id_ends_on",
                _("The project lasts %(months)d months; it must last between %(min)d and %(max)d months.")
                % {"months": months, "min": rules.min_duration_months, "max": rules.max_duration_months},
            )
        ]
    return []


def check_budget(
    *,
    rules,
    years: list[ProjectYear],
    expenses: dict[int, dict[str, Decimal]],
    administration_codes: set[str],
    requested: dict[int, Decimal],
    revenues: dict[int, Decimal],
    subcontracting: Decimal,
) -> list[Problem]:
    """Check the budget against the rules: caps per year and in total, subcontracting and administration
    caps, and the balance of each project year (expenses = amount requested + other revenues).

    `expenses` maps a project year to amounts by expense category code; `revenues` maps a project year to
    the total of the other revenues of that year.
    """
    problems = []
    numbers = {year.number for year in years}
    total_expenses = sum((sum(by_category.values(), Decimal(0)) for by_category in expenses.values()), Decimal(0))
    if total_expenses <= 0:
        problems.append(Problem("budget", "budget", _("Enter the project expenses for each project year.")))

    for number in sorted(set(expenses) | set(requested) | set(revenues)):
        if number not in numbers:
            problems.append(
                Problem(
                    "budget",
                    f"year-{number}",
                    _("Project year %(number)d is outside the project dates: remove its amounts or change the dates.")
                    % {"number": number},
                )
            )

    for year in years:
        asked = requested.get(year.number, Decimal(0))
        if asked > rules.max_per_project_year:
            problems.append(
                Problem(
                    "budget",
                    f"id_requested_{year.number}",
                    _("Project year %(number)d: %(amount)s requested, over the yearly maximum of %(max)s.")
                    % {
                        "number": year.number,
                        "amount": format_money(asked),
                        "max": format_money(rules.max_per_project_year),
                    },
                )
            )
        year_expenses = sum(expenses.get(year.number, {}).values(), Decimal(0))
        year_revenues = revenues.get(year.number, Decimal(0))
        if year_expenses != asked + year_revenues:
            problems.append(
                Problem(
                    "budget",
                    f"id_requested_{year.number}",
                    _(
                        "Project year %(number)d is not balanced: expenses of %(expenses)s, but %(asked)s requested "
                        "plus %(revenues)s of other revenues make %(funding)s. Adjust the amounts so both totals match."
                    )
                    % {
                        "number": year.number,
                        "expenses": format_money(year_expenses),
                        "asked": format_money(asked),
                        "revenues": format_money(year_revenues),
                        "funding": format_money(asked + year_revenues),
                    },
                )
            )

    total_requested = sum(requested.values(), Decimal(0))
    if total_requested > rules.max_total:
        problems.append(
            Problem(
                "budget",
                "id_requested_1",
                _("The total requested, %(amount)s, is over the maximum of %(max)s per project.")
                % {"amount": format_money(total_requested), "max": format_money(rules.max_total)},
            )
        )

    subcontracting_cap = percent_of(total_expenses, rules.subcontracting_cap_percent)
    if exceeds_percent(subcontracting, total_expenses, rules.subcontracting_cap_percent):
        problems.append(
            Problem(
                "budget",
                "id_subcontracting_amount",
                _(
                    "Subcontracting of %(amount)s is over %(percent)s %% of the eligible expenses (%(cap)s). "
                    "Lower it or do more of the work yourselves."
                )
                % {
                    "amount": format_money(subcontracting),
                    "percent": f"{rules.subcontracting_cap_percent.normalize():f}",
                    "cap": format_money(subcontracting_cap),
                },
            )
        )

    administration = sum(
        (
            amount
            for by_category in expenses.values()
            for code, amount in by_category.items()
            if code in administration_codes
        ),
        Decimal(0),
    )
    administration_cap = percent_of(total_expenses, rules.administration_cap_percent)
    if exceeds_percent(administration, total_expenses, rules.administration_cap_percent):
        problems.append(
            Problem(
                "budget",
                "budget",
                _("Administration costs of %(amount)s are over %(percent)s %% of the eligible expenses (%(cap)s).")
                % {
                    "amount": format_money(administration),
                    "percent": f"{rules.administration_cap_percent.normalize():f}",
                    "cap": format_money(administration_cap),
                },
            )
        )
    return problems
