"""Parse, format, round and divide amounts in Canadian dollars.

Amounts are ``Decimal`` values in dollars. Every function here works at the
cent, and none of them accepts ``float`` because binary floats cannot hold most
cent values exactly (``2.345`` is stored as ``2.34499…``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import format_currency
from django.utils.translation import get_language, gettext

__all__ = [
    "MoneyParseError",
    "allocate_by_percentages",
    "format_money",
    "parse_money",
    "quantize",
    "split_amount",
]

CENT = Decimal("0.01")

# Babel locale used for each primary language subtag. Both use the Canadian
# locale so that the CAD symbol prints as a bare "$" and not "$CA" or "CA$".
_BABEL_LOCALES = {"fr": "fr_CA", "en": "en_CA"}
_DEFAULT_BABEL_LOCALE = "fr_CA"

# Ordinary space, no-break space (U+00A0) and narrow no-break space (U+202F).
# French keyboards, spreadsheets and Babel each produce a different one.
_GROUP_SEPARATORS = "\x20\u00a0\u202f"

_AMOUNT_PATTERN = re.compile(
    rf"""
    (?P<sign>-)?
    (?P<integer>
        [0-9]{{1,3}}(?:[{_GROUP_SEPARATORS}][0-9]{{3}})+  # 1 234 567
        | [0-9]+                                         # 1234567
    )
    (?:[.,](?P<fraction>[0-9]+))?
    (?:[{_GROUP_SEPARATORS}]?\$)?
    """,
    re.VERBOSE,
)


class MoneyParseError(ValueError):
    """Invalid amount text, with a translated message for the user.

    ``code`` is one of ``"required"``, ``"invalid"`` and
    ``"max_decimal_places"``, the codes that Django's own decimal validation
    uses, so a form can map the error to a ``ValidationError``. ``value`` is the
    text that failed to parse.
    """

    def __init__(self, message: str, *, code: str, value: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.value = value


def parse_money(text: str) -> Decimal:
    """Parse an amount typed the Québec way, such as ``1 234,56 $``.

    The text is digits with an optional leading ``-``. Thousands may be
    separated by an ordinary, no-break or narrow no-break space, and then every
    group after the first has exactly three digits. At most two decimals may
    follow ``,`` or ``.``, and a trailing ``$`` may follow, with or without one
    space before it. Surrounding whitespace is ignored. Negative amounts are
    returned as is, so callers that forbid them must check the sign.

    Returns the amount with exactly two decimal places. Raises
    ``MoneyParseError`` for anything else, including English grouping
    (``1,234.56``), European grouping (``1.234,56``) and wrong groups
    (``12 34``).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_money() expects str, got {type(text).__name__}")

    stripped = text.strip()
    if not stripped:
        raise MoneyParseError(gettext("Enter an amount."), code="required", value=text)

    match = _AMOUNT_PATTERN.fullmatch(stripped)
    if match is None:
        message = gettext(
            "“%(value)s” is not a valid amount. Enter an amount such as 1 234,56 "
            "(digits, spaces between thousands, a comma before the cents)."
        )
        raise MoneyParseError(message % {"value": stripped}, code="invalid", value=text)

    fraction = match["fraction"] or ""
    if len(fraction) > 2:
        message = gettext(
            "“%(value)s” has more than 2 decimals. Enter an amount in dollars and cents, such as 1 234,56."
        )
        raise MoneyParseError(message % {"value": stripped}, code="max_decimal_places", value=text)

    integer = match["integer"]
    for separator in _GROUP_SEPARATORS:
        integer = integer.replace(separator, "")

    # Building the Decimal from text keeps it exact whatever its size, and
    # padding the fraction gives every result the same two decimal places.
    amount = Decimal(f"{integer}.{fraction.ljust(2, '0')}")
    if match["sign"] and amount != 0:
        amount = -amount
    return amount


def quantize(amount: Decimal | int) -> Decimal:
    """Round an amount to the cent, halves away from zero (2.345 → 2.35).

    Raises ``TypeError`` for floats and other non-Decimal values, and
    ``ValueError`` for NaN and infinities. A result that needs more than 28
    digits (10**26 dollars and up) exceeds the default ``decimal`` context
    precision and raises ``decimal.InvalidOperation``.
    """
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"quantize() expects Decimal or int, got {type(amount).__name__}")

    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"Amount must be a finite number, got {value}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int, language: str | None = None) -> str:
    """Format an amount in Canadian dollars for display.

    French gives ``1 234,56 $`` and English gives ``$1,234.56``. Every space in
    the French output is a no-break space (U+00A0). Babel 2.19 already uses it
    for ``fr_CA``, but its ``fr`` data uses a narrow no-break space (U+202F),
    so any U+202F is replaced to keep the output the same across Babel versions.

    ``language`` is a Django language code such as ``"fr"``, ``"fr-ca"`` or
    ``"en"``. ``None`` means the active Django language, or French when no
    language is active. Languages other than French and English fall back to
    French. The amount is first rounded half-up to the cent, since Babel alone
    would round half to even.
    """
    if language is None:
        language = get_language() or "fr"

    primary_subtag = language.replace("_", "-").split("-")[0].lower()
    babel_locale = _BABEL_LOCALES.get(primary_subtag, _DEFAULT_BABEL_LOCALE)

    return _formatted_cad(str(quantize(amount)), babel_locale)


