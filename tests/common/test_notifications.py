import pytest
from django.core import mail
from django.urls import reverse

from common.models import Notification
from common.notifications import notify, send_notification_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def send(recipient, key="test:1"):
    return notify(
        recipient=recipient,
        event="test.event",
        key=key,
        template="emails/accounts/verify_email",
        context={"first_name": recipient.first_name},
        link="/comptes/connexion/",
    )


def test_notify_same_key_creates_one(django_capture_on_commit_callbacks):
    recipient = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = send(recipient)
        second = send(recipient)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_email_task_twice_sends_once(django_capture_on_commit_callbacks):
    recipient = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(recipient)
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_email_in_recipient_language(django_capture_on_commit_callbacks):
    recipient = UserFactory(preferred_language="en", first_name="Ann")
    with django_capture_on_commit_callbacks(execute=True):
        send(recipient)
    assert mail.outbox[0].subject == "Confirm your e-mail address – Ensemble contre l'intimidation"
    assert "Hello Ann," in mail.outbox[0].body
    assert "http://127.0.0.1:8000/comptes/connexion/" in mail.outbox[0].body


def test_email_in_french_by_default(django_capture_on_commit_callbacks):
    recipient = UserFactory(preferred_language="fr", first_name="Élise")
    with django_capture_on_commit_callbacks(execute=True):
        send(recipient)
    assert mail.outbox[0].subject.startswith("Confirmez votre adresse courriel")
    assert "Bonjour Élise," in mail.outbox[0].body


def test_missing_notification_sends_nothing():
    assert send_notification_email(987654) is False
    assert mail.outbox == []


def test_notification_list_shows_only_mine(client):
    me, other = UserFactory(), UserFactory()
    send(me, key="mine")
    send(other, key="theirs")
    client.force_login(me)
    response = client.get(reverse("common:notification_list"))
    assert len(response.context["notifications"]) == 1


def test_opening_other_users_notification_answers_404(client):
    me, other = UserFactory(), UserFactory()
    theirs = send(other, key="theirs")
    client.force_login(me)
    assert client.post(reverse("common:notification_open", kwargs={"pk": theirs.pk})).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_link(client):
    me = UserFactory()
    notification = send(me)
    client.force_login(me)
    response = client.post(reverse("common:notification_open", kwargs={"pk": notification.pk}))
    assert response["Location"] == "/comptes/connexion/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notification_list_constant_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = UserFactory()
    send(me, key="a")
    client.force_login(me)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("common:notification_list"))
    send(me, key="b")
    send(me, key="c")
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("common:notification_list"))
    assert len(three) == len(one)
