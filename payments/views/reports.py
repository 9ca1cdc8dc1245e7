"""The report page: the organization fills and submits its report, the program officer reviews it.

Views parse the request and call payments.reports. A PaymentError is shown on the form with what was typed,
and AlreadyDone (a double click, a second tab) becomes an information message and a redirect. Anyone who
cannot see the agreement gets a 404 response, so a response never reveals that a report exists.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Membership, Role
from applications.steps import error_entries
from common.audit import timeline_for
from common.files import MissingStoredFile, file_response
from common.money import format_money
from common.templatetags.formats import long_date
from payments import reports, schedule, selectors, services
from payments.filters import is_report_overdue
from payments.models import (
    AgreementState,
    InstallmentKind,
    InstallmentState,
    Report,
    ReportAttachment,
    ReportExpense,
    ReportReach,
    ReportState,
)
from payments.report_forms import (
    TO_DATE,
    AcceptReportForm,
    AttachmentForm,
    ExtendDueDateForm,
    ReportForm,
    RevenueFormSet,
    RevisionRequestForm,
    text_fields_of,
)

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
SAVE, SUBMIT = "save", "submit"


def report_queryset(user):
    """Return the reports `user` may see, with everything the report page shows loaded in a fixed number of queries."""
    return (
        selectors.reports_visible_to(user)
        .select_related(
            "agreement__application__organization",
            "agreement__application__call",
            "submitted_by",
            "reviewed_by",
        )
        .prefetch_related(
            "agreement__years",
            Prefetch("reach", queryset=ReportReach.objects.select_related("clientele")),
            Prefetch("expenses", queryset=ReportExpense.objects.select_related("category")),
            "revenues",
            Prefetch("attachments", queryset=ReportAttachment.objects.select_related("uploaded_by")),
        )
    )


def load_report(user, pk: int) -> Report:
    return get_object_or_404(report_queryset(user), pk=pk)


# What the page shows of a report


def with_extra(expected: list, saved: list) -> list:
    """Return `expected` followed by the saved items it lacks, so that no saved value is hidden."""
    known = {item.pk for item in expected}
    extra = {item.pk: item for item in saved if item.pk not in known}
    return [*expected, *sorted(extra.values(), key=lambda item: (item.position, item.code))]


@dataclass
class ExpenseColumn:
    number: int
    year: object = None  # the AgreementYear, for the final report


@dataclass
class ExpenseRow:
    label: str
    amounts: list
    total: Decimal


@dataclass
class ReportData:
    """The saved content of a report, arranged as the page shows it."""

    clienteles: list
    categories: list
    agreement_years: list
    reach: list
    expenses: list
    revenues: list
    attachments: list
    texts: list = field(default_factory=list)
    reach_rows: list = field(default_factory=list)
    reach_total: int = 0
    columns: list = field(default_factory=list)
    expense_rows: list = field(default_factory=list)
    column_totals: list = field(default_factory=list)
    expense_total: Decimal = ZERO
    revenue_total: Decimal = ZERO


def report_data(report: Report) -> ReportData:
    """Arrange the saved content of `report` from its prefetched rows, with no query beyond the call's taxonomies."""
    call = report.agreement.application.call
    reach = list(report.reach.all())
    expenses = list(report.expenses.all())
    data = ReportData(
        clienteles=with_extra(list(call.clienteles.order_by("position", "code")), [row.clientele for row in reach]),
        categories=with_extra(
            list(call.expense_categories.order_by("position", "code")), [row.category for row in expenses]
        ),
        agreement_years=list(report.agreement.years.all()),
        reach=reach,
        expenses=expenses,
        revenues=list(report.revenues.all()),
        attachments=list(report.attachments.all()),
    )
    data.texts = [(Report._meta.get_field(name).verbose_name, getattr(report, name)) for name in text_fields_of(report)]
    people = {row.clientele_id: row.people for row in reach}
    data.reach_rows = [(clientele.name, people.get(clientele.pk)) for clientele in data.clienteles]
    data.reach_total = sum(people.values())

    if report.is_final:
        years = {year.number: year for year in data.agreement_years}
        numbers = sorted(set(years) | {row.project_year for row in expenses})
        data.columns = [ExpenseColumn(number, years.get(number)) for number in numbers]
    else:
        data.columns = [ExpenseColumn(TO_DATE)]
    amounts = {(row.category_id, row.project_year): row.amount for row in expenses}
    for category in data.categories:
        cells = [amounts.get((category.pk, column.number)) for column in data.columns]
        data.expense_rows.append(ExpenseRow(category.name, cells, sum((cell or ZERO for cell in cells), ZERO)))
    data.column_totals = [
        sum((row.amounts[index] or ZERO for row in data.expense_rows), ZERO) for index in range(len(data.columns))
    ]
    data.expense_total = sum(data.column_totals, ZERO)
    data.revenue_total = sum((revenue.amount for revenue in data.revenues), ZERO)
    return data


