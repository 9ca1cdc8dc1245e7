import rules

from accounts.models import Membership
from accounts.roles import is_organization_staff, is_verified


@rules.predicate
def is_member(user, organization):
    if organization is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(organization=organization, user=user).exists()


@rules.predicate
def is_representative(user, organization):
    if organization is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(organization=organization, user=user, is_representative=True).exists()


rules.add_perm("accounts.add_organization", is_verified)
rules.add_perm("accounts.view_organization", is_member | is_organization_staff)
rules.add_perm("accounts.change_organization", is_member)
rules.add_perm("accounts.invite_member", is_member)
rules.add_perm("accounts.transfer_representative", is_representative)
rules.add_perm("accounts.list_organizations", is_organization_staff)
