"""The organization side of an application: start, the step-by-step form, review, submission and withdrawal.

Each step has its own page and form and is saved on its own through applications.services. The rules on
the whole file are not repeated here: the review page lists what applications.checks reports.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms import BaseFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from applications import selectors, services
from applications.checks import application_problems
from applications.forms import (
    PROJECT_FIELDS,
    BudgetForm,
    CalendarForm,
    ClienteleForm,
    ConfirmOrganizationForm,
    DocumentsForm,
    PhaseFormSet,
    ProjectForm,
    RevenueFormSet,
    StartApplicationForm,
    WithdrawForm,
)
from applications.models import Application, ApplicationState, Attachment, Section
from applications.rules import is_applicant_member
from applications.views.files import (
    build_budget_summary,
    build_summary,
    documents_by_type,
    expense_categories_of,
    representative_of,
    visible_application,
    years_of,
)

# Form errors, gathered for the error summary at the top of a step


@dataclass(frozen=True)
class ErrorEntry:
    anchor: str
    label: str
    message: str


def _form_errors(form, row_label: str = "") -> list[ErrorEntry]:
    entries = []
    fields = list(form)
    for message in form.non_field_errors():
        entries.append(ErrorEntry(fields[0].auto_id if fields else "", row_label, message))
    for bound in fields:
        label = str(bound.label)
        if getattr(bound.field, "names_field_in_errors", False):
            # The message already starts with the field's name.
            label = row_label
        elif row_label:
            label = f"{row_label} – {label}"
        entries.extend(ErrorEntry(bound.auto_id, label, message) for message in bound.errors)
    return entries


def error_entries(items: Iterable) -> list[ErrorEntry]:
    """List the errors of forms and formsets, each with the id of the element it links to."""
    entries = []
    for item in items:
        if isinstance(item, BaseFormSet):
            entries.extend(ErrorEntry(item.prefix, "", message) for message in item.non_form_errors())
            for number, form in enumerate(item.forms, start=1):
                entries.extend(_form_errors(form, f"{item.row_label} {number}"))
        else:
            entries.extend(_form_errors(item))
    return entries


# Steps


class StepHandler:
    """The forms, the save and the extra context of one step. `forms` returns the forms keyed by template name."""

    def __init__(self, application: Application, user):
        self.application = application
        self.user = user

    def forms(self, data=None, files=None) -> dict:
        raise NotImplementedError

    def is_valid(self, forms: dict) -> bool:
        # Every form is validated, so that each one shows its errors.
        return all([form.is_valid() for form in forms.values()])

    def save(self, forms: dict) -> None:
        raise NotImplementedError

    def process(self, forms: dict) -> tuple[bool, str]:
        """Validate and save; return whether everything was saved, and a message when the default one does not fit."""
        if not self.is_valid(forms):
            return False, ""
        self.save(forms)
        return True, ""

    def context(self, forms: dict) -> dict:
        return {}


class OrganizationStep(StepHandler):
    def forms(self, data=None, files=None):
        confirmed = self.application.organization_confirmed_at is not None
        return {"form": ConfirmOrganizationForm(data, initial={"confirm": confirmed})}

    def save(self, forms):
        services.confirm_organization(application=self.application, actor=self.user)

    def context(self, forms):
        organization = self.application.organization
        return {
            "organization": organization,
            "can_edit_organization": self.user.has_perm("accounts.change_organization", organization),
        }


class ProjectStep(StepHandler):
    def forms(self, data=None, files=None):
        initial = {name: getattr(self.application, name) for name in PROJECT_FIELDS}
        return {"form": ProjectForm(data, initial=initial)}

    def save(self, forms):
        services.save_project(application=self.application, actor=self.user, data=forms["form"].cleaned_data)


class ClienteleStep(StepHandler):
    def forms(self, data=None, files=None):
        initial = {
            "clienteles": [clientele.pk for clientele in self.application.clienteles.all()],
            "regions": self.application.regions,
            "reach": self.application.reach,
        }
        return {"form": ClienteleForm(data, call=self.application.call, initial=initial)}

    def save(self, forms):
        cleaned = forms["form"].cleaned_data
        services.save_clienteles(
            application=self.application,
            actor=self.user,
            clienteles=cleaned["clienteles"],
            regions=cleaned["regions"],
            reach=cleaned["reach"],
        )


class CalendarStep(StepHandler):
    def forms(self, data=None, files=None):
        application = self.application
        form = CalendarForm(data, initial={"starts_on": application.starts_on, "ends_on": application.ends_on})
        phases = [
            {
                "title": phase.title,
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
                "activities": phase.activities,
            }
            for phase in application.phases.all()
        ]
        formset = PhaseFormSet(data, prefix="phases", initial=phases)
        if data is not None and form.is_valid():
            formset.set_project_dates(form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
        return {"form": form, "formset": formset}

    def save(self, forms):
        cleaned = forms["form"].cleaned_data
        services.save_calendar(
            application=self.application,
            actor=self.user,
            starts_on=cleaned["starts_on"],
            ends_on=cleaned["ends_on"],
            phases=forms["formset"].phases(),
        )


class BudgetStep(StepHandler):
    def forms(self, data=None, files=None):
        years = years_of(self.application)
        if not years:
            return {}
        initial = {"subcontracting_amount": self.application.subcontracting_amount}
        for line in self.application.budget_lines.all():
            initial[BudgetForm.expense_name(line.project_year, line.category_id)] = line.amount
        for row in self.application.requested_amounts.all():
            initial[f"requested_{row.project_year}"] = row.amount
        categories = expense_categories_of(self.application)
        return {"form": BudgetForm(data, categories=categories, years=years, initial=initial)}

    def save(self, forms):
        form = forms["form"]
        services.save_budget(
            application=self.application,
            actor=self.user,
            expenses=form.expenses(),
            requested=form.requested(),
            subcontracting=form.subcontracting(),
        )

    def context(self, forms):
        summary = build_budget_summary(self.application, expense_categories_of(self.application))
        columns = {column.number: index for index, column in enumerate(summary.columns)}
        year_totals = []
        for year in years_of(self.application):
            index = columns[year.number]
            year_totals.append(
                {
                    "year": year,
                    "expenses": summary.expense_totals[index],
                    "revenues": summary.revenues[index],
                    "difference": summary.differences[index],
                }
            )
        return {"missing_dates": not year_totals, "year_totals": year_totals}


class RevenuesStep(StepHandler):
    def year_numbers(self) -> list[int]:
        numbers = {year.number for year in years_of(self.application)}
        # A revenue saved for a year that the dates no longer cover stays visible so that it can be fixed.
        numbers |= {revenue.project_year for revenue in self.application.revenues.all()}
        return sorted(numbers)

    def forms(self, data=None, files=None):
        numbers = self.year_numbers()
        if not numbers:
            return {}
        initial = [
            {
                "kind": revenue.kind,
                "source": revenue.source,
                "project_year": revenue.project_year,
                "amount": revenue.amount,
                "is_confirmed": revenue.is_confirmed,
            }
            for revenue in self.application.revenues.all()
        ]
        formset = RevenueFormSet(data, prefix="revenues", initial=initial, form_kwargs={"year_numbers": numbers})
        return {"formset": formset}

    def save(self, forms):
        services.save_revenues(application=self.application, actor=self.user, revenues=forms["formset"].revenues())

    def context(self, forms):
        return {"missing_dates": not self.year_numbers()}


class DocumentsStep(StepHandler):
    def required_documents(self):
        return self.application.call.required_documents.select_related("document_type").order_by(
            "-is_required", "document_type__position"
        )

    def forms(self, data=None, files=None):
        return {"form": DocumentsForm(data, files, required_documents=self.required_documents())}

    def process(self, forms):
        """Save each upload that passed its checks, even when another one failed, and report both."""
        form = forms["form"]
        form.is_valid()
        added = 0
        for required, upload in form.valid_uploads():
            try:
                services.add_attachment(
                    application=self.application,
                    actor=self.user,
                    document_type=required.document_type,
                    upload=upload,
                )
            except services.ApplicationError as error:
                form.add_error(form.field_name(required), str(error))
                continue
            added += 1
        if added:
            message = ngettext("%(count)d file was added.", "%(count)d files were added.", added) % {"count": added}
        elif not form.errors:
            message = _("No file was chosen. Choose a file next to the document it belongs to.")
        else:
            message = ""
        return not form.errors, message

    def context(self, forms):
        form = forms.get("form")
        rows = []
        for required, attachments in documents_by_type(self.application):
            field = form[form.field_name(required)] if form is not None else None
            rows.append((required, attachments, field))
        return {"document_rows": rows}


@dataclass(frozen=True)
class Step:
    slug: str
    section: str
    title: str
    handler: type[StepHandler]


STEPS = [
    Step("organisation", Section.ORGANIZATION, gettext_lazy("Organization"), OrganizationStep),
    Step("projet", Section.PROJECT, gettext_lazy("Project"), ProjectStep),
    Step("clientele", Section.CLIENTELES, gettext_lazy("Clienteles and regions"), ClienteleStep),
    Step("calendrier", Section.CALENDAR, gettext_lazy("Calendar"), CalendarStep),
    Step("budget", Section.BUDGET, gettext_lazy("Budget"), BudgetStep),
    Step("revenus", Section.REVENUES, gettext_lazy("Other revenues"), RevenuesStep),
    Step("documents", Section.DOCUMENTS, gettext_lazy("Documents"), DocumentsStep),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
STEP_BY_SECTION = {step.section: step for step in STEPS}


def step_url(application: Application, step: Step) -> str:
    return reverse("applications:step", kwargs={"pk": application.pk, "step": step.slug})


def entry_url(application: Application, user) -> str:
    """Return where a member continues with an application: the review page while it can change, else the file."""
    if user.has_perm("applications.change_application", application):
        return reverse("applications:review", kwargs={"pk": application.pk})
    return reverse("applications:detail", kwargs={"pk": application.pk})


# Shared view plumbing


class MemberApplicationMixin(LoginRequiredMixin):
    """Load the application of the URL for a member of its organization.

    Other people get a 404 response, except staff who may view the file: their GET requests go to the file page.
    """

    def get_queryset(self):
        return selectors.application_detail(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = visible_application(request.user, kwargs["pk"], self.get_queryset())
        if not is_applicant_member(request.user, self.application):
            if request.method == "GET":
                return redirect("applications:detail", pk=self.application.pk)
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def reload(self) -> None:
        """Read the application again after a save, so that the page shows what is now stored."""
        self.application = self.get_queryset().get(pk=self.application.pk)

    def wizard_context(self, current: Step | None) -> dict:
        application, user = self.application, self.request.user
        problems = application_problems(application)
        sections_with_problems = {problem.section for problem in problems}
        has_budget = bool(years_of(application)) and bool(application.budget_lines.all())
        navigation = []
        for step in STEPS:
            if step.section in sections_with_problems or (step.section == Section.BUDGET and not has_budget):
                status = "todo"
            elif step.section == Section.REVENUES:
                status = "optional"
            else:
                status = "done"
            navigation.append(
                {
                    "step": step,
                    "url": step_url(application, step),
                    "status": status,
                    "current": step == current,
                    "open": application.is_open_for(step.section),
                }
            )
        information_request = None
        if application.state == ApplicationState.INCOMPLETE:
            information_request = application.information_requests.filter(answered_at__isnull=True).first()
        return {
            "application": application,
            "navigation": navigation,
            "problems": problems,
            "current_step": current,
            "information_request": information_request,
            "can_change": user.has_perm("applications.change_application", application),
            "can_resubmit": user.has_perm("applications.resubmit_application", application),
            "can_withdraw": user.has_perm("applications.withdraw_application", application),
            "representative": representative_of(application),
        }


# Views


class StartApplicationView(LoginRequiredMixin, View):
    """Open a draft for an open call, or go to the organization's existing application in that call."""

    http_method_names = ["post"]

    def post(self, request):
        back = self.back_url(request.POST.get("call", ""))
        if not request.user.email_verified:
            messages.warning(request, _("Confirm your e-mail address before starting an application."))
            return redirect(back)
        form = StartApplicationForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(back)
        call, organization = form.cleaned_data["call"], form.cleaned_data["organization"]
        try:
            application = services.start_application(call=call, organization=organization, actor=request.user)
        except services.AlreadyDone as error:
            existing = Application.objects.filter(call=call, organization=organization).first()
            messages.info(request, str(error))
            return redirect(entry_url(existing, request.user) if existing else back)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect(back)
        messages.success(
            request,
            _("The application of %(organization)s is started. Each step is saved on its own: come back at any time.")
            % {"organization": organization.name},
        )
        return redirect(step_url(application, STEPS[0]))

    @staticmethod
    def back_url(code: str) -> str:
        try:
            return reverse("grants:call_detail", kwargs={"code": code}) if code else reverse("accounts:dashboard")
        except NoReverseMatch:
            return reverse("accounts:dashboard")


