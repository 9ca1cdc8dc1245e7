"""Every write on agreements: creation on approval, schedule edits, signatures, activation and termination.

Installments are in payments.installments and reports in payments.reports; both use the helpers here. Each
service locks the agreement row first (select_for_update), then the rows it changes, so two requests on the
same agreement run one after the other and the second sees what the first did. Only the agreement row is
locked, not the application, organization and call rows joined to it, so that actions on different
agreements of one call do not wait for each other, nor for the decisions, which lock the call.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from applications.budget import project_years
from applications.models import Application, ApplicationState
from common.audit import record_transition
from common.documents import generate_document
from common.files import detect_file_type
from common.money import format_money
from common.notifications import notify
from common.text import normalize_text
from payments import schedule
from payments.models import (
    Agreement,
    AgreementState,
    AgreementYear,
    Installment,
    InstallmentKind,
    InstallmentState,
    Report,
    ReportKind,
)

logger = logging.getLogger(__name__)

AGREEMENT_DOCUMENT = "payments.agreement"
ZERO = Decimal(0)


class PaymentError(Exception):
    """Error raised when a rule stops the action. Its message, shown to the user, explains what to do."""


class AlreadyDone(PaymentError):
    """The same action already happened (a double click or a second tab); nothing changed."""


# Roles, locks and the history


def require_role(user, role: str, message: str) -> None:
    if not user.is_authenticated or not user.has_role(role):
        raise PaymentError(message)


def is_representative(user, agreement: Agreement) -> bool:
    return Membership.objects.filter(
        organization_id=agreement.application.organization_id, user=user, is_representative=True
    ).exists()


def is_member(user, agreement: Agreement) -> bool:
    return Membership.objects.filter(organization_id=agreement.application.organization_id, user=user).exists()


def lock_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("application", "application__organization", "application__call")
        .get(pk=agreement.pk)
    )


def log(subject, code: str, source: str, *, actor, reason: str = "") -> None:
    record_transition(subject=subject, transition=code, source=source, target=subject.state, actor=actor, reason=reason)


def transition(subject, method: str, code: str, *, actor, reason: str = "", fields=(), args=()) -> None:
    """Run the FSM transition `method` on a locked row, save its state with `fields`, and log it."""
    source = subject.state
    getattr(subject, method)(*args)
    update = ["state", *fields]
    if hasattr(subject, "updated_at"):
        update.append("updated_at")
    subject.save(update_fields=update)
    log(subject, code, source, actor=actor, reason=reason)


def notify_members(agreement: Agreement, event: str, *, key: str, context: dict, link: str) -> None:
    """Notify every member of the agreement's organization once for `key`."""
    memberships = Membership.objects.filter(organization_id=agreement.application.organization_id)
    for membership in memberships.select_related("user"):
        notify(
            recipient=membership.user,
            event=f"payments.{event}",
            key=f"payments.{event}:{key}:{membership.user_id}",
            template=f"emails/payments/{event}",
            context={"reference": agreement.reference, **context},
            subject=agreement,
            link=link,
        )


def agreement_link(agreement: Agreement) -> str:
    return reverse("payments:agreement", kwargs={"pk": agreement.pk})


# Creation, on approval


