import os
from decimal import Decimal

import django
import pytest
from django.conf import settings
from django.utils.translation import override

from common.money import (
    MoneyParseError,
    allocate_by_percentages,
    format_money,
    parse_money,
    quantize,
    split_amount,
)

NBSP = "\u00a0"
NNBSP = "\u202f"


def _configure_django() -> None:
    """Configure minimal Django settings unless a settings module is available.

    The project's own settings take precedence when pytest-django has loaded
    them or when DJANGO_SETTINGS_MODULE names them.
    """
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(USE_I18N=True)

    from django.apps import apps

    # translation.override() needs the app registry to load catalogues.
    if not apps.ready:
        django.setup()


@pytest.fixture(autouse=True, scope="module")
def django_i18n() -> None:
    _configure_django()


# --- parse_money -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1234", Decimal("1234.00")),
        ("1 234", Decimal("1234.00")),
        (f"1{NBSP}234,56", Decimal("1234.56")),
        (f"1{NNBSP}234,56", Decimal("1234.56")),
        (f"1{NBSP}234{NNBSP}567 890,12", Decimal("1234567890.12")),
        ("12 345 678", Decimal("12345678.00")),
        ("123 456,7", Decimal("123456.70")),
        ("0,5", Decimal("0.50")),
        ("0", Decimal("0.00")),
        ("1 234,56 $", Decimal("1234.56")),
        (f"1 234,56{NBSP}$", Decimal("1234.56")),
        ("1234$", Decimal("1234.00")),
        ("  1 234,56  ", Decimal("1234.56")),
        (f"{NBSP}42\t\n", Decimal("42.00")),
        ("-1 234,56", Decimal("-1234.56")),
        ("-5 $", Decimal("-5.00")),
        ("007", Decimal("7.00")),
    ],
)
def test_parse_money_accepted(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["1 234,56", "1234", "0,5", "-7,1"])
def test_parse_money_two_decimal_places(text):
    assert parse_money(text).as_tuple().exponent == -2


def test_parse_money_negative_zero_is_zero():
    assert str(parse_money("-0,00")) == "0.00"


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "12a",
        "1 234,56 CAD",
        "1,234.56",
        "1.234,56",
        "1,2,3",
        "1.2.3",
        "12 34",
        "1 2345",
        "1234 567",
        "1  234",
        " 1 234 ,56",
        ",56",
        "1234,",
        "$1234",
        "1234 $ $",
        "1234  $",
        "+5",
        "--5",
        "- 5",
        "5-",
        "1e3",
        "١٢٣",
        "NaN",
        "Infinity",
    ],
)
def test_parse_money_rejects_invalid(text):
    with pytest.raises(MoneyParseError) as excinfo:
        parse_money(text)
    assert excinfo.value.code == "invalid"


@pytest.mark.parametrize("text", ["1,234", "1.234", "1 234,567", "0,001", "5.999 $"])
def test_parse_money_rejects_three_decimals(text):
    with pytest.raises(MoneyParseError) as excinfo:
        parse_money(text)
    assert excinfo.value.code == "max_decimal_places"


@pytest.mark.parametrize("text", ["", "   ", f"{NBSP}{NNBSP}"])
def test_parse_money_rejects_empty(text):
    with pytest.raises(MoneyParseError) as excinfo:
        parse_money(text)
    assert excinfo.value.code == "required"


def test_parse_money_error_is_value_error():
    with pytest.raises(ValueError):
        parse_money("abc")


def test_parse_money_error_keeps_input():
    with pytest.raises(MoneyParseError) as excinfo:
        parse_money(" 12 34 ")
    assert excinfo.value.value == " 12 34 "


def test_parse_money_error_message_shows_value():
    with override("en"), pytest.raises(MoneyParseError) as excinfo:
        parse_money("12 34")
    assert "“12 34”" in str(excinfo.value)


def test_parse_money_error_message_shows_example():
    with override("en"), pytest.raises(MoneyParseError) as excinfo:
        parse_money("abc")
    assert "1 234,56" in str(excinfo.value)


def test_parse_money_decimals_message_shows_value():
    with override("en"), pytest.raises(MoneyParseError) as excinfo:
        parse_money("0,001")
    assert "“0,001”" in str(excinfo.value)


def test_parse_money_rejects_non_string():
    with pytest.raises(TypeError):
        parse_money(1234)


# --- quantize -------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("2.345"), Decimal("2.35")),
        (Decimal("2.344"), Decimal("2.34")),
        (Decimal("2.335"), Decimal("2.34")),
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("0.004999"), Decimal("0.00")),
        (Decimal("-2.345"), Decimal("-2.35")),
        (Decimal("1234.5"), Decimal("1234.50")),
        (7, Decimal("7.00")),
    ],
)
def test_quantize_half_up(amount, expected):
    assert quantize(amount) == expected


