"""Totals on 100, file statistics and the guards of score normalisation."""

from decimal import Decimal

import pytest

from reviews.aggregation import CriterionScore, file_statistics, reviewer_normalisation, reviewer_total, z_score

D = Decimal
TEN = D(10)


def rubric(*scores):
    """Three criteria weighted 40, 35 and 25, each scored on 10; None means « not applicable »."""
    return [
        CriterionScore(weight=D(weight), maximum=TEN, score=None if score is None else D(score))
        for weight, score in zip((40, 35, 25), scores, strict=True)
    ]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((10, 10, 10), D("100.00")),
        ((0, 0, 0), D("0.00")),
        ((8, 7, 6), D("71.50")),  # 40×0.8 + 35×0.7 + 25×0.6
        ((5, 10, 0), D("55.00")),
        (("7.5", "7.5", "7.5"), D("75.00")),
        # « Not applicable » leaves both sums: 35×0.7 + 25×0.6 over 60.
        ((None, 7, 6), D("65.83")),
        ((10, None, 0), D("61.54")),  # 40 / 65
    ],
)
def test_reviewer_total(scores, expected):
    assert reviewer_total(rubric(*scores)) == expected


def test_not_applicable_never_counts_as_zero():
    assert reviewer_total(rubric(None, 10, 10)) == D("100.00")


def test_all_not_applicable_gives_no_total():
    assert reviewer_total(rubric(None, None, None)) is None


def test_no_score_gives_no_total():
    assert reviewer_total([]) is None


@pytest.mark.parametrize(
    ("totals", "mean", "median", "spread", "disagreement"),
    [
        ([D(70)], D("70.00"), D("70.00"), D(0), False),
        ([D(60), D(80)], D("70.00"), D("70.00"), D(20), False),  # exactly the threshold: no flag
        ([D(60), D("80.01")], D("70.01"), D("70.01"), D("20.01"), True),
        ([D(50), D(72), D(90)], D("70.67"), D("72.00"), D(40), True),
        ([D("71.5"), D("65.83"), D(70), D(68)], D("68.83"), D("69.00"), D("5.67"), False),
    ],
)
def test_file_statistics(totals, mean, median, spread, disagreement):
    statistics = file_statistics(totals, disagreement_threshold=D(20))
    assert (statistics.count, statistics.mean, statistics.median, statistics.spread, statistics.disagreement) == (
        len(totals),
        mean,
        median,
        spread,
        disagreement,
    )


def test_file_statistics_without_review():
    statistics = file_statistics([], disagreement_threshold=D(20))
    assert (statistics.count, statistics.mean, statistics.median, statistics.spread) == (0, None, None, None)
    assert not statistics.disagreement


@pytest.mark.parametrize("count", [0, 1, 4])
def test_normalisation_needs_five_reviews(count):
    normalisation = reviewer_normalisation([D(60 + index) for index in range(count)])
    assert normalisation.reason == "too_few"
    assert z_score(D(70), normalisation) is None


def test_normalisation_without_spread():
    normalisation = reviewer_normalisation([D(70)] * 5)
    assert normalisation.reason == "no_spread"
    assert normalisation.deviation is None
    assert z_score(D(70), normalisation) is None


def test_normalisation_with_five_reviews():
    normalisation = reviewer_normalisation([D(60), D(65), D(70), D(75), D(80)])
    assert normalisation.reason == ""
    assert normalisation.mean == D(70)
    assert z_score(D(80), normalisation) == D("1.41")
