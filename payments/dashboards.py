"""Dashboard panels of the payments app.

Finance officers see the installments to approve and to pay. Program officers and managers see the reports
to review and the overdue ones. Members of an organization see their next reports and their installments.
Each panel runs one or two queries whatever the number of agreements.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import cached_organizations_of
from common.dashboards import Panel, register_panel
from payments.filters import OPEN_REPORT_STATES, YES, is_report_overdue, overdue_condition
from payments.models import Agreement, AgreementState, Installment, InstallmentState, Report, ReportState

REPORTS_SHOWN = 3
INSTALLMENTS_SHOWN = 12


def url_with(name: str, **filters) -> str:
    return f"{reverse(name)}?{urlencode(filters)}"


@register_panel(order=16)
def my_agreements_panel(user):
    """List the next reports due and the installments of the active agreements of the user's organizations."""
    if not user.is_authenticated or not cached_organizations_of(user):
        return None
    agreements = Agreement.objects.filter(
        application__organization__memberships__user=user, state=AgreementState.ACTIVE
    ).values("pk")
    reports = list(
        Report.objects.filter(agreement__in=agreements, state__in=OPEN_REPORT_STATES)
        .select_related("agreement__application")
        .order_by("due_on", "pk")[:REPORTS_SHOWN]
    )
    installments = list(
        Installment.objects.filter(agreement__in=agreements)
        .exclude(state=InstallmentState.CANCELLED)
        .select_related("agreement__application")
        .order_by("agreement__created_at", "agreement_id", "number")[:INSTALLMENTS_SHOWN]
    )
    if not reports and not installments:
        return None
    today = timezone.localdate()
    for report in reports:
        report.overdue = is_report_overdue(report, today)
    agreement_ids = {installment.agreement_id for installment in installments} | {
        report.agreement_id for report in reports
    }
    return Panel(
        title=_("My agreements"),
        template="payments/panels/my_agreements.html",
        context={
            "reports": reports,
            "installments": installments,
            "several_agreements": len(agreement_ids) > 1,
        },
    )


@register_panel(order=26)
def reports_to_review_panel(user):
    if not user.is_authenticated or not (user.has_role(Role.PROGRAM_OFFICER) or user.has_role(Role.PROGRAM_MANAGER)):
        return None
    # One query for both counts, so the dashboard costs the same whatever the number of reports.
    totals = Report.objects.aggregate(
        submitted=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
        overdue=Count("pk", filter=overdue_condition(timezone.localdate())),
    )
    rows = [
        {
            "label": _("Submitted, waiting for review"),
            "total": totals["submitted"],
            "url": url_with("payments:reports", state=ReportState.SUBMITTED.value),
        },
        {
            "label": _("Overdue"),
            "total": totals["overdue"],
            "url": url_with("payments:reports", overdue=YES),
        },
    ]
    return Panel(title=_("Reports of the agreements"), template="payments/panels/reports.html", context={"rows": rows})


@register_panel(order=27)
def finance_panel(user):
    if not user.is_authenticated or not user.has_role(Role.FINANCE_OFFICER):
        return None
    due, approved = Q(state=InstallmentState.DUE), Q(state=InstallmentState.APPROVED)
    # One query for the counts and the amounts.
    totals = Installment.objects.aggregate(
        due=Count("pk", filter=due),
        due_amount=Sum("amount", filter=due),
        approved=Count("pk", filter=approved),
        approved_amount=Sum("amount", filter=approved),
        payable_by_me=Count("pk", filter=approved & ~Q(approved_by=user)),
    )
    rows = [
        {
            "label": _("Due, to approve"),
            "total": totals["due"],
            "amount": totals["due_amount"] or 0,
            "url": url_with("payments:finance_queue", state=InstallmentState.DUE.value),
        },
        {
            "label": _("Approved, waiting for payment"),
            "total": totals["approved"],
            "amount": totals["approved_amount"] or 0,
            "url": url_with("payments:finance_queue", state=InstallmentState.APPROVED.value),
        },
    ]
    context = {"rows": rows, "payable_by_me": totals["payable_by_me"]}
    return Panel(title=_("Installments"), template="payments/panels/finance.html", context=context)
