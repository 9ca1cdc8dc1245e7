"""The Schulze method with winning votes, for ranked ballots that may tie options and skip recused ones.

Definitions used throughout:

- d[a][b], the pairwise matrix, counts the ballots that rank `a` strictly above `b`. A ballot whose juror is
  recused from `a` or from `b` adds nothing to d[a][b] nor to d[b][a]. Equal ranks add nothing either.
- With winning votes, the link a→b exists when d[a][b] > d[b][a], and its strength is d[a][b]. Otherwise there
  is no link, written as strength 0 (every existing link has strength 1 or more).
- p[a][b], the strongest path, is the largest strength over all paths from `a` to `b`, where the strength of a
  path is that of its weakest link. It is computed by the Floyd–Warshall widest-path recurrence.
- `a` is a winner when p[a][b] >= p[b][a] for every other option `b`. There is always at least one winner;
  several winners mean a tie that the edition's tie-break ladder settles.

Options are any hashable values, such as nomination ids and a marker for « Aucun lauréat ». Every output
keeps their order, so tally sheets list them in a stable order. This module does no database access.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Option = Hashable
Matrix = dict[Option, dict[Option, int]]


@dataclass(frozen=True)
class RankedBallot:
    """One juror's ranking: option → rank (1 is preferred; equal ranks are indifference), and recused options.

    Every option of the count is either ranked or recused, never both.
    """

    ranks: Mapping[Option, int]
    recused: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class SchulzeResult:
    options: tuple
    pairwise: Matrix
    strongest_paths: Matrix
    winners: tuple


def _check_options(options: Sequence[Option]) -> tuple:
    options = tuple(options)
    if len(set(options)) != len(options):
        raise ValueError(f"Options must be distinct: {options!r}.")
    return options


def _check_ballot(options: tuple, ballot: RankedBallot) -> None:
    ranked = set(ballot.ranks)
    recused = set(ballot.recused)
    if ranked & recused:
        raise ValueError(f"Options both ranked and recused on one ballot: {sorted(map(repr, ranked & recused))}.")
    if ranked | recused != set(options):
        missing = set(options) - ranked - recused
        unknown = (ranked | recused) - set(options)
        raise ValueError(
            f"A ballot must rank or recuse every option: missing {sorted(map(repr, missing))}, "
            f"unknown {sorted(map(repr, unknown))}."
        )
    for option, rank in ballot.ranks.items():
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            raise ValueError(f"Rank of {option!r} must be a whole number of 1 or more, not {rank!r}.")


def pairwise_matrix(options: Sequence[Option], ballots: Iterable[RankedBallot]) -> Matrix:
    """Count d[a][b] for every ordered pair of distinct options; raise ValueError on a malformed ballot."""
    options = _check_options(options)
    matrix = {a: {b: 0 for b in options if b != a} for a in options}
    for ballot in ballots:
        _check_ballot(options, ballot)
        ranked = [option for option in options if option in ballot.ranks]
        for a in ranked:
            for b in ranked:
                if a != b and ballot.ranks[a] < ballot.ranks[b]:
                    matrix[a][b] += 1
    return matrix


def strongest_paths(options: Sequence[Option], pairwise: Matrix) -> Matrix:
    """Compute p[a][b] by winning votes: links where d[a][b] > d[b][a], widest paths by Floyd–Warshall."""
    options = _check_options(options)
    paths = {a: {b: 0 for b in options if b != a} for a in options}
    for a in options:
        for b in options:
            if a != b and pairwise[a][b] > pairwise[b][a]:
                paths[a][b] = pairwise[a][b]
    for via in options:
        for a in options:
            if a == via:
                continue
            for b in options:
                if b in (a, via):
                    continue
                through = min(paths[a][via], paths[via][b])
                if through > paths[a][b]:
                    paths[a][b] = through
    return paths


def winners(options: Sequence[Option], paths: Matrix) -> tuple:
    """Return the options not beaten by any other: p[a][b] >= p[b][a] for every b, in the order of `options`."""
    options = _check_options(options)
    return tuple(a for a in options if all(paths[a][b] >= paths[b][a] for b in options if b != a))


def count(options: Sequence[Option], ballots: Iterable[RankedBallot]) -> SchulzeResult:
    """Run the whole method: pairwise matrix, strongest paths and winners, kept together for the tally sheet."""
    options = _check_options(options)
    pairwise = pairwise_matrix(options, ballots)
    paths = strongest_paths(options, pairwise)
    return SchulzeResult(options=options, pairwise=pairwise, strongest_paths=paths, winners=winners(options, paths))
