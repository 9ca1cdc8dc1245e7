"""Ballot statuses, quorum and every step of the tie-break ladder, on the pure count of one category."""

import json
from fractions import Fraction

import pytest

from awards.tally import NO_AWARD, JurorVote, VoteStatus, count_category, quorum_needed

LADDER = ["head_to_head", "round1_score", "casting_vote"]
A, B, C = 101, 102, 103
N = NO_AWARD


def ranked(juror, *order, recused=()):
    """A ranked ballot listing options best first; a tuple in `order` is a group of equal ranks."""
    ranks = {}
    for position, item in enumerate(order, start=1):
        for option in item if isinstance(item, tuple) else (item,):
            ranks[option] = position
    return JurorVote(juror=juror, ballot="submitted", ranks=ranks, recused=frozenset(recused))


def abstained(juror, recused=()):
    return JurorVote(juror=juror, ballot="abstained", recused=frozenset(recused))


def missing(juror, recused=()):
    return JurorVote(juror=juror, recused=frozenset(recused))


def count(votes, finalists=(A, B), scores=None, ladder=LADDER, **kwargs):
    scores = scores or {option: Fraction(80) for option in finalists}
    return count_category(finalists=finalists, votes=votes, round1_scores=scores, ladder=ladder, **kwargs)


# Quorum


@pytest.mark.parametrize(
    ("eligible", "needed"), [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (7, 5), (9, 6)]
)
def test_quorum_needed_is_two_thirds_rounded_up(eligible, needed):
    assert quorum_needed(eligible, 2, 3) == needed


def test_quorum_needed_other_fraction():
    assert quorum_needed(5, 1, 2) == 3
    assert quorum_needed(4, 1, 1) == 4


def test_statuses_are_distinct():
    votes = [ranked(1, A, B, N), abstained(2), missing(3), missing(4, recused=(A, B)), ranked(5, B, A, N)]

    result = count(votes)

    assert result.statuses == {
        1: VoteStatus.RANKED,
        2: VoteStatus.ABSTAINED,
        3: VoteStatus.MISSING,
        4: VoteStatus.RECUSED,
        5: VoteStatus.RANKED,
    }


def test_quorum_met_with_two_of_three():
    result = count([ranked(1, A, B, N), ranked(2, A, B, N), missing(3)])

    assert result.quorum_met
    assert [(line.eligible, line.needed, line.ranked) for line in result.quorum] == [(3, 2, 2)] * 3
    assert result.winner == A


def test_quorum_not_met_with_one_of_three():
    result = count([ranked(1, A, B, N), missing(2), missing(3)])

    assert not result.quorum_met
    assert result.schulze is None
    assert result.winner is None
    assert result.awaiting_casting_vote == ()


def test_abstentions_do_not_count_toward_quorum():
    result = count([ranked(1, A, B, N), abstained(2), abstained(3)])

    assert not result.quorum_met


def test_recused_juror_leaves_the_base_of_that_finalist_only():
    # Juror 3 is recused from A: A is judged by jurors 1 and 2 (2 of 2 needed), B and « no award » by all three.
    votes = [ranked(1, A, B, N), ranked(2, B, A, N), ranked(3, B, N, recused=(A,))]

    result = count(votes)

    lines = {line.option: (line.eligible, line.needed, line.ranked) for line in result.quorum}
    assert lines == {A: (2, 2, 2), B: (3, 2, 3), N: (3, 2, 3)}
    assert result.quorum_met


def test_quorum_fails_for_a_finalist_judged_by_too_few():
    # Jurors 2 and 3 are recused from A and juror 1 did not vote: nobody ranked A.
    votes = [missing(1), ranked(2, B, N, recused=(A,)), ranked(3, B, N, recused=(A,)), ranked(4, B, A, N)]

    result = count(votes)

    lines = {line.option: line for line in result.quorum}
    assert (lines[A].eligible, lines[A].needed, lines[A].ranked) == (2, 2, 1)
    assert not lines[A].met
    assert lines[B].met
    assert not result.quorum_met


def test_juror_recused_from_every_finalist_counts_for_no_option():
    votes = [ranked(1, A, B, N), ranked(2, A, B, N), missing(3, recused=(A, B))]

    result = count(votes)

    assert {line.option: line.eligible for line in result.quorum} == {A: 2, B: 2, N: 2}
    assert result.quorum_met


def test_no_finalist_means_no_award_without_vote():
    result = count([missing(1)], finalists=(), scores={})

    assert result.winner == NO_AWARD
    assert result.quorum_met
    assert result.schulze is None


# Schulze and ballots


def test_no_award_can_win():
    result = count([ranked(1, N, A, B), ranked(2, N, B, A), ranked(3, A, N, B)])

    assert result.winner == NO_AWARD
    assert result.steps == ()


def test_ranks_of_a_nominee_no_longer_finalist_are_dropped():
    # C withdrew after juror 1 voted; the ballot still counts for A, B and « no award ».
    result = count([ranked(1, C, A, B, N), ranked(2, A, B, N)])

    assert result.options == (A, B, N)
    assert result.schulze.pairwise[A][B] == 2
    assert result.winner == A


