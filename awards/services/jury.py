"""Round 1: jurors' conflict declarations and score sheets, the jury's decision on a tie at the cut, and the cut."""

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from awards.counting import category_shortlist, missing_sheets
from awards.models import (
    Category,
    EditionState,
    JurorConflict,
    Nomination,
    NominationState,
    PrizeEdition,
    Round1Score,
    TieBreakKind,
    TieBreakStage,
    TieBreakStep,
)
from awards.scoring import to_decimal
from awards.services.base import (
    AlreadyDone,
    AwardsError,
    lock_edition,
    log_event,
    membership_of,
    notify_nominator,
    require_manager_or_president,
    run_transition,
)
from awards.services.editions import notify_jurors
from common.text import normalize_text

logger = logging.getLogger(__name__)


def declare_conflict(*, nomination: Nomination, juror, has_conflict: bool, comment: str = "") -> JurorConflict:
    """Record a juror's declaration on one nomination, before any score or ballot touches it.

    A declared conflict is final and hides the nomination from that juror everywhere; its scores and ballot
    ranks no longer count. A juror who declared no conflict may later declare one, never the reverse.
    """
    comment = normalize_text(comment)
    nomination = Nomination.objects.select_related("edition").get(pk=nomination.pk)
    edition = nomination.edition
    if membership_of(edition.pk, juror) is None:
        raise AwardsError(_("Only a member of this edition's jury can declare conflicts of interest."))
    vote_open = edition.state == EditionState.FINAL_VOTE and edition.vote_closed_at is None
    if edition.state != EditionState.SHORTLISTING and not vote_open:
        raise AwardsError(_("Conflicts of interest are declared during round 1 and the final vote."))
    if nomination.state not in NominationState.screened_in():
        raise AwardsError(_("Only an eligible nomination is judged by the jury."))
    try:
        with transaction.atomic():
            declaration = JurorConflict.objects.select_for_update().filter(nomination=nomination, juror=juror).first()
            if declaration is None:
                return JurorConflict.objects.create(
                    nomination=nomination, juror=juror, has_conflict=has_conflict, comment=comment
                )
            if declaration.has_conflict:
                raise AlreadyDone(_("You already declared a conflict of interest with this nomination."))
            if not has_conflict:
                raise AlreadyDone(_("You already declared that you have no conflict with this nomination."))
            declaration.has_conflict = True
            declaration.comment = comment
            declaration.save(update_fields=["has_conflict", "comment", "updated_at"])
            return declaration
    except IntegrityError as error:
        # Two first declarations at once: the unique (nomination, juror) pair keeps one.
        raise AlreadyDone(_("Your declaration for this nomination was already recorded.")) from error


def save_round1_scores(*, nomination: Nomination, juror, scores: dict[int, Decimal]) -> list[Round1Score]:
    """Save a juror's scores on some or all criteria of the nomination's category: criterion id → score.

    Each score lies between 0 and the criterion's maximum. A sheet counts once every criterion is scored.
    """
    nomination = Nomination.objects.select_related("edition", "category").get(pk=nomination.pk)
    if membership_of(nomination.edition_id, juror) is None:
        raise AwardsError(_("Only a member of this edition's jury can score nominations."))
    if nomination.edition.state != EditionState.SHORTLISTING:
        raise AwardsError(_("Scores can be entered only during round 1."))
    if nomination.state != NominationState.ELIGIBLE:
        raise AwardsError(_("Only an eligible nomination is scored in round 1."))
    declaration = JurorConflict.objects.filter(nomination=nomination, juror=juror).first()
    if declaration is None:
        raise AwardsError(_("Declare whether you have a conflict of interest with this nomination first."))
    if declaration.has_conflict:
        raise AwardsError(_("You declared a conflict of interest with this nomination; you cannot score it."))
    criteria = {criterion.pk: criterion for criterion in nomination.category.criteria.all()}
    saved = []
    with transaction.atomic():
        for criterion_id, value in scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                raise AwardsError(_("This criterion does not belong to the nomination's category."))
            if value is None or not Decimal(0) <= value <= criterion.maximum:
                raise AwardsError(
                    _("The score of « %(name)s » must be between 0 and %(max)s.")
                    % {"name": criterion.name, "max": f"{criterion.maximum.normalize():f}"}
                )
            score, _created = Round1Score.objects.update_or_create(
                juror=juror, nomination=nomination, criterion=criterion, defaults={"score": value}
            )
            saved.append(score)
    return saved


def _is_president(edition_id: int, user) -> bool:
    membership = membership_of(edition_id, user)
    return membership is not None and membership.is_president