def test_quantize_two_decimal_places():
    assert quantize(7).as_tuple().exponent == -2


@pytest.mark.parametrize("amount", [2.345, "2.345", None, True])
def test_quantize_rejects_non_decimal(amount):
    with pytest.raises(TypeError):
        quantize(amount)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity")])
def test_quantize_rejects_non_finite(amount):
    with pytest.raises(ValueError):
        quantize(amount)


# --- format_money ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (Decimal("1234.56"), "fr", f"1{NBSP}234,56{NBSP}$"),
        (Decimal("1234.56"), "fr-ca", f"1{NBSP}234,56{NBSP}$"),
        (Decimal("1234.56"), "fr_CA", f"1{NBSP}234,56{NBSP}$"),
        (Decimal("1234567.8"), "fr", f"1{NBSP}234{NBSP}567,80{NBSP}$"),
        (Decimal("0"), "fr", f"0,00{NBSP}$"),
        (Decimal("-1234.56"), "fr", f"-1{NBSP}234,56{NBSP}$"),
        (100000, "fr", f"100{NBSP}000,00{NBSP}$"),
        (Decimal("1234.56"), "en", "$1,234.56"),
        (Decimal("1234.56"), "en-us", "$1,234.56"),
        (Decimal("1234567.8"), "en", "$1,234,567.80"),
        (Decimal("-1234.56"), "en", "-$1,234.56"),
        (Decimal("1234.56"), "de", f"1{NBSP}234,56{NBSP}$"),
    ],
)
def test_format_money_by_language(amount, language, expected):
    assert format_money(amount, language) == expected


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (Decimal("0.005"), "fr", f"0,01{NBSP}$"),
        (Decimal("2.345"), "fr", f"2,35{NBSP}$"),
        (Decimal("2.344"), "fr", f"2,34{NBSP}$"),
        (Decimal("1234567.895"), "en", "$1,234,567.90"),
        (Decimal("0.125"), "en", "$0.13"),
    ],
)
def test_format_money_rounds_half_up(amount, language, expected):
    assert format_money(amount, language) == expected


@pytest.mark.parametrize("language", ["fr", "fr-ca"])
def test_format_money_active_french(language):
    with override(language):
        assert format_money(Decimal("1234.56")) == f"1{NBSP}234,56{NBSP}$"


def test_format_money_active_english():
    with override("en"):
        assert format_money(Decimal("1234.56")) == "$1,234.56"


def test_format_money_no_active_language():
    with override(None):
        assert format_money(Decimal("1234.56")) == f"1{NBSP}234,56{NBSP}$"


def test_format_money_no_narrow_space():
    assert NNBSP not in format_money(Decimal("1234567.89"), "fr")


def test_format_money_rejects_float():
    with pytest.raises(TypeError):
        format_money(1234.56, "fr")


# --- split_amount ---------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "parts", "expected"),
    [
        ("100000", 3, ["33333.33", "33333.33", "33333.34"]),
        ("1000", 3, ["333.33", "333.33", "333.34"]),
        ("0.01", 3, ["0.00", "0.00", "0.01"]),
        ("0", 2, ["0.00", "0.00"]),
        ("0.00", 1, ["0.00"]),
        ("250.50", 1, ["250.50"]),
        ("10", 4, ["2.50", "2.50", "2.50", "2.50"]),
        ("0.05", 7, ["0.00"] * 6 + ["0.05"]),
        ("-1000", 3, ["-333.33", "-333.33", "-333.34"]),
    ],
)
def test_split_amount_table(total, parts, expected):
    assert split_amount(Decimal(total), parts) == [Decimal(share) for share in expected]


def test_split_amount_shares_have_cents():
    shares = split_amount(Decimal("0"), 2)
    assert [share.as_tuple().exponent for share in shares] == [-2, -2]


def _sample_totals() -> list[Decimal]:
    """Build varied totals at the cent without a random seed to manage."""
    totals = [Decimal(cents).scaleb(-2) for cents in range(0, 2000, 37)]
    totals += [Decimal(cents * 7919 + 13).scaleb(-2) for cents in range(0, 5000, 97)]
    totals += [Decimal("-1234.57"), Decimal("99999999.99")]
    return totals


@pytest.mark.parametrize("parts", [1, 2, 3, 6, 7, 11, 12, 365])
def test_split_amount_sum_invariant(parts):
    for total in _sample_totals():
        assert sum(split_amount(total, parts)) == total, total


