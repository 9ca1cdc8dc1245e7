"""Due date reminders to reviewers, their task and command, and the list of late assignments."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from common.models import Notification
from reviews import reminders, services, tasks
from reviews.models import ReviewAssignment
from tests.reviews.conftest import accept, assign, make_under_review, submitted_review

pytestmark = pytest.mark.django_db


def reminders_of(assignment) -> list[str]:
    return sorted(
        Notification.objects.filter(event="reviews.reminder", object_id=str(assignment.pk)).values_list(
            "idempotency_key", flat=True
        )
    )


def run(on: date, callbacks) -> int:
    with callbacks(execute=True):
        return reminders.send_reminders(today=on)


def test_three_days_before_sends_one_email(assignment, django_capture_on_commit_callbacks, mailoutbox):
    mailoutbox.clear()
    assert run(assignment.due_on - timedelta(days=3), django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [assignment.reviewer.email]
    assert f"/evaluations/affectations/{assignment.pk}/" in mailoutbox[0].body
    assert reminders_of(assignment) == [f"reviews.reminder:{assignment.pk}:soon:{assignment.due_on.isoformat()}"]


def test_running_twice_sends_once(assignment, django_capture_on_commit_callbacks, mailoutbox):
    mailoutbox.clear()
    soon = assignment.due_on - timedelta(days=3)
    run(soon, django_capture_on_commit_callbacks)
    assert run(soon, django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 1


def test_due_date_sends_the_second_kind(accepted, django_capture_on_commit_callbacks, mailoutbox):
    run(accepted.due_on - timedelta(days=3), django_capture_on_commit_callbacks)
    mailoutbox.clear()
    assert run(accepted.due_on, django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1
    notification = Notification.objects.get(idempotency_key__contains=":today:")
    assert notification.context == {
        "kind": "today",
        "reference": accepted.application.reference,
        "due_on": accepted.due_on.isoformat(),
    }


@pytest.mark.parametrize("days_before", [1, 2, 4, -1])
def test_other_days_send_nothing(assignment, django_capture_on_commit_callbacks, days_before):
    assert run(assignment.due_on - timedelta(days=days_before), django_capture_on_commit_callbacks) == 0
    assert reminders_of(assignment) == []


def test_submitted_and_declined_assignments_are_not_reminded(
    accepted, under_review, other_reviewer, officer, django_capture_on_commit_callbacks
):
    submitted = submitted_review(accepted)
    declined = assign(under_review, other_reviewer, officer)
    services.decline_assignment(assignment=declined, actor=other_reviewer, reason="En congé.")
    assert run(submitted.due_on - timedelta(days=3), django_capture_on_commit_callbacks) == 0
    assert run(submitted.due_on, django_capture_on_commit_callbacks) == 0


def test_a_new_due_date_is_reminded_again(assignment, django_capture_on_commit_callbacks):
    run(assignment.due_on - timedelta(days=3), django_capture_on_commit_callbacks)
    later = assignment.due_on + timedelta(days=7)
    ReviewAssignment.objects.filter(pk=assignment.pk).update(due_on=later)
    assert run(later - timedelta(days=3), django_capture_on_commit_callbacks) == 1


def test_uses_the_local_date_not_the_utc_date(officer, reviewer, monkeypatch, django_capture_on_commit_callbacks):
    # On 2027-03-14, the day Montréal moves to daylight time, 03:30 UTC is still 22:30 on the 13th there.
    under_review = make_under_review(officer)
    assignment = services.assign_reviewer(
        application=under_review, reviewer=reviewer, due_on=date(2027, 3, 16), actor=officer
    )
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 3, 14, 3, 30, tzinfo=UTC))
    assert timezone.localdate() == date(2027, 3, 13)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders() == 1
    assert reminders_of(assignment) == [f"reviews.reminder:{assignment.pk}:soon:2027-03-16"]


def test_task_and_command(assignment, monkeypatch, capsys, django_capture_on_commit_callbacks):
    monkeypatch.setattr(reminders.timezone, "localdate", lambda: assignment.due_on)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_review_reminders() == 1
    call_command("remind_reviewers")
    assert capsys.readouterr().out.strip() == "0 reminders sent."
    assert len(reminders_of(assignment)) == 1


def test_late_assignments(accepted, under_review, other_reviewer, officer):
    pending = assign(under_review, other_reviewer, officer)
    other_call_file = make_under_review(officer)
    accept(assign(other_call_file, other_reviewer, officer))
    after_due = accepted.due_on + timedelta(days=1)
    assert list(reminders.late_assignments(today=after_due)) == list(ReviewAssignment.objects.order_by("due_on", "pk"))
    assert list(reminders.late_assignments(under_review.call, today=after_due)) == [accepted, pending]
    assert list(reminders.late_assignments(under_review.call, today=accepted.due_on)) == []
    submitted_review(accepted)
    assert list(reminders.late_assignments(under_review.call, today=after_due)) == [pending]
