"""Screening of submitted nominations by a program officer: eligible, ineligible, or incomplete."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import ConsentStatus, EditionState, Nomination, NominationState
from awards.services.base import (
    AlreadyDone,
    AwardsError,
    lock_nomination,
    notify_nominator,
    require_screening_staff,
    run_transition,
)
from common.text import normalize_text

# Screening happens while nominations come in and after they close, never once the jury has started.
SCREENING_EDITION_STATES = (EditionState.NOMINATIONS_OPEN, EditionState.NOMINATIONS_CLOSED)


def _lock_for_screening(nomination: Nomination, actor) -> Nomination:
    require_screening_staff(actor)
    nomination = lock_nomination(nomination)
    if nomination.edition.state not in SCREENING_EDITION_STATES:
        raise AwardsError(_("Nominations can be screened only until the jury's round 1 starts."))
    return nomination


def _mark_screened(nomination: Nomination, actor) -> list[str]:
    nomination.screened_by = actor
    nomination.screened_at = timezone.now()
    return ["screened_by", "screened_at"]


def declare_eligible(*, nomination: Nomination, actor) -> Nomination:
    """Declare a submitted nomination eligible; where the category requires it, only with the nominee's consent.

    Side effects, in order: the state change and its history entry, then after commit an e-mail to the nominator.
    """
    with transaction.atomic():
        nomination = _lock_for_screening(nomination, actor)
        if nomination.state == NominationState.ELIGIBLE:
            raise AlreadyDone(_("This nomination was already declared eligible."))
        if nomination.state != NominationState.SUBMITTED:
            raise AwardsError(_("Only a submitted nomination can be declared eligible."))
        if not nomination.has_consent:
            raise AwardsError(
                _(
                    "The nominee has not given consent (status: %(status)s). A nomination in this category "
                    "cannot be eligible without it; wait for the answer or declare it ineligible."
                )
                % {"status": ConsentStatus(nomination.consent_status).label}
            )
        fields = _mark_screened(nomination, actor)
        run_transition(
            nomination, "declare_eligible", "awards.nomination.declared_eligible", actor=actor, fields=fields
        )
        notify_nominator(
            nomination,
            event="awards.nomination_eligible",
            key=f"awards.nomination_eligible:{nomination.pk}",
            template="emails/awards/nomination_eligible",
        )
    return nomination


def declare_ineligible(*, nomination: Nomination, actor, reason: str) -> Nomination:
    """Declare a submitted (or still incomplete) nomination ineligible, with the reason given to the nominator.

    Side effects, in order: the reason, the state change and its history entry, then after commit an e-mail
    to the nominator with the reason.
    """
    reason = normalize_text(reason)
    if not reason:
        raise AwardsError(_("Give the reason; the nominator receives it by e-mail."))
    with transaction.atomic():
        nomination = _lock_for_screening(nomination, actor)
        if nomination.state == NominationState.INELIGIBLE:
            raise AlreadyDone(_("This nomination was already declared ineligible."))
        if nomination.state not in NominationState.awaiting_screening():
            raise AwardsError(_("Only a submitted or incomplete nomination can be declared ineligible."))
        nomination.ineligibility_reason = reason
        fields = [*_mark_screened(nomination, actor), "ineligibility_reason"]
        run_transition(
            nomination,
            "declare_ineligible",
            "awards.nomination.declared_ineligible",
            actor=actor,
            reason=reason,
            fields=fields,
        )
        notify_nominator(
            nomination,
            event="awards.nomination_ineligible",
            key=f"awards.nomination_ineligible:{nomination.pk}",
            template="emails/awards/nomination_ineligible",
            context={"reason": reason},
        )
    return nomination


def request_completion(*, nomination: Nomination, actor, items: list[str]) -> Nomination:
    """Send a submitted nomination back to its nominator with the list of items to complete.

    Side effects, in order: the items, the state change and its history entry, then after commit an e-mail
    to the nominator listing the items.
    """
    items = [normalize_text(item) for item in items]
    items = [item for item in items if item]
    if not items:
        raise AwardsError(_("List at least one item the nominator must complete."))
    with transaction.atomic():
        nomination = _lock_for_screening(nomination, actor)
        if nomination.state == NominationState.INCOMPLETE:
            raise AlreadyDone(
                _("Completion was already requested; wait until the nominator sends the nomination again.")
            )
        if nomination.state != NominationState.SUBMITTED:
            raise AwardsError(_("Completion can be requested only for a submitted nomination."))
        nomination.incomplete_items = items
        run_transition(
            nomination,
            "request_completion",
            "awards.nomination.completion_requested",
            actor=actor,
            reason="\n".join(items),
            fields=["incomplete_items"],
        )
        notify_nominator(
            nomination,
            event="awards.nomination_incomplete",
            key=f"awards.nomination_incomplete:{nomination.pk}:{timezone.now().timestamp()}",
            template="emails/awards/nomination_incomplete",
            context={"items": items},
        )
    return nomination
