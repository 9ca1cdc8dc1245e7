import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Invitation

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link once; the invitee may have no account yet, so this is no Notification."""
    from accounts.services import make_invitation_token

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organization", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.emailed_at is not None or invitation.accepted_at is not None:
            logger.info("Invitation %s needs no e-mail.", invitation_id)
            return False
        link = settings.SITE_URL + reverse(
            "accounts:accept_invitation", kwargs={"token": make_invitation_token(invitation)}
        )
        context = {"invitation": invitation, "link": link}
        # Invitations go to organizations, whose working language is French.
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("emails/accounts/invitation_subject.txt", context).split())
            body = render_to_string("emails/accounts/invitation.txt", context)
        EmailMultiAlternatives(subject=subject, body=body, to=[invitation.email]).send()
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    logger.info("Invitation %s e-mailed.", invitation_id)
    return True
