"""The count of a category's final vote: ballot statuses, quorum, Schulze winners and the tie-break ladder.

Options are the finalists' nomination ids plus NO_AWARD (« Aucun lauréat »). Each juror of the edition has
one of four statuses in a category:

- ranked: the juror submitted a ranking;
- abstained: the juror submitted an abstention;
- recused: the juror is recused from every finalist, so has nothing to rank;
- missing: none of the above.

Quorum. For each option x, let n(x) be the jurors not recused from x (a juror recused from every finalist
counts for no option, not even NO_AWARD). The quorum holds when, for every option x, at least
max(1, ⌈q·n(x)⌉) of those n(x) jurors submitted a ranking, where q is the edition's fraction (2/3 by default).
Nobody is recused from NO_AWARD, so the quorum includes ⌈q·n⌉ rankings overall, and each finalist is also
ranked by enough of the jurors allowed to judge it. Abstentions are shown but do not count toward the
quorum: otherwise a jury that mostly abstained would leave the result to the president's casting vote alone.

Tie-break ladder, applied to the Schulze winners when there are several, in the edition's order:

- head_to_head keeps the tied options with the most direct wins over the other tied options
  (a beats b when d[a][b] > d[b][a]); with two options, the one the jurors preferred directly;
- round1_score keeps the tied finalists with the highest round 1 mean; NO_AWARD has no score, so it
  stays in the tie when present and only the finalists are narrowed;
- casting_vote: the jury president chooses among the options still tied.

Every step applied is returned, including one that narrowed nothing. This module does no database access.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from awards import schulze
from awards.models.edition import TieBreakKind
from awards.scoring import to_decimal

NO_AWARD = "no_award"
# Marks « the president has not chosen yet », since None is not an option.
UNDECIDED = object()


class VoteStatus(models.TextChoices):
    RANKED = "ranked", _("Ranked")
    ABSTAINED = "abstained", _("Abstained")
    RECUSED = "recused", _("Recused from every finalist")
    MISSING = "missing", _("Missing")


@dataclass(frozen=True)
class JurorVote:
    """One juror's vote in a category: `ballot` is "submitted", "abstained" or None, with ranks and recusals."""

    juror: int
    ballot: str | None = None
    ranks: Mapping = field(default_factory=dict)
    recused: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class QuorumLine:
    option: object
    eligible: int
    needed: int
    ranked: int

    @property
    def met(self) -> bool:
        return self.ranked >= self.needed


@dataclass(frozen=True)
class LadderStep:
    kind: str
    tied: tuple
    remaining: tuple
    detail: dict


@dataclass(frozen=True)
class CategoryCount:
    """Everything a tally sheet shows for one category.

    `winner` is a nomination id, NO_AWARD, or None while undecided: quorum not met, or the president's casting
    vote awaited among `awaiting_casting_vote`.
    """

    options: tuple
    statuses: dict
    quorum: tuple
    schulze: schulze.SchulzeResult | None
    steps: tuple
    winner: object | None
    awaiting_casting_vote: tuple = ()

    @property
    def quorum_met(self) -> bool:
        return all(line.met for line in self.quorum)

    @property
    def decided(self) -> bool:
        return self.winner is not None

    def as_json(self) -> dict:
        """Return the tally sheet as JSON-ready data, with option keys as strings."""
        key = str
        data = {
            "options": [key(option) for option in self.options],
            "statuses": {key(juror): status for juror, status in self.statuses.items()},
            "quorum": [
                {
                    "option": key(line.option),
                    "eligible": line.eligible,
                    "needed": line.needed,
                    "ranked": line.ranked,
                    "met": line.met,
                }
                for line in self.quorum
            ],
            "steps": [
                {
                    "kind": step.kind,
                    "tied": [key(option) for option in step.tied],
                    "remaining": [key(option) for option in step.remaining],
                    "detail": step.detail,
                }
                for step in self.steps
            ],
            "winner": None if self.winner is None else key(self.winner),
            "awaiting_casting_vote": [key(option) for option in self.awaiting_casting_vote],
        }
        if self.schulze is not None:
            data["pairwise"] = _matrix_json(self.schulze.pairwise)
            data["strongest_paths"] = _matrix_json(self.schulze.strongest_paths)
            data["schulze_winners"] = [key(option) for option in self.schulze.winners]
        return data


def _matrix_json(matrix) -> dict:
    return {str(a): {str(b): value for b, value in row.items()} for a, row in matrix.items()}


def vote_status(vote: JurorVote, finalists: Sequence) -> str:
    if finalists and set(finalists) <= vote.recused:
        return VoteStatus.RECUSED
    if vote.ballot == "submitted":
        return VoteStatus.RANKED
    if vote.ballot == "abstained":
        return VoteStatus.ABSTAINED
    return VoteStatus.MISSING


