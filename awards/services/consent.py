"""The nominee's consent: the e-mailed link, and giving, refusing or withdrawing consent through it.

The link carries a random token; only its SHA-256 is stored, so a copy of the database cannot act for the
nominee. The token is therefore never passed to Celery, whose broker and result backend would store it:
the e-mail is sent by an on_commit callback in the process that created the token.
"""

import hashlib
import logging
import secrets
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.links import consent_path
from awards.models import Nomination, NominationState
from awards.services.base import (
    AlreadyDone,
    AwardsError,
    lock_nomination,
    log_event,
    notify_nominator,
    run_transition,
)
from common.templatetags.formats import long_datetime
from common.text import normalize_text

logger = logging.getLogger(__name__)

# A new request to the same address waits this long, so that the nominee is not flooded with e-mails.
CONSENT_RESEND_DELAY = timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_consent_email(*, nomination_id: int, to: str, language: str, context: dict) -> None:
    with translation.override(language):
        subject = " ".join(render_to_string("emails/awards/consent_request_subject.txt", context).split())
        body = render_to_string("emails/awards/consent_request.txt", context)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    except (SMTPException, OSError):
        # The nomination is saved; the nominator can send the request again from the nomination page.
        logger.exception("Consent request for nomination %s could not be e-mailed.", nomination_id)
        return
    logger.info("Consent request for nomination %s e-mailed.", nomination_id)


def issue_consent_request(nomination: Nomination, *, actor) -> None:
    """Give the locked nomination a new consent token and e-mail its link to the nominee after commit.

    A new token replaces the previous one, so only the latest link works.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    nomination.consent_token_hash = hash_token(token)
    nomination.consent_requested_at = now
    nomination.consent_requested_email = nomination.nominee_email
    nomination.save(
        update_fields=["consent_token_hash", "consent_requested_at", "consent_requested_email", "updated_at"]
    )
    log_event(nomination, "awards.nomination.consent_requested", actor=actor, reason=nomination.nominee_email)
    context = {
        "nominee": nomination.nominee_name,
        "nominator": nomination.nominator.get_full_name(),
        "is_self_nomination": nomination.is_self_nomination,
        "year": nomination.edition.year,
        "link": f"{settings.SITE_URL}{consent_path(token)}",
    }
    with translation.override(nomination.nominee_language or settings.LANGUAGE_CODE):
        context["category"] = nomination.category.name
        context["edition"] = nomination.edition.title
    transaction.on_commit(
        lambda: _send_consent_email(
            nomination_id=nomination.pk,
            to=nomination.nominee_email,
            language=nomination.nominee_language or settings.LANGUAGE_CODE,
            context=context,
        )
    )


def send_consent_request(*, nomination: Nomination, actor, now=None) -> Nomination:
    """E-mail the nominee a link to give or refuse consent (categories that require it), on the nominator's request.

    Side effects, in order: a new token hash on the nomination, a history entry, then after commit the e-mail.
    A request to the same address less than CONSENT_RESEND_DELAY after the previous one raises AlreadyDone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        if nomination.nominator_id != actor.pk:
            raise AwardsError(_("Only the nominator can ask the nominee for consent."))
        if not nomination.requires_consent:
            raise AwardsError(_("This category does not require the nominee's consent."))
        if nomination.state not in NominationState.before_screening_decision():
            raise AwardsError(_("Consent can be requested only before the nomination is screened."))
        if nomination.consent_given_at is not None:
            raise AlreadyDone(_("The nominee already gave consent."))
        if nomination.consent_refused_at is not None:
            raise AwardsError(
                _("The nominee refused consent on %(when)s; the nomination cannot go ahead without it.")
                % {"when": long_datetime(nomination.consent_refused_at)}
            )
        if not nomination.nominee_email:
            raise AwardsError(_("Enter the nominee's e-mail address first."))
        last = nomination.consent_requested_at
        if (
            last is not None
            and nomination.consent_requested_email == nomination.nominee_email
            and now - last < CONSENT_RESEND_DELAY
        ):
            raise AlreadyDone(
                _("A consent request was sent to %(email)s on %(when)s. Wait an hour before sending another one.")
                % {"email": nomination.nominee_email, "when": long_datetime(last)}
            )
        issue_consent_request(nomination, actor=actor)
    return nomination


def _lock_by_token(token: str) -> Nomination:
    digest = hash_token(token or "")
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("edition", "category", "nominator")
        .filter(consent_token_hash=digest)
        .first()
    )
    if nomination is None or not token:
        raise AwardsError(
            _(
                "This consent link is not valid. Use the latest link you received by e-mail, "
                "or contact the program team."
            )
        )
    return nomination


