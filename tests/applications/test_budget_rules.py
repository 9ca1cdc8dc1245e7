"""The program's budget rules (applications.budget) and the amount field of the budget forms, as tables."""

import itertools
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from applications.budget import ProjectYear, check_budget, check_dates, duration_months, project_years
from applications.forms import MoneyField, format_amount_for_input

D = Decimal
RULES = SimpleNamespace(
    max_per_project_year=D("50000.00"),
    max_total=D("150000.00"),
    min_duration_months=12,
    max_duration_months=36,
    subcontracting_cap_percent=D("25.00"),
    administration_cap_percent=D("10.00"),
)


# Duration and project years


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "months"),
    [
        (date(2027, 4, 1), date(2027, 4, 1), 1),
        (date(2027, 4, 1), date(2028, 3, 31), 12),
        (date(2027, 4, 1), date(2028, 4, 1), 13),
        (date(2027, 4, 1), date(2030, 3, 31), 36),
        (date(2027, 4, 1), date(2030, 4, 1), 37),
        (date(2027, 7, 15), date(2028, 7, 14), 12),
        # A start on the 31st: a month that lacks the 31st ends on its last day, the next month starting the 1st.
        (date(2027, 1, 31), date(2027, 2, 28), 1),
        (date(2027, 1, 31), date(2027, 3, 1), 2),
        (date(2027, 1, 31), date(2028, 1, 30), 12),
        (date(2027, 1, 31), date(2028, 1, 31), 13),
        (date(2027, 8, 31), date(2028, 8, 30), 12),
        # A start on 29 February.
        (date(2028, 2, 29), date(2029, 2, 28), 12),
        (date(2028, 2, 29), date(2029, 3, 1), 13),
    ],
)
def test_duration_months_table(starts_on, ends_on, months):
    assert duration_months(starts_on, ends_on) == months


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "expected"),
    [
        (date(2027, 7, 1), date(2028, 6, 30), [(1, date(2027, 7, 1), date(2028, 6, 30))]),
        (
            date(2027, 7, 1),
            date(2030, 6, 30),
            [
                (1, date(2027, 7, 1), date(2028, 6, 30)),
                (2, date(2028, 7, 1), date(2029, 6, 30)),
                (3, date(2029, 7, 1), date(2030, 6, 30)),
            ],
        ),
        # One day past three whole years opens a fourth year of one day.
        (
            date(2027, 7, 1),
            date(2030, 7, 1),
            [
                (1, date(2027, 7, 1), date(2028, 6, 30)),
                (2, date(2028, 7, 1), date(2029, 6, 30)),
                (3, date(2029, 7, 1), date(2030, 6, 30)),
                (4, date(2030, 7, 1), date(2030, 7, 1)),
            ],
        ),
        # A short last year ends with the project.
        (
            date(2027, 4, 1),
            date(2028, 9, 30),
            [(1, date(2027, 4, 1), date(2028, 3, 31)), (2, date(2028, 4, 1), date(2028, 9, 30))],
        ),
        (
            date(2027, 1, 31),
            date(2029, 1, 30),
            [(1, date(2027, 1, 31), date(2028, 1, 30)), (2, date(2028, 1, 31), date(2029, 1, 30))],
        ),
        (date(2027, 7, 1), date(2027, 7, 1), [(1, date(2027, 7, 1), date(2027, 7, 1))]),
    ],
)
def test_project_years_boundaries(starts_on, ends_on, expected):
    assert project_years(starts_on, ends_on) == [ProjectYear(*year) for year in expected]


def test_project_years_follow_each_other():
    years = project_years(date(2028, 2, 29), date(2031, 2, 28))
    for previous, following in itertools.pairwise(years):
        assert (following.starts_on - previous.ends_on).days == 1
    assert years[0].ends_on == date(2029, 2, 28)
    assert years[-1].ends_on == date(2031, 2, 28)


def test_project_years_end_before_start_empty():
    assert project_years(date(2028, 1, 1), date(2027, 1, 1)) == []


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (None, date(2028, 6, 30), "id_starts_on"),
        (date(2027, 7, 1), None, "id_starts_on"),
        (date(2028, 7, 1), date(2027, 7, 1), "id_ends_on"),
        (date(2027, 7, 1), date(2028, 5, 31), "id_ends_on"),
        (date(2027, 7, 1), date(2030, 7, 1), "id_ends_on"),
    ],
)
def test_check_dates_refused(starts_on, ends_on, field):
    problems = check_dates(rules=RULES, starts_on=starts_on, ends_on=ends_on)
    assert [problem.field for problem in problems] == [field]


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(date(2027, 7, 1), date(2028, 6, 30)), (date(2027, 7, 1), date(2030, 6, 30))],
)
def test_check_dates_accepted(starts_on, ends_on):
    assert check_dates(rules=RULES, starts_on=starts_on, ends_on=ends_on) == []