@dataclass(frozen=True)
class Problem:
    message: str
    anchor: str


def problems_with_anchors(report: Report) -> list[Problem]:
    """Pair each message of report_problems with the part of the form it names, so the list links to it.

    NOTE: the messages are matched by their text, the same msgids as payments.reports uses. A message that
    changes there stays listed, without its link, until it is added here.
    """
    anchors = {
        _("Results against the objectives: describe what the project achieved."): "id_results",
        _("Activities carried out: describe what was done during the year."): "id_activities",
        _("People reached: enter the number of people reached for at least one clientele."): "reach",
        _("Expenses: enter the expenses by category, 0 where there were none."): "expenses",
    }
    return [Problem(message, anchors.get(message, "")) for message in reports.report_problems(report)]


# The forms of the organization


@dataclass
class ContentForms:
    """The forms the organization fills on the report page, bound or not."""

    form: ReportForm
    revenues: RevenueFormSet | None
    attachment: AttachmentForm

    def all(self) -> list:
        return [item for item in (self.form, self.revenues, self.attachment) if item is not None]

    def content_is_valid(self) -> bool:
        # Both are validated, so that each one shows its errors.
        valid = [self.form.is_valid(), self.revenues is None or self.revenues.is_valid()]
        return all(valid)

    def content(self):
        return self.form.content(self.revenues.revenues() if self.revenues is not None else None)


def content_forms(report: Report, data: ReportData, post=None, files=None) -> ContentForms:
    form = ReportForm(
        post,
        report=report,
        clienteles=data.clienteles,
        categories=data.categories,
        agreement_years=data.agreement_years,
        initial=ReportForm.initial_for(report, data.reach, data.expenses),
    )
    revenues = None
    if report.is_final:
        initial = [{"source": revenue.source, "amount": revenue.amount} for revenue in data.revenues]
        revenues = RevenueFormSet(post, prefix="revenues", initial=initial)
    return ContentForms(form=form, revenues=revenues, attachment=AttachmentForm(post, files))


# The page


def membership_of(user, report: Report) -> Membership | None:
    organization_id = report.agreement.application.organization_id
    return Membership.objects.filter(organization_id=organization_id, user=user).first()


def representative_name(report: Report) -> str:
    membership = (
        Membership.objects.filter(organization_id=report.agreement.application.organization_id, is_representative=True)
        .select_related("user")
        .first()
    )
    return membership.user.get_full_name() if membership else ""


def settlement_context(report: Report, eligible: Decimal | None) -> dict:
    """Return the figures of the final settlement: paid so far, holdback, and what `eligible` would give."""
    agreement = report.agreement
    holdback = services.holdback_installment(agreement)
    paid = services.paid_total(agreement)
    unsettled = list(
        agreement.installments.filter(kind=InstallmentKind.PROJECT_YEAR, state__in=InstallmentState.pending())
        .order_by("number")
        .values_list("number", flat=True)
    )
    context = {
        "paid_total": paid,
        "holdback": holdback.amount if holdback else ZERO,
        "unsettled_installments": unsettled,
        "eligible_preview": eligible,
        "settlement": None,
    }
    if eligible is not None:
        context["settlement"] = schedule.settle(
            holdback=context["holdback"], eligible_expenses=eligible, already_paid=paid
        )
    return context