def test_late_recusal_drops_the_pair_from_a_submitted_ballot():
    # Juror 2 ranked B first, then declared a conflict with B.
    result = count([ranked(1, A, B, N), ranked(2, B, A, N, recused=(B,)), ranked(3, B, A, N)])

    assert result.schulze.pairwise[B][A] == 1
    assert result.schulze.pairwise[A][B] == 1
    assert result.schulze.pairwise[A][N] == 3


# Tie-break ladder


def test_head_to_head_breaks_the_tie():
    # A, B and « no award » form a cycle whose weakest links tie A and B; A beat B directly, 3 to 2.
    votes = [ranked(1, A, B, N), ranked(2, A, B, N), ranked(3, B, N, A), ranked(4, B, N, A), ranked(5, N, A, B)]

    result = count(votes)

    assert result.schulze.winners == (A, B)
    assert [step.kind for step in result.steps] == ["head_to_head"]
    assert result.steps[0].tied == (A, B)
    assert result.steps[0].remaining == (A,)
    assert result.steps[0].detail == {"wins": {str(A): 1, str(B): 0}}
    assert result.winner == A


def test_round1_score_breaks_the_tie_after_an_even_head_to_head():
    votes = [ranked(1, A, B, N), ranked(2, B, A, N)]

    result = count(votes, scores={A: Fraction(170, 2), B: Fraction(84)})

    assert [step.kind for step in result.steps] == ["head_to_head", "round1_score"]
    assert result.steps[0].remaining == (A, B)
    assert result.steps[1].remaining == (A,)
    assert result.steps[1].detail == {"scores": {str(A): "85.0000", str(B): "84.0000"}}
    assert result.winner == A


def test_round1_score_keeps_no_award_in_the_tie():
    votes = [ranked(1, A, N, B), ranked(2, N, A, B)]

    result = count(votes, scores={A: Fraction(90), B: Fraction(95)})

    assert result.schulze.winners == (A, N)
    assert result.steps[1].kind == "round1_score"
    assert result.steps[1].remaining == (A, N)
    assert result.winner is None
    assert result.awaiting_casting_vote == (A, N)


def test_casting_vote_awaited_when_every_automatic_step_ties():
    votes = [ranked(1, A, B, N), ranked(2, B, A, N)]

    result = count(votes)

    assert [step.kind for step in result.steps] == ["head_to_head", "round1_score"]
    assert result.winner is None
    assert result.awaiting_casting_vote == (A, B)


def test_casting_vote_decides_and_is_recorded():
    votes = [ranked(1, A, B, N), ranked(2, B, A, N)]

    result = count(votes, casting_vote=B)

    assert [step.kind for step in result.steps] == ["head_to_head", "round1_score", "casting_vote"]
    assert result.steps[-1].tied == (A, B)
    assert result.steps[-1].remaining == (B,)
    assert result.winner == B
    assert result.awaiting_casting_vote == ()


def test_casting_vote_outside_the_tie_is_rejected():
    votes = [ranked(1, A, B, N), ranked(2, B, A, N)]

    with pytest.raises(ValueError, match="not among the tied options"):
        count(votes, casting_vote=NO_AWARD)


def test_ladder_order_is_the_editions():
    # Round 1 score first: it decides before head-to-head is tried.
    votes = [ranked(1, A, B, N), ranked(2, A, B, N), ranked(3, B, N, A), ranked(4, B, N, A), ranked(5, N, A, B)]

    result = count(
        votes, scores={A: Fraction(70), B: Fraction(75)}, ladder=["round1_score", "head_to_head", "casting_vote"]
    )

    assert [step.kind for step in result.steps] == ["round1_score"]
    assert result.winner == B


def test_three_way_cycle_head_to_head_changes_nothing_and_is_still_recorded():
    votes = [ranked(1, A, B, C, N), ranked(2, B, C, A, N), ranked(3, C, A, B, N)]

    result = count(votes, finalists=(A, B, C), scores={A: Fraction(80), B: Fraction(80), C: Fraction(79)})

    assert result.schulze.winners == (A, B, C)
    assert result.steps[0].kind == "head_to_head"
    assert result.steps[0].remaining == (A, B, C)
    assert result.steps[1].remaining == (A, B)
    assert result.awaiting_casting_vote == (A, B)


def test_tally_sheet_is_json_ready():
    votes = [ranked(1, A, B, N), ranked(2, B, A, N), abstained(3)]

    sheet = count(votes, casting_vote=A).as_json()

    assert json.loads(json.dumps(sheet)) == sheet
    assert sheet["options"] == [str(A), str(B), "no_award"]
    assert sheet["pairwise"][str(A)][str(B)] == 1
    assert sheet["statuses"] == {"1": "ranked", "2": "ranked", "3": "abstained"}
    assert sheet["winner"] == str(A)