@pytest.mark.parametrize("parts", [2, 3, 7, 12])
def test_split_amount_shares_differ_by_remainder(parts):
    for total in _sample_totals():
        shares = split_amount(total, parts)
        assert abs(shares[-1] - shares[0]) < Decimal("0.01") * parts, total


@pytest.mark.parametrize("parts", [0, -1])
def test_split_amount_rejects_parts_below_one(parts):
    with pytest.raises(ValueError):
        split_amount(Decimal("100"), parts)


def test_split_amount_rejects_sub_cent_total():
    with pytest.raises(ValueError):
        split_amount(Decimal("100.005"), 3)


def test_split_amount_accepts_trailing_zeros():
    assert split_amount(Decimal("1.2300"), 2) == [Decimal("0.61"), Decimal("0.62")]


@pytest.mark.parametrize("parts", [2.0, "3", True])
def test_split_amount_rejects_non_int_parts(parts):
    with pytest.raises(TypeError):
        split_amount(Decimal("100"), parts)


# --- allocate_by_percentages ----------------------------------------------

# One third as a Decimal, with the last share taking the rounding so that the
# three percentages add up to exactly 100.
THIRD = Decimal("33.3333333333")
THIRD_REST = Decimal("33.3333333334")


@pytest.mark.parametrize(
    ("total", "percentages", "expected"),
    [
        ("100", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
        ("10", [THIRD, THIRD, THIRD_REST], ["3.33", "3.33", "3.34"]),
        ("100", [50, 50], ["50.00", "50.00"]),
        ("100", [100], ["100.00"]),
        ("0.01", [50, 50], ["0.01", "0.00"]),
        ("0.01", [40, 60], ["0.00", "0.01"]),
        ("0.02", [0, 50, 50], ["0.00", "0.01", "0.01"]),
        ("0", [25, 75], ["0.00", "0.00"]),
        ("1", [Decimal("12.5")] * 8, ["0.13", "0.13", "0.13", "0.13", "0.12", "0.12", "0.12", "0.12"]),
        ("99.99", ["10", "20", "70"], ["10.00", "20.00", "69.99"]),
        ("1000", ["12.345", "45.655", "42"], ["123.45", "456.55", "420.00"]),
        ("-10", [THIRD, THIRD, THIRD_REST], ["-3.33", "-3.33", "-3.34"]),
    ],
)
def test_allocate_by_percentages_table(total, percentages, expected):
    shares = allocate_by_percentages(Decimal(total), [Decimal(percentage) for percentage in percentages])
    assert shares == [Decimal(share) for share in expected]


def test_allocate_third_percentages_sum_to_100():
    percentage_sum = THIRD + THIRD + THIRD_REST
    assert percentage_sum == 100


def test_allocate_by_percentages_largest_remainder_wins():
    # 10 cents at 42/16/42 % is 4.2, 1.6 and 4.2 cents. The floors add up to
    # 9 cents, and the one cent left goes to the 0.6 remainder, not the first.
    shares = allocate_by_percentages(Decimal("0.10"), [42, 16, 42])
    assert shares == [Decimal("0.04"), Decimal("0.02"), Decimal("0.04")]


@pytest.mark.parametrize(
    "percentages",
    [
        [Decimal("10"), Decimal("20"), Decimal("70")],
        [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")],
        [Decimal("0.01"), Decimal("99.99")],
        [Decimal("17.5"), Decimal("17.5"), Decimal("65")],
        [THIRD, THIRD, THIRD_REST],
        [Decimal(1)] * 100,
    ],
)
def test_allocate_by_percentages_sum_invariant(percentages):
    for total in _sample_totals():
        assert sum(allocate_by_percentages(total, percentages)) == total, total


@pytest.mark.parametrize(
    "percentages",
    [
        [Decimal("33.33"), Decimal("33.33"), Decimal("33.33")],
        [Decimal("50"), Decimal("50.01")],
        [THIRD, THIRD, THIRD],
        [],
        [Decimal("150"), Decimal("-50")],
        [Decimal("NaN"), Decimal("100")],
    ],
)
def test_allocate_by_percentages_rejects_bad_percentages(percentages):
    with pytest.raises(ValueError):
        allocate_by_percentages(Decimal("100"), percentages)


def test_allocate_by_percentages_rejects_float():
    with pytest.raises(TypeError):
        allocate_by_percentages(Decimal("100"), [50.0, 50.0])


def test_allocate_by_percentages_rejects_sub_cent_total():
    with pytest.raises(ValueError):
        allocate_by_percentages(Decimal("100.001"), [50, 50])
