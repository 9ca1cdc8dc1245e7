"""Permission predicates of the awards app; each matches a queryset in awards.selectors."""

import rules

from accounts.models import Role
from awards.models import JurorConflict, JuryMembership, NominationState


@rules.predicate
def is_awards_staff(user):
    return user.is_authenticated and (user.has_role(Role.PROGRAM_MANAGER) or user.has_role(Role.PROGRAM_OFFICER))


@rules.predicate
def is_nominator(user, nomination):
    return nomination is not None and user.is_authenticated and nomination.nominator_id == user.pk


@rules.predicate
def is_unconflicted_juror(user, nomination):
    """Return whether `user` judges the edition, the nomination was declared eligible, and they declared no conflict.

    Until the juror declares, they see only the nominee's name and category, on the jury's own pages.
    """
    if nomination is None or not user.is_authenticated:
        return False
    if nomination.state not in NominationState.screened_in():
        return False
    if not JuryMembership.objects.filter(edition_id=nomination.edition_id, juror=user).exists():
        return False
    return JurorConflict.objects.filter(nomination=nomination, juror=user, has_conflict=False).exists()


@rules.predicate
def is_jury_member(user, edition):
    return edition is not None and user.is_authenticated and edition.jury.filter(juror=user).exists()


@rules.predicate
def is_jury_president(user, edition):
    return edition is not None and user.is_authenticated and edition.jury.filter(juror=user, is_president=True).exists()


rules.add_perm("awards.view_nomination", is_awards_staff | is_nominator | is_unconflicted_juror)
rules.add_perm("awards.change_nomination", is_nominator)
rules.add_perm("awards.screen_nomination", is_awards_staff)
rules.add_perm("awards.judge_edition", is_jury_member)
rules.add_perm("awards.cast_deciding_vote", is_jury_president)