# Budget caps and balance


def years(count: int) -> list[ProjectYear]:
    return project_years(date(2027, 7, 1), date(2027 + count, 6, 30))


def budget(*, count=3, expenses=None, requested=None, revenues=None, subcontracting=None, rules=RULES):
    """Check a budget where, unless given, each year has 45 000 $ of salaries, 40 000 $ requested and 5 000 $ own."""
    numbers = range(1, count + 1)
    with translation.override("en"):
        return check_budget(
            rules=rules,
            years=years(count),
            expenses=expenses if expenses is not None else {n: {"salaries": D("45000")} for n in numbers},
            administration_codes={"administration"},
            requested=requested if requested is not None else {n: D("40000") for n in numbers},
            revenues=revenues if revenues is not None else {n: D("5000") for n in numbers},
            subcontracting=subcontracting if subcontracting is not None else D(0),
        )


def fields(problems) -> list[str]:
    return [problem.field for problem in problems]


def test_budget_balanced_has_no_problem():
    assert budget() == []


@pytest.mark.parametrize(
    ("asked", "accepted"),
    [(D("50000.00"), True), (D("50000.01"), False), (D("49999.99"), True)],
)
def test_budget_cap_per_year(asked, accepted):
    problems = budget(
        count=1,
        expenses={1: {"salaries": asked + D("1000")}},
        requested={1: asked},
        revenues={1: D("1000")},
    )
    if accepted:
        assert problems == []
    else:
        assert fields(problems) == ["id_requested_1"]
        assert "yearly maximum" in problems[0].message


@pytest.mark.parametrize(
    ("per_year", "accepted"),
    [(D("37500.00"), True), (D("37500.01"), False)],
)
def test_budget_total_cap(per_year, accepted):
    # Four years stay under the yearly cap, so only the total can go over 150 000 $.
    problems = budget(
        count=4,
        expenses={n: {"salaries": per_year} for n in range(1, 5)},
        requested={n: per_year for n in range(1, 5)},
        revenues={},
    )
    if accepted:
        assert problems == []
    else:
        assert fields(problems) == ["id_requested_1"]
        assert "per project" in problems[0].message


def test_budget_total_exactly_at_cap_over_three_years():
    problems = budget(
        expenses={n: {"salaries": D("50000")} for n in (1, 2, 3)},
        requested={n: D("50000") for n in (1, 2, 3)},
        revenues={},
    )
    assert problems == []


@pytest.mark.parametrize(
    ("subcontracting", "accepted"),
    [(D("25000.00"), True), (D("25000.01"), False), (D("0"), True)],
)
def test_budget_subcontracting_cap(subcontracting, accepted):
    # 100 000 $ of eligible expenses: 25 % is 25 000 $.
    problems = budget(
        count=2,
        expenses={1: {"salaries": D("50000")}, 2: {"salaries": D("50000")}},
        requested={1: D("45000"), 2: D("45000")},
        revenues={1: D("5000"), 2: D("5000")},
        subcontracting=subcontracting,
    )
    assert (problems == []) is accepted
    if not accepted:
        assert fields(problems) == ["id_subcontracting_amount"]


@pytest.mark.parametrize(
    ("administration", "accepted"),
    [(D("10000.00"), True), (D("10000.01"), False)],
)
def test_budget_administration_cap(administration, accepted):
    # 90 000 $ of salaries plus the administration costs: 10 % of 100 000 $ is 10 000 $.
    total = D("90000") + administration
    problems = budget(
        count=1,
        expenses={1: {"salaries": D("90000"), "administration": administration}},
        requested={1: D("50000")},
        revenues={1: total - D("50000")},
        rules=SimpleNamespace(**{**vars(RULES), "max_per_project_year": D("100000"), "max_total": D("300000")}),
    )
    assert (problems == []) is accepted
    if not accepted:
        assert fields(problems) == ["budget"]
        assert "Administration costs" in problems[0].message


