from celery import shared_task

from awards.reminders import send_juror_reminders as send_reminders
from awards.services import close_expired_nomination_windows as close_expired


@shared_task
def send_juror_reminders() -> int:
    """Periodic job: remind jurors of round due dates; safe to run twice a day."""
    return send_reminders()


@shared_task
def close_expired_nomination_windows() -> int:
    """Periodic job: close the nominations of editions whose deadline passed; safe to run twice."""
    return len(close_expired())
