from celery import shared_task

from payments import installments, reports


@shared_task
def send_report_reminders() -> int:
    """Periodic job: remind organizations of their reports' due dates. Safe to run twice a day."""
    return reports.send_report_reminders()


@shared_task
def notify_due_installments() -> int:
    """Periodic job: tell the finance officers about installments that became due. Safe to run twice."""
    return installments.notify_due_installments()
