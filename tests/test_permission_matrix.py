"""Every URL for every role: allowed (200), out of scope (404) or sent to the login page."""

import pytest
from django.urls import reverse

from accounts.models import Role
from grants.models import CallState
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ROLES = [role.value for role in Role]
PERSONAS = ["anonymous", "representative", "member", "outsider", *STAFF_ROLES]
ORGANIZATION_STAFF = {"program_officer", "program_manager", "decision_maker", "finance_officer"}
CALL_STAFF = {"program_officer", "program_manager"}
MEMBERS = {"representative", "member"}
PRIZE_STAFF = {"program_officer", "program_manager"}
DASHBOARD_ROLES = {"program_manager", "decision_maker", "finance_officer"}
# Exports of the lists: every logged-in user gets the scoped lists, and only staff get the staff lists.
EXPORT_AUDIENCE = {
    "demandes": None,
    "affectations": None,
    "conventions": ORGANIZATION_STAFF,
    "rapports": ORGANIZATION_STAFF,
    "versements": ORGANIZATION_STAFF,
    "organismes": ORGANIZATION_STAFF,
    "candidatures": PRIZE_STAFF,
}

OK, LOGIN, NOT_FOUND = 200, "login", 404


@pytest.fixture
def world():
    organization = OrganizationFactory()
    representative = MembershipFactory(organization=organization, is_representative=True).user
    member = MembershipFactory(organization=organization).user
    outsider = MembershipFactory(organization=OrganizationFactory(), is_representative=True).user
    people = {"representative": representative, "member": member, "outsider": outsider}
    people.update({role: UserFactory(roles=[role]) for role in STAFF_ROLES})
    return {
        "organization": organization,
        "people": people,
        "published": CallFactory(),
        "draft": CallFactory(state=CallState.DRAFT),
    }


def expected_for(url_name: str, persona: str):
    anonymous = persona == "anonymous"
    public = {
        "home",
        "grants:call_list",
        "grants:call_detail",
        "accounts:register",
        "accounts:login",
        "oversight:open_data",
        "oversight:open_data_download",
    }
    if url_name in public:
        return OK
    if url_name == "grants:call_detail_draft":
        return OK if persona in CALL_STAFF else NOT_FOUND
    if anonymous:
        return LOGIN
    if url_name in {
        "accounts:dashboard",
        "accounts:profile",
        "common:notification_list",
        "accounts:organization_create",
    }:
        return OK
    if url_name.startswith("export:"):
        audience = EXPORT_AUDIENCE[url_name.removeprefix("export:")]
        return OK if audience is None or persona in audience else NOT_FOUND
    if url_name == "common:export_jobs":
        return OK
    if url_name == "oversight:dashboard":
        return OK if persona in DASHBOARD_ROLES else NOT_FOUND
    if url_name == "accounts:organization_list":
        return OK if persona in ORGANIZATION_STAFF else NOT_FOUND
    if url_name == "accounts:organization_detail":
        return OK if persona in MEMBERS | ORGANIZATION_STAFF else NOT_FOUND
    if url_name in {"accounts:organization_update", "accounts:invite_member"}:
        return OK if persona in MEMBERS else NOT_FOUND
    if url_name == "accounts:transfer_representative":
        return OK if persona == "representative" else NOT_FOUND
    raise AssertionError(f"No expectation for {url_name}")


def url_for(url_name: str, world) -> str:
    organization = world["organization"]
    if url_name == "grants:call_detail":
        return reverse(url_name, kwargs={"code": world["published"].code})
    if url_name == "grants:call_detail_draft":
        return reverse("grants:call_detail", kwargs={"code": world["draft"].code})
    if url_name.startswith("export:"):
        return reverse("common:export", args=[url_name.removeprefix("export:"), "xlsx"])
    if url_name == "oversight:open_data_download":
        return reverse(url_name, args=["csv"])
    if url_name in ORGANIZATION_URLS:
        return reverse(url_name, kwargs={"pk": organization.pk})
    return reverse(url_name)


ORGANIZATION_URLS = {
    "accounts:organization_detail",
    "accounts:organization_update",
    "accounts:invite_member",
    "accounts:transfer_representative",
}
URL_NAMES = [
    "home",
    "grants:call_list",
    "grants:call_detail",
    "grants:call_detail_draft",
    "accounts:register",
    "accounts:login",
    "accounts:dashboard",
    "accounts:profile",
    "common:notification_list",
    "accounts:organization_create",
    "accounts:organization_list",
    "accounts:organization_detail",
    "accounts:organization_update",
    "accounts:invite_member",
    "accounts:transfer_representative",
    "common:export_jobs",
    "oversight:open_data",
    "oversight:open_data_download",
    "oversight:dashboard",
    *[f"export:{name}" for name in EXPORT_AUDIENCE],
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_url_access(client, world, url_name, persona):
    if persona != "anonymous":
        client.force_login(world["people"][persona])
    expected = expected_for(url_name, persona)
    if url_name in {"accounts:register", "accounts:login"} and persona != "anonymous":
        expected = 302  # signed-in people are sent to their dashboard
    response = client.get(url_for(url_name, world))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected
