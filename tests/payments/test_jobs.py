"""The periodic jobs of payments: report reminders and due installments, with their tasks and commands.

Both jobs take the Montréal local date of `now`, so the tests give instants in UTC around the changes of
time (14 March and 7 November 2027) and around local midnight at the end of the fiscal year.
"""

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from common.models import Notification
from config.celery import app
from grants.models import Envelope
from payments import installments, reports, services, tasks
from payments.models import InstallmentState, ReportKind
from tests.applications.factories import ensure_call_setup
from tests.factories import CallFactory, MembershipFactory
from tests.payments.conftest import activate, approved_agreement, fill_and_submit

pytestmark = pytest.mark.django_db

REMINDER = "payments.report_reminder"
DUE = "payments.installment_due"


def local_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def remind(now: datetime, callbacks) -> int:
    with callbacks(execute=True):
        return reports.send_report_reminders(now=now)


def reminders_of(report) -> list[str]:
    """The reminder kinds sent for `report`, one per kind and due date, whatever the number of members."""
    keys = Notification.objects.filter(event=REMINDER, object_id=str(report.agreement_id)).values_list(
        "idempotency_key", flat=True
    )
    prefix = f"{REMINDER}:{report.pk}:"
    return sorted({key.removeprefix(prefix).rsplit(":", 1)[0] for key in keys if key.startswith(prefix)})


def progress_report(agreement, number=1):
    return agreement.reports.get(kind=ReportKind.PROGRESS, number=number)


