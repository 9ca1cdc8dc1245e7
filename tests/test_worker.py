"""A real Celery worker, fed through RabbitMQ, sends a notification e-mail exactly once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from kombu import Connection

from common.models import Notification
from common.notifications import notify, send_notification_email
from config.celery import app as celery_app
from tests.factories import UserFactory

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")
REQUIRED = os.environ.get("CI_REQUIRE_SERVICES") == "true"

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not REQUIRED and (not BROKER_URL or connection.vendor != "postgresql"),
        reason="set CELERY_TEST_BROKER_URL and a PostgreSQL DATABASE_URL to run the worker test",
    ),
]


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def broker_mode():
    """Send tasks through the broker for this test, as production does, instead of running them eagerly."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def worker(tmp_path):
    mail_dir = tmp_path / "mail"
    queue = f"test-{os.getpid()}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"file://{mail_dir}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=INFO"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield queue, mail_dir
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.django_db(transaction=True)
def test_worker_sends_notification_once(worker, broker_mode, monkeypatch):
    queue, mail_dir = worker
    recipient = UserFactory(email="destinataire@exemple.qc.ca", preferred_language="fr")
    with transaction.atomic():
        monkeypatch.setattr(send_notification_email, "delay_on_commit", lambda *args: None)
        notification = notify(
            recipient=recipient,
            event="test.worker",
            key="test.worker:1",
            template="emails/accounts/verify_email",
            context={"first_name": "Gérard"},
            link="/comptes/connexion/",
        )
    with Connection(BROKER_URL) as broker:
        for _attempt in range(2):
            send_notification_email.apply_async(args=[notification.pk], connection=broker, queue=queue)

    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None)
    time.sleep(2)  # leave the second delivery time to run, so that a duplicate would show
    messages = list(Path(mail_dir).glob("*.log"))
    assert len(messages) == 1
    body = messages[0].read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/comptes/connexion/" in body
    assert "destinataire@exemple.qc.ca" in body
