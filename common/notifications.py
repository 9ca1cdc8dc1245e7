"""In-app notifications, each with at most one e-mail copy, rendered in the recipient's language."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient,
    event: str,
    key: str,
    template: str,
    context: dict | None = None,
    subject: models.Model | None = None,
    link: str = "",
) -> Notification:
    """Record a notification for `recipient` and queue its e-mail after the current transaction commits.

    `key` identifies the event for this recipient: a second call with the same key returns the first
    notification and queues nothing. `template` names `<template>_subject.txt`, `<template>.txt` and,
    when present, `<template>.html`; `context` must be JSON-serialisable because the task renders later.
    """
    notification, created = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "recipient": recipient,
            "event": event,
            "template": template,
            "context": context or {},
            "link": link,
            "content_type": ContentType.objects.get_for_model(subject) if subject is not None else None,
            "object_id": str(subject.pk) if subject is not None else "",
        },
    )
    if created:
        send_notification_email.delay_on_commit(notification.pk)
    return notification


def render_notification(notification: Notification) -> tuple[str, str, str | None]:
    """Render subject, text body and optional HTML body in the recipient's preferred language."""
    context = {
        **notification.context,
        "recipient": notification.recipient,
        "link": f"{settings.SITE_URL}{notification.link}" if notification.link.startswith("/") else notification.link,
        "SITE_URL": settings.SITE_URL,
    }
    with translation.override(notification.recipient.preferred_language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{notification.template}_subject.txt", context).split())
        body = render_to_string(f"{notification.template}.txt", context)
        try:
            html = render_to_string(f"{notification.template}.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, body, html


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(self, notification_id: int) -> bool:
    """E-mail one notification unless it was already e-mailed; safe to run twice."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None:
            logger.warning("Notification %s not found; nothing sent.", notification_id)
            return False
        if notification.emailed_at is not None:
            logger.info("Notification %s was already e-mailed; nothing sent.", notification_id)
            return False
        subject, body, html = render_notification(notification)
        message = EmailMultiAlternatives(subject=subject, body=body, to=[notification.recipient.email])
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    logger.info("Notification %s e-mailed to user %s.", notification_id, notification.recipient_id)
    return True


def mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
