from celery import shared_task

from grants import services


@shared_task
def close_expired_calls() -> list[str]:
    """Periodic job: close the calls whose deadline has passed; safe to run at any time and twice."""
    return [call.code for call in services.close_expired_calls()]
