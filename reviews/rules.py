import rules

from accounts.roles import is_program_officer
from reviews.models import AssignmentState


@rules.predicate
def is_assigned_reviewer(user, assignment):
    """Return whether `user` is the assignment's reviewer, unless they declared a conflict or it was cancelled.

    After a declared conflict the person must see nothing more of the file, so the assignment is hidden too.
    """
    if assignment is None or not user.is_authenticated or assignment.reviewer_id != user.pk:
        return False
    if assignment.state == AssignmentState.CANCELLED:
        return False
    declaration = getattr(assignment, "declaration", None)
    return not (declaration is not None and declaration.has_conflict)


rules.add_perm("reviews.view_assignment", is_assigned_reviewer)
rules.add_perm("reviews.manage_reviews", is_program_officer)
