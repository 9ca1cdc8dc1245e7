"""The selection committee's recommendation on an evaluated file, and who may see the call's ranking."""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from applications.models import Application, ApplicationState
from common.audit import record_transition
from common.money import format_money
from common.text import normalize_text
from reviews.models import (
    Affiliation,
    CommitteeDecision,
    CommitteeRecommendation,
    ConflictDeclaration,
    RecommendedAmount,
)
from reviews.ranking import rank_call
from reviews.services import AlreadyDone, ReviewError, conflict_reason

logger = logging.getLogger(__name__)

RANKING_ROLES = (Role.PROGRAM_OFFICER, Role.PROGRAM_MANAGER, Role.COMMITTEE_MEMBER, Role.DECISION_MAKER)

TRANSITIONS = {
    CommitteeDecision.RECOMMEND: ("recommend", "applications.application.recommended"),
    CommitteeDecision.NOT_RECOMMEND: ("not_recommend", "applications.application.not_recommended"),
}


def can_see_ranking(user) -> bool:
    return user.is_authenticated and any(user.has_role(role) for role in RANKING_ROLES)


def conflicted_organization_ids(user: User) -> set[int]:
    """Return the ids of the organizations `user` is in conflict with, in two queries.

    It applies the rule of reviews.services.conflict_reason to every file at once, for the ranking page.
    """
    if not user.is_authenticated:
        return set()
    affiliated = Affiliation.objects.filter(reviewer=user).values_list("organization_id", flat=True)
    declared = ConflictDeclaration.objects.filter(has_conflict=True, assignment__reviewer=user).values_list(
        "assignment__application__organization_id", flat=True
    )
    return set(affiliated) | set(declared)


def departs_from_ranking(*, decision: str, passes: bool, within_envelope: bool) -> bool:
    """Return whether the decision departs from the ranking.

    Recommending a file below the passing score or below the funding line departs from it, and so does not
    recommending a file that passes and is within the envelope.
    """
    in_line = passes and within_envelope
    if decision == CommitteeDecision.RECOMMEND:
        return not in_line
    return in_line


def record_recommendation(
    *, application: Application, actor, decision: str, amounts: dict[int, Decimal], rationale: str
) -> CommitteeRecommendation:
    """Record the committee's recommendation on an evaluated file and move it to recommended or not recommended.

    `amounts` maps a project year to the amount recommended, at most the amount requested that year; they are
    kept only for a recommendation to fund. A decision that departs from the ranking needs a rationale.
    Side effects, in order: the recommendation and its amounts, the state change, its history entry.
    """
    if not actor.has_role(Role.COMMITTEE_MEMBER):
        raise ReviewError(_("Only a member of the selection committee can record a recommendation."))
    if decision not in TRANSITIONS:
        raise ReviewError(_("Choose a recommendation."))
    rationale = normalize_text(rationale)
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        if application.state in (ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED):
            raise AlreadyDone(_("The committee's recommendation on this file is already recorded."))
        if application.state != ApplicationState.EVALUATED:
            raise ReviewError(_("Only an evaluated file can receive the committee's recommendation."))
        reason = conflict_reason(reviewer=actor, application=application)
        if reason:
            raise ReviewError(_("You cannot make a recommendation on this file. %(reason)s") % {"reason": reason})

        recommended_amounts = _checked_amounts(application, amounts) if decision == CommitteeDecision.RECOMMEND else {}
        ranked = rank_call(application.call).file_of(application.pk)
        departs = departs_from_ranking(
            decision=decision,
            passes=ranked is not None and ranked.passes,
            within_envelope=ranked is not None and ranked.within_envelope,
        )
        if departs and not rationale:
            raise ReviewError(
                _("This recommendation departs from the ranking: give the rationale for the committee's choice.")
            )

        recommendation = CommitteeRecommendation.objects.create(
            application=application,
            decision=decision,
            rationale=rationale,
            departs_from_ranking=departs,
            recorded_by=actor,
        )
        RecommendedAmount.objects.bulk_create(
            RecommendedAmount(recommendation=recommendation, project_year=year, amount=amount)
            for year, amount in sorted(recommended_amounts.items())
        )
        method, code = TRANSITIONS[decision]
        source = application.state
        getattr(application, method)()
        application.save(update_fields=["state", "updated_at"])
        record_transition(
            subject=application, transition=code, source=source, target=application.state, actor=actor, reason=rationale
        )
    logger.info("Committee recommendation %s recorded on application %s.", decision, application.pk)
    return recommendation


def _checked_amounts(application: Application, amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
    checked = {}
    for year, amount in amounts.items():
        if amount is None:
            continue
        if amount < 0:
            raise ReviewError(_("Year %(year)d: the amount cannot be negative.") % {"year": year})
        limit = requested.get(year, Decimal(0))
        if amount > limit:
            raise ReviewError(
                _("Year %(year)d: the recommended amount cannot exceed the amount requested (%(requested)s).")
                % {"year": year, "requested": format_money(limit)}
            )
        checked[year] = amount
    if sum(checked.values(), Decimal(0)) <= 0:
        raise ReviewError(_("Enter the amount the committee recommends for at least one project year."))
    return checked
