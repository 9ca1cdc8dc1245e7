"""Submission from the review page: reference numbers, the deadline, extensions, and double or parallel submits."""

import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from applications.checks import application_problems
from applications.models import Application, ApplicationState, CallSequence
from common.models import Document, TransitionLog
from common.templatetags.formats import long_datetime
from tests.applications.factories import ApplicationFactory, complete_application, ensure_call_setup
from tests.conftest import requires_postgresql
from tests.factories import CallFactory, MembershipFactory

MONTREAL = ZoneInfo("America/Montreal")
SUBMITTED = "applications.application.submitted"


def representative_of(application):
    return application.organization.memberships.get(is_representative=True).user


def submit(client, application):
    return client.post(reverse("applications:submit", kwargs={"pk": application.pk}))


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def submitted_log_count(application) -> int:
    return TransitionLog.objects.filter(object_id=str(application.pk), transition=SUBMITTED).count()


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def complete():
    return complete_application(ApplicationFactory())


# Through the submit button


@pytest.mark.django_db
def test_submit_gives_first_number(client, complete, django_capture_on_commit_callbacks):
    client.force_login(representative_of(complete))
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, complete)
    complete.refresh_from_db()
    assert complete.state == ApplicationState.SUBMITTED
    assert complete.reference == f"{complete.call.code}-0001"
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": complete.pk})
    assert any(complete.reference in text for text in message_texts(response))


@pytest.mark.django_db
def test_submit_numbers_follow_in_call(client, complete):
    second = complete_application(ApplicationFactory(call=complete.call))
    other_call = complete_application(ApplicationFactory())
    for application in (complete, second, other_call):
        client.force_login(representative_of(application))
        submit(client, application)
    for application in (complete, second, other_call):
        application.refresh_from_db()
    assert complete.reference == f"{complete.call.code}-0001"
    assert second.reference == f"{complete.call.code}-0002"
    assert other_call.reference == f"{other_call.call.code}-0001"
    assert (complete.sequence, second.sequence) == (1, 2)


@pytest.mark.django_db
def test_submit_get_not_allowed(client, complete):
    client.force_login(representative_of(complete))
    response = client.get(reverse("applications:submit", kwargs={"pk": complete.pk}))
    assert response.status_code == 405


@pytest.mark.django_db
def test_submit_one_minute_late_refused(client):
    call = CallFactory(closes_at=timezone.now() - timedelta(minutes=1))
    application = complete_application(ApplicationFactory(call=call))
    client.force_login(representative_of(application))
    response = submit(client, application)
    application.refresh_from_db()
    assert response["Location"] == reverse("applications:review", kwargs={"pk": application.pk})
    assert application.state == ApplicationState.DRAFT
    assert application.reference == ""
    assert submitted_log_count(application) == 0
    with translation.override("fr"):
        deadline = long_datetime(call.closes_at)
    assert " à " in deadline
    assert any(deadline in text for text in message_texts(response))


@pytest.mark.django_db
def test_submit_late_message_shows_montreal_time():
    closes_at = datetime(2027, 3, 15, 16, 30, tzinfo=MONTREAL)
    call = CallFactory(opens_at=closes_at - timedelta(days=30), closes_at=closes_at)
    application = complete_application(ApplicationFactory(call=call))
    with (
        mock.patch("django.utils.timezone.now", return_value=closes_at + timedelta(minutes=1)),
        translation.override("fr"),
        pytest.raises(services.ApplicationError) as raised,
    ):
        services.submit_application(application=application, actor=representative_of(application))
    assert "15 mars 2027 à 16 h 30" in str(raised.value)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.DRAFT


@pytest.mark.django_db
def test_submit_just_before_deadline_accepted():
    closes_at = datetime(2027, 3, 15, 16, 30, tzinfo=MONTREAL)
    call = CallFactory(opens_at=closes_at - timedelta(days=30), closes_at=closes_at)
    application = complete_application(ApplicationFactory(call=call))
    with mock.patch("django.utils.timezone.now", return_value=closes_at - timedelta(seconds=1)):
        submitted = services.submit_application(application=application, actor=representative_of(application))
    assert submitted.state == ApplicationState.SUBMITTED


