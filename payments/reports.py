"""Every write on reports: the organization fills and submits them, and the officer accepts them or requests a revision.

Accepting progress report N makes the installment it gates (N + 1) due. Accepting the final report settles
the holdback: final payment = max(0, min(holdback, eligible − paid)) and amount to recover =
max(0, paid − eligible). When the final payment is below the holdback, the holdback installment keeps the
final payment and a cancelled « unused holdback » installment keeps the rest, so the installments still add
up to the agreement total.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common.audit import record_transition
from common.files import ALLOWED_TYPES, detect_file_type
from common.models import Notification
from common.notifications import notify
from common.templatetags.formats import long_date
from common.text import normalize_text
from payments import schedule
from payments.installments import make_due
from payments.models import (
    Agreement,
    AgreementState,
    Installment,
    InstallmentKind,
    InstallmentState,
    Report,
    ReportAttachment,
    ReportExpense,
    ReportReach,
    ReportRevenue,
    ReportState,
)
from payments.services import (
    ZERO,
    AlreadyDone,
    PaymentError,
    agreement_link,
    complete_if_settled,
    is_member,
    is_representative,
    lock_agreement,
    notify_members,
    paid_total,
    require_role,
    transition,
)

logger = logging.getLogger(__name__)

OPEN_STATES = (ReportState.EXPECTED, ReportState.REVISION_REQUESTED)
MAX_ATTACHMENTS = 10


def _lock(report: Report) -> Report:
    agreement = lock_agreement(report.agreement)
    locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    locked.agreement = agreement
    return locked


def _check_editable(report: Report, actor) -> None:
    if not is_member(actor, report.agreement):
        raise PaymentError(_("Only a member of the organization can fill its reports."))
    if report.agreement.state != AgreementState.ACTIVE:
        raise PaymentError(_("Reports can be filled only while the agreement is active."))
    if report.state not in OPEN_STATES:
        raise PaymentError(_("This report was submitted; it can be changed only if the ministry asks for a revision."))


@dataclass
class ReportContent:
    activities: str = ""
    indicators: str = ""
    difficulties: str = ""
    results: str = ""
    reach: dict[int, int] = field(default_factory=dict)  # clientele id → people reached
    expenses: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (category id, project year) → amount
    revenues: list[tuple[str, Decimal]] = field(default_factory=list)  # (source, amount)


def save_report(*, report: Report, actor, content: ReportContent) -> Report:
    """Save what the organization typed; a draft can be saved incomplete and submitted later."""
    if any(amount is not None and amount < 0 for amount in content.expenses.values()):
        raise PaymentError(_("Expenses: enter amounts of 0 or more."))
    if any(amount is not None and amount < 0 for _source, amount in content.revenues):
        raise PaymentError(_("Other revenues: enter amounts of 0 or more."))
    if any(people is not None and people < 0 for people in content.reach.values()):
        raise PaymentError(_("People reached: enter numbers of 0 or more."))
    with transaction.atomic():
        report = _lock(report)
        _check_editable(report, actor)
        report.activities = normalize_text(content.activities)
        report.indicators = normalize_text(content.indicators)
        report.difficulties = normalize_text(content.difficulties)
        report.results = normalize_text(content.results)
        report.save(update_fields=["activities", "indicators", "difficulties", "results"])
        report.reach.all().delete()
        ReportReach.objects.bulk_create(
            ReportReach(report=report, clientele_id=clientele_id, people=people)
            for clientele_id, people in content.reach.items()
            if people is not None
        )
        report.expenses.all().delete()
        ReportExpense.objects.bulk_create(
            ReportExpense(report=report, category_id=category_id, project_year=year, amount=amount)
            for (category_id, year), amount in content.expenses.items()
            if amount is not None
        )
        report.revenues.all().delete()
        ReportRevenue.objects.bulk_create(
            ReportRevenue(report=report, source=normalize_text(source), amount=amount)
            for source, amount in content.revenues
            if normalize_text(source)
        )
    return report


def add_report_attachment(*, report: Report, actor, upload) -> ReportAttachment:
    """Store a document (already validated by the form) under a random name with its SHA-256."""
    with transaction.atomic():
        report = _lock(report)
        _check_editable(report, actor)
        if report.attachments.count() >= MAX_ATTACHMENTS:
            raise PaymentError(
                _("A report can have at most %(max)d attachments; remove one first.") % {"max": MAX_ATTACHMENTS}
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        kind = detect_file_type(upload)
        return ReportAttachment.objects.create(
            report=report,
            file=upload,
            filename=normalize_text(upload.name)[:255],
            content_type=ALLOWED_TYPES[kind].mime_type if kind else "application/octet-stream",
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )


def remove_report_attachment(*, attachment: ReportAttachment, actor) -> None:
    with transaction.atomic():
        report = _lock(attachment.report)
        _check_editable(report, actor)
        attachment.file.delete(save=False)
        attachment.delete()


def report_problems(report: Report) -> list[str]:
    """Return what is missing before the report can be submitted, each message naming its field."""
    problems = []
    if report.is_final:
        if not report.results:
            problems.append(_("Results against the objectives: describe what the project achieved."))
    elif not report.activities:
        problems.append(_("Activities carried out: describe what was done during the year."))
    if not report.reach.exists():
        problems.append(_("People reached: enter the number of people reached for at least one clientele."))
    if not report.expenses.exists():
        problems.append(_("Expenses: enter the expenses by category, 0 where there were none."))
    return problems


def submit_report(*, report: Report, actor) -> Report:
    """Submit the report to the ministry, as the organization's representative."""
    with transaction.atomic():
        report = _lock(report)
        if report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            raise AlreadyDone(_("This report was already submitted."))
        _check_editable(report, actor)
        if not is_representative(actor, report.agreement):
            raise PaymentError(_("Only the organization's authorized representative can submit a report."))
        problems = report_problems(report)
        if problems:
            raise PaymentError(" ".join(problems))
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        transition(report, "submit", "payments.report.submitted", actor=actor, fields=["submitted_at", "submitted_by"])
        officer = report.agreement.application.officer
        if officer is not None:
            notify(
                recipient=officer,
                event="payments.report_submitted",
                key=f"payments.report_submitted:{report.pk}:{report.submitted_at.isoformat()}",
                template="emails/payments/report_submitted",
                context={"reference": report.agreement.reference, "final": report.is_final, "number": report.number},
                subject=report,
                link=agreement_link(report.agreement),
            )
    return report


