"""The agreements, reports and finance-queue lists as CSV and XLSX (common.exports).

Same scope as the list pages: the ministry's staff only (selectors.is_payments_staff); anyone else gets 404.
Same filters, including the finance queue's default of due installments.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exports import Column, Kind, ListExport, filtered_rows, register_export
from payments import selectors
from payments.filters import AgreementFilter, InstallmentFilter, ReportFilter, is_report_overdue, queue_filter_data


def person(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def agreement_rows(user, parameters):
    if not selectors.is_payments_staff(user):
        return None
    return filtered_rows(AgreementFilter, parameters, selectors.agreement_list(user), user)


def report_rows(user, parameters):
    if not selectors.is_payments_staff(user):
        return None
    return filtered_rows(ReportFilter, parameters, selectors.report_list(user), user)


def installment_rows(user, parameters):
    if not selectors.is_payments_staff(user):
        return None
    return filtered_rows(InstallmentFilter, queue_filter_data(parameters), selectors.finance_queue(user), user)


def application(row):
    return row.agreement.application


register_export(
    ListExport(
        name="conventions",
        title=_("Agreements"),
        rows=agreement_rows,
        columns=[
            Column(_("Reference number"), lambda a: a.application.reference),
            Column(_("Organization"), lambda a: a.application.organization.name),
            Column(_("Administrative region"), lambda a: a.application.organization.get_region_display()),
            Column(_("Call for projects"), lambda a: a.application.call.code),
            Column(_("State"), lambda a: a.get_state_display()),
            Column(_("Project start"), lambda a: a.starts_on, Kind.DATE),
            Column(_("Project end"), lambda a: a.ends_on, Kind.DATE),
            Column(_("Agreement total"), lambda a: a.total, Kind.MONEY),
            Column(_("Paid"), lambda a: a.paid, Kind.MONEY),
            Column(_("Remaining to pay"), lambda a: a.total - a.paid, Kind.MONEY),
            Column(_("Amount to recover"), lambda a: a.amount_to_recover, Kind.MONEY),
        ],
    )
)

register_export(
    ListExport(
        name="rapports",
        title=_("Reports"),
        rows=report_rows,
        columns=[
            Column(_("Reference number"), lambda r: application(r).reference),
            Column(_("Organization"), lambda r: application(r).organization.name),
            Column(_("Call for projects"), lambda r: application(r).call.code),
            Column(_("Kind"), lambda r: r.get_kind_display()),
            Column(_("Number"), lambda r: r.number, Kind.INTEGER),
            Column(_("State"), lambda r: r.get_state_display()),
            Column(_("Due date"), lambda r: r.due_on, Kind.DATE),
            Column(_("Overdue"), lambda r: is_report_overdue(r, timezone.localdate())),
            Column(_("Submitted on"), lambda r: r.submitted_at, Kind.DATETIME),
        ],
    )
)

register_export(
    ListExport(
        name="versements",
        title=_("Installments"),
        rows=installment_rows,
        columns=[
            Column(_("Reference number"), lambda i: application(i).reference),
            Column(_("Organization"), lambda i: application(i).organization.name),
            Column(_("Administrative region"), lambda i: application(i).organization.get_region_display()),
            Column(_("Call for projects"), lambda i: application(i).call.code),
            Column(_("Installment"), lambda i: i.number, Kind.INTEGER),
            Column(_("Kind"), lambda i: i.get_kind_display()),
            Column(_("State"), lambda i: i.get_state_display()),
            Column(_("Planned date"), lambda i: i.due_on, Kind.DATE),
            Column(_("Fiscal year"), lambda i: i.fiscal_year),
            Column(_("Amount"), lambda i: i.amount, Kind.MONEY),
            Column(_("Approved by"), lambda i: person(i.approved_by)),
            Column(_("Payment date"), lambda i: i.paid_on, Kind.DATE),
            Column(_("Payment reference"), lambda i: i.payment_reference),
        ],
    )
)