@pytest.mark.django_db
def test_officer_extension_lets_late_file_through(client, officer):
    call = CallFactory(closes_at=timezone.now() - timedelta(minutes=1))
    application = complete_application(ApplicationFactory(call=call))
    services.grant_extension(
        application=application,
        actor=officer,
        until=timezone.now() + timedelta(hours=2),
        reason="Panne du serveur du ministère le jour du dépôt.",
    )
    client.force_login(representative_of(application))
    submit(client, application)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.reference == f"{call.code}-0001"


@pytest.mark.django_db
def test_extension_shown_as_deadline(client, officer):
    call = CallFactory(closes_at=timezone.now() - timedelta(minutes=1))
    application = complete_application(ApplicationFactory(call=call))
    until = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    services.grant_extension(application=application, actor=officer, until=until, reason="Sinistre.")
    client.force_login(representative_of(application))
    content = client.get(reverse("applications:review", kwargs={"pk": application.pk})).content.decode()
    with translation.override("fr"):
        assert long_datetime(until) in content


@pytest.mark.django_db
def test_incomplete_application_refused_with_count(client, settings):
    application = ApplicationFactory()
    ensure_call_setup(application.call)
    count = len(application_problems(application))
    english(client, settings).force_login(representative_of(application))
    response = submit(client, application)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.sequence is None
    assert f"{count} problem(s) remain" in " ".join(message_texts(response))
    assert not CallSequence.objects.filter(call=application.call, last_number__gt=0).exists()


@pytest.mark.django_db
def test_member_not_representative_refused(client, complete, settings):
    member = MembershipFactory(organization=complete.organization).user
    english(client, settings).force_login(member)
    response = submit(client, complete)
    complete.refresh_from_db()
    assert complete.state == ApplicationState.DRAFT
    assert complete.reference == ""
    assert any("representative (mandataire)" in text for text in message_texts(response))


# Twice the same submission


@pytest.mark.django_db
def test_double_submit_changes_nothing(complete, django_capture_on_commit_callbacks):
    MembershipFactory(organization=complete.organization)
    representative = representative_of(complete)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.submit_application(application=complete, actor=representative)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AlreadyDone):
        services.submit_application(application=complete, actor=representative)
    complete.refresh_from_db()
    assert complete.reference == first.reference
    assert submitted_log_count(complete) == 1
    assert CallSequence.objects.get(call=complete.call).last_number == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        complete.organization.memberships.values_list("user__email", flat=True)
    )


@pytest.mark.django_db
def test_submit_issues_receipt_and_summary(complete, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=complete, actor=representative_of(complete))
    kinds = set(Document.objects.filter(object_id=str(complete.pk)).values_list("kind", flat=True))
    assert kinds == {"applications.receipt", "applications.summary"}


@pytest.mark.django_db
def test_three_quick_posts_one_submission(client, complete, settings):
    english(client, settings).force_login(representative_of(complete))
    responses = [submit(client, complete) for _ in range(3)]
    detail = reverse("applications:detail", kwargs={"pk": complete.pk})
    assert [response.status_code for response in responses] == [302, 302, 302]
    assert all(response["Location"] == detail for response in responses)
    assert any("already submitted" in text for text in message_texts(responses[2]))
    complete.refresh_from_db()
    assert complete.reference == f"{complete.call.code}-0001"
    assert submitted_log_count(complete) == 1


# Submissions at the same moment (PostgreSQL row locks)


def run_at_once(functions) -> list:
    """Run each function in its own thread, all released together; return what each returned or raised."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            outcomes[index] = function()
        except Exception as error:  # each thread's outcome is inspected by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def submitter(application):
    representative = representative_of(application)
    return lambda: (
        services.submit_application(
            application=Application.objects.get(pk=application.pk), actor=representative
        ).reference
    )


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_submits_of_one_file_give_one_number():
    application = complete_application(ApplicationFactory())
    outcomes = run_at_once([submitter(application)] * 3)
    application.refresh_from_db()
    successes = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert successes == [f"{application.call.code}-0001"]
    assert sum(isinstance(outcome, services.AlreadyDone) for outcome in outcomes) == 2
    assert submitted_log_count(application) == 1
    assert CallSequence.objects.get(call=application.call).last_number == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_submits_of_two_files_give_1_and_2():
    first = complete_application(ApplicationFactory())
    second = complete_application(ApplicationFactory(call=first.call))
    outcomes = run_at_once([submitter(first), submitter(second)])
    code = first.call.code
    assert sorted(outcomes) == [f"{code}-0001", f"{code}-0002"]
    assert sorted(Application.objects.values_list("sequence", flat=True)) == [1, 2]
