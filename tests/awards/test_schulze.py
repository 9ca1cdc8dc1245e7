"""Our Schulze count against pref-voting's Beat Path on random profiles, and on examples computed by hand.

pref-voting (a test-only dependency) is the independent implementation. For strict complete rankings,
winning votes and margins order the defeats the same way, so its default Beat Path must agree. For ballots
with ties or recusals, its Beat Path is given the support counts (winning votes) as the path strength, and
a recused option is left out of that juror's ranking, which pref-voting's ProfileWithTies then never
compares: the same rule as ours, « a recused juror adds nothing to pairs involving that option ».
"""

import random

import pytest
from pref_voting.margin_based_methods import beat_path
from pref_voting.profiles import Profile
from pref_voting.profiles_with_ties import ProfileWithTies

from awards import schulze
from awards.schulze import RankedBallot

RANDOM_SEEDS = range(250)


def seeded(seed: int) -> random.Random:
    """Return a reproducible generator for building test profiles; nothing here needs cryptographic randomness."""
    return random.Random(seed)  # noqa: S311


def strict_profile(rng: random.Random):
    """Return (options, our ballots, pref-voting Profile) of complete strict rankings."""
    options = list(range(rng.randint(2, 6)))
    orders = []
    for _ in range(rng.randint(1, 15)):
        order = options[:]
        rng.shuffle(order)
        orders.append(order)
    ballots = [RankedBallot(ranks={option: position + 1 for position, option in enumerate(order)}) for order in orders]
    return options, ballots, Profile(orders)


def profile_with_ties_and_recusals(rng: random.Random):
    """Return (options, our ballots, pref-voting ProfileWithTies): tied ranks, and 0 to 2 recusals per ballot."""
    options = list(range(rng.randint(2, 6)))
    ballots = []
    rankings = []
    for _ in range(rng.randint(1, 12)):
        recused = set(rng.sample(options, rng.randint(0, min(2, len(options) - 1))))
        ranks = {option: rng.randint(1, 4) for option in options if option not in recused}
        ballots.append(RankedBallot(ranks=ranks, recused=frozenset(recused)))
        rankings.append(dict(ranks))
    return options, ballots, ProfileWithTies(rankings, candidates=options)


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_strict_profiles_match_pref_voting(seed):
    rng = seeded(seed)
    options, ballots, profile = strict_profile(rng)

    result = schulze.count(options, ballots)

    for a in options:
        for b in options:
            if a != b:
                assert result.pairwise[a][b] == profile.support(a, b), (seed, a, b)
    assert sorted(result.winners) == beat_path(profile), seed


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_ties_and_recusals_match_pref_voting(seed):
    rng = seeded(10_000 + seed)
    options, ballots, profile = profile_with_ties_and_recusals(rng)

    result = schulze.count(options, ballots)

    for a in options:
        for b in options:
            if a != b:
                assert result.pairwise[a][b] == profile.support(a, b), (seed, a, b)
    assert sorted(result.winners) == beat_path(profile, strength_function=profile.support), seed


def test_random_profiles_include_ties_between_winners():
    """The random profiles above must exercise ties between Schulze winners, or they prove little."""
    tied = 0
    for seed in RANDOM_SEEDS:
        options, ballots, _profile = profile_with_ties_and_recusals(seeded(10_000 + seed))
        tied += len(schulze.count(options, ballots).winners) > 1
    assert tied >= 20


def classic_ballots():
    """45 voters over A–E, the usual worked example of the method; its Schulze winner is E."""
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots = []
    for count, order in groups:
        ballots += [RankedBallot(ranks={option: rank for rank, option in enumerate(order, start=1)})] * count
    return ballots