def render_report_page(request, report: Report, *, status: int = 200, **overrides):
    """Render the report page for the member or the staff member of `request`.

    `overrides` replace the blank forms with bound ones (so a form with errors keeps what was typed) or add
    the eligible amount of a settlement preview.
    """
    user = request.user
    agreement = report.agreement
    membership = overrides.pop("membership", None) or membership_of(user, report)
    data = report_data(report)
    today = timezone.localdate()
    is_officer = user.has_role(Role.PROGRAM_OFFICER)
    editable = (
        membership is not None and agreement.state == AgreementState.ACTIVE and report.state in reports.OPEN_STATES
    )
    forms = overrides.pop("content_forms", None)
    if forms is None and editable:
        forms = content_forms(report, data)

    if report.is_final:
        period = (agreement.starts_on, agreement.ends_on)
    else:
        year = next((year for year in data.agreement_years if year.number == report.number), None)
        period = (year.starts_on, year.ends_on) if year else None

    context = {
        "report": report,
        "agreement": agreement,
        "period": period,
        "application": agreement.application,
        "data": data,
        "today": today,
        "overdue": is_report_overdue(report, today),
        "is_member": membership is not None,
        "is_representative": bool(membership and membership.is_representative),
        "is_staff": selectors.is_payments_staff(user),
        "is_officer": is_officer,
        "editable": editable,
        "forms": forms,
        "errors": error_entries(forms.all()) if forms is not None and forms.form.is_bound else [],
        "timeline": timeline_for(report, for_organization=membership is not None),
    }
    if editable:
        context["problems"] = problems_with_anchors(report)
        if not context["is_representative"]:
            context["representative_name"] = representative_name(report)
    if is_officer and report.state == ReportState.SUBMITTED:
        accept_form = overrides.pop("accept_form", None)
        if accept_form is None:
            accept_form = AcceptReportForm(report=report, initial={"eligible_expenses": data.expense_total})
        context["accept_form"] = accept_form
        context["revision_form"] = overrides.pop("revision_form", None) or RevisionRequestForm()
        if report.is_final:
            eligible = overrides.pop("eligible_preview", None)
            context.update(settlement_context(report, data.expense_total if eligible is None else eligible))
    if is_officer and report.state in reports.OPEN_STATES:
        context["extend_form"] = overrides.pop("extend_form", None) or ExtendDueDateForm()
    context.update(overrides)
    return render(request, "payments/report.html", context, status=status)


class ReportView(LoginRequiredMixin, View):
    """The report page. A member's POST saves the draft, adds or removes documents, and may submit."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.report = load_report(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return render_report_page(request, self.report)

    def post(self, request, pk):
        membership = membership_of(request.user, self.report)
        if membership is None:
            raise Http404
        action = request.POST.get("action", SAVE)
        if action == SUBMIT and self.report.state not in reports.OPEN_STATES:
            # A second click or a second tab: submit_report raises AlreadyDone, which becomes an information message.
            return self.submit()

        data = report_data(self.report)
        forms = content_forms(self.report, data, request.POST, request.FILES)
        done = self.update_attachments(forms, data)
        saved = False
        if forms.content_is_valid():
            try:
                reports.save_report(report=self.report, actor=request.user, content=forms.content())
            except services.PaymentError as error:
                forms.form.add_error(None, str(error))
            else:
                saved = True
        has_errors = not saved or bool(forms.attachment.errors)
        if saved and (action != SUBMIT or has_errors):
            done.insert(0, _("The draft is saved."))
        for message in done:
            messages.success(request, message)
        if has_errors:
            report = load_report(request.user, pk)
            return render_report_page(request, report, content_forms=forms, membership=membership)
        if action == SUBMIT:
            return self.submit()
        return redirect("payments:report", pk=pk)

    def update_attachments(self, forms: ContentForms, data: ReportData) -> list[str]:
        """Remove the documents checked for removal, add the new one, and return the messages of what was done.

        Both happen even when the rest of the form has errors, so that a valid upload is never lost.
        """
        done = []
        attachment_form = forms.attachment
        checked = set(self.request.POST.getlist("remove"))
        for attachment in data.attachments:
            if str(attachment.pk) not in checked:
                continue
            try:
                reports.remove_report_attachment(attachment=attachment, actor=self.request.user)
            except services.PaymentError as error:
                attachment_form.add_error(None, str(error))
            else:
                done.append(_("The file « %(name)s » was removed.") % {"name": attachment.filename})
        if attachment_form.is_valid() and attachment_form.cleaned_data.get("file"):
            upload = attachment_form.cleaned_data["file"]
            try:
                added = reports.add_report_attachment(report=self.report, actor=self.request.user, upload=upload)
            except services.PaymentError as error:
                attachment_form.add_error("file", str(error))
            else:
                done.append(_("The file « %(name)s » was added.") % {"name": added.filename})
        return done

    def submit(self):
        request, report = self.request, self.report
        try:
            reports.submit_report(report=report, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("payments:report", pk=report.pk)
        except services.PaymentError as error:
            if reports.report_problems(Report.objects.get(pk=report.pk)):
                messages.error(
                    request,
                    _(
                        "The draft is saved, but the report is not submitted: complete what the list "
                        "« Before submitting » names, then submit again."
                    ),
                )
            else:
                messages.error(request, str(error))
            return redirect("payments:report", pk=report.pk)
        messages.success(
            request,
            _(
                "The report is submitted to the ministry. Every member of the organization receives an e-mail "
                "once the program officer accepts it or asks for a revision."
            ),
        )
        return redirect("payments:report", pk=report.pk)


class ReportAttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int, attachment_id: int):
        report = get_object_or_404(selectors.reports_visible_to(request.user).select_related("agreement"), pk=pk)
        attachment = get_object_or_404(report.attachments, pk=attachment_id)
        try:
            return file_response(attachment.file, attachment.filename)
        except MissingStoredFile:
            logger.error(
                "Attachment %s of report %s has no stored file %r.", attachment.pk, report.pk, attachment.file.name
            )
            context = {"filename": attachment.filename, "reference": report.agreement.application.reference}
            return render(request, "common/file_missing.html", context, status=410)


# The program officer's decisions


class OfficerReportActionView(LoginRequiredMixin, View):
    """Base of the officer's forms on the report page. Anyone but a program officer gets a 404 response.

    A GET, after a language switch for example, redirects to the report page instead of answering 405.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.report = load_report(request.user, kwargs["pk"])
        if not request.user.has_role(Role.PROGRAM_OFFICER):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return redirect("payments:report", pk=pk)

    def already_done(self, error: services.AlreadyDone):
        messages.info(self.request, str(error))
        return redirect("payments:report", pk=self.report.pk)


