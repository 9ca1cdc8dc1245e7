from celery import shared_task

from reviews.reminders import send_reminders


@shared_task
def send_review_reminders() -> int:
    """Periodic job: remind reviewers of due dates; safe to run twice a day."""
    return send_reminders()
