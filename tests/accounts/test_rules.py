import pytest

from accounts.models import Role
from accounts.selectors import organizations_visible_to
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in Role]


def test_staff_role_groups_exist():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("program_officer", True),
        ("program_manager", True),
        ("decision_maker", True),
        ("finance_officer", True),
        ("reviewer", False),
        ("committee_member", False),
        ("jury_member", False),
    ],
)
def test_view_organization_by_role(role, expected, organization):
    assert UserFactory(roles=[role]).has_perm("accounts.view_organization", organization) is expected


def test_member_permissions(organization, member):
    assert member.has_perm("accounts.view_organization", organization)
    assert member.has_perm("accounts.change_organization", organization)
    assert member.has_perm("accounts.invite_member", organization)
    assert not member.has_perm("accounts.transfer_representative", organization)


def test_representative_may_transfer(organization, representative):
    assert representative.has_perm("accounts.transfer_representative", organization)


def test_outsider_has_no_permission(organization, outsider):
    for permission in ["view_organization", "change_organization", "invite_member", "transfer_representative"]:
        assert not outsider.has_perm(f"accounts.{permission}", organization)


def test_officer_cannot_edit_organization(organization, officer):
    assert not officer.has_perm("accounts.change_organization", organization)


def test_unverified_user_cannot_add_organization():
    assert not UserFactory(email_verified_at=None).has_perm("accounts.add_organization")
    assert UserFactory().has_perm("accounts.add_organization")


def test_list_organizations_needs_staff_role(member, officer):
    assert officer.has_perm("accounts.list_organizations")
    assert not member.has_perm("accounts.list_organizations")


@pytest.mark.parametrize("role", [None, *ROLES])
def test_visible_to_agrees_with_view_rule(role, organization):
    OrganizationFactory.create_batch(2)
    viewer = UserFactory(roles=[role] if role else [])
    if role is None:
        from tests.factories import MembershipFactory

        MembershipFactory(organization=organization, user=viewer)
    from accounts.models import Organization

    visible = set(organizations_visible_to(viewer))
    allowed = {org for org in Organization.objects.all() if viewer.has_perm("accounts.view_organization", org)}
    assert visible == allowed