def create_agreement(*, application: Application, actor=None) -> Agreement:
    """Create the draft agreement of an approved application with its default schedule and reporting calendar.

    Called by the approval service in its transaction. A second call returns the existing agreement.
    """
    existing = Agreement.objects.filter(application_id=application.pk).first()
    if existing is not None:
        return existing
    application = Application.objects.select_related("call__rules", "decision").get(pk=application.pk)
    if application.state != ApplicationState.APPROVED:
        raise PaymentError(_("Only an approved application gets an agreement."))
    rules = application.call.rules
    granted = {row.project_year: row.amount for row in application.decision.approved_amounts.all()}
    # The agreement covers every project year, and a year granted nothing gets 0 $. So each year has its
    # progress report, and the installment of year N + 1 waits for the report on year N.
    years = [
        schedule.YearAmount(
            number=year.number,
            starts_on=year.starts_on,
            ends_on=year.ends_on,
            amount=granted.get(year.number, ZERO),
        )
        for year in project_years(application.starts_on, application.ends_on)
    ]
    outside = sorted(set(granted) - {year.number for year in years})
    if outside:
        # Submission checks the requested amounts against the project years, so this means corrupt data.
        raise ValueError(f"Application {application.pk}: project years {outside} granted outside the project dates.")
    total = sum((year.amount for year in years), ZERO)
    agreement = Agreement.objects.create(
        application=application,
        total=total,
        holdback_percent=rules.holdback_percent,
        starts_on=years[0].starts_on,
        ends_on=years[-1].ends_on,
        conditions=default_conditions(application),
    )
    AgreementYear.objects.bulk_create(
        AgreementYear(
            agreement=agreement, number=year.number, starts_on=year.starts_on, ends_on=year.ends_on, amount=year.amount
        )
        for year in years
    )
    reports = {}
    for planned in schedule.reporting_calendar(
        years, progress_days=rules.progress_report_days, final_days=rules.final_report_days
    ):
        reports[(planned.kind, planned.number)] = Report.objects.create(
            agreement=agreement, kind=planned.kind, number=planned.number, due_on=planned.due_on
        )
    for planned in schedule.default_schedule(
        years,
        holdback_percent=rules.holdback_percent,
        progress_days=rules.progress_report_days,
        final_days=rules.final_report_days,
    ):
        Installment.objects.create(
            agreement=agreement,
            number=planned.number,
            kind=planned.kind,
            project_year=planned.project_year,
            amount=planned.amount,
            due_on=planned.due_on,
            gate_report=reports[planned.gate] if planned.gate else None,
        )
    log(agreement, "payments.agreement.created", "", actor=actor)
    logger.info("Agreement %s created for application %s (total %s).", agreement.pk, application.pk, total)
    return agreement


def default_conditions(application: Application) -> str:
    """Return the standard conditions, in French like the agreement itself. The officer adapts them before sending."""
    return (
        "L’organisme réalise le projet décrit dans sa demande et informe le ministère de tout changement important.\n"
        "L’organisme dépose ses rapports d’étape et son rapport final aux dates prévues ; un versement peut être "
        "retenu tant qu’un rapport est en retard.\n"
        "L’organisme mentionne la contribution du ministère de la Famille dans ses communications sur le projet.\n"
        "Toute somme versée et non utilisée aux fins du projet est remboursée au ministère."
    )


# Edits while the agreement is a draft


def _require_officer(actor) -> None:
    require_role(actor, Role.PROGRAM_OFFICER, _("Only a program officer can do this."))


def _require_draft(agreement: Agreement) -> None:
    if agreement.state != AgreementState.DRAFT:
        raise PaymentError(_("The agreement can be changed only as a draft. Revise it first to return it to draft."))


@dataclass(frozen=True)
class InstallmentEdit:
    installment_id: int
    amount: Decimal
    due_on: date