@pytest.fixture
def early_call(db):
    """A call whose envelopes also cover past fiscal years, for projects that started before today."""
    call = CallFactory(passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    for start_year in range(2020, 2032):
        Envelope.objects.create(call=call, fiscal_year=f"{start_year}-{start_year + 1}", amount=Decimal("10000000"))
    ensure_call_setup(call)
    return call


@pytest.fixture
def past_agreement(early_call, officer, decision_maker):
    """An active two-year agreement started in 2024, whose three reports were due before today.

    Extending a due date is the only way to move a report to a chosen date, and the new date cannot be
    before today, so the tests move these reports to the dates they need.
    """
    agreement = approved_agreement(
        ("40000", "30000"), starts_on=date(2024, 1, 1), call=early_call, decision_maker=decision_maker
    )
    return activate(agreement, officer, decision_maker)


def move(report, due_on: date, officer):
    return reports.extend_due_date(report=report, actor=officer, due_on=due_on, reason="Délai accordé.")


# Report reminders


@pytest.mark.parametrize(("days_before", "kind"), [(30, "30_days"), (7, "7_days"), (-1, "overdue")])
def test_reminder_sent_once_on_its_day(
    active_agreement, days_before, kind, django_capture_on_commit_callbacks, mailoutbox
):
    MembershipFactory(organization=active_agreement.application.organization)
    report = progress_report(active_agreement)
    now = local_noon(report.due_on - timedelta(days=days_before))

    assert remind(now, django_capture_on_commit_callbacks) == 1
    assert reminders_of(report) == [f"{kind}:{report.due_on.isoformat()}"]
    assert len(mailoutbox) == 2

    assert remind(now, django_capture_on_commit_callbacks) == 0
    assert remind(now + timedelta(hours=10), django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 2


def test_reminders_through_the_life_of_a_report(active_agreement, django_capture_on_commit_callbacks):
    report = progress_report(active_agreement)
    for day in range(-40, 10):
        remind(local_noon(report.due_on + timedelta(days=day)), django_capture_on_commit_callbacks)
    due = report.due_on.isoformat()
    assert reminders_of(report) == [f"30_days:{due}", f"7_days:{due}", f"overdue:{due}"]


@pytest.mark.parametrize("days_before", [31, 29, 8, 6, 1, 0, -2])
def test_no_reminder_on_other_days(active_agreement, days_before, django_capture_on_commit_callbacks):
    report = progress_report(active_agreement)
    assert remind(local_noon(report.due_on - timedelta(days=days_before)), django_capture_on_commit_callbacks) == 0


def test_submitted_and_accepted_reports_not_reminded(active_agreement, officer, django_capture_on_commit_callbacks):
    report = progress_report(active_agreement)
    fill_and_submit(report)
    assert remind(local_noon(report.due_on - timedelta(days=7)), django_capture_on_commit_callbacks) == 0

    reports.accept_report(report=report, actor=officer)
    assert remind(local_noon(report.due_on + timedelta(days=1)), django_capture_on_commit_callbacks) == 0
    assert reminders_of(report) == []


def test_revision_requested_report_is_reminded(active_agreement, officer, django_capture_on_commit_callbacks):
    report = progress_report(active_agreement)
    fill_and_submit(report)
    reports.request_revision(report=report, actor=officer, comments="Précisez les dépenses.")
    assert remind(local_noon(report.due_on + timedelta(days=1)), django_capture_on_commit_callbacks) == 1


def test_draft_agreement_not_reminded(agreement, django_capture_on_commit_callbacks):
    report = progress_report(agreement)
    for days_before in (30, 7, -1):
        now = local_noon(report.due_on - timedelta(days=days_before))
        assert remind(now, django_capture_on_commit_callbacks) == 0


def test_terminated_agreement_not_reminded(active_agreement, decision_maker, django_capture_on_commit_callbacks):
    services.terminate_agreement(
        agreement=active_agreement, actor=decision_maker, reason="Projet abandonné.", eligible_expenses=Decimal("0")
    )
    report = progress_report(active_agreement)
    for days_before in (30, 7, -1):
        now = local_noon(report.due_on - timedelta(days=days_before))
        assert remind(now, django_capture_on_commit_callbacks) == 0


def test_extended_due_date_reminded_again(past_agreement, officer, django_capture_on_commit_callbacks):
    first_due = date(2027, 5, 3)
    report = move(progress_report(past_agreement), first_due, officer)
    assert remind(local_noon(first_due - timedelta(days=7)), django_capture_on_commit_callbacks) == 1

    later_due = first_due + timedelta(days=10)
    move(report, later_due, officer)
    # The old due date has passed without the report, but it is no longer the due date: no overdue reminder.
    assert remind(local_noon(first_due + timedelta(days=1)), django_capture_on_commit_callbacks) == 0
    assert remind(local_noon(later_due - timedelta(days=7)), django_capture_on_commit_callbacks) == 1
    assert reminders_of(report) == [f"7_days:{first_due.isoformat()}", f"7_days:{later_due.isoformat()}"]


@pytest.mark.parametrize(
    ("instant", "local_day"),
    [
        # 14 March 2027: Montréal moves from UTC−5 to UTC−4 at 2:00 local time.
        (datetime(2027, 3, 14, 4, 30, tzinfo=UTC), date(2027, 3, 13)),
        (datetime(2027, 3, 14, 6, 30, tzinfo=UTC), date(2027, 3, 14)),
        (datetime(2027, 3, 15, 3, 30, tzinfo=UTC), date(2027, 3, 14)),
        # 7 November 2027: back from UTC−4 to UTC−5 at 2:00 local time, so 1:30 happens twice.
        (datetime(2027, 11, 7, 3, 30, tzinfo=UTC), date(2027, 11, 6)),
        (datetime(2027, 11, 7, 5, 30, tzinfo=UTC), date(2027, 11, 7)),
        (datetime(2027, 11, 7, 6, 30, tzinfo=UTC), date(2027, 11, 7)),
        (datetime(2027, 11, 8, 4, 30, tzinfo=UTC), date(2027, 11, 7)),
    ],
)
def test_reminders_use_local_date_across_dst(
    past_agreement, officer, instant, local_day, django_capture_on_commit_callbacks
):
    assert timezone.localdate(instant) == local_day
    on_local_day = move(progress_report(past_agreement, 1), local_day + timedelta(days=7), officer)
    on_utc_day = move(progress_report(past_agreement, 2), instant.date() + timedelta(days=7), officer)

    reminded = remind(instant, django_capture_on_commit_callbacks)

    assert reminders_of(on_local_day) == [f"7_days:{on_local_day.due_on.isoformat()}"]
    if on_utc_day.due_on != on_local_day.due_on:
        assert reminders_of(on_utc_day) == []
        assert reminded == 1


def test_overdue_uses_local_date_at_fiscal_year_end(past_agreement, officer, django_capture_on_commit_callbacks):
    # 23:30 on 31 March 2027 in Montréal is already 1 April in UTC.
    instant = datetime(2027, 4, 1, 3, 30, tzinfo=UTC)
    due_yesterday = move(progress_report(past_agreement, 1), date(2027, 3, 30), officer)
    due_today = move(progress_report(past_agreement, 2), date(2027, 3, 31), officer)
    due_tomorrow = move(past_agreement.reports.get(kind=ReportKind.FINAL), date(2027, 4, 1), officer)

    assert remind(instant, django_capture_on_commit_callbacks) == 1

    assert reminders_of(due_yesterday) == ["overdue:2027-03-30"]
    assert reminders_of(due_today) == []
    assert reminders_of(due_tomorrow) == []


# Due installments


def due_keys(installment) -> list[str]:
    return sorted(
        Notification.objects.filter(event=DUE, object_id=str(installment.pk)).values_list("idempotency_key", flat=True)
    )


def test_finance_told_once_per_due_installment(
    active_agreement, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    first = active_agreement.installments.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments() == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted([finance.email, second_finance.email])
    assert len(due_keys(first)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments() == 0
    assert len(mailoutbox) == 2


def test_scheduled_and_withheld_installments_not_announced(
    active_agreement, officer, finance, django_capture_on_commit_callbacks
):
    first = active_agreement.installments.get(number=1)
    installments.withhold_installment(installment=first, actor=officer, reason="Rapport en retard.")
    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments() == 0
    assert not Notification.objects.filter(event=DUE).exists()


def test_release_after_withhold_announced_again(
    active_agreement, officer, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    first = active_agreement.installments.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        installments.notify_due_installments()
    installments.withhold_installment(installment=first, actor=officer, reason="Rapport en retard.")
    installments.release_installment(installment=first, actor=officer, reason="Rapport reçu.")
    first.refresh_from_db()
    assert first.state == InstallmentState.DUE

    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments() == 1
    assert len(due_keys(first)) == 4
    assert len(mailoutbox) == 4


def test_installment_due_after_report_accepted_is_announced(
    active_agreement, officer, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        installments.notify_due_installments()
    fill_and_submit(progress_report(active_agreement))
    reports.accept_report(report=progress_report(active_agreement), actor=officer)

    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments() == 1
    assert len(due_keys(active_agreement.installments.get(number=2))) == 1


def test_due_after_now_not_announced_yet(active_agreement, finance, django_capture_on_commit_callbacks):
    became_due_at = active_agreement.installments.get(number=1).became_due_at
    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments(now=became_due_at - timedelta(seconds=1)) == 0
        assert installments.notify_due_installments(now=became_due_at) == 1


# Tasks, commands and the beat schedule


def run_command(name: str) -> str:
    output = io.StringIO()
    call_command(name, stdout=output)
    return output.getvalue().strip()


def test_report_reminders_command_and_task(past_agreement, officer, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    in_thirty_days = move(progress_report(past_agreement, 1), today + timedelta(days=30), officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_command("send_report_reminders") == "1 report reminded."
        assert tasks.send_report_reminders.apply().get() == 0
    assert reminders_of(in_thirty_days) == [f"30_days:{in_thirty_days.due_on.isoformat()}"]

    in_seven_days = move(progress_report(past_agreement, 2), today + timedelta(days=7), officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_report_reminders.apply().get() == 1
        assert run_command("send_report_reminders") == "0 reports reminded."
    assert reminders_of(in_seven_days) == [f"7_days:{in_seven_days.due_on.isoformat()}"]


def test_due_installments_command_and_task(active_agreement, officer, finance, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert run_command("notify_due_installments") == "1 due installment announced to finance."
        assert tasks.notify_due_installments.apply().get() == 0

    fill_and_submit(progress_report(active_agreement))
    reports.accept_report(report=progress_report(active_agreement), actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_due_installments.apply().get() == 1
        assert run_command("notify_due_installments") == "0 due installments announced to finance."


def test_beat_runs_both_jobs_daily():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("payments.tasks.send_report_reminders", "payments.tasks.notify_due_installments"):
        assert name in app.tasks
        assert schedule[name].hour == {7}
    assert settings.CELERY_TIMEZONE == "America/Montreal"