@functools.lru_cache(maxsize=4096)
def _formatted_cad(amount: str, babel_locale: str) -> str:
    # Babel takes about 0.2 ms per amount, and a list page shows a hundred: each text is built once. The key
    # is the text of the amount, because Decimal("-0.00") equals Decimal("0.00") but is written otherwise.
    return format_currency(Decimal(amount), "CAD", locale=babel_locale).replace("\u202f", "\u00a0")


def split_amount(total: Decimal, parts: int) -> list[Decimal]:
    """Split a total into ``parts`` equal shares that add up to it exactly.

    Each share is rounded toward zero to the cent, and the cents left over go
    to the last share: 1 000 $ in 3 gives 333,33 + 333,33 + 333,34. Negative
    totals split the same way with the signs reversed.

    Raises ``ValueError`` when ``parts`` is less than 1 or when ``total`` has
    more than two decimals, so callers must ``quantize()`` it first.
    """
    if isinstance(parts, bool) or not isinstance(parts, int):
        raise TypeError(f"parts must be an int, got {type(parts).__name__}")
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")

    total_cents = _to_cents(total)
    share_cents = abs(total_cents) // parts
    if total_cents < 0:
        share_cents = -share_cents

    shares = [share_cents] * parts
    shares[-1] = total_cents - share_cents * (parts - 1)
    return [_from_cents(cents) for cents in shares]


def allocate_by_percentages(total: Decimal, percentages: Sequence[Decimal | int]) -> list[Decimal]:
    """Divide a total by percentages so that the shares add up to it exactly.

    Uses the largest-remainder method at the cent. Each share is first rounded
    toward zero to the cent. The cents left over then go one each to the
    shares with the largest dropped fractions, and equal fractions favour the
    earlier share. A 0 % share therefore always gets 0.

    Percentages are Decimal or int values, none negative, that add up to
    exactly 100. Raises ``ValueError`` otherwise, and also when ``total`` has
    more than two decimals.
    """
    total_cents = _to_cents(total)

    for index, percentage in enumerate(percentages):
        if isinstance(percentage, bool) or not isinstance(percentage, (Decimal, int)):
            raise TypeError(f"percentages[{index}] must be Decimal or int, got {type(percentage).__name__}")
        if not Decimal(percentage).is_finite() or percentage < 0:
            raise ValueError(f"percentages[{index}] must be a finite number of at least 0, got {percentage}")

    # Fractions keep every intermediate value exact, so a percentage such as
    # 33.333333333333333333333333334 cannot lose digits to Decimal rounding.
    exact_percentages = [Fraction(percentage) for percentage in percentages]
    percentage_sum = sum(exact_percentages, Fraction(0))
    if percentage_sum != 100:
        raise ValueError(f"percentages must add up to exactly 100, got {sum(map(Decimal, percentages))}")

    return _allocate_cents(total_cents, exact_percentages)


def allocate_by_weights(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Divide a total in proportion to non-negative weights so that the shares add up to it exactly.

    Uses the same largest-remainder method at the cent as ``allocate_by_percentages()``. When every weight
    is 0, every share is 0. Raises ``ValueError`` when ``total`` has more than two decimals.
    """
    total_cents = _to_cents(total)
    exact_weights = [Fraction(weight) for weight in weights]
    if sum(exact_weights, Fraction(0)) == 0:
        return [_from_cents(0) for _ in exact_weights]
    return _allocate_cents(total_cents, exact_weights)


def _allocate_cents(total_cents: int, weights: list[Fraction]) -> list[Decimal]:
    """Split ``total_cents`` by ``weights`` (largest remainder, earlier share first on a tie)."""
    weight_total = sum(weights, Fraction(0))
    # Allocate the absolute value so that rounding toward zero is a floor.
    sign = -1 if total_cents < 0 else 1
    exact_shares = [abs(total_cents) * weight / weight_total for weight in weights]
    share_cents = [int(share) for share in exact_shares]
    leftover_cents = abs(total_cents) - sum(share_cents)

    by_remainder = sorted(
        range(len(exact_shares)),
        key=lambda index: (-(exact_shares[index] - share_cents[index]), index),
    )
    for index in by_remainder[:leftover_cents]:
        share_cents[index] += 1

    return [_from_cents(sign * cents) for cents in share_cents]


def _to_cents(amount: Decimal) -> int:
    """Convert an amount at cent precision to a whole number of cents."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"Amount must be Decimal or int, got {type(amount).__name__}")

    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"Amount must be a finite number, got {value}")
    cents = value.scaleb(2)
    if cents != cents.to_integral_value(rounding=ROUND_DOWN):
        raise ValueError(f"Amount {value} has more than 2 decimals. Round it with quantize() first.")
    return int(cents)


def _from_cents(cents: int) -> Decimal:
    """Convert a whole number of cents to an amount with two decimal places."""
    return Decimal(cents).scaleb(-2)
