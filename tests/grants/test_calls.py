import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from common.models import TransitionLog
from common.templatetags.formats import long_datetime
from grants import services
from grants.loading import load_program_file
from grants.models import Call, CallState, Clientele, Criterion, ProgramRules
from tests.conftest import requires_postgresql
from tests.factories import CallFactory

MONTREAL = ZoneInfo("America/Montreal")


@pytest.mark.django_db
def test_load_program_is_idempotent():
    first = load_program_file()
    second = load_program_file()
    assert "call ECI-2027" in first.created
    assert second.created == []
    assert second.updated == []
    assert Clientele.objects.count() == 11
    assert ProgramRules.objects.get(version=2).max_total == 150000


@pytest.mark.django_db
def test_load_program_loads_real_rubric():
    call_command("load_program")
    call = Call.objects.get(code="ECI-2027")
    assert call.state == CallState.PUBLISHED
    assert [criterion.weight for criterion in call.criteria.all()] == [40, 35, 25, 0]
    assert Criterion.objects.get(call=call, weight=0).allows_not_applicable
    assert call.closes_at.astimezone(MONTREAL).strftime("%H:%M") == "16:30"
    assert call.required_documents.filter(is_required=True).count() == 4


@pytest.mark.django_db
def test_load_program_keeps_changed_call():
    load_program_file()
    call = Call.objects.get(code="ECI-2027")
    services.close_call(call=call, actor=None, reason="Fermeture anticipée")
    load_program_file()
    assert Call.objects.get(code="ECI-2027").state == CallState.CLOSED


@pytest.mark.django_db
def test_close_expired_calls_closes_once():
    expired = CallFactory(closes_at=timezone.now() - timedelta(minutes=1))
    still_open = CallFactory()
    assert services.close_expired_calls() == [expired]
    assert services.close_expired_calls() == []
    expired.refresh_from_db()
    still_open.refresh_from_db()
    assert expired.state == CallState.CLOSED
    assert still_open.state == CallState.PUBLISHED
    assert TransitionLog.objects.filter(transition="grants.call.closed").count() == 1


@pytest.mark.django_db
def test_close_expired_calls_command_reports(capsys):
    CallFactory(closes_at=timezone.now() - timedelta(hours=1))
    call_command("close_expired_calls")
    call_command("close_expired_calls")
    assert TransitionLog.objects.filter(transition="grants.call.closed", actor=None).count() == 1


