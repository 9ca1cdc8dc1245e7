"""Celery discovers the tasks of the common app through this module."""

from common.documents import generate_document_task
from common.exports import build_export_task
from common.notifications import send_notification_email

__all__ = ["build_export_task", "generate_document_task", "send_notification_email"]
