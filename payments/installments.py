"""Every write on installments: due, withheld and released by officers, approved then paid by two finance users.

Each service locks the agreement, then the installment, so the approval and the payment of one installment,
and a second click on either, run one after the other: the second finds the state changed and does nothing.
"""

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.documents import queue_document
from common.models import Notification
from common.notifications import notify
from common.text import normalize_text
from payments.models import AgreementState, Installment, InstallmentState, ReportState
from payments.services import (
    AlreadyDone,
    PaymentError,
    agreement_link,
    complete_if_settled,
    lock_agreement,
    notify_members,
    require_role,
    transition,
)

logger = logging.getLogger(__name__)

PAYMENT_NOTICE = "payments.payment_notice"


def _lock(installment: Installment) -> Installment:
    agreement = lock_agreement(installment.agreement)
    locked = Installment.objects.select_for_update(of=("self",)).get(pk=installment.pk)
    locked.agreement = agreement
    return locked


def gate_is_open(installment: Installment) -> bool:
    """Return whether the installment's condition is met: the agreement is active, or its gate report is accepted."""
    if installment.gate_report_id is None:
        return installment.agreement.state == "active"
    return installment.gate_report.state == ReportState.ACCEPTED


def make_due(*, installment: Installment, actor=None) -> bool:
    """Make a scheduled installment due, in the caller's transaction, now that its gate holds.

    A withheld installment stays withheld, and an installment of 0 $ is cancelled, since nothing is left to
    pay. Returns whether the installment became due.
    """
    installment = _lock(installment)
    if installment.state != InstallmentState.SCHEDULED:
        return False
    if installment.amount == 0:
        transition(installment, "cancel", "payments.installment.cancelled", actor=actor)
        return False
    installment.became_due_at = timezone.now()
    transition(installment, "make_due", "payments.installment.due", actor=actor, fields=["became_due_at"])
    return True


def approve_installment(*, installment: Installment, actor) -> Installment:
    """First finance step: approve a due installment for payment."""
    require_role(actor, Role.FINANCE_OFFICER, _("Only a finance officer can approve an installment."))
    with transaction.atomic():
        installment = _lock(installment)
        if installment.state in (InstallmentState.APPROVED, InstallmentState.PAID):
            raise AlreadyDone(_("Installment %(number)d was already approved.") % {"number": installment.number})
        if installment.state != InstallmentState.DUE:
            raise PaymentError(
                _("Installment %(number)d is not due, so it cannot be approved.") % {"number": installment.number}
            )
        installment.approved_at = timezone.now()
        installment.approved_by = actor
        transition(
            installment,
            "approve",
            "payments.installment.approved",
            actor=actor,
            fields=["approved_at", "approved_by"],
        )
    logger.info("Installment %s approved by user %s.", installment.pk, actor.pk)
    return installment


def record_payment(*, installment: Installment, actor, paid_on: date, reference: str) -> Installment:
    """Second finance step, by another person than the approver: record the date and reference of the payment."""
    require_role(actor, Role.FINANCE_OFFICER, _("Only a finance officer can record a payment."))
    reference = normalize_text(reference)
    if not reference:
        raise PaymentError(_("Enter the payment reference, for example the number of the transfer."))
    if paid_on is None:
        raise PaymentError(_("Enter the payment date."))
    if paid_on > timezone.localdate():
        raise PaymentError(_("The payment date cannot be in the future."))
    with transaction.atomic():
        installment = _lock(installment)
        if installment.state == InstallmentState.PAID:
            raise AlreadyDone(_("Installment %(number)d was already paid.") % {"number": installment.number})
        if installment.state != InstallmentState.APPROVED:
            raise PaymentError(
                _("Installment %(number)d must be approved before its payment is recorded.")
                % {"number": installment.number}
            )
        if installment.approved_by_id == actor.pk:
            raise PaymentError(_("You approved this installment; another finance officer must record its payment."))
        installment.paid_on = paid_on
        installment.payment_reference = reference
        installment.paid_by = actor
        transition(
            installment,
            "pay",
            "payments.installment.paid",
            actor=actor,
            fields=["paid_on", "payment_reference", "paid_by"],
        )
        agreement = installment.agreement
        queue_document(owner=installment, kind=PAYMENT_NOTICE, actor=actor)
        notify_members(
            agreement,
            "installment_paid",
            key=str(installment.pk),
            context={"number": installment.number, "amount": str(installment.amount), "paid_on": paid_on.isoformat()},
            link=agreement_link(agreement),
        )
        complete_if_settled(lock_agreement(agreement), actor=actor)
    logger.info("Installment %s paid, recorded by user %s.", installment.pk, actor.pk)
    return installment


