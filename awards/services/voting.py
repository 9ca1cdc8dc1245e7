"""Round 2: jurors' ballots, closing and counting the vote, recounts, and the president's casting vote."""

import logging
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import tally
from awards.counting import count_for, finalist_ids
from awards.models import (
    Ballot,
    BallotRanking,
    BallotStatus,
    Category,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeEdition,
    Result,
    ResultOutcome,
    TieBreakKind,
    TieBreakStage,
    TieBreakStep,
)
from awards.services.base import (
    AlreadyDone,
    AwardsError,
    lock_edition,
    log_event,
    require_manager,
    require_manager_or_president,
)
from common.audit import record_transition
from common.text import normalize_text

logger = logging.getLogger(__name__)


def _check_ranks(ranks: Mapping, options: set) -> dict:
    """Check that `ranks` gives every option a whole rank of 1 or more, and nothing else; return a copy."""
    if set(ranks) != options:
        raise AwardsError(_("Rank every finalist shown and « Aucun lauréat », and nothing else."))
    for rank in ranks.values():
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            raise AwardsError(_("Each rank must be a whole number, 1 for your first choice."))
    return dict(ranks)


def submit_ballot(
    *, category: Category, juror, ranks: Mapping[int | None, int] | None = None, abstain: bool = False
) -> Ballot:
    """Record a juror's ballot in a category: a ranking of its finalists and « Aucun lauréat », or an abstention.

    `ranks` maps each finalist's nomination id, and None for « Aucun lauréat », to a rank. Rank 1 is the
    first choice, and equal ranks mean no preference. Finalists the juror is recused from are not on the ballot.
    A ballot is final. The juror's jury membership row is locked and (category, juror) is unique in the
    database, so parallel submissions record one ballot and the others raise AlreadyDone.
    Side effects, in order: the ballot, its ranks, a history entry.
    """
    try:
        with transaction.atomic():
            membership = (
                JuryMembership.objects.select_for_update().filter(edition_id=category.edition_id, juror=juror).first()
            )
            if membership is None:
                raise AwardsError(_("Only a member of this edition's jury can vote."))
            edition = PrizeEdition.objects.get(pk=category.edition_id)
            if edition.state != EditionState.FINAL_VOTE or edition.vote_closed_at is not None:
                raise AwardsError(_("The final vote is not open."))
            if Ballot.objects.filter(category=category, juror=juror).exists():
                raise AlreadyDone(_("You already submitted your ballot in this category."))
            ballot = _create_ballot(category, juror, ranks=ranks, abstain=abstain)
    except IntegrityError as error:
        raise AlreadyDone(_("You already submitted your ballot in this category.")) from error
    logger.info("Ballot %s (%s) submitted in category %s.", ballot.pk, ballot.status, category.pk)
    return ballot


def _create_ballot(category: Category, juror, *, ranks, abstain: bool) -> Ballot:
    finalists = finalist_ids(category)
    if not finalists:
        raise AwardsError(_("This category has no finalist; there is nothing to vote on."))
    declared = dict(
        JurorConflict.objects.filter(juror=juror, nomination_id__in=finalists).values_list(
            "nomination_id", "has_conflict"
        )
    )
    undeclared = [pk for pk in finalists if pk not in declared]
    if undeclared:
        raise AwardsError(
            _("Declare whether you have a conflict of interest with each finalist first (%(count)d left).")
            % {"count": len(undeclared)}
        )
    recused = {pk for pk, conflict in declared.items() if conflict}
    if recused == set(finalists):
        raise AwardsError(_("You are recused from every finalist of this category; you have no ballot to cast."))

    if abstain:
        if ranks:
            raise AwardsError(_("An abstention carries no ranking."))
        ballot = Ballot.objects.create(category=category, juror=juror, status=BallotStatus.ABSTAINED)
        code = "awards.ballot.abstained"
    else:
        options = {pk for pk in finalists if pk not in recused} | {None}
        checked = _check_ranks(ranks or {}, options)
        ballot = Ballot.objects.create(category=category, juror=juror, status=BallotStatus.SUBMITTED)
        BallotRanking.objects.bulk_create(
            BallotRanking(ballot=ballot, nomination_id=nomination_id, rank=rank)
            for nomination_id, rank in checked.items()
        )
        code = "awards.ballot.submitted"
    record_transition(subject=ballot, transition=code, source="", target=ballot.status, actor=juror)
    return ballot


def _store_result(category: Category, count: tally.CategoryCount, *, actor) -> Result:
    """Save the count of a category as its current result, superseding the previous one, with its ladder steps."""
    now = timezone.now()
    Result.objects.filter(category=category, superseded_at__isnull=True).update(superseded_at=now)
    TieBreakStep.objects.filter(category=category, stage=TieBreakStage.FINAL_VOTE, superseded_at__isnull=True).update(
        superseded_at=now
    )
    if count.winner is None:
        outcome, laureate_id = ResultOutcome.AWAITING_CASTING_VOTE, None
    elif count.winner == tally.NO_AWARD:
        outcome, laureate_id = ResultOutcome.NO_AWARD, None
    else:
        outcome, laureate_id = ResultOutcome.LAUREATE, count.winner
    result = Result.objects.create(
        category=category, outcome=outcome, laureate_id=laureate_id, tally=count.as_json(), computed_by=actor
    )
    TieBreakStep.objects.bulk_create(
        TieBreakStep(
            category=category,
            result=result,
            stage=TieBreakStage.FINAL_VOTE,
            kind=step.kind,
            position=position,
            tied=[str(option) for option in step.tied],
            remaining=[str(option) for option in step.remaining],
            detail=step.detail,
        )
        for position, step in enumerate(count.steps)
    )
    return result