class AcceptReportView(OfficerReportActionView):
    """Accept a submitted report. For the final report, « Compute » previews the settlement and writes nothing."""

    def post(self, request, pk):
        report = self.report
        form = AcceptReportForm(request.POST, report=report)
        if not form.is_valid():
            return render_report_page(request, report, accept_form=form)
        eligible = form.cleaned_data.get("eligible_expenses")
        if "preview" in request.POST:
            return render_report_page(request, report, accept_form=form, eligible_preview=eligible)
        try:
            reports.accept_report(report=report, actor=request.user, eligible_expenses=eligible)
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.PaymentError as error:
            form.add_error(None, str(error))
            return render_report_page(request, report, accept_form=form, eligible_preview=eligible)
        if report.is_final:
            agreement = report.agreement
            agreement.refresh_from_db(fields=["final_payment", "amount_to_recover"])
            message = _("The final report is accepted. Final payment: %(payment)s; amount to recover: %(recover)s.") % {
                "payment": format_money(agreement.final_payment),
                "recover": format_money(agreement.amount_to_recover),
            }
        else:
            message = _(
                "The progress report is accepted. The installment that depended on it is now due, "
                "unless it is withheld."
            )
        messages.success(request, message)
        return redirect("payments:report", pk=pk)


class RequestRevisionView(OfficerReportActionView):
    def post(self, request, pk):
        form = RevisionRequestForm(request.POST)
        if not form.is_valid():
            return render_report_page(request, self.report, revision_form=form)
        try:
            reports.request_revision(report=self.report, actor=request.user, comments=form.cleaned_data["comments"])
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.PaymentError as error:
            form.add_error(None, str(error))
            return render_report_page(request, self.report, revision_form=form)
        messages.success(request, _("The organization is asked to revise its report and receives your comments."))
        return redirect("payments:report", pk=pk)


class ExtendDueDateView(OfficerReportActionView):
    def post(self, request, pk):
        form = ExtendDueDateForm(request.POST)
        if not form.is_valid():
            return render_report_page(request, self.report, extend_form=form)
        try:
            report = reports.extend_due_date(
                report=self.report,
                actor=request.user,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.PaymentError as error:
            form.add_error(None, str(error))
            return render_report_page(request, self.report, extend_form=form)
        messages.success(request, _("The report is now due on %(date)s.") % {"date": long_date(report.due_on)})
        return redirect("payments:report", pk=pk)


urlpatterns = [
    path("rapports/<int:pk>/", ReportView.as_view(), name="report"),
    path(
        "rapports/<int:pk>/pieces-jointes/<int:attachment_id>/",
        ReportAttachmentDownloadView.as_view(),
        name="report_attachment",
    ),
    path("rapports/<int:pk>/acceptation/", AcceptReportView.as_view(), name="report_accept"),
    path("rapports/<int:pk>/revision/", RequestRevisionView.as_view(), name="report_request_revision"),
    path("rapports/<int:pk>/prolongation/", ExtendDueDateView.as_view(), name="report_extend"),
]