def quorum_needed(eligible: int, numerator: int, denominator: int) -> int:
    """Return max(1, ⌈eligible × numerator / denominator⌉), in whole-number arithmetic."""
    return max(1, -(-eligible * numerator // denominator))


def check_quorum(options: Sequence, votes: Sequence[JurorVote], statuses: Mapping, quorum: tuple[int, int]) -> tuple:
    numerator, denominator = quorum
    lines = []
    for option in options:
        eligible = [vote for vote in votes if statuses[vote.juror] != VoteStatus.RECUSED and option not in vote.recused]
        ranked = sum(1 for vote in eligible if statuses[vote.juror] == VoteStatus.RANKED)
        lines.append(
            QuorumLine(
                option=option,
                eligible=len(eligible),
                needed=quorum_needed(len(eligible), numerator, denominator),
                ranked=ranked,
            )
        )
    return tuple(lines)


def _head_to_head(remaining: tuple, pairwise) -> LadderStep:
    wins = {a: sum(1 for b in remaining if b != a and pairwise[a][b] > pairwise[b][a]) for a in remaining}
    best = max(wins.values())
    kept = tuple(option for option in remaining if wins[option] == best)
    return LadderStep(TieBreakKind.HEAD_TO_HEAD, remaining, kept, {"wins": {str(a): n for a, n in wins.items()}})


def _round1_score(remaining: tuple, round1_scores: Mapping) -> LadderStep:
    finalists = [option for option in remaining if option != NO_AWARD]
    best = max(round1_scores[option] for option in finalists)
    kept = tuple(option for option in remaining if option == NO_AWARD or round1_scores[option] == best)
    detail = {"scores": {str(option): str(to_decimal(round1_scores[option])) for option in finalists}}
    return LadderStep(TieBreakKind.ROUND1_SCORE, remaining, kept, detail)


def break_tie(
    tied: Sequence, *, ladder: Sequence[str], pairwise, round1_scores: Mapping, casting_vote=UNDECIDED
) -> tuple[tuple, object | None, tuple]:
    """Apply the ladder to the tied options; return (steps applied, winner or None, options still tied).

    Raise ValueError when `casting_vote` is not among the options still tied at that step.
    """
    remaining = tuple(tied)
    steps = []
    for kind in ladder:
        if len(remaining) == 1:
            break
        if kind == TieBreakKind.HEAD_TO_HEAD:
            step = _head_to_head(remaining, pairwise)
        elif kind == TieBreakKind.ROUND1_SCORE:
            step = _round1_score(remaining, round1_scores)
        elif kind == TieBreakKind.CASTING_VOTE:
            if casting_vote is UNDECIDED:
                return tuple(steps), None, remaining
            if casting_vote not in remaining:
                raise ValueError(f"The casting vote {casting_vote!r} is not among the tied options {remaining!r}.")
            step = LadderStep(TieBreakKind.CASTING_VOTE, remaining, (casting_vote,), {})
        else:
            raise ValueError(f"Unknown tie-break step {kind!r}.")
        steps.append(step)
        remaining = step.remaining
    return tuple(steps), (remaining[0] if len(remaining) == 1 else None), remaining


def count_category(
    *,
    finalists: Sequence[int],
    votes: Sequence[JurorVote],
    round1_scores: Mapping[int, Fraction],
    ladder: Sequence[str],
    quorum: tuple[int, int] = (2, 3),
    casting_vote=UNDECIDED,
) -> CategoryCount:
    """Count one category: statuses, quorum, then Schulze and the ladder when the quorum holds.

    A ballot's ranks of options that are no longer finalists, or that its juror is now recused from, are
    dropped, so a late withdrawal or a late conflict declaration needs no new ballot.
    Without finalists there is nothing to vote on, and the winner is NO_AWARD.
    """
    finalists = tuple(finalists)
    options = (*finalists, NO_AWARD)
    statuses = {vote.juror: vote_status(vote, finalists) for vote in votes}
    if not finalists:
        return CategoryCount(options, statuses, (), None, (), NO_AWARD)
    quorum_lines = check_quorum(options, votes, statuses, quorum)
    if not all(line.met for line in quorum_lines):
        return CategoryCount(options, statuses, quorum_lines, None, (), None)

    ballots = []
    for vote in votes:
        if statuses[vote.juror] != VoteStatus.RANKED:
            continue
        recused = frozenset(vote.recused) & set(options)
        ranks = {option: rank for option, rank in vote.ranks.items() if option in options and option not in recused}
        ballots.append(schulze.RankedBallot(ranks=ranks, recused=recused))
    result = schulze.count(options, ballots)

    steps, winner, remaining = break_tie(
        result.winners,
        ladder=ladder,
        pairwise=result.pairwise,
        round1_scores=round1_scores,
        casting_vote=casting_vote,
    )
    awaiting = remaining if winner is None else ()
    return CategoryCount(options, statuses, quorum_lines, result, steps, winner, awaiting)
