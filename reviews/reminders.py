"""E-mail reminders to reviewers before and on the due date, and the list of late assignments."""

import logging
from datetime import date, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationState
from common.models import Notification
from common.notifications import notify
from grants.models import Call
from reviews.models import AssignmentState, ReviewAssignment

logger = logging.getLogger(__name__)

SOON_DAYS = 3
PENDING_STATES = (AssignmentState.ASSIGNED, AssignmentState.ACCEPTED)


def reminder_key(assignment: ReviewAssignment, kind: str) -> str:
    """Return the notification key of one reminder. It contains the due date, so a new due date is reminded again."""
    return f"reviews.reminder:{assignment.pk}:{kind}:{assignment.due_on.isoformat()}"


def send_reminders(*, today: date | None = None) -> int:
    """Remind the reviewers of pending assignments due in SOON_DAYS days (« soon ») or due today (« today »).

    `today` defaults to the local date of TIME_ZONE. Each reminder is a notification with its own key, so a
    second run on the same day sends nothing. The job must run every day: a missed day is not caught up.
    Returns the number of reminders queued by this run.
    """
    today = today or timezone.localdate()
    kinds = {today + timedelta(days=SOON_DAYS): "soon", today: "today"}
    pending = ReviewAssignment.objects.filter(
        state__in=PENDING_STATES,
        due_on__in=list(kinds),
        application__state=ApplicationState.UNDER_REVIEW,
    ).select_related("reviewer", "application")
    sent = 0
    for assignment in pending:
        kind = kinds[assignment.due_on]
        key = reminder_key(assignment, kind)
        if Notification.objects.filter(idempotency_key=key).exists():
            continue
        notify(
            recipient=assignment.reviewer,
            event="reviews.reminder",
            key=key,
            template="emails/reviews/reminder",
            context={
                "kind": kind,
                "reference": assignment.application.reference,
                "due_on": assignment.due_on.isoformat(),
            },
            subject=assignment,
            link=reverse("reviews:assignment", kwargs={"pk": assignment.pk}),
        )
        sent += 1
    logger.info("%d review reminder(s) queued for %s.", sent, today.isoformat())
    return sent


def late_assignments(call: Call | None = None, *, today: date | None = None) -> QuerySet[ReviewAssignment]:
    """Return the pending assignments whose due date has passed, oldest due date first, optionally of one call."""
    today = today or timezone.localdate()
    late = ReviewAssignment.objects.filter(
        state__in=PENDING_STATES,
        due_on__lt=today,
        application__state=ApplicationState.UNDER_REVIEW,
    )
    if call is not None:
        late = late.filter(application__call=call)
    return late.select_related("reviewer", "application").order_by("due_on", "pk")
