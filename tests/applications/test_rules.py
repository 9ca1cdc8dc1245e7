"""Every applications permission for every persona and every state of a file, and `visible_to` against the rules."""

import pytest

from accounts.models import Role
from applications.models import Application, ApplicationState
from tests.applications.factories import ApplicationFactory
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationState
ALL_STATES = set(S)
STAFF_PERSONAS = [role.value for role in Role]
PERSONAS = ["representative", "member", "outsider", *STAFF_PERSONAS]
ORGANIZATION_STAFF = ["program_officer", "program_manager", "decision_maker", "finance_officer"]

# Permission → persona → states of the file in which the persona has it. A persona left out has it in no state.
EXPECTED = {
    "applications.view_application": {
        "representative": ALL_STATES,
        "member": ALL_STATES,
        **{persona: ALL_STATES for persona in ORGANIZATION_STAFF},
    },
    "applications.change_application": {
        "representative": {S.DRAFT, S.INCOMPLETE},
        "member": {S.DRAFT, S.INCOMPLETE},
    },
    "applications.submit_application": {"representative": {S.DRAFT}},
    "applications.resubmit_application": {"representative": {S.INCOMPLETE}},
    "applications.withdraw_application": {
        "representative": {
            S.DRAFT,
            S.SUBMITTED,
            S.SCREENING,
            S.INCOMPLETE,
            S.UNDER_REVIEW,
            S.EVALUATED,
            S.RECOMMENDED,
            S.NOT_RECOMMENDED,
        },
    },
    "applications.screen_application": {"program_officer": {S.SUBMITTED, S.SCREENING, S.INCOMPLETE}},
    "applications.extend_deadline": {"program_officer": {S.DRAFT}},
}

# Permissions that are not about one file.
EXPECTED_GLOBAL = {"applications.list_applications": set(ORGANIZATION_STAFF)}


@pytest.fixture
def application():
    return ApplicationFactory()


def persona_user(persona: str, application: Application):
    if persona == "representative":
        return application.organization.memberships.get(is_representative=True).user
    if persona == "member":
        return MembershipFactory(organization=application.organization).user
    if persona == "outsider":
        return MembershipFactory(organization=OrganizationFactory(), is_representative=True).user
    return UserFactory(roles=[persona])


def in_state(application: Application, state: str) -> Application:
    # The state field rejects assignment outside transitions, so the row is changed and read back.
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("permission", list(EXPECTED))
def test_permission_by_state(application, permission, persona):
    user = persona_user(persona, application)
    allowed = {state for state in S if user.has_perm(permission, in_state(application, state))}
    assert allowed == EXPECTED[permission].get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("permission", list(EXPECTED_GLOBAL))
def test_global_permission(application, permission, persona):
    user = persona_user(persona, application)
    assert user.has_perm(permission) is (persona in EXPECTED_GLOBAL[permission])


def test_table_covers_every_permission():
    from rules.permissions import permissions

    declared = {name for name in permissions if name.startswith("applications.")}
    assert declared == set(EXPECTED) | set(EXPECTED_GLOBAL)


def test_anonymous_has_no_permission(application):
    from django.contrib.auth.models import AnonymousUser

    for permission in EXPECTED:
        assert not AnonymousUser().has_perm(permission, application), permission


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_to_agrees_with_view_rule(application, persona):
    user = persona_user(persona, application)
    others = [ApplicationFactory(call=application.call) for _index in range(2)]
    for other, state in zip(others, [S.SUBMITTED, S.WITHDRAWN], strict=True):
        in_state(other, state)
    everything = Application.objects.all()

    visible = set(Application.objects.visible_to(user))
    allowed = {item for item in everything if user.has_perm("applications.view_application", item)}
    assert visible == allowed


def test_visible_to_hides_everything_from_anonymous(application):
    from django.contrib.auth.models import AnonymousUser

    assert list(Application.objects.visible_to(AnonymousUser())) == []