def _require_officer(actor) -> None:
    require_role(actor, Role.PROGRAM_OFFICER, _("Only a program officer can review a report."))


def _require_active(report: Report) -> None:
    if report.agreement.state != AgreementState.ACTIVE:
        raise PaymentError(_("The agreement is no longer active, so its reports can no longer be reviewed."))


def request_revision(*, report: Report, actor, comments: str) -> Report:
    _require_officer(actor)
    comments = normalize_text(comments)
    if not comments:
        raise PaymentError(_("Comments: say what the organization must change in its report."))
    with transaction.atomic():
        report = _lock(report)
        if report.state == ReportState.REVISION_REQUESTED:
            raise AlreadyDone(_("A revision of this report was already requested."))
        if report.state != ReportState.SUBMITTED:
            raise PaymentError(_("Only a submitted report can be sent back for revision."))
        _require_active(report)
        report.revision_comments = comments
        report.reviewed_at = timezone.now()
        report.reviewed_by = actor
        transition(
            report,
            "request_revision",
            "payments.report.revision_requested",
            actor=actor,
            reason=comments,
            fields=["revision_comments", "reviewed_at", "reviewed_by"],
        )
        notify_members(
            report.agreement,
            "report_revision",
            key=f"{report.pk}:{report.reviewed_at.isoformat()}",
            context={"final": report.is_final, "number": report.number, "comments": comments},
            link=agreement_link(report.agreement),
        )
    return report


def accept_report(*, report: Report, actor, eligible_expenses: Decimal | None = None) -> Report:
    """Accept a submitted report. A progress report releases the next installment; the final report settles."""
    _require_officer(actor)
    with transaction.atomic():
        report = _lock(report)
        if report.state == ReportState.ACCEPTED:
            raise AlreadyDone(_("This report was already accepted."))
        if report.state != ReportState.SUBMITTED:
            raise PaymentError(_("Only a submitted report can be accepted."))
        _require_active(report)
        agreement = report.agreement
        if report.is_final:
            _settle(agreement, actor, eligible_expenses)
        report.reviewed_at = timezone.now()
        report.reviewed_by = actor
        transition(report, "accept", "payments.report.accepted", actor=actor, fields=["reviewed_at", "reviewed_by"])
        # The last progress report gates no installment, and the final report gates the holdback.
        for installment in Installment.objects.filter(gate_report=report).order_by("number"):
            make_due(installment=installment, actor=actor)
        complete_if_settled(lock_agreement(agreement), actor=actor)
        notify_members(
            agreement,
            "report_accepted",
            key=str(report.pk),
            context={"final": report.is_final, "number": report.number},
            link=agreement_link(agreement),
        )
    return report


