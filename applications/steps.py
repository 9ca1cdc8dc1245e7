"""The steps of the application form: one handler per step, each with its form and its save service.

The views in applications.views.organization look a step up by its URL slug and let its handler build,
validate and save the form.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.forms import BaseFormSet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applications import services
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
)
from applications.models import Application, Section
from applications.views.files import (
    build_budget_summary,
    documents_by_type,
    expense_categories_of,
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
