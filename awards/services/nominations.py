"""Every write a nominator makes: drafts, support documents, submission, completion and withdrawal."""

import hashlib
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import (
    MAX_DOCUMENTS,
    Category,
    DocumentKind,
    EditionState,
    Nomination,
    NominationDocument,
    NominationState,
    PrizeEdition,
)
from awards.services.base import AlreadyDone, AwardsError, lock_nomination, log_event, notify_nominator, run_transition
from awards.services.consent import issue_consent_request
from common.audit import record_transition
from common.files import ALLOWED_TYPES, detect_file_type
from common.regions import AdministrativeRegion
from common.templatetags.formats import long_datetime
from common.text import normalize_text

logger = logging.getLogger(__name__)

# Fields a nominator fills in, with the kind of value each takes in save_nomination.
TEXT_FIELDS = (
    "nominee_name",
    "nominee_email",
    "nominee_phone",
    "nominee_organization",
    "nominator_phone",
    "nominator_relationship",
    "actions",
    "reach",
)
CHOICE_FIELDS = ("nominee_language", "region")
EDITABLE_FIELDS = {*TEXT_FIELDS, *CHOICE_FIELDS, "is_self_nomination", "people_reached", "category"}
# A change to one of these means another person, whose consent must be asked again.
NOMINEE_IDENTITY_FIELDS = ("nominee_name", "nominee_email")


def start_nomination(*, edition: PrizeEdition, category: Category, actor) -> Nomination:
    """Open a draft nomination in `category` while nominations are open. Anyone registered may nominate.

    Side effects, in order: the nomination row, a history entry.
    """
    if not actor.is_authenticated or not actor.email_verified:
        raise AwardsError(_("Verify your e-mail address before proposing a candidate."))
    edition = PrizeEdition.objects.get(pk=edition.pk)
    if category.edition_id != edition.pk:
        raise AwardsError(_("This category belongs to another edition."))
    if not edition.is_accepting_nominations():
        raise AwardsError(_("This edition does not accept nominations now."))
    with transaction.atomic():
        nomination = Nomination.objects.create(edition=edition, category=category, nominator=actor)
        record_transition(
            subject=nomination, transition="awards.nomination.created", source="", target=nomination.state, actor=actor
        )
    return nomination


def _editable(nomination: Nomination, actor) -> Nomination:
    """Lock the nomination for an edit by its nominator, or raise when it is not open to them."""
    nomination = lock_nomination(nomination)
    if nomination.nominator_id != actor.pk:
        raise AwardsError(_("Only the nominator can change this nomination."))
    if nomination.state == NominationState.DRAFT:
        if nomination.edition.state != EditionState.NOMINATIONS_OPEN:
            raise AwardsError(_("Nominations are closed; this draft can no longer change."))
        return nomination
    if nomination.state == NominationState.INCOMPLETE:
        return nomination
    raise AwardsError(_("This nomination was submitted and can no longer change."))


def _clean_value(name: str, value):
    if name in TEXT_FIELDS:
        return normalize_text(value)
    if name == "nominee_language":
        return value or "fr"
    if name == "region":
        if value and value not in AdministrativeRegion.values:
            raise AwardsError(_("Choose an administrative region from the list."))
        return value or ""
    if name == "is_self_nomination":
        return bool(value)
    if name == "people_reached":
        if value in (None, ""):
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise AwardsError(_("The number of people reached must be a whole number, 0 or more."))
        return value
    return value


def save_nomination(*, nomination: Nomination, actor, data: dict) -> Nomination:
    """Save part or all of a draft (or of a nomination sent back for completion); missing keys stay unchanged.

    Text is stored NFC-normalised. The category may change only in a draft, within the same edition.
    Changing the nominee's name or e-mail address clears any consent given for the previous person.
    """
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"save_nomination got unknown fields {sorted(unknown)}; allowed: {sorted(EDITABLE_FIELDS)}.")
    with transaction.atomic():
        nomination = _editable(nomination, actor)
        changed = []
        for name, raw in data.items():
            if name == "category":
                if raw.pk == nomination.category_id:
                    continue
                if nomination.state != NominationState.DRAFT:
                    raise AwardsError(_("The category can change only before submission."))
                if raw.edition_id != nomination.edition_id:
                    raise AwardsError(_("This category belongs to another edition."))
                nomination.category = raw
                changed.append("category")
                continue
            value = _clean_value(name, raw)
            if getattr(nomination, name) != value:
                setattr(nomination, name, value)
                changed.append(name)
        if any(name in changed for name in NOMINEE_IDENTITY_FIELDS) and _has_consent_trace(nomination):
            _reset_consent(nomination, actor=actor)
        if changed:
            nomination.save(update_fields=[*changed, "updated_at"])
    return nomination