class StepView(MemberApplicationMixin, View):
    def dispatch(self, request, *args, **kwargs):
        self.step = STEP_BY_SLUG.get(kwargs.get("step", ""))
        if self.step is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def is_editable(self) -> bool:
        return self.request.user.has_perm(
            "applications.change_application", self.application
        ) and self.application.is_open_for(self.step.section)

    def handler(self) -> StepHandler:
        return self.step.handler(self.application, self.request.user)

    def get(self, request, pk, step):
        handler = self.handler()
        return self.render(handler, handler.forms() if self.is_editable() else {})

    def post(self, request, pk, step):
        if not self.is_editable():
            messages.error(request, _("This part of the application cannot be changed now."))
            return redirect(step_url(self.application, self.step))
        handler = self.handler()
        forms = handler.forms(request.POST, request.FILES)
        if not forms:
            messages.warning(request, _("Enter the project dates in the calendar step first."))
            return redirect(step_url(self.application, STEP_BY_SLUG["calendrier"]))
        try:
            saved, message = handler.process(forms)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect(step_url(self.application, self.step))
        if saved:
            messages.success(request, message or _("The step « %(step)s » is saved.") % {"step": self.step.title})
            return redirect(self.next_url(request))
        if message:
            # Some uploads were saved while others failed: the page shows both.
            messages.success(request, message)
            self.reload()
            handler.application = self.application
        return self.render(handler, forms)

    def next_url(self, request) -> str:
        if "continue" not in request.POST:
            return step_url(self.application, self.step)
        index = STEPS.index(self.step)
        if index + 1 < len(STEPS):
            return step_url(self.application, STEPS[index + 1])
        return reverse("applications:review", kwargs={"pk": self.application.pk})

    def render(self, handler: StepHandler, forms: dict):
        context = {
            **self.wizard_context(self.step),
            **handler.context(forms),
            **forms,
            "step": self.step,
            "editable": self.is_editable(),
            "errors": error_entries(forms.values()),
            "summary": build_summary(self.application),
        }
        index = STEPS.index(self.step)
        context["previous_step"] = STEPS[index - 1] if index else None
        context["next_step"] = STEPS[index + 1] if index + 1 < len(STEPS) else None
        return render(self.request, f"applications/steps/{self.step.slug}.html", context)


