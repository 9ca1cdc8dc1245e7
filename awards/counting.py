"""Database reads that feed the pure counts: round 1 sheets and means, and the final-vote inputs of a category."""

from collections import defaultdict
from fractions import Fraction

from awards.models import (
    Ballot,
    BallotStatus,
    Category,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    Round1Score,
)
from awards.scoring import CriterionScore, mean, sheet_total, shortlist
from awards.tally import NO_AWARD, UNDECIDED, CategoryCount, JurorVote, count_category


def conflicted_jurors(nomination_ids) -> dict[int, set[int]]:
    """Return nomination id → ids of the jurors who declared a conflict with it."""
    conflicts = defaultdict(set)
    rows = JurorConflict.objects.filter(nomination_id__in=list(nomination_ids), has_conflict=True)
    for nomination_id, juror_id in rows.values_list("nomination_id", "juror_id"):
        conflicts[nomination_id].add(juror_id)
    return conflicts


def round1_totals(category: Category, nomination_ids) -> dict[int, dict[int, Fraction]]:
    """Return nomination id → {juror id → total on 100} for every complete sheet of a juror not recused.

    A sheet is complete when it scores every criterion of the category. Scores of jurors who declared a
    conflict, even after scoring, never count.
    """
    nomination_ids = list(nomination_ids)
    criteria = {criterion.pk: criterion for criterion in category.criteria.all()}
    jurors = set(JuryMembership.objects.filter(edition_id=category.edition_id).values_list("juror_id", flat=True))
    conflicts = conflicted_jurors(nomination_ids)
    sheets = defaultdict(dict)
    rows = Round1Score.objects.filter(nomination_id__in=nomination_ids, criterion_id__in=list(criteria))
    for nomination_id, juror_id, criterion_id, score in rows.values_list(
        "nomination_id", "juror_id", "criterion_id", "score"
    ):
        if juror_id in jurors and juror_id not in conflicts[nomination_id]:
            sheets[(nomination_id, juror_id)][criterion_id] = score
    totals = {nomination_id: {} for nomination_id in nomination_ids}
    for (nomination_id, juror_id), scores in sheets.items():
        if set(scores) != set(criteria):
            continue
        totals[nomination_id][juror_id] = sheet_total(
            CriterionScore(weight=criteria[pk].weight, maximum=criteria[pk].maximum, score=value)
            for pk, value in scores.items()
        )
    return totals


def round1_means(category: Category, nomination_ids) -> dict[int, Fraction | None]:
    """Return nomination id → mean of the complete sheets of non-recused jurors (None without any sheet)."""
    return {
        nomination_id: mean(totals.values())
        for nomination_id, totals in round1_totals(category, nomination_ids).items()
    }


def missing_sheets(category: Category) -> list[tuple[int, int]]:
    """Return (nomination id, juror id) for each eligible nomination a non-recused juror has not fully scored.

    A juror who has not declared on a nomination yet counts as missing its sheet.
    """
    nomination_ids = list(
        category.nominations.filter(state=NominationState.ELIGIBLE).order_by("pk").values_list("pk", flat=True)
    )
    jurors = list(JuryMembership.objects.filter(edition_id=category.edition_id).values_list("juror_id", flat=True))
    conflicts = conflicted_jurors(nomination_ids)
    totals = round1_totals(category, nomination_ids)
    return [
        (nomination_id, juror_id)
        for nomination_id in nomination_ids
        for juror_id in jurors
        if juror_id not in conflicts[nomination_id] and juror_id not in totals[nomination_id]
    ]


def category_shortlist(category: Category):
    """Return (shortlist, means) for the eligible nominations of `category` that have at least one sheet."""
    nomination_ids = list(
        category.nominations.filter(state=NominationState.ELIGIBLE).order_by("pk").values_list("pk", flat=True)
    )
    means = round1_means(category, nomination_ids)
    scored = {nomination_id: value for nomination_id, value in means.items() if value is not None}
    return shortlist(scored, category.finalists_count), means


def category_votes(category: Category, finalist_ids) -> list[JurorVote]:
    """Return one JurorVote per juror of the edition: their ballot in `category`, ranks and recusals."""
    finalist_ids = list(finalist_ids)
    conflicts = conflicted_jurors(finalist_ids)
    ballots = {
        ballot.juror_id: ballot for ballot in Ballot.objects.filter(category=category).prefetch_related("rankings")
    }
    votes = []
    for juror_id in JuryMembership.objects.filter(edition_id=category.edition_id).values_list("juror_id", flat=True):
        ballot = ballots.get(juror_id)
        ranks = {}
        if ballot is not None and ballot.status == BallotStatus.SUBMITTED:
            ranks = {
                (NO_AWARD if ranking.nomination_id is None else ranking.nomination_id): ranking.rank
                for ranking in ballot.rankings.all()
            }
        votes.append(
            JurorVote(
                juror=juror_id,
                ballot=None if ballot is None else ballot.status,
                ranks=ranks,
                recused=frozenset(pk for pk in finalist_ids if juror_id in conflicts[pk]),
            )
        )
    return votes


def finalist_ids(category: Category) -> list[int]:
    return list(
        Nomination.objects.filter(category=category, state__in=[NominationState.FINALIST, NominationState.LAUREATE])
        .order_by("round1_rank", "pk")
        .values_list("pk", flat=True)
    )


def count_for(category: Category, *, casting_vote=UNDECIDED) -> CategoryCount:
    """Count the final vote of `category` from the ballots and conflicts recorded now, with the edition's rules."""
    edition = category.edition
    finalists = finalist_ids(category)
    return count_category(
        finalists=finalists,
        votes=category_votes(category, finalists),
        round1_scores={pk: value or Fraction(0) for pk, value in round1_means(category, finalists).items()},
        ladder=edition.tie_break_ladder,
        quorum=(edition.quorum_numerator, edition.quorum_denominator),
        casting_vote=casting_vote,
    )
