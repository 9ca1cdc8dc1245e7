"""Errors, locks, transition logging and notifications shared by the awards services."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from awards.links import nomination_path
from awards.models import JuryMembership, Nomination, PrizeEdition
from common.audit import record_transition
from common.notifications import notify


class AwardsError(Exception):
    """A rule stopped the action. The message, shown to the user, explains what to do."""


class AlreadyDone(AwardsError):
    """The same action already happened (a double click or a second tab); nothing changed."""


def require_manager(user) -> None:
    if not user.has_role(Role.PROGRAM_MANAGER):
        raise AwardsError(_("Only the program manager can do this."))


def require_manager_or_president(user, edition) -> None:
    """Raise AwardsError unless `user` is the program manager or the president of the edition's jury."""
    if user.has_role(Role.PROGRAM_MANAGER):
        return
    if not JuryMembership.objects.filter(edition_id=edition.pk, juror_id=user.pk, is_president=True).exists():
        raise AwardsError(_("Only the program manager or the jury president can do this."))


def require_screening_staff(user) -> None:
    if not (user.has_role(Role.PROGRAM_OFFICER) or user.has_role(Role.PROGRAM_MANAGER)):
        raise AwardsError(_("Only a program officer can screen nominations."))


def lock_edition(edition: PrizeEdition) -> PrizeEdition:
    return PrizeEdition.objects.select_for_update().get(pk=edition.pk)


def lock_nomination(nomination: Nomination) -> Nomination:
    # of=("self",) locks only the nomination row, not the edition and category joined for reading.
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("edition", "category", "nominator")
        .get(pk=nomination.pk)
    )


def membership_of(edition_id: int, user) -> JuryMembership | None:
    return JuryMembership.objects.filter(edition_id=edition_id, juror=user).first()


def run_transition(subject, method: str, code: str, *, actor, reason: str = "", fields=()) -> None:
    """Run the FSM transition `method` on a locked object, save the state with `fields`, and log it."""
    source = subject.state
    getattr(subject, method)()
    subject.save(update_fields=["state", "updated_at", *fields])
    record_transition(subject=subject, transition=code, source=source, target=subject.state, actor=actor, reason=reason)


def log_event(subject, code: str, *, actor, reason: str = "") -> None:
    """Log an event that changes no state (consent, decisions) on the subject's timeline."""
    state = getattr(subject, "state", "")
    record_transition(subject=subject, transition=code, source=state, target=state, actor=actor, reason=reason)


def notify_nominator(nomination: Nomination, *, event: str, key: str, template: str, context: dict | None = None):
    """Queue a notification to the nominator after commit; `key` makes it unique for that event.

    The edition title and category name go into the context in the nominator's language.
    """
    recipient = nomination.nominator
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        names = {"edition": nomination.edition.title, "category": nomination.category.name}
    return notify(
        recipient=recipient,
        event=event,
        key=key,
        template=template,
        context={"nominee": nomination.nominee_name, **names, **(context or {})},
        subject=nomination,
        link=nomination_path(nomination),
    )