@pytest.mark.django_db
def test_close_expired_calls_task_runs():
    from grants.tasks import close_expired_calls

    call = CallFactory(closes_at=timezone.now() - timedelta(seconds=1))
    assert close_expired_calls.delay().get() == [call.code]


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_close_expired_calls_in_parallel_logs_once():
    CallFactory(closes_at=timezone.now() - timedelta(minutes=5))
    barrier = threading.Barrier(3)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(len(services.close_expired_calls()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 1
    assert TransitionLog.objects.filter(transition="grants.call.closed").count() == 1


@pytest.mark.django_db
def test_call_accepting_window():
    call = CallFactory()
    assert call.is_accepting()
    assert not call.is_accepting(call.closes_at)
    assert call.is_accepting(call.closes_at - timedelta(seconds=1))
    assert not call.is_accepting(call.opens_at - timedelta(seconds=1))


@pytest.mark.django_db
def test_publish_requires_rubric(manager):
    call = CallFactory(state=CallState.DRAFT, with_rubric=False)
    with pytest.raises(services.CallTransitionError):
        services.publish_call(call=call, actor=manager)
    call.refresh_from_db()
    assert call.state == CallState.DRAFT


@pytest.mark.django_db
def test_publish_then_archive_logged(manager):
    call = CallFactory(state=CallState.DRAFT)
    services.publish_call(call=call, actor=manager, reason="Lancement")
    call = services.close_call(call=call, actor=manager)
    call = services.archive_call(call=call, actor=manager)
    assert call.state == CallState.ARCHIVED
    codes = list(TransitionLog.objects.order_by("pk").values_list("transition", flat=True))
    assert codes == ["grants.call.published", "grants.call.closed", "grants.call.archived"]


@pytest.mark.django_db
def test_second_close_reports_state(manager):
    call = CallFactory()
    services.close_call(call=call, actor=manager)
    with pytest.raises(services.CallTransitionError):
        services.close_call(call=call, actor=manager)


def test_deadline_format_french():
    deadline = datetime(2027, 3, 15, 16, 30, tzinfo=MONTREAL)
    with translation.override("fr"):
        assert long_datetime(deadline) == "15 mars 2027 à 16 h 30"
    with translation.override("en"):
        assert long_datetime(deadline) == "March 15, 2027 at 4:30 PM"


def test_deadline_format_first_of_month_and_full_hour():
    with translation.override("fr"):
        assert long_datetime(datetime(2027, 4, 1, 13, 30, tzinfo=ZoneInfo("UTC"))) == "1er avril 2027 à 9 h 30"
        assert long_datetime(datetime(2027, 1, 5, 21, 0, tzinfo=ZoneInfo("UTC"))) == "5 janvier 2027 à 16 h"


@pytest.mark.django_db
def test_call_page_shows_rules_and_deadline(client):
    call_command("load_program")
    response = client.get(reverse("grants:call_detail", kwargs={"code": "ECI-2027"}))
    content = response.content.decode()
    assert response.status_code == 200
    assert "15 mars 2027 à 16 h 30" in content
    assert "50\u00a0000,00\u00a0$" in content
    assert "Pertinence et qualité du projet" in content
    assert "600\u00a0000,00\u00a0$" in content


@pytest.mark.django_db
@pytest.mark.parametrize("state", [CallState.DRAFT, CallState.ARCHIVED])
def test_unpublished_call_answers_404_to_public(client, state):
    call = CallFactory(state=state)
    assert client.get(reverse("grants:call_detail", kwargs={"code": call.code})).status_code == 404


@pytest.mark.django_db
def test_draft_call_visible_to_manager(client, manager):
    call = CallFactory(state=CallState.DRAFT)
    client.force_login(manager)
    assert client.get(reverse("grants:call_detail", kwargs={"code": call.code})).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        (CallState.PUBLISHED, None, True),
        (CallState.CLOSED, None, True),
        (CallState.DRAFT, None, False),
        (CallState.ARCHIVED, None, False),
        (CallState.DRAFT, "program_officer", True),
        (CallState.DRAFT, "program_manager", True),
        (CallState.DRAFT, "reviewer", False),
    ],
)
def test_view_call_rule_and_selector_agree(state, role, expected):
    from grants.selectors import calls_visible_to
    from tests.factories import UserFactory

    viewer = UserFactory(roles=[role] if role else [])
    call = CallFactory(state=state)
    assert viewer.has_perm("grants.view_call", call) is expected
    assert calls_visible_to(viewer).filter(pk=call.pk).exists() is expected


@pytest.mark.django_db
def test_manage_call_only_for_managers(manager, officer):
    call = CallFactory()
    assert manager.has_perm("grants.manage_call", call)
    assert not officer.has_perm("grants.manage_call", call)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_call_list_constant_queries(client):
    CallFactory()
    one = count_queries(client, reverse("grants:call_list"))
    CallFactory.create_batch(2)
    assert count_queries(client, reverse("grants:call_list")) == one


@pytest.mark.django_db
def test_home_constant_queries(client):
    CallFactory()
    one = count_queries(client, reverse("home"))
    CallFactory.create_batch(2)
    assert count_queries(client, reverse("home")) == one


@pytest.mark.django_db
def test_home_lists_open_calls_only(client):
    open_call = CallFactory()
    closed = CallFactory(state=CallState.CLOSED)
    content = client.get(reverse("home")).content.decode()
    assert open_call.title_fr in content
    assert closed.title_fr not in content


@pytest.mark.django_db
def test_page_title_names_page_then_service(client):
    content = client.get(reverse("home")).content.decode()
    assert "<title>Accueil – Ensemble contre l’intimidation</title>" in content