def option_label(option) -> str:
    """Return how messages name an option: the nominee's name, or « No laureate »."""
    if option == tally.NO_AWARD:
        return _("No laureate")
    nomination = Nomination.objects.filter(pk=option).only("nominee_name").first()
    return nomination.nominee_name if nomination is not None else str(option)


def _quorum_error(category: Category, count: tally.CategoryCount) -> str:
    line = next(line for line in count.quorum if not line.met)
    return _(
        "Quorum not met in « %(category)s » for %(option)s: %(ranked)d ranking(s) of the %(needed)d needed "
        "from the %(eligible)d jurors not recused."
    ) % {
        "category": category.name,
        "option": option_label(line.option),
        "ranked": line.ranked,
        "needed": line.needed,
        "eligible": line.eligible,
    }


def close_vote(*, edition: PrizeEdition, actor) -> list[Result]:
    """Close the final vote and count every category: quorum, Schulze, then the tie-break ladder.

    Refused while a category misses its quorum; nothing is written then. A category still tied after the
    automatic steps awaits the jury president's casting vote (record_casting_vote).
    Side effects, in order: the closing time, one result per category with its ladder steps, a history entry.
    """
    require_manager_or_president(actor, edition)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state == EditionState.FINAL_VOTE and edition.vote_closed_at is not None:
            raise AlreadyDone(_("The final vote is already closed."))
        if edition.state != EditionState.FINAL_VOTE:
            raise AwardsError(_("The final vote is not open."))
        categories = list(edition.categories.order_by("position", "code"))
        counts = {category.pk: count_for(category) for category in categories}
        problems = [
            _quorum_error(category, counts[category.pk])
            for category in categories
            if not counts[category.pk].quorum_met
        ]
        if problems:
            raise AwardsError(" ".join(problems))
        edition.vote_closed_at = timezone.now()
        edition.vote_closed_by = actor
        edition.save(update_fields=["vote_closed_at", "vote_closed_by", "updated_at"])
        results = [_store_result(category, counts[category.pk], actor=actor) for category in categories]
        log_event(edition, "awards.edition.vote_closed", actor=actor)
    logger.info("Prize edition %s: final vote closed and counted by user %s.", edition.pk, actor.pk)
    return results


def _require_vote_closed(edition: PrizeEdition) -> None:
    if edition.state != EditionState.FINAL_VOTE or edition.vote_closed_at is None:
        raise AwardsError(
            _("This is possible only after the final vote is closed and before the results are validated.")
        )


def recount_category(*, category: Category, actor, reason: str) -> Result:
    """Count a category again, for example after a finalist withdrew; a casting vote already given must be given again.

    Side effects, in order: the superseded result and steps, the new result and steps, a history entry.
    """
    require_manager(actor)
    reason = normalize_text(reason)
    if not reason:
        raise AwardsError(_("Give the reason for counting again."))
    with transaction.atomic():
        edition = lock_edition(category.edition)
        _require_vote_closed(edition)
        count = count_for(category)
        if not count.quorum_met:
            raise AwardsError(_quorum_error(category, count))
        result = _store_result(category, count, actor=actor)
        log_event(category, "awards.category.recounted", actor=actor, reason=reason)
    return result


def record_casting_vote(*, category: Category, actor, choice: Nomination | None, reason: str = "") -> Result:
    """Record the jury president's casting vote among the options still tied; None chooses « Aucun lauréat ».

    Side effects, in order: the ladder step with the president as decider, the result's outcome, a history entry.
    """
    reason = normalize_text(reason)
    with transaction.atomic():
        edition = lock_edition(category.edition)
        membership = JuryMembership.objects.filter(edition=edition, juror=actor, is_president=True).first()
        if membership is None:
            raise AwardsError(_("Only the jury president can cast the deciding vote."))
        _require_vote_closed(edition)
        result = Result.objects.select_for_update().filter(category=category, superseded_at__isnull=True).first()
        if result is None or result.outcome != ResultOutcome.AWAITING_CASTING_VOTE:
            raise AlreadyDone(_("This category does not await a casting vote."))
        tied = result.tally.get("awaiting_casting_vote", [])
        key = tally.NO_AWARD if choice is None else str(choice.pk)
        if key not in tied:
            raise AwardsError(_("Choose among the options still tied."))
        tied_ids = [int(option) for option in tied if option != tally.NO_AWARD]
        # NOTE: no rule names who decides when the president is recused from a tied finalist; this refuses.
        if JurorConflict.objects.filter(juror=actor, nomination_id__in=tied_ids, has_conflict=True).exists():
            raise AwardsError(
                _(
                    "You declared a conflict with a tied finalist, so you cannot cast the deciding vote. "
                    "Contact the program manager."
                )
            )
        position = result.tie_break_steps.count()
        TieBreakStep.objects.create(
            category=category,
            result=result,
            stage=TieBreakStage.FINAL_VOTE,
            kind=TieBreakKind.CASTING_VOTE,
            position=position,
            tied=list(tied),
            remaining=[key],
            decided_by=actor,
            reason=reason,
        )
        result.outcome = ResultOutcome.NO_AWARD if choice is None else ResultOutcome.LAUREATE
        result.laureate = choice
        result.tally = {
            **result.tally,
            "winner": key,
            "awaiting_casting_vote": [],
            "steps": [
                *result.tally.get("steps", []),
                {"kind": TieBreakKind.CASTING_VOTE.value, "tied": list(tied), "remaining": [key], "detail": {}},
            ],
        }
        result.save(update_fields=["outcome", "laureate", "tally"])
        log_event(category, "awards.category.casting_vote", actor=actor, reason=reason)
    return result


def laureate_still_finalist(result: Result) -> bool:
    return (
        result.laureate_id is None
        or Nomination.objects.filter(pk=result.laureate_id, state=NominationState.FINALIST).exists()
    )