def give_consent(*, token: str) -> Nomination:
    """Record the nominee's consent, given through the e-mailed link; a refusal may still be changed to consent.

    Side effects, in order: the consent time, a history entry, then after commit an e-mail to the nominator.
    """
    with transaction.atomic():
        nomination = _lock_by_token(token)
        if nomination.consent_withdrawn_at is not None or nomination.state == NominationState.WITHDRAWN:
            raise AwardsError(_("This nomination was withdrawn; there is nothing to consent to."))
        if nomination.consent_given_at is not None:
            raise AlreadyDone(
                _("You already gave your consent on %(when)s.") % {"when": long_datetime(nomination.consent_given_at)}
            )
        if nomination.state not in NominationState.before_screening_decision():
            raise AwardsError(_("This nomination was already screened; consent can no longer be given."))
        nomination.consent_given_at = timezone.now()
        nomination.consent_refused_at = None
        nomination.save(update_fields=["consent_given_at", "consent_refused_at", "updated_at"])
        log_event(nomination, "awards.nomination.consent_given", actor=None, reason=_("Through the e-mailed link."))
        notify_nominator(
            nomination,
            event="awards.consent_given",
            key=f"awards.consent_given:{nomination.pk}:{nomination.consent_given_at.isoformat()}",
            template="emails/awards/consent_given",
        )
    return nomination


def refuse_consent(*, token: str) -> Nomination:
    """Record the nominee's refusal. The nomination stays, but it cannot be declared eligible without consent.

    Side effects, in order: the refusal time, a history entry, then after commit an e-mail to the nominator.
    Once consent is given, the nominee withdraws it instead (withdraw_consent).
    """
    with transaction.atomic():
        nomination = _lock_by_token(token)
        if nomination.consent_withdrawn_at is not None:
            raise AlreadyDone(
                _("You already withdrew your consent on %(when)s.")
                % {"when": long_datetime(nomination.consent_withdrawn_at)}
            )
        if nomination.consent_refused_at is not None:
            raise AlreadyDone(
                _("You already refused on %(when)s.") % {"when": long_datetime(nomination.consent_refused_at)}
            )
        if nomination.consent_given_at is not None:
            raise AwardsError(_("You already gave your consent; to change your mind, withdraw it."))
        if nomination.state not in NominationState.before_screening_decision():
            raise AwardsError(_("This nomination is closed; there is nothing to refuse."))
        nomination.consent_refused_at = timezone.now()
        nomination.save(update_fields=["consent_refused_at", "updated_at"])
        log_event(nomination, "awards.nomination.consent_refused", actor=None, reason=_("Through the e-mailed link."))
        notify_nominator(
            nomination,
            event="awards.consent_refused",
            key=f"awards.consent_refused:{nomination.pk}:{nomination.consent_refused_at.isoformat()}",
            template="emails/awards/consent_refused",
        )
    return nomination


def withdraw_consent(*, token: str, reason: str = "") -> Nomination:
    """Record the withdrawal of a consent given earlier, which withdraws the nomination.

    A nomination past the point where it can be withdrawn (laureate, not retained, ineligible) keeps its
    state, but its nominee's name is never published again: public pages show only consenting nominees.
    Side effects, in order: the withdrawal time, the nomination's withdrawal and history entries, then after
    commit an e-mail to the nominator.
    """
    reason = normalize_text(reason)
    with transaction.atomic():
        nomination = _lock_by_token(token)
        if nomination.consent_withdrawn_at is not None:
            raise AlreadyDone(
                _("You already withdrew your consent on %(when)s.")
                % {"when": long_datetime(nomination.consent_withdrawn_at)}
            )
        if nomination.consent_given_at is None:
            raise AwardsError(_("You have not given your consent, so there is nothing to withdraw."))
        now = timezone.now()
        nomination.consent_withdrawn_at = now
        nomination.save(update_fields=["consent_withdrawn_at", "updated_at"])
        log_event(nomination, "awards.nomination.consent_withdrawn", actor=None, reason=reason)
        if nomination.state in NominationState.withdrawable():
            nomination.withdrawn_at = now
            nomination.withdrawal_reason = reason or _("The nominee withdrew consent.")
            run_transition(
                nomination,
                "withdraw",
                "awards.nomination.withdrawn",
                actor=None,
                reason=nomination.withdrawal_reason,
                fields=["withdrawn_at", "withdrawal_reason"],
            )
        notify_nominator(
            nomination,
            event="awards.consent_withdrawn",
            key=f"awards.consent_withdrawn:{nomination.pk}",
            template="emails/awards/consent_withdrawn",
            context={"withdrawn": nomination.state == NominationState.WITHDRAWN},
        )
    return nomination
