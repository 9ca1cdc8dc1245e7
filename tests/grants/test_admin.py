import pytest
from django.urls import reverse

from common.models import TransitionLog
from grants.models import CallState
from tests.factories import CallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_manager():
    return UserFactory(roles=["program_manager"], is_staff=True)


def test_manager_opens_call_admin_in_french(client, admin_manager):
    call = CallFactory()
    client.force_login(admin_manager)
    response = client.get(reverse("admin:grants_call_change", args=[call.pk]))
    assert response.status_code == 200
    assert "Enregistrer" in response.content.decode()


def test_admin_action_publishes_through_service(client, admin_manager):
    call = CallFactory(state=CallState.DRAFT)
    client.force_login(admin_manager)
    client.post(
        reverse("admin:grants_call_changelist"),
        {"action": "publish_selected", "_selected_action": [call.pk]},
    )
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED
    assert TransitionLog.objects.get(transition="grants.call.published").actor == admin_manager


def test_admin_action_refused_transition_changes_nothing(client, admin_manager):
    call = CallFactory(state=CallState.DRAFT)
    client.force_login(admin_manager)
    client.post(
        reverse("admin:grants_call_changelist"),
        {"action": "archive_selected", "_selected_action": [call.pk]},
    )
    call.refresh_from_db()
    assert call.state == CallState.DRAFT
    assert not TransitionLog.objects.exists()


def test_officer_has_no_admin_access(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:grants_call_changelist"))
    assert response.status_code == 302
