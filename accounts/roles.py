"""Role checks shared by the predicates of every app."""

import rules

from accounts.models import ORGANIZATION_STAFF_ROLES, Role


def has_any_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and any(user.has_role(role) for role in roles))


@rules.predicate
def is_program_officer(user):
    return has_any_role(user, [Role.PROGRAM_OFFICER])


@rules.predicate
def is_program_manager(user):
    return has_any_role(user, [Role.PROGRAM_MANAGER])


@rules.predicate
def is_organization_staff(user):
    return has_any_role(user, ORGANIZATION_STAFF_ROLES)


@rules.predicate
def is_verified(user):
    return bool(user and user.is_authenticated and user.email_verified)
