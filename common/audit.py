"""The business history: one TransitionLog row per state change, written inside the caller's transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from common.models import TransitionLog
from common.models.audit import TRANSITION_LABELS

# Transition codes whose actor and reason stay inside the ministry (committee deliberations, for example).
INTERNAL_TRANSITIONS: set[str] = set()


def describe_transitions(labels: dict) -> None:
    """Register the human labels (lazy translations) of an app's transition codes for the history timeline."""
    TRANSITION_LABELS.update(labels)


def keep_internal(codes: set[str]) -> None:
    """Register transition codes whose actor and reason the organization must not see on its timeline."""
    INTERNAL_TRANSITIONS.update(codes)


def record_transition(
    *, subject: models.Model, transition: str, source: str, target: str, actor=None, reason: str = ""
) -> TransitionLog:
    """Write the log row for one transition of `subject`.

    It must run inside the transaction that changes the state, so that the change and its log row are
    saved together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_transition must run inside transaction.atomic() with the state change.")
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        object_id=str(subject.pk),
        transition=transition,
        source=str(source or ""),
        target=str(target or ""),
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
    )


def timeline_for(subject: models.Model, *, for_organization: bool = False):
    """Return the transition log of `subject`, oldest first, with the actors loaded.

    With `for_organization`, internal transitions keep their label but lose their actor and reason (in memory
    only), and are marked `internal` so the template names the ministry instead of a person.
    """
    entries = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        object_id=str(subject.pk),
    ).select_related("actor")
    if not for_organization:
        return entries
    entries = list(entries)
    for entry in entries:
        entry.internal = entry.transition in INTERNAL_TRANSITIONS
        if entry.internal:
            entry.actor = None
            entry.reason = ""
    return entries
