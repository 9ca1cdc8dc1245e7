import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ROLES = [role.value for role in Role]


def panel_titles(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return [str(panel.title) for panel in response.context["panels"]]


def test_dashboard_requires_login(client):
    response = client.get(reverse("accounts:dashboard"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_applicant_sees_organizations_and_open_calls(client, representative, organization):
    call = CallFactory()
    client.force_login(representative)
    response = client.get(reverse("accounts:dashboard"))
    content = response.content.decode()
    assert organization.name in content
    assert call.title_fr in content


def test_applicant_without_organization_invited_to_create_one(client, user):
    client.force_login(user)
    assert reverse("accounts:organization_create") in client.get(reverse("accounts:dashboard")).content.decode()


def test_officer_sees_organization_count(client, officer):
    MembershipFactory.create_batch(3, is_representative=True)
    client.force_login(officer)
    response = client.get(reverse("accounts:dashboard"))
    organizations_panel = next(
        p for p in response.context["panels"] if p.template.endswith("organizations.html") and "total" in p.context
    )
    assert organizations_panel.context["total"] == 3


def test_manager_sees_calls_by_state(client, manager):
    CallFactory()
    titles = panel_titles(client, manager)
    assert len(titles) == len(set(titles))
    client.force_login(manager)
    response = client.get(reverse("accounts:dashboard"))
    assert any(p.template == "grants/panels/calls_by_state.html" for p in response.context["panels"])


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_role_has_a_dashboard(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert response.context["roles"]


def test_reviewer_sees_no_organizations(client):
    MembershipFactory(is_representative=True)
    client.force_login(UserFactory(roles=["reviewer"]))
    response = client.get(reverse("accounts:dashboard"))
    assert not any("total" in panel.context for panel in response.context["panels"])


def test_manager_dashboard_counts_calls_by_state(client, manager):
    from grants.models import CallState

    CallFactory()
    CallFactory(state=CallState.DRAFT)
    CallFactory(state=CallState.DRAFT)
    client.force_login(manager)
    response = client.get(reverse("accounts:dashboard"))
    panel = next(p for p in response.context["panels"] if p.template == "grants/panels/calls_by_state.html")
    assert dict(panel.context["counts"]) == {"Brouillon": 2, "Publié": 1, "Fermé": 0, "Archivé": 0}


def dashboard_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:dashboard")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["program_manager", "program_officer", "decision_maker", "finance_officer"])
def test_staff_dashboard_queries_constant_and_at_most_fifteen(client, role):
    user = UserFactory(roles=[role])
    OrganizationFactory()
    one = dashboard_queries(client, user)
    OrganizationFactory()
    OrganizationFactory()

    assert dashboard_queries(client, user) == one
    assert one <= 15


def test_model_permissions_only_for_configuration_site_users():
    officer = UserFactory(roles=["program_officer"])
    admin_user = UserFactory(roles=["program_manager"], is_staff=True)
    admin_user.user_permissions.add(Permission.objects.get(codename="change_call"))

    assert not officer.has_perm("grants.change_call")
    assert admin_user.has_perm("grants.change_call")
