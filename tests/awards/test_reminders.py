"""Juror reminders 3 days before and on each round's due date, once each, and their task and command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from awards import reminders, services, tasks
from awards.models import PrizeEdition
from common.models import Notification
from tests.awards.conftest import category, eligible, score, start_round1, to_final_vote

pytestmark = pytest.mark.django_db


def reminded(juror) -> list[str]:
    """Return "kind:round" for each reminder of `juror`, read from the notification context."""
    contexts = Notification.objects.filter(event="awards.juror_reminder", recipient=juror).values_list(
        "context", flat=True
    )
    return sorted(f"{context['kind']}:{context['round']}" for context in contexts)


def run(on, callbacks) -> int:
    with callbacks(execute=True):
        return reminders.send_juror_reminders(today=on)


@pytest.fixture
def round1(edition, officer, manager):
    nomination = eligible(edition, officer)
    return start_round1(edition, manager), nomination


def test_round1_reminders_three_days_before_and_on_the_day(
    round1, jurors, django_capture_on_commit_callbacks, mailoutbox
):
    edition, _nomination = round1
    due = edition.round1_due_on
    mailoutbox.clear()

    assert run(due - timedelta(days=3), django_capture_on_commit_callbacks) == 3
    assert run(due - timedelta(days=3), django_capture_on_commit_callbacks) == 0
    assert run(due, django_capture_on_commit_callbacks) == 3
    assert run(due, django_capture_on_commit_callbacks) == 0

    assert reminded(jurors[0]) == ["soon:round1", "today:round1"]
    assert len(mailoutbox) == 6
    assert "/prix/jury/" in mailoutbox[0].body


@pytest.mark.parametrize("days_before", [1, 2, 4, -1])
def test_other_days_send_nothing(round1, django_capture_on_commit_callbacks, days_before):
    edition, _nomination = round1

    assert run(edition.round1_due_on - timedelta(days=days_before), django_capture_on_commit_callbacks) == 0


def test_jurors_done_with_round1_are_not_reminded(round1, jurors, django_capture_on_commit_callbacks):
    edition, nomination = round1
    score(jurors[0], nomination, 7)
    services.declare_conflict(nomination=nomination, juror=jurors[1], has_conflict=True)

    assert run(edition.round1_due_on, django_capture_on_commit_callbacks) == 1
    assert reminded(jurors[2]) == ["today:round1"]
    assert reminded(jurors[0]) == []
    assert reminded(jurors[1]) == []


def test_final_vote_reminders_only_to_jurors_without_ballot(
    edition, officer, manager, jurors, django_capture_on_commit_callbacks
):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    services.submit_ballot(
        category=category(edition, "organisation"),
        juror=jurors[0],
        ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4},
    )

    assert run(edition.final_vote_due_on - timedelta(days=3), django_capture_on_commit_callbacks) == 2
    assert reminded(jurors[0]) == []
    assert reminded(jurors[1]) == ["soon:final_vote"]


def test_closed_vote_is_not_reminded(edition, officer, manager, jurors, django_capture_on_commit_callbacks):
    edition, nominations = to_final_vote(edition, manager, jurors, officer)
    for juror in jurors:
        services.submit_ballot(
            category=category(edition, "organisation"),
            juror=juror,
            ranks={nominations[0].pk: 1, nominations[1].pk: 2, nominations[2].pk: 3, None: 4},
        )
    services.close_vote(edition=edition, actor=manager)

    assert run(edition.final_vote_due_on, django_capture_on_commit_callbacks) == 0


def test_new_due_date_is_reminded_again(round1, jurors, django_capture_on_commit_callbacks):
    edition, _nomination = round1
    run(edition.round1_due_on, django_capture_on_commit_callbacks)
    later = edition.round1_due_on + timedelta(days=5)
    PrizeEdition.objects.filter(pk=edition.pk).update(round1_due_on=later)

    assert run(later, django_capture_on_commit_callbacks) == 3


def test_task_and_command_run_the_same_job(round1, django_capture_on_commit_callbacks):
    assert tasks.send_juror_reminders() == 0
    output = StringIO()
    call_command("remind_jurors", stdout=output)
    assert output.getvalue().strip() in {"0 reminders sent.", "0 rappels envoyés."}


def test_close_windows_command(edition):
    output = StringIO()
    call_command("close_nomination_windows", stdout=output)

    assert output.getvalue().strip() in {"0 editions closed.", "0 éditions fermées."}
    assert tasks.close_expired_nomination_windows() == 0