def edit_schedule(*, agreement: Agreement, actor, edits: list[InstallmentEdit], reason: str = "") -> Agreement:
    """Change the amounts and planned dates of a draft agreement's installments.

    The new amounts must add up to the agreement total to the cent; otherwise nothing changes.
    """
    _require_officer(actor)
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        _require_draft(agreement)
        installments = {item.pk: item for item in agreement.installments.select_for_update()}
        if {edit.installment_id for edit in edits} != set(installments):
            raise PaymentError(_("The schedule changed in the meantime. Reload the page and try again."))
        for edit in edits:
            if edit.amount < 0:
                raise PaymentError(_("An installment cannot be negative."))
            if edit.amount != schedule.round_cent(edit.amount):
                raise PaymentError(_("Enter each amount in dollars and cents, with at most 2 decimals."))
            if edit.due_on is None:
                raise PaymentError(_("Enter the planned date of each installment."))
        new_total = sum((edit.amount for edit in edits), ZERO)
        if new_total != agreement.total:
            raise PaymentError(
                _(
                    "The installments add up to %(sum)s but the agreement total is %(total)s. "
                    "Change the amounts so that the difference of %(difference)s is 0."
                )
                % {
                    "sum": format_money(new_total),
                    "total": format_money(agreement.total),
                    "difference": format_money(agreement.total - new_total),
                }
            )
        changed = []
        for edit in edits:
            installment = installments[edit.installment_id]
            if installment.amount != edit.amount or installment.due_on != edit.due_on:
                installment.amount, installment.due_on = edit.amount, edit.due_on
                installment.save(update_fields=["amount", "due_on"])
                changed.append(str(installment.number))
        if changed:
            record_transition(
                subject=agreement,
                transition="payments.agreement.schedule_edited",
                source=agreement.state,
                target=agreement.state,
                actor=actor,
                reason=normalize_text(reason),
            )
    return agreement


def edit_conditions(*, agreement: Agreement, actor, conditions: str) -> Agreement:
    _require_officer(actor)
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        _require_draft(agreement)
        conditions = normalize_text(conditions)
        if conditions == agreement.conditions:
            return agreement
        agreement.conditions = conditions
        agreement.save(update_fields=["conditions", "updated_at"])
        record_transition(
            subject=agreement,
            transition="payments.agreement.conditions_edited",
            source=agreement.state,
            target=agreement.state,
            actor=actor,
        )
    return agreement


# Signature


def send_for_signature(*, agreement: Agreement, actor) -> Agreement:
    """Generate and store the agreement PDF, keep its SHA-256, and ask the representative to sign it."""
    _require_officer(actor)
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        # sent_at stays set after a revision, but the agreement is then a draft again and may be sent.
        if agreement.state != AgreementState.DRAFT and agreement.sent_at is not None:
            raise AlreadyDone(_("The agreement was already sent for signature."))
        _require_draft(agreement)
        if not agreement.conditions.strip():
            raise PaymentError(_("Write the conditions of the agreement before sending it."))
        document = generate_document(owner=agreement, kind=AGREEMENT_DOCUMENT, actor=actor)
        agreement.sent_at = timezone.now()
        agreement.sent_document_sha256 = document.sha256
        transition(
            agreement,
            "send_for_signature",
            "payments.agreement.sent",
            actor=actor,
            fields=["sent_at", "sent_document_sha256"],
        )
        notify_members(
            agreement,
            "agreement_sent",
            key=f"{agreement.pk}:{document.sha256}",
            context={"title": agreement.application.title},
            link=agreement_link(agreement),
        )
    return agreement


SIGNATURE_FIELDS = [
    "signer_name",
    "signer_title",
    "signed_at",
    "signed_by",
    "signed_document_sha256",
    "signed_file",
    "signed_filename",
]


