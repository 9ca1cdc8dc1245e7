"""Validating the results, the minister's Coup de cœur, and announcing the results."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import (
    CoupDeCoeur,
    EditionState,
    Nomination,
    NominationState,
    PrizeEdition,
    Result,
    ResultOutcome,
)
from awards.services.base import (
    AlreadyDone,
    AwardsError,
    lock_edition,
    log_event,
    notify_nominator,
    require_manager,
    run_transition,
)
from awards.services.voting import laureate_still_finalist
from common.text import normalize_text

logger = logging.getLogger(__name__)


def validate_results(*, edition: PrizeEdition, actor) -> PrizeEdition:
    """Validate the counted results: each category's laureate becomes « laureate »; the other finalists stay.

    Refused while a category awaits a casting vote or names a laureate that is no longer a finalist
    (count it again with recount_category).
    Side effects, in order: the laureates' state changes and history entries, the results' validation, the
    edition's state change and its history entry.
    """
    require_manager(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state in (EditionState.RESULTS_VALIDATED, EditionState.ANNOUNCED):
            raise AlreadyDone(_("The results were already validated."))
        if edition.state != EditionState.FINAL_VOTE or edition.vote_closed_at is None:
            raise AwardsError(_("Close the final vote before validating the results."))
        categories = list(edition.categories.order_by("position", "code"))
        results = {
            result.category_id: result
            for result in Result.objects.select_for_update().filter(
                category__edition=edition, superseded_at__isnull=True
            )
        }
        for category in categories:
            result = results.get(category.pk)
            if result is None:
                raise AwardsError(_("« %(category)s » has not been counted.") % {"category": category.name})
            if result.outcome == ResultOutcome.AWAITING_CASTING_VOTE:
                raise AwardsError(
                    _("« %(category)s » awaits the jury president's casting vote.") % {"category": category.name}
                )
            if not laureate_still_finalist(result):
                raise AwardsError(
                    _("The laureate of « %(category)s » is no longer a finalist; count the category again.")
                    % {"category": category.name}
                )
        now = timezone.now()
        for result in results.values():
            if result.laureate_id is not None:
                laureate = Nomination.objects.select_for_update(of=("self",)).get(pk=result.laureate_id)
                run_transition(laureate, "award", "awards.nomination.awarded", actor=actor)
            result.validated_at = now
            result.validated_by = actor
            result.save(update_fields=["validated_at", "validated_by"])
        edition.results_validated_at = now
        edition.results_validated_by = actor
        run_transition(
            edition,
            "validate_results",
            "awards.edition.results_validated",
            actor=actor,
            fields=["results_validated_at", "results_validated_by"],
        )
    return edition


def set_coup_de_coeur(*, edition: PrizeEdition, nomination: Nomination, actor, citation: str = "") -> CoupDeCoeur:
    """Record the minister's Coup de cœur, chosen outside the jury vote among the eligible nominations.

    Possible between the validation and the announcement of the results; a new choice replaces the previous one.
    Side effects, in order: the Coup de cœur row, a history entry on the edition.
    """
    require_manager(actor)
    citation = normalize_text(citation)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state != EditionState.RESULTS_VALIDATED:
            raise AwardsError(
                _("The Coup de cœur is chosen after the results are validated and before they are announced.")
            )
        nomination = Nomination.objects.select_related("category").get(pk=nomination.pk)
        if nomination.edition_id != edition.pk:
            raise AwardsError(_("This nomination belongs to another edition."))
        if nomination.state not in NominationState.screened_in():
            raise AwardsError(_("Only an eligible nomination can receive the Coup de cœur."))
        if not nomination.has_consent:
            raise AwardsError(_("The nominee has not consented; the Coup de cœur cannot name them."))
        coup, _created = CoupDeCoeur.objects.update_or_create(
            edition=edition, defaults={"nomination": nomination, "citation": citation, "recorded_by": actor}
        )
        log_event(edition, "awards.edition.coup_de_coeur_chosen", actor=actor, reason=nomination.nominee_name)
    return coup


def remove_coup_de_coeur(*, edition: PrizeEdition, actor) -> None:
    require_manager(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state != EditionState.RESULTS_VALIDATED:
            raise AwardsError(_("The Coup de cœur can change only before the results are announced."))
        deleted, _rows = CoupDeCoeur.objects.filter(edition=edition).delete()
        if not deleted:
            raise AlreadyDone(_("This edition has no Coup de cœur."))
        log_event(edition, "awards.edition.coup_de_coeur_removed", actor=actor)


def announce_results(*, edition: PrizeEdition, actor) -> PrizeEdition:
    """Announce validated results: public pages then show laureates, finalists and the Coup de cœur.

    Only the names of consenting nominees are published (Nomination.public_name).
    Side effects, in order: the announcement time, the state change and its history entry, then after commit
    an e-mail to the nominator of each finalist, laureate and Coup de cœur.
    """
    require_manager(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state == EditionState.ANNOUNCED:
            raise AlreadyDone(_("The results were already announced."))
        if edition.state != EditionState.RESULTS_VALIDATED:
            raise AwardsError(_("Validate the results before announcing them."))
        edition.announced_at = timezone.now()
        run_transition(edition, "announce", "awards.edition.announced", actor=actor, fields=["announced_at"])
        coup = CoupDeCoeur.objects.filter(edition=edition).first()
        coup_id = coup.nomination_id if coup else None
        recipients = Nomination.objects.filter(
            Q(state__in=[NominationState.FINALIST, NominationState.LAUREATE]) | Q(pk=coup_id), edition=edition
        ).select_related("edition", "category", "nominator")
        for nomination in recipients:
            notify_nominator(
                nomination,
                event="awards.results_announced",
                key=f"awards.results_announced:{nomination.pk}",
                template="emails/awards/results_announced",
                context={
                    "laureate": nomination.state == NominationState.LAUREATE,
                    "coup_de_coeur": nomination.pk == coup_id,
                },
            )
    logger.info("Prize edition %s: results announced by user %s.", edition.pk, actor.pk)
    return edition
