import rules

from accounts.roles import is_program_manager, is_program_officer
from grants.models import CallState


@rules.predicate
def is_public_call(user, call):
    return call is not None and call.state in CallState.public()


rules.add_perm("grants.view_call", is_public_call | is_program_officer | is_program_manager)
rules.add_perm("grants.manage_call", is_program_manager)