def _settle(agreement: Agreement, actor, eligible_expenses: Decimal | None) -> None:
    if eligible_expenses is None or eligible_expenses < 0:
        raise PaymentError(_("Eligible actual expenses: enter the amount the ministry accepts, 0 or more."))
    unsettled = agreement.installments.filter(
        kind=InstallmentKind.PROJECT_YEAR, state__in=InstallmentState.pending()
    ).order_by("number")
    if unsettled.exists():
        raise PaymentError(
            _("Installment %(number)d is not paid yet. Pay or cancel every installment before the final report.")
            % {"number": unsettled.first().number}
        )
    holdback = agreement.installments.select_for_update().get(kind=InstallmentKind.HOLDBACK)
    settlement = schedule.settle(
        holdback=holdback.amount, eligible_expenses=eligible_expenses, already_paid=paid_total(agreement)
    )
    unused = holdback.amount - settlement.final_payment
    if settlement.final_payment == 0:
        transition(holdback, "cancel", "payments.installment.cancelled", actor=actor)
    elif unused > 0:
        holdback.amount = settlement.final_payment
        holdback.save(update_fields=["amount"])
        rest = Installment.objects.create(
            agreement=agreement,
            number=agreement.installments.count() + 1,
            kind=InstallmentKind.UNUSED,
            gate_report=holdback.gate_report,
            amount=unused,
            due_on=holdback.due_on,
        )
        transition(rest, "cancel", "payments.installment.cancelled", actor=actor)
    agreement.eligible_expenses = eligible_expenses
    agreement.final_payment = settlement.final_payment
    agreement.amount_to_recover = settlement.to_recover
    agreement.save(update_fields=["eligible_expenses", "final_payment", "amount_to_recover", "updated_at"])


def reported_expenses(report: Report) -> Decimal:
    return sum((expense.amount for expense in report.expenses.all()), ZERO)


def extend_due_date(*, report: Report, actor, due_on: date, reason: str) -> Report:
    """Give the organization more time for a report; the reason and both dates go to the history.

    An installment that the report gates and that is still planned on the old due date moves with it, so the
    envelope counts it in the fiscal year in which it can now be paid.
    """
    _require_officer(actor)
    reason = normalize_text(reason)
    if not reason:
        raise PaymentError(_("Give the reason for the extension."))
    if due_on is None:
        raise PaymentError(_("New due date: enter a date."))
    with transaction.atomic():
        report = _lock(report)
        if report.state not in OPEN_STATES:
            raise PaymentError(_("Only a report not yet received can get more time."))
        if report.agreement.state != AgreementState.ACTIVE:
            raise PaymentError(_("The agreement is no longer active, so its reports need no more time."))
        if due_on == report.due_on:
            raise AlreadyDone(_("The report is already due on %(date)s.") % {"date": long_date(report.due_on)})
        if due_on < report.due_on:
            raise PaymentError(
                _("New due date: choose a date after the current one, %(date)s.") % {"date": long_date(report.due_on)}
            )
        if due_on < timezone.localdate():
            raise PaymentError(_("New due date: choose today or a later date."))
        previous = report.due_on
        report.due_on = due_on
        report.save(update_fields=["due_on"])
        moved = Installment.objects.select_for_update(of=("self",)).filter(
            gate_report=report, state=InstallmentState.SCHEDULED, due_on=previous
        )
        for installment in moved:
            installment.due_on = due_on
            installment.save(update_fields=["due_on"])
        record_transition(
            subject=report,
            transition="payments.report.extended",
            source=report.state,
            target=report.state,
            actor=actor,
            reason=_("%(reason)s (from %(old)s to %(new)s)")
            % {"reason": reason, "old": long_date(previous), "new": long_date(due_on)},
        )
    return report


# Reminders

REMINDER_DAYS = {30: "30_days", 7: "7_days"}


def send_report_reminders(*, now=None) -> int:
    """Periodic job: remind organizations 30 and 7 days before a report is due, and the day after it is overdue.

    Dates are local (America/Montreal) dates taken from `now`, so the job gives the same answer whatever the
    UTC offset of the day. Each reminder has its own key, which contains the due date: a second run sends
    nothing, and an extended due date is reminded again. Returns the number of reports reminded.
    """
    today = timezone.localdate(now or timezone.now())
    kinds = {today + timedelta(days=days): kind for days, kind in REMINDER_DAYS.items()}
    kinds[today - timedelta(days=1)] = "overdue"
    reports = Report.objects.filter(
        state__in=OPEN_STATES, due_on__in=list(kinds), agreement__state=AgreementState.ACTIVE
    ).select_related("agreement__application")
    reminded = 0
    for report in reports:
        kind = kinds[report.due_on]
        key = f"{report.pk}:{kind}:{report.due_on.isoformat()}"
        if Notification.objects.filter(idempotency_key__startswith=f"payments.report_reminder:{key}:").exists():
            continue
        notify_members(
            report.agreement,
            "report_reminder",
            key=key,
            context={
                "kind": kind,
                "final": report.is_final,
                "number": report.number,
                "due_on": report.due_on.isoformat(),
            },
            link=agreement_link(report.agreement),
        )
        reminded += 1
    logger.info("%d report reminder(s) queued for %s.", reminded, today.isoformat())
    return reminded