@pytest.mark.parametrize(
    ("revenue", "balanced"),
    [(D("5000.00"), True), (D("4999.99"), False), (D("5000.01"), False)],
)
def test_budget_balance_per_year(revenue, balanced):
    problems = budget(revenues={1: D("5000"), 2: revenue, 3: D("5000")})
    if balanced:
        assert problems == []
    else:
        assert fields(problems) == ["id_requested_2"]
        assert "not balanced" in problems[0].message


def test_budget_year_outside_dates():
    problems = budget(
        count=2,
        expenses={1: {"salaries": D("45000")}, 2: {"salaries": D("45000")}, 3: {"salaries": D("1")}},
        requested={1: D("40000"), 2: D("40000")},
        revenues={1: D("5000"), 2: D("5000"), 4: D("10")},
    )
    assert fields(problems) == ["year-3", "year-4"]


def test_budget_without_expenses():
    problems = budget(expenses={}, requested={}, revenues={})
    assert fields(problems) == ["budget"]


# The amount field of the budget forms

LABEL = "Salaires, year 1"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,56", D("1234.56")),
        ("1234,56", D("1234.56")),
        ("1234.56", D("1234.56")),
        ("1\u00a0234,56", D("1234.56")),
        ("1\u202f234,56", D("1234.56")),
        ("12\u00a0345\u202f678,9", D("12345678.90")),
        ("  42  ", D("42.00")),
        ("0", D("0.00")),
        ("-0", D("0.00")),
        ("1 234,56 $", D("1234.56")),
        ("9 999 999 999,99", D("9999999999.99")),
        ("", None),
        ("   ", None),
    ],
)
def test_money_field_accepts(text, amount):
    assert MoneyField(label=LABEL).clean(text) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-1", "negative"),
        ("-0,01", "negative"),
        ("10 000 000 000,00", "too_large"),
        ("123456789012", "too_large"),
        ("9999999999,991", "max_decimal_places"),
        ("abc", "invalid"),
        ("12a", "invalid"),
        ("1,234.56", "invalid"),
        ("1.234,56", "invalid"),
        ("12 34", "invalid"),
        ("1,2,3", "invalid"),
        ("10,555", "max_decimal_places"),
    ],
)
def test_money_field_rejects(text, code):
    with pytest.raises(ValidationError) as raised:
        MoneyField(label=LABEL).clean(text)
    assert raised.value.code == code


@pytest.mark.parametrize("text", ["abc", "-5", "123456789012", "10,555"])
def test_money_field_error_names_field(text):
    with translation.override("fr"):
        with pytest.raises(ValidationError) as raised:
            MoneyField(label=LABEL).clean(text)
        message = raised.value.messages[0]
    assert message.startswith(LABEL)


def test_money_field_invalid_message_gives_format():
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            MoneyField(label=LABEL).clean("abc")
        message = raised.value.messages[0]
    assert "1 234,56" in message


def test_money_field_too_large_message_gives_maximum():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as raised:
            MoneyField(label=LABEL).clean("123456789012")
        message = raised.value.messages[0]
    assert "9\u00a0999\u00a0999\u00a0999,99\u00a0$" in message


def test_money_field_required_when_asked():
    with pytest.raises(ValidationError) as raised:
        MoneyField(label=LABEL, required=True).clean("")
    assert raised.value.code == "required"


@pytest.mark.parametrize(
    ("language", "amount", "text"),
    [("fr", D("1234567.5"), "1 234 567,50"), ("fr", D("12"), "12,00"), ("en", D("1234567.5"), "1234567.50")],
)
def test_amount_for_input_reads_back(language, amount, text):
    with translation.override(language):
        assert format_amount_for_input(amount) == text
        assert MoneyField(label=LABEL).clean(text) == amount


def test_subcontracting_cap_exact_on_odd_total():
    from types import SimpleNamespace

    rules = SimpleNamespace(
        max_per_project_year=Decimal("50000"),
        max_total=Decimal("150000"),
        subcontracting_cap_percent=Decimal("25"),
        administration_cap_percent=Decimal("10"),
    )
    years = project_years(date(2027, 7, 1), date(2028, 6, 30))
    expenses = {1: {"salaries": Decimal("10000.03")}}
    arguments = {
        "rules": rules,
        "years": years,
        "expenses": expenses,
        "administration_codes": set(),
        "requested": {1: Decimal("10000.03")},
        "revenues": {},
    }
    assert check_budget(**arguments, subcontracting=Decimal("2500.00")) == []
    # 25 % of 10 000,03 $ is 2 500,0075 $: 2 500,01 $ is over it.
    assert check_budget(**arguments, subcontracting=Decimal("2500.01")) != []