def withhold_installment(*, installment: Installment, actor, reason: str) -> Installment:
    """Hold back a scheduled or due installment, for example while a report is overdue."""
    require_role(actor, Role.PROGRAM_OFFICER, _("Only a program officer can withhold an installment."))
    reason = normalize_text(reason)
    if not reason:
        raise PaymentError(_("Give the reason for withholding the installment; the organization sees it."))
    with transaction.atomic():
        installment = _lock(installment)
        if installment.state == InstallmentState.WITHHELD:
            raise AlreadyDone(_("Installment %(number)d is already withheld.") % {"number": installment.number})
        if installment.agreement.state != AgreementState.ACTIVE:
            raise PaymentError(_("Only an installment of an active agreement can be withheld."))
        if installment.state not in (InstallmentState.SCHEDULED, InstallmentState.DUE):
            raise PaymentError(_("Only a scheduled or due installment can be withheld."))
        installment.withheld_reason = reason
        transition(
            installment,
            "withhold",
            "payments.installment.withheld",
            actor=actor,
            reason=reason,
            fields=["withheld_reason"],
        )
    return installment


def release_installment(*, installment: Installment, actor, reason: str) -> Installment:
    """Release a withheld installment: due again if its gate holds, otherwise scheduled until it does."""
    require_role(actor, Role.PROGRAM_OFFICER, _("Only a program officer can release an installment."))
    reason = normalize_text(reason)
    if not reason:
        raise PaymentError(_("Give the reason for releasing the installment."))
    with transaction.atomic():
        installment = _lock(installment)
        if installment.state in (InstallmentState.DUE, InstallmentState.SCHEDULED):
            raise AlreadyDone(_("Installment %(number)d is not withheld.") % {"number": installment.number})
        if installment.state != InstallmentState.WITHHELD:
            raise PaymentError(_("Only a withheld installment can be released."))
        gate_open = gate_is_open(installment)
        if gate_open:
            installment.became_due_at = timezone.now()
        transition(
            installment,
            "release",
            "payments.installment.released",
            actor=actor,
            reason=reason,
            fields=["became_due_at"],
            args=(gate_open,),
        )
    return installment


def finance_users():
    return User.objects.filter(groups__name=Role.FINANCE_OFFICER, is_active=True).distinct()


def notify_due_installments(*, now=None) -> int:
    """Periodic job: tell every finance officer once about each installment that became due.

    The key is the installment and the instant it became due, so an installment due again after a release
    is announced again, and a second run announces nothing. Returns the number of installments announced.
    """
    now = now or timezone.now()
    due = (
        Installment.objects.filter(state=InstallmentState.DUE, became_due_at__lte=now)
        .select_related("agreement__application")
        .order_by("pk")
    )
    recipients = list(finance_users())
    announced = 0
    link = reverse("payments:finance_queue")
    for installment in due:
        stamp = installment.became_due_at.isoformat()
        keys = {user.pk: f"payments.installment_due:{installment.pk}:{stamp}:{user.pk}" for user in recipients}
        sent = set(
            Notification.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True)
        )
        fresh = [user for user in recipients if keys[user.pk] not in sent]
        for user in fresh:
            notify(
                recipient=user,
                event="payments.installment_due",
                key=keys[user.pk],
                template="emails/payments/installment_due",
                context={
                    "reference": installment.agreement.reference,
                    "number": installment.number,
                    "amount": str(installment.amount),
                },
                subject=installment,
                link=link,
            )
        announced += int(bool(fresh))
    logger.info("%d due installment(s) announced to finance.", announced)
    return announced