def revise_agreement(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """Return a sent agreement to draft; a signature already given is void and must be given again."""
    _require_officer(actor)
    reason = normalize_text(reason)
    if not reason:
        raise PaymentError(_("Give the reason for the revision; the organization sees it."))
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.state == AgreementState.DRAFT:
            raise AlreadyDone(_("The agreement is already a draft."))
        if agreement.state not in (AgreementState.SENT_FOR_SIGNATURE, AgreementState.SIGNED_BY_ORGANIZATION):
            raise PaymentError(_("An active or closed agreement cannot be revised."))
        voided_file = agreement.signed_file.name
        storage = agreement.signed_file.storage
        agreement.signer_name = agreement.signer_title = agreement.signed_document_sha256 = ""
        agreement.signed_filename = ""
        agreement.signed_at = None
        agreement.signed_by = None
        agreement.signed_file = None
        agreement.sent_document_sha256 = ""
        transition(
            agreement,
            "revise",
            "payments.agreement.revised",
            actor=actor,
            reason=reason,
            fields=[*SIGNATURE_FIELDS, "sent_document_sha256"],
        )
        if voided_file:
            # No row refers to the voided signed copy any more, so the file is deleted once the revision commits.
            transaction.on_commit(lambda: storage.delete(voided_file))
    return agreement


def _check_can_sign(agreement: Agreement, actor) -> None:
    if agreement.state != AgreementState.SENT_FOR_SIGNATURE and agreement.is_signed_by_organization:
        raise AlreadyDone(_("The agreement was already signed."))
    if agreement.state != AgreementState.SENT_FOR_SIGNATURE:
        raise PaymentError(_("This agreement is not waiting for your signature."))
    if not is_representative(actor, agreement):
        raise PaymentError(_("Only the organization's authorized representative can sign the agreement."))


def sign_agreement(
    *, agreement: Agreement, actor, signer_name: str, signer_title: str, document_sha256: str
) -> Agreement:
    """Sign electronically: the name and title typed, the instant, and the SHA-256 of the document shown."""
    signer_name, signer_title = normalize_text(signer_name), normalize_text(signer_title)
    if not signer_name or not signer_title:
        raise PaymentError(_("Type your full name and your title to sign."))
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        _check_can_sign(agreement, actor)
        if document_sha256 != agreement.sent_document_sha256:
            raise PaymentError(
                _("The agreement changed since you opened it. Read the current version, then sign again.")
            )
        agreement.signer_name, agreement.signer_title = signer_name, signer_title
        agreement.signed_at = timezone.now()
        agreement.signed_by = actor
        agreement.signed_document_sha256 = document_sha256
        transition(agreement, "sign", "payments.agreement.signed", actor=actor, fields=SIGNATURE_FIELDS)
    _notify_decision_makers(agreement)
    return agreement


def upload_signed_agreement(*, agreement: Agreement, actor, signer_name: str, signer_title: str, upload) -> Agreement:
    """Sign by uploading the agreement PDF signed by hand; the file is checked to be a PDF by its content."""
    signer_name, signer_title = normalize_text(signer_name), normalize_text(signer_title)
    if not signer_name or not signer_title:
        raise PaymentError(_("Type the signatory's full name and title."))
    if detect_file_type(upload) != "pdf":
        raise PaymentError(_("The signed agreement must be a PDF file."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        _check_can_sign(agreement, actor)
        agreement.signer_name, agreement.signer_title = signer_name, signer_title
        agreement.signed_at = timezone.now()
        agreement.signed_by = actor
        agreement.signed_document_sha256 = digest.hexdigest()
        agreement.signed_file.save(upload.name, upload, save=False)
        agreement.signed_filename = normalize_text(upload.name)[:255]
        transition(agreement, "sign", "payments.agreement.signed", actor=actor, fields=SIGNATURE_FIELDS)
    _notify_decision_makers(agreement)
    return agreement


def _notify_decision_makers(agreement: Agreement) -> None:
    for user in User.objects.filter(groups__name=Role.DECISION_MAKER, is_active=True):
        notify(
            recipient=user,
            event="payments.agreement_signed",
            key=f"payments.agreement_signed:{agreement.pk}:{agreement.signed_at.isoformat()}:{user.pk}",
            template="emails/payments/agreement_signed",
            context={"reference": agreement.reference},
            subject=agreement,
            link=agreement_link(agreement),
        )


def countersign_agreement(*, agreement: Agreement, actor) -> Agreement:
    """Countersign the agreement as the decision maker, which makes it active and its first installment due."""
    require_role(actor, Role.DECISION_MAKER, _("Only the decision-making authority can countersign."))
    from payments.installments import make_due

    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.state == AgreementState.ACTIVE:
            raise AlreadyDone(_("The agreement is already active."))
        if agreement.countersigned_at is not None:
            raise AlreadyDone(_("The agreement was already countersigned."))
        if agreement.state != AgreementState.SIGNED_BY_ORGANIZATION:
            raise PaymentError(_("The organization must sign the agreement before it is countersigned."))
        agreement.countersigned_at = timezone.now()
        agreement.countersigned_by = actor
        transition(
            agreement,
            "countersign",
            "payments.agreement.activated",
            actor=actor,
            fields=["countersigned_at", "countersigned_by"],
        )
        first = agreement.installments.filter(gate_report__isnull=True).order_by("number")
        for installment in first:
            make_due(installment=installment, actor=actor)
        notify_members(
            agreement,
            "agreement_active",
            key=str(agreement.pk),
            context={"title": agreement.application.title},
            link=agreement_link(agreement),
        )
    return agreement


# Totals


def paid_total(agreement: Agreement) -> Decimal:
    paid = agreement.installments.filter(state=InstallmentState.PAID).aggregate(total=Sum("amount"))["total"]
    return paid or ZERO


def holdback_installment(agreement: Agreement) -> Installment | None:
    return agreement.installments.filter(kind=InstallmentKind.HOLDBACK).first()


# Termination


def terminate_agreement(*, agreement: Agreement, actor, reason: str, eligible_expenses: Decimal) -> Agreement:
    """End an active agreement: pending installments are cancelled and the amount to recover is computed."""
    require_role(actor, Role.DECISION_MAKER, _("Only the decision-making authority can terminate an agreement."))
    reason = normalize_text(reason)
    if not reason:
        raise PaymentError(_("Give the reason for the termination; the organization sees it."))
    if eligible_expenses is None or eligible_expenses < 0:
        raise PaymentError(_("Enter the eligible expenses incurred so far, 0 or more."))
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.state == AgreementState.TERMINATED:
            raise AlreadyDone(_("The agreement is already terminated."))
        if agreement.state != AgreementState.ACTIVE:
            raise PaymentError(_("Only an active agreement can be terminated."))
        # An approved installment may already be on its way to the bank. Cancelling it could leave a payment
        # out of the amount to recover, so finance records the payment first.
        approved = agreement.installments.filter(state=InstallmentState.APPROVED).order_by("number").first()
        if approved is not None:
            raise PaymentError(
                _(
                    "Installment %(number)d is approved for payment. Ask finance to record its payment, "
                    "then terminate the agreement."
                )
                % {"number": approved.number}
            )
        for installment in agreement.installments.select_for_update().filter(state__in=InstallmentState.pending()):
            transition(installment, "cancel", "payments.installment.cancelled", actor=actor, reason=reason)
        settlement = schedule.settle(
            holdback=ZERO, eligible_expenses=eligible_expenses, already_paid=paid_total(agreement)
        )
        agreement.eligible_expenses = eligible_expenses
        agreement.amount_to_recover = settlement.to_recover
        agreement.final_payment = ZERO
        agreement.termination_reason = reason
        agreement.terminated_at = timezone.now()
        transition(
            agreement,
            "terminate",
            "payments.agreement.terminated",
            actor=actor,
            reason=reason,
            fields=["eligible_expenses", "amount_to_recover", "final_payment", "termination_reason", "terminated_at"],
        )
        notify_members(
            agreement,
            "agreement_terminated",
            key=str(agreement.pk),
            context={"reason": reason, "to_recover": str(settlement.to_recover)},
            link=agreement_link(agreement),
        )
    return agreement


def complete_if_settled(agreement: Agreement, *, actor=None) -> bool:
    """Complete a locked active agreement once its final report is accepted and every installment is settled."""
    if agreement.state != AgreementState.ACTIVE:
        return False
    final_accepted = agreement.reports.filter(kind=ReportKind.FINAL, state="accepted").exists()
    open_installments = agreement.installments.filter(state__in=InstallmentState.pending()).exists()
    if not final_accepted or open_installments:
        return False
    transition(agreement, "complete", "payments.agreement.completed", actor=actor)
    notify_members(
        agreement,
        "agreement_completed",
        key=str(agreement.pk),
        context={"title": agreement.application.title},
        link=agreement_link(agreement),
    )
    return True
