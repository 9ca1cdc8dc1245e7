"""Permission predicates of the program oversight pages."""

import rules

from accounts.models import Role
from accounts.roles import has_any_role

# The people who steer the program's money and results. Program officers, reviewers, the committee and the
# jury work on single files and have their own pages.
PROGRAM_DASHBOARD_ROLES = (Role.PROGRAM_MANAGER, Role.DECISION_MAKER, Role.FINANCE_OFFICER)


@rules.predicate
def can_view_program_dashboard(user):
    return has_any_role(user, PROGRAM_DASHBOARD_ROLES)


rules.add_perm("oversight.view_program_dashboard", can_view_program_dashboard)
