"""Round 1 arithmetic: a juror's total on 100, a nomination's mean, and the finalist cut with its tie.

Exact fractions are used so that two nominations tie only when their means are truly equal, never because
of rounding. This module does no database access.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class CriterionScore:
    weight: Decimal
    maximum: Decimal
    score: Decimal


def sheet_total(scores: Iterable[CriterionScore]) -> Fraction:
    """Return Σ wₖ·(sₖ/Mₖ) / Σ wₖ × 100 over the criteria of one complete score sheet.

    Raise ValueError when the weights add up to 0, because such a sheet has no total.
    """
    weighted = Fraction(0)
    total_weight = Fraction(0)
    for item in scores:
        weight = Fraction(item.weight)
        weighted += weight * Fraction(item.score) / Fraction(item.maximum)
        total_weight += weight
    if total_weight == 0:
        raise ValueError("The criteria weights add up to 0; give at least one criterion a positive weight.")
    return weighted / total_weight * 100


def mean(values: Iterable[Fraction]) -> Fraction | None:
    values = list(values)
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)


def to_decimal(value: Fraction, places: int = 4) -> Decimal:
    """Round an exact score half up to `places` decimals, for storage and display only."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Shortlist:
    """The ranking of a category and its cut: sure finalists, and the options tied across the cut, if any.

    When `tied` is not empty, `seats_left` of them must still be chosen, by a recorded jury decision.
    """

    ranking: tuple  # (key, mean) pairs, best first
    finalists: tuple
    tied: tuple
    seats_left: int

    @property
    def has_tie(self) -> bool:
        return bool(self.tied)


def shortlist(means: Mapping[Hashable, Fraction], seats: int) -> Shortlist:
    """Rank `means` from best to worst and keep `seats` finalists, reporting a tie across the cut.

    A tie exists when the last seat's mean is shared with a nomination below the cut. Then every nomination
    with that mean is `tied`, the ones above it are sure finalists, and `seats_left` seats remain to fill.
    Equal means keep the order of `means`.
    """
    if seats < 1:
        raise ValueError(f"A category needs at least one finalist seat, not {seats}.")
    ranking = tuple(sorted(means.items(), key=lambda item: -item[1]))
    if len(ranking) <= seats:
        return Shortlist(ranking=ranking, finalists=tuple(key for key, _ in ranking), tied=(), seats_left=0)
    cut_value = ranking[seats - 1][1]
    if ranking[seats][1] != cut_value:
        return Shortlist(ranking=ranking, finalists=tuple(key for key, _ in ranking[:seats]), tied=(), seats_left=0)
    above = tuple(key for key, value in ranking if value > cut_value)
    tied = tuple(key for key, value in ranking if value == cut_value)
    return Shortlist(ranking=ranking, finalists=above, tied=tied, seats_left=seats - len(above))