class AttachmentRemoveView(MemberApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, attachment_id):
        attachment = get_object_or_404(
            Attachment.objects.select_related("application"), pk=attachment_id, application=self.application
        )
        filename = attachment.filename
        try:
            services.remove_attachment(attachment=attachment, actor=request.user)
        except services.ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The file « %(name)s » was removed.") % {"name": filename})
        return redirect(step_url(self.application, STEP_BY_SLUG["documents"]))


class ReviewView(MemberApplicationMixin, View):
    """Every remaining problem at once, grouped by step, with the summary of the whole file."""

    def get(self, request, pk):
        context = self.wizard_context(None)
        groups = []
        for step in STEPS:
            items = [
                {"message": problem.message, "url": f"{step_url(self.application, step)}#{problem.field}"}
                for problem in context["problems"]
                if problem.section == step.section
            ]
            if items:
                groups.append({"step": step, "items": items})
        context.update(
            groups=groups,
            summary=build_summary(self.application),
            can_submit=request.user.has_perm("applications.submit_application", self.application),
        )
        return render(request, "applications/review.html", context)


class SubmitView(MemberApplicationMixin, View):
    http_method_names = ["post"]

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related("call", "organization")

    def post(self, request, pk):
        try:
            application = services.submit_application(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("applications:detail", pk=pk)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:review", pk=pk)
        messages.success(
            request,
            _(
                "Your application is submitted under number %(reference)s. Every member of the organization "
                "receives a confirmation by e-mail."
            )
            % {"reference": application.reference},
        )
        return redirect("applications:detail", pk=pk)


class ResubmitView(MemberApplicationMixin, View):
    http_method_names = ["post"]

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related("call", "organization")

    def post(self, request, pk):
        try:
            services.resubmit_application(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("applications:detail", pk=pk)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:review", pk=pk)
        messages.success(request, _("The information is sent. The program officer resumes the screening."))
        return redirect("applications:detail", pk=pk)


class WithdrawView(MemberApplicationMixin, View):
    template_name = "applications/withdraw.html"

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related("call", "organization")

    def allowed(self) -> bool:
        return self.request.user.has_perm("applications.withdraw_application", self.application)

    def reject(self):
        if self.application.state == ApplicationState.WITHDRAWN:
            messages.info(self.request, _("This application was already withdrawn."))
        else:
            messages.error(
                self.request,
                _("Only the organization's representative (mandataire) can withdraw the application."),
            )
        return redirect("applications:detail", pk=self.application.pk)

    def get(self, request, pk):
        if not self.allowed():
            return self.reject()
        return self.render(WithdrawForm())

    def post(self, request, pk):
        if not self.allowed():
            return self.reject()
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.withdraw_application(
                application=self.application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("applications:detail", pk=pk)
        except services.ApplicationError as error:
            form.add_error(None, str(error))
            return self.render(form)
        messages.success(request, _("The application is withdrawn."))
        return redirect("applications:detail", pk=pk)

    def render(self, form):
        context = {"application": self.application, "form": form, "errors": error_entries([form])}
        return render(self.request, self.template_name, context)


urlpatterns = [
    path("nouvelle/", StartApplicationView.as_view(), name="start"),
    path("<int:pk>/etapes/<slug:step>/", StepView.as_view(), name="step"),
    path(
        "<int:pk>/documents/<int:attachment_id>/supprimer/",
        AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("<int:pk>/verification/", ReviewView.as_view(), name="review"),
    path("<int:pk>/depot/", SubmitView.as_view(), name="submit"),
    path("<int:pk>/renvoi/", ResubmitView.as_view(), name="resubmit"),
    path("<int:pk>/retrait/", WithdrawView.as_view(), name="withdraw"),
]