def _has_consent_trace(nomination: Nomination) -> bool:
    return bool(nomination.consent_token_hash or nomination.consent_given_at or nomination.consent_refused_at)


def _reset_consent(nomination: Nomination, *, actor) -> None:
    nomination.consent_token_hash = ""
    nomination.consent_requested_at = None
    nomination.consent_requested_email = ""
    nomination.consent_given_at = None
    nomination.consent_refused_at = None
    nomination.save(
        update_fields=[
            "consent_token_hash",
            "consent_requested_at",
            "consent_requested_email",
            "consent_given_at",
            "consent_refused_at",
            "updated_at",
        ]
    )
    log_event(nomination, "awards.nomination.consent_reset", actor=actor)


def add_document(*, nomination: Nomination, actor, kind: str, upload) -> NominationDocument:
    """Store a support document (already checked by the form's PrivateFileField) under a random name.

    A nomination holds at most MAX_DOCUMENTS documents; the nomination row is locked, so two uploads at
    once cannot pass the limit together.
    """
    if kind not in DocumentKind.values:
        raise AwardsError(_("Choose whether the document is a support letter or another document."))
    with transaction.atomic():
        nomination = _editable(nomination, actor)
        if nomination.documents.count() >= MAX_DOCUMENTS:
            raise AwardsError(
                _("A nomination holds at most %(max)d documents; remove one before adding another.")
                % {"max": MAX_DOCUMENTS}
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        file_type = detect_file_type(upload)
        document = NominationDocument.objects.create(
            nomination=nomination,
            kind=kind,
            file=upload,
            filename=normalize_text(upload.name)[:255],
            content_type=ALLOWED_TYPES[file_type].mime_type if file_type else "application/octet-stream",
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
    return document


def remove_document(*, document: NominationDocument, actor) -> None:
    with transaction.atomic():
        _editable(document.nomination, actor)
        stored = document.file
        document.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: stored.delete(save=False))


def nomination_problems(nomination: Nomination) -> list[str]:
    """Return what is missing before the nomination can be submitted, one sentence per problem."""
    problems = []
    if not nomination.nominee_name:
        problems.append(_("Enter the nominee's name."))
    if not nomination.nominee_email:
        problems.append(_("Enter the nominee's e-mail address."))
    if not nomination.actions:
        problems.append(_("Describe the nominee's actions."))
    if not nomination.reach:
        problems.append(_("Describe the reach of the actions: benefits and people reached."))
    if nomination.people_reached is None:
        problems.append(_("Enter the number of people reached, an estimate if needed."))
    documents = list(nomination.documents.values_list("kind", flat=True))
    if DocumentKind.SUPPORT_LETTER not in documents:
        problems.append(_("Attach at least one support letter."))
    if len(documents) > MAX_DOCUMENTS:
        problems.append(_("Keep at most %(max)d documents.") % {"max": MAX_DOCUMENTS})
    return problems


def _window_error(edition: PrizeEdition, now) -> str:
    if now < edition.nominations_open_at:
        return _("Nominations open on %(start)s (Montréal time).") % {
            "start": long_datetime(edition.nominations_open_at)
        }
    return _("The nomination deadline was %(deadline)s (Montréal time); the nomination can no longer be submitted.") % {
        "deadline": long_datetime(edition.nominations_close_at)
    }


def _needs_consent_request(nomination: Nomination) -> bool:
    return (
        nomination.requires_consent
        and nomination.consent_given_at is None
        and nomination.consent_refused_at is None
        and nomination.consent_requested_email != nomination.nominee_email
    )


def submit_nomination(*, nomination: Nomination, actor, now=None) -> Nomination:
    """Submit a complete draft inside the nomination window.

    Side effects, in order: the state change and its history entry, then a consent request when the category
    requires consent and the nominee has not been asked yet. After commit, the consent e-mail and the receipt
    e-mail to the nominator go out. A second identical request raises AlreadyDone and changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        if nomination.nominator_id != actor.pk:
            raise AwardsError(_("Only the nominator can submit this nomination."))
        if nomination.state != NominationState.DRAFT:
            if nomination.submitted_at is not None:
                raise AlreadyDone(
                    _("This nomination was already submitted on %(when)s.")
                    % {"when": long_datetime(nomination.submitted_at)}
                )
            raise AwardsError(_("This nomination can no longer be submitted."))
        if not nomination.edition.is_accepting_nominations(now):
            raise AwardsError(_window_error(nomination.edition, now))
        problems = nomination_problems(nomination)
        if problems:
            raise AwardsError(_("The nomination is not complete: %(problems)s") % {"problems": " ".join(problems)})
        nomination.submitted_at = now
        run_transition(nomination, "submit", "awards.nomination.submitted", actor=actor, fields=["submitted_at"])
        if _needs_consent_request(nomination):
            issue_consent_request(nomination, actor=actor)
        notify_nominator(
            nomination,
            event="awards.nomination_submitted",
            key=f"awards.nomination_submitted:{nomination.pk}",
            template="emails/awards/nomination_submitted",
            context={"requires_consent": nomination.requires_consent and not nomination.has_consent},
        )
    logger.info("Nomination %s submitted by user %s.", nomination.pk, actor.pk)
    return nomination


def resubmit_nomination(*, nomination: Nomination, actor) -> Nomination:
    """Send a nomination completed after a completion request back to screening; the window does not apply.

    Side effects, in order: the state change and its history entry, then after commit an e-mail to the nominator.
    """
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        if nomination.nominator_id != actor.pk:
            raise AwardsError(_("Only the nominator can send this nomination again."))
        if nomination.state == NominationState.SUBMITTED:
            raise AlreadyDone(_("The completed nomination was already sent."))
        if nomination.state != NominationState.INCOMPLETE:
            raise AwardsError(_("No completion is requested for this nomination."))
        problems = nomination_problems(nomination)
        if problems:
            raise AwardsError(_("The nomination is not complete: %(problems)s") % {"problems": " ".join(problems)})
        items = "\n".join(nomination.incomplete_items)
        nomination.incomplete_items = []
        run_transition(
            nomination,
            "resubmit",
            "awards.nomination.resubmitted",
            actor=actor,
            reason=items,
            fields=["incomplete_items"],
        )
        if _needs_consent_request(nomination):
            issue_consent_request(nomination, actor=actor)
        notify_nominator(
            nomination,
            event="awards.nomination_submitted",
            key=f"awards.nomination_resubmitted:{nomination.pk}:{timezone.now().timestamp()}",
            template="emails/awards/nomination_submitted",
            context={
                "resubmitted": True,
                "requires_consent": nomination.requires_consent and not nomination.has_consent,
            },
        )
    return nomination


def withdraw_nomination(*, nomination: Nomination, actor, reason: str) -> Nomination:
    """Withdraw the nomination at the nominator's request, from draft up to finalist.

    Side effects, in order: the state change and its history entry.
    """
    reason = normalize_text(reason)
    if not reason:
        raise AwardsError(_("Give the reason for withdrawing the nomination."))
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        if nomination.nominator_id != actor.pk:
            raise AwardsError(_("Only the nominator can withdraw this nomination."))
        if nomination.state == NominationState.WITHDRAWN:
            raise AlreadyDone(_("This nomination was already withdrawn."))
        if nomination.state not in NominationState.withdrawable():
            raise AwardsError(_("This nomination can no longer be withdrawn."))
        nomination.withdrawn_at = timezone.now()
        nomination.withdrawal_reason = reason
        run_transition(
            nomination,
            "withdraw",
            "awards.nomination.withdrawn",
            actor=actor,
            reason=reason,
            fields=["withdrawn_at", "withdrawal_reason"],
        )
    return nomination
