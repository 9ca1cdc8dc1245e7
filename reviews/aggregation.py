"""Scores on 100 from the rubric, and the statistics of a file's reviews.

Reviewer total = Σ wₖ·(sₖ/Mₖ) / Σ wₖ × 100 over the answered criteria: a criterion marked « not applicable »
leaves both sums, so it re-weights the others and never counts as 0.
"""

import math
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, getcontext
from fractions import Fraction

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
# Below this many submitted reviews, a reviewer's mean and spread say too little to normalise their scores.
MIN_REVIEWS_FOR_NORMALISATION = 5


@dataclass(frozen=True)
class CriterionScore:
    weight: Decimal
    maximum: Decimal
    score: Decimal | None  # None: « not applicable »


def round_score(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def reviewer_total(scores: list[CriterionScore]) -> Decimal | None:
    """Return the weighted score on 100 of one review, or None when no weighted criterion was answered."""
    answered = [item for item in scores if item.score is not None]
    total_weight = sum((item.weight for item in answered), Decimal(0))
    if total_weight == 0:
        return None
    weighted = sum((item.weight * item.score / item.maximum for item in answered), Decimal(0))
    return round_score(weighted / total_weight * HUNDRED)


@dataclass(frozen=True)
class FileStatistics:
    count: int
    mean: Decimal | None
    median: Decimal | None
    spread: Decimal | None  # highest minus lowest total
    disagreement: bool


def file_statistics(totals: list[Decimal], *, disagreement_threshold: Decimal) -> FileStatistics:
    """Return the mean, median and spread of the submitted reviews' totals of one file."""
    if not totals:
        return FileStatistics(count=0, mean=None, median=None, spread=None, disagreement=False)
    mean = round_score(sum(totals, Decimal(0)) / len(totals))
    median = round_score(Decimal(statistics.median(totals)))
    spread = max(totals) - min(totals)
    return FileStatistics(
        count=len(totals), mean=mean, median=median, spread=spread, disagreement=spread > disagreement_threshold
    )


@dataclass(frozen=True)
class Normalisation:
    """A reviewer's mean and standard deviation, or the reason their scores cannot be normalised."""

    mean: Decimal | None
    deviation: Decimal | None
    reason: str = ""  # "too_few" or "no_spread" when normalisation is not possible


def reviewer_normalisation(totals: list[Decimal]) -> Normalisation:
    if len(totals) < MIN_REVIEWS_FOR_NORMALISATION:
        return Normalisation(mean=None, deviation=None, reason="too_few")
    mean = sum(totals, Decimal(0)) / len(totals)
    deviation = Decimal(statistics.pstdev(totals))
    if deviation == 0:
        return Normalisation(mean=mean, deviation=None, reason="no_spread")
    return Normalisation(mean=mean, deviation=deviation)


def reviewer_normalisation_from_sums(count: int, total: Decimal, sum_of_squares: Decimal) -> Normalisation:
    """Compute reviewer_normalisation from the count, sum and sum of squares of the totals.

    With exact sums the result equals reviewer_normalisation(totals), so a database can add up the totals
    instead of sending them all. Both means are the same Decimal division. Both deviations are the square root
    of the same exact population variance, rounded correctly to the decimal context as statistics.pstdev rounds it.
    """
    if count < MIN_REVIEWS_FOR_NORMALISATION:
        return Normalisation(mean=None, deviation=None, reason="too_few")
    mean = total / count
    # Population variance = (n·Σx² − (Σx)²) / n², computed on exact fractions.
    variance = (count * Fraction(sum_of_squares) - Fraction(total) ** 2) / (count * count)
    if variance == 0:
        return Normalisation(mean=mean, deviation=None, reason="no_spread")
    deviation = decimal_square_root(variance.numerator, variance.denominator)
    return Normalisation(mean=mean, deviation=deviation)


def decimal_square_root(numerator: int, denominator: int) -> Decimal:
    """Return √(numerator / denominator) rounded correctly to the precision and rounding of the decimal context.

    The integer square root is taken with at least 2 more digits than the context keeps. When it is not exact,
    a trailing 1 stands for the digits left out, so the rounding goes the way the true root would.
    """
    context = getcontext()
    shift = context.prec + 3 - (len(str(numerator)) - len(str(denominator))) // 2
    if shift >= 0:
        scaled, remainder = divmod(numerator * 10 ** (2 * shift), denominator)
    else:
        scaled, remainder = divmod(numerator, denominator * 10 ** (-2 * shift))
    root = math.isqrt(scaled)
    if remainder == 0 and root * root == scaled:
        exact = context.create_decimal(f"{root}E{-shift}")
        # Decimal.sqrt gives an exact root its fewest trailing zeros (40, not 40.000…), as statistics.pstdev shows it.
        quotient_root = (Decimal(numerator) / Decimal(denominator)).sqrt()
        return quotient_root if quotient_root == exact else exact
    return context.create_decimal(f"{root * 10 + 1}E{-shift - 1}")


def z_score(total: Decimal, normalisation: Normalisation) -> Decimal | None:
    """Return how many standard deviations `total` is from the reviewer's mean, or None when not computable."""
    if normalisation.deviation is None:
        return None
    return round_score((total - normalisation.mean) / normalisation.deviation)