def current_cut_decision(category: Category) -> TieBreakStep | None:
    return (
        TieBreakStep.objects.filter(category=category, stage=TieBreakStage.SHORTLIST, superseded_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def record_cut_decision(*, category: Category, actor, retained: list[Nomination], reason: str) -> TieBreakStep:
    """Record the jury's decision on a tie at the finalist cut: which of the tied nominations become finalists.

    The program manager or the jury president records it; a new decision supersedes the previous one.
    Side effects, in order: the superseded decision, the new step, a history entry on the category.
    """
    reason = normalize_text(reason)
    if not (actor.has_role(Role.PROGRAM_MANAGER) or _is_president(category.edition_id, actor)):
        raise AwardsError(_("Only the program manager or the jury president can record the jury's decision."))
    if not reason:
        raise AwardsError(_("Summarize the jury's decision and its reason."))
    with transaction.atomic():
        edition = lock_edition(category.edition)
        if edition.state != EditionState.SHORTLISTING:
            raise AwardsError(_("A tie at the finalist cut is settled during round 1."))
        cut, means = category_shortlist(category)
        if not cut.has_tie:
            raise AwardsError(_("There is no tie at the finalist cut in this category."))
        chosen = {nomination.pk for nomination in retained}
        if not chosen <= set(cut.tied):
            raise AwardsError(_("Choose only among the nominations tied at the cut."))
        if len(chosen) != cut.seats_left:
            raise AwardsError(_("Choose exactly %(count)d of the tied nominations.") % {"count": cut.seats_left})
        now = timezone.now()
        TieBreakStep.objects.filter(
            category=category, stage=TieBreakStage.SHORTLIST, superseded_at__isnull=True
        ).update(superseded_at=now)
        step = TieBreakStep.objects.create(
            category=category,
            stage=TieBreakStage.SHORTLIST,
            kind=TieBreakKind.JURY_DECISION,
            tied=[str(pk) for pk in cut.tied],
            remaining=[str(pk) for pk in cut.tied if pk in chosen],
            detail={
                "seats_left": cut.seats_left,
                "mean": str(to_decimal(means[cut.tied[0]])),
                "finalists_above": [str(pk) for pk in cut.finalists],
            },
            decided_by=actor,
            reason=reason,
        )
        log_event(category, "awards.category.cut_decided", actor=actor, reason=reason)
    return step


def _plan_cut(category: Category) -> tuple[list[int], dict, list[int]]:
    """Return (finalist ids, means, ranked ids) for the category, or raise when the cut cannot be made."""
    cut, means = category_shortlist(category)
    unscored = [pk for pk, value in means.items() if value is None]
    if unscored:
        raise AwardsError(
            _("In « %(category)s », %(count)d eligible nomination(s) have no complete score sheet.")
            % {"category": category.name, "count": len(unscored)}
        )
    finalists = list(cut.finalists)
    if cut.has_tie:
        decision = current_cut_decision(category)
        if decision is None:
            raise AwardsError(
                _(
                    "In « %(category)s », %(count)d nominations are tied at the finalist cut; "
                    "record the jury's decision first."
                )
                % {"category": category.name, "count": len(cut.tied)}
            )
        if sorted(decision.tied) != sorted(str(pk) for pk in cut.tied):
            raise AwardsError(
                _("In « %(category)s », the scores changed since the jury's decision on the tie; record it again.")
                % {"category": category.name}
            )
        finalists += [int(pk) for pk in decision.remaining]
    return finalists, means, [pk for pk, _mean in cut.ranking]


def close_round1(*, edition: PrizeEdition, actor, missing_sheets_reason: str = "") -> PrizeEdition:
    """Close round 1: in each category the top N by mean become finalists, the other eligible ones are not retained.

    The mean is over the complete sheets of non-recused jurors. Missing sheets stop the close unless
    `missing_sheets_reason` explains why the jury goes ahead without them. A tie at the cut needs a recorded
    jury decision (record_cut_decision). Everything is checked before anything is written.
    Side effects, in order: round 1 score and rank on each nomination, their state changes and history entries,
    the edition's state change, then after commit e-mails to the nominators and to the jurors (vote open).
    """
    require_manager_or_president(actor, edition)
    missing_sheets_reason = normalize_text(missing_sheets_reason)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state == EditionState.FINAL_VOTE:
            raise AlreadyDone(_("Round 1 is already closed."))
        if edition.state != EditionState.SHORTLISTING:
            raise AwardsError(_("Round 1 is not under way."))
        if edition.final_vote_due_on is None or edition.final_vote_due_on <= timezone.localdate():
            raise AwardsError(_("Set a final vote due date after today first."))
        categories = list(edition.categories.order_by("position", "code"))
        missing = sum(len(missing_sheets(category)) for category in categories)
        if missing and not missing_sheets_reason:
            raise AwardsError(
                _("%(count)d score sheet(s) are missing. Wait for them, or give the reason to close without them.")
                % {"count": missing}
            )
        plans = {category.pk: _plan_cut(category) for category in categories}

        for category in categories:
            finalists, means, ranked = plans[category.pk]
            for rank, nomination in enumerate(_eligible_in_order(category, ranked), start=1):
                _apply_cut(
                    nomination, finalist=nomination.pk in finalists, mean=means[nomination.pk], rank=rank, actor=actor
                )
        run_transition(
            edition, "open_final_vote", "awards.edition.final_vote_opened", actor=actor, reason=missing_sheets_reason
        )
        notify_jurors(edition, round_name="final_vote", due_on=edition.final_vote_due_on)
    logger.info("Prize edition %s: round 1 closed by user %s.", edition.pk, actor.pk)
    return edition


def _eligible_in_order(category: Category, ranked: list[int]) -> list[Nomination]:
    nominations = {
        nomination.pk: nomination
        for nomination in Nomination.objects.select_for_update(of=("self",))
        .select_related("edition", "category", "nominator")
        .filter(category=category, state=NominationState.ELIGIBLE)
    }
    return [nominations[pk] for pk in ranked if pk in nominations]


def _apply_cut(nomination: Nomination, *, finalist: bool, mean, rank: int, actor) -> None:
    nomination.round1_score = to_decimal(mean)
    nomination.round1_rank = rank
    fields = ["round1_score", "round1_rank"]
    if finalist:
        run_transition(nomination, "retain", "awards.nomination.retained", actor=actor, fields=fields)
    else:
        run_transition(nomination, "leave_out", "awards.nomination.not_retained", actor=actor, fields=fields)
    notify_nominator(
        nomination,
        event="awards.nomination_finalist" if finalist else "awards.nomination_not_retained",
        key=f"awards.round1_outcome:{nomination.pk}",
        template="emails/awards/nomination_finalist" if finalist else "emails/awards/nomination_not_retained",
    )