def test_classic_example_matrix_paths_and_winner():
    result = schulze.count("ABCDE", classic_ballots())

    assert result.pairwise["A"] == {"B": 20, "C": 26, "D": 30, "E": 22}
    assert result.pairwise["B"] == {"A": 25, "C": 16, "D": 33, "E": 18}
    assert result.pairwise["C"] == {"A": 19, "B": 29, "D": 17, "E": 24}
    assert result.pairwise["D"] == {"A": 15, "B": 12, "C": 28, "E": 14}
    assert result.pairwise["E"] == {"A": 23, "B": 27, "C": 21, "D": 31}
    assert result.strongest_paths["A"] == {"B": 28, "C": 28, "D": 30, "E": 24}
    assert result.strongest_paths["B"] == {"A": 25, "C": 28, "D": 33, "E": 24}
    assert result.strongest_paths["C"] == {"A": 25, "B": 29, "D": 29, "E": 24}
    assert result.strongest_paths["D"] == {"A": 25, "B": 28, "C": 28, "E": 24}
    assert result.strongest_paths["E"] == {"A": 25, "B": 28, "C": 28, "D": 31}
    assert result.winners == ("E",)


def test_recused_juror_adds_nothing_to_pairs_with_that_nominee():
    # Juror 3 is recused from A: their ballot counts for B over « no award », never for or against A.
    ballots = [
        RankedBallot(ranks={"A": 1, "B": 2, "none": 3}),
        RankedBallot(ranks={"B": 1, "A": 2, "none": 3}),
        RankedBallot(ranks={"B": 1, "none": 2}, recused=frozenset({"A"})),
    ]

    result = schulze.count(["A", "B", "none"], ballots)

    assert result.pairwise["A"] == {"B": 1, "none": 2}
    assert result.pairwise["B"] == {"A": 1, "none": 3}
    assert result.pairwise["none"] == {"A": 0, "B": 0}
    assert result.strongest_paths["A"]["B"] == 0
    assert result.strongest_paths["B"]["A"] == 0
    assert result.winners == ("A", "B")


def test_recusal_changes_the_outcome_compared_with_ranking_last():
    """Ranking the recused nominee last would hand B the win; leaving the pair out keeps the tie."""
    as_last = [
        RankedBallot(ranks={"A": 1, "B": 2, "none": 3}),
        RankedBallot(ranks={"B": 1, "A": 2, "none": 3}),
        RankedBallot(ranks={"B": 1, "none": 2, "A": 3}),
    ]
    assert schulze.count(["A", "B", "none"], as_last).winners == ("B",)


def test_equal_ranks_add_nothing():
    result = schulze.count(["A", "B"], [RankedBallot(ranks={"A": 1, "B": 1})])

    assert result.pairwise == {"A": {"B": 0}, "B": {"A": 0}}
    assert result.winners == ("A", "B")


def test_condorcet_winner_always_wins():
    for seed in RANDOM_SEEDS:
        options, ballots, _profile = strict_profile(seeded(seed))
        result = schulze.count(options, ballots)
        condorcet = [
            a for a in options if all(result.pairwise[a][b] > result.pairwise[b][a] for b in options if b != a)
        ]
        if condorcet:
            assert result.winners == tuple(condorcet), seed


def test_ballot_missing_an_option_is_rejected():
    with pytest.raises(ValueError, match="must rank or recuse every option"):
        schulze.count(["A", "B"], [RankedBallot(ranks={"A": 1})])


def test_option_ranked_and_recused_is_rejected():
    with pytest.raises(ValueError, match="both ranked and recused"):
        schulze.count(["A", "B"], [RankedBallot(ranks={"A": 1, "B": 2}, recused=frozenset({"A"}))])


@pytest.mark.parametrize("rank", [0, -1, 1.5, True])
def test_invalid_rank_is_rejected(rank):
    with pytest.raises(ValueError, match="whole number"):
        schulze.count(["A", "B"], [RankedBallot(ranks={"A": rank, "B": 2})])


def test_duplicate_options_are_rejected():
    with pytest.raises(ValueError, match="distinct"):
        schulze.count(["A", "A"], [])


def test_no_ballot_ties_every_option():
    result = schulze.count(["A", "B", "C"], [])

    assert result.winners == ("A", "B", "C")
