"""The decision maker's final decision on a file: approval with the amounts granted, or refusal.

An approval grants, for each project year, at most the amount the committee recommended for that year and at
most the amount requested. The amounts granted in a call may not exceed the call's envelope of each fiscal
year: approvals of the same call are serialised by a lock on the call row, so two approvals at once cannot
both spend what remains of an envelope.

An approval sends reviews.signals.application_approved in its transaction; the payments app answers it by
creating the draft agreement, so reviews never imports payments.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from applications.models import Application, ApplicationState
from common.audit import record_transition
from common.documents import queue_document
from common.fiscal import fiscal_year_of
from common.money import format_money
from common.notifications import notify
from common.text import normalize_text
from grants.models import Call, Envelope
from reviews.models import ApprovedAmount, Decision, DecisionOutcome, RecommendedAmount
from reviews.ranking import year_start
from reviews.services import AlreadyDone, ReviewError
from reviews.signals import application_approved

logger = logging.getLogger(__name__)

DECIDABLE_STATES = (ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED)
ZERO = Decimal(0)


def can_decide(user) -> bool:
    return user.is_authenticated and user.has_role(Role.DECISION_MAKER)


def recommended_amounts(application: Application) -> dict[int, Decimal]:
    """Project year → amount the committee recommended (empty when it recommended nothing)."""
    return dict(
        RecommendedAmount.objects.filter(recommendation__application_id=application.pk).values_list(
            "project_year", "amount"
        )
    )


def approved_by_fiscal_year(call: Call) -> dict[str, Decimal]:
    """Fiscal year label → total of the amounts already granted in `call`."""
    rows = (
        ApprovedAmount.objects.filter(decision__application__call=call, decision__outcome=DecisionOutcome.APPROVED)
        .values("fiscal_year")
        .annotate(total=Sum("amount"))
    )
    return {row["fiscal_year"]: row["total"] for row in rows}


def approve_application(*, application: Application, actor, amounts: dict[int, Decimal], reason: str = "") -> Decision:
    """Approve a recommended or not recommended file with `amounts` (project year → amount granted).

    Side effects, in order: the decision and its amounts, the state change, its history entry, then, once the
    transaction commits, the approval letter and an e-mail to every member of the organization.
    """
    _check_decision_maker(actor)
    reason = normalize_text(reason)
    with transaction.atomic():
        # The call first, then the file: every approval takes its locks in this order.
        call_id = Application.objects.values_list("call_id", flat=True).get(pk=application.pk)
        call = Call.objects.select_for_update().get(pk=call_id)
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        _check_undecided(application, DecisionOutcome.APPROVED)
        granted = _checked_amounts(application, amounts)
        by_fiscal_year = _fiscal_years(application, granted)
        _check_envelopes(call, granted, by_fiscal_year)

        decision = Decision.objects.create(
            application=application, outcome=DecisionOutcome.APPROVED, reason=reason, decided_by=actor
        )
        ApprovedAmount.objects.bulk_create(
            ApprovedAmount(decision=decision, project_year=year, fiscal_year=label, amount=granted[year])
            for year, label in sorted(by_fiscal_year.items())
        )
        _transition(application, "approve", "applications.application.approved", actor, reason)
        application_approved.send(sender=Application, application=application, actor=actor)
        queue_document(owner=application, kind="reviews.approval_letter", actor=actor)
        _notify_members(application, "decision_approved")
    logger.info("Application %s approved by user %s.", application.pk, actor.pk)
    return decision


def decline_application(*, application: Application, actor, reason: str) -> Decision:
    """Decline a recommended or not recommended file with `reason`, which the refusal letter quotes."""
    _check_decision_maker(actor)
    reason = normalize_text(reason)
    if not reason:
        raise ReviewError(_("Give the reason for the refusal; it appears in the refusal letter."))
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        _check_undecided(application, DecisionOutcome.DECLINED)
        decision = Decision.objects.create(
            application=application, outcome=DecisionOutcome.DECLINED, reason=reason, decided_by=actor
        )
        _transition(application, "decline", "applications.application.declined", actor, reason)
        queue_document(owner=application, kind="reviews.refusal_letter", actor=actor)
        _notify_members(application, "decision_declined")
    logger.info("Application %s declined by user %s.", application.pk, actor.pk)
    return decision


@dataclass
class BulkResult:
    application: Application
    decision: Decision | None
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.decision is not None


def decide_in_bulk(*, applications, actor, outcome: str, reason: str = "") -> list[BulkResult]:
    """Approve each recommended file at its recommended amounts, or decline each file with `reason`.

    Each file is decided in its own transaction: an error on one file is collected and the next file is
    still decided.
    """
    _check_decision_maker(actor)
    if outcome not in DecisionOutcome.values:
        raise ReviewError(_("Choose a decision."))
    results = []
    for application in applications:
        try:
            if outcome == DecisionOutcome.APPROVED:
                if application.state != ApplicationState.RECOMMENDED:
                    raise ReviewError(_("Only a file the committee recommended can be approved in bulk."))
                decision = approve_application(
                    application=application, actor=actor, amounts=recommended_amounts(application), reason=reason
                )
            else:
                decision = decline_application(application=application, actor=actor, reason=reason)
        except ReviewError as error:
            logger.info("Bulk %s of application %s rejected: %s", outcome, application.pk, error)
            results.append(BulkResult(application=application, decision=None, error=str(error)))
        else:
            results.append(BulkResult(application=application, decision=decision))
    return results


# --- Guards -----------------------------------------------------------------------------------------


def _check_decision_maker(actor) -> None:
    if not can_decide(actor):
        raise ReviewError(_("Only the decision-making authority can approve or decline a file."))


def _check_undecided(application: Application, outcome: str) -> None:
    if application.state == ApplicationState.APPROVED:
        if outcome == DecisionOutcome.APPROVED:
            raise AlreadyDone(_("This file is already approved."))
        raise ReviewError(_("This file is already approved; it cannot be declined."))
    if application.state == ApplicationState.DECLINED:
        if outcome == DecisionOutcome.DECLINED:
            raise AlreadyDone(_("This file is already declined."))
        raise ReviewError(_("This file is already declined; it cannot be approved."))
    if application.state not in DECIDABLE_STATES:
        raise ReviewError(_("Only a file with the committee's recommendation can be approved or declined."))


def _checked_amounts(application: Application, amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
    recommended = recommended_amounts(application)
    granted = {}
    for year, amount in sorted(amounts.items()):
        if amount is None:
            continue
        if amount < 0:
            raise ReviewError(_("Year %(year)d: the amount cannot be negative.") % {"year": year})
        limit = recommended.get(year, ZERO)
        if amount > limit:
            raise ReviewError(
                _(
                    "Year %(year)d: the amount granted cannot exceed the amount recommended by the committee "
                    "(%(limit)s)."
                )
                % {"year": year, "limit": format_money(limit)}
            )
        limit = requested.get(year, ZERO)
        if amount > limit:
            raise ReviewError(
                _("Year %(year)d: the amount granted cannot exceed the amount requested (%(limit)s).")
                % {"year": year, "limit": format_money(limit)}
            )
        if amount > 0:
            granted[year] = amount
    if sum(granted.values(), ZERO) <= 0:
        raise ReviewError(_("Enter the amount granted for at least one project year."))
    return granted


def _fiscal_years(application: Application, granted: dict[int, Decimal]) -> dict[int, str]:
    """Project year → label of the fiscal year in which that project year starts."""
    labels = {}
    for year in granted:
        start = year_start(application, year)
        if start is None:
            raise ReviewError(_("The project dates are missing, so the fiscal years of the amounts are unknown."))
        labels[year] = fiscal_year_of(start).label
    return labels


def _check_envelopes(call: Call, granted: dict[int, Decimal], by_fiscal_year: dict[int, str]) -> None:
    """Refuse when the amounts of a fiscal year would exceed what remains of the call's envelope for it.

    The caller holds the lock on the call row, so the sums read here cannot change before the commit.
    """
    envelopes = dict(Envelope.objects.filter(call=call).values_list("fiscal_year", "amount"))
    already = approved_by_fiscal_year(call)
    granted_by_fiscal_year: dict[str, Decimal] = {}
    for year, label in by_fiscal_year.items():
        granted_by_fiscal_year[label] = granted_by_fiscal_year.get(label, ZERO) + granted[year]
    for label in sorted(granted_by_fiscal_year):
        envelope = envelopes.get(label, ZERO)
        remaining = envelope - already.get(label, ZERO)
        if granted_by_fiscal_year[label] > remaining:
            raise ReviewError(
                _(
                    "Fiscal year %(fiscal_year)s: the amounts granted (%(amount)s) exceed what remains of the "
                    "envelope of %(envelope)s (%(remaining)s remaining)."
                )
                % {
                    "fiscal_year": label,
                    "amount": format_money(granted_by_fiscal_year[label]),
                    "envelope": format_money(envelope),
                    "remaining": format_money(max(remaining, ZERO)),
                }
            )


def _transition(application: Application, method: str, code: str, actor, reason: str) -> None:
    source = application.state
    getattr(application, method)()
    application.save(update_fields=["state", "updated_at"])
    record_transition(
        subject=application, transition=code, source=source, target=application.state, actor=actor, reason=reason
    )


def _notify_members(application: Application, template: str) -> None:
    link = reverse("applications:detail", kwargs={"pk": application.pk})
    context = {"reference": application.reference, "title": application.title}
    for membership in Membership.objects.filter(organization_id=application.organization_id).select_related("user"):
        notify(
            recipient=membership.user,
            event=f"reviews.{template}",
            key=f"reviews.{template}:{application.pk}:{membership.user_id}",
            template=f"emails/reviews/{template}",
            context=context,
            subject=application,
            link=link,
        )
