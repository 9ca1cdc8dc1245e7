"""Forms of the report page: what the organization reports, its attachments, and the officer's decisions.

Amounts are typed the Québec way (« 1 234,56 ») and parsed by applications.forms.MoneyField, whose every
error names the field. The forms check each value; payments.reports decides what may be saved and submitted.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.forms import KeptFormsMixin, MoneyField, ProseField, date_widget, max_length_help
from common.files import ALL_TYPES, PrivateFileField, accepted_types_label, format_file_size
from payments.models import Report, ReportRevenue
from payments.reports import ReportContent

# The largest number the people-reached column stores (a PostgreSQL integer).
MAX_PEOPLE = 2_147_483_647

# Text fields of each kind of report, in the order of the page.
PROGRESS_TEXT_FIELDS = ["activities", "indicators", "difficulties"]
FINAL_TEXT_FIELDS = ["results"]

TEXT_HELP = {
    "activities": gettext_lazy("What the organization did during the year, with the dates and the places."),
    "indicators": gettext_lazy("The indicators of the project and the values reached so far."),
    "difficulties": gettext_lazy("What went otherwise than planned, and what the organization changed."),
    "results": gettext_lazy(
        "For each objective of the agreement, what the project achieved, with the indicators that show it."
    ),
}

# Project year of the expenses of a progress report, which are the expenses to date.
TO_DATE = 0


def text_fields_of(report: Report) -> list[str]:
    return FINAL_TEXT_FIELDS if report.is_final else PROGRESS_TEXT_FIELDS


def expense_years_of(report: Report, agreement_years: list) -> list[int]:
    """Return the project years of the expense grid: one per agreement year for the final report, else « to date »."""
    if report.is_final:
        return [year.number for year in agreement_years]
    return [TO_DATE]


class ReportForm(forms.Form):
    """The text, the people reached per clientele and the expenses per category (and project year) of a report.

    Every field may stay empty in a draft, because report_problems lists what is missing before submission.
    Field names hold the clientele id (`reach_7`) or the project year and category id (`expense_1_3`).
    """

    def __init__(self, *args, report: Report, clienteles, categories, agreement_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.clienteles = list(clienteles)
        self.categories = list(categories)
        self.agreement_years = list(agreement_years)
        self.years = expense_years_of(report, self.agreement_years)

        for name in text_fields_of(report):
            model_field = Report._meta.get_field(name)
            self.fields[name] = ProseField(
                label=capfirst(model_field.verbose_name),
                max_length=model_field.max_length,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=f"{TEXT_HELP[name]} {max_length_help(model_field.max_length)}",
            )
        for clientele in self.clienteles:
            self.fields[self.reach_name(clientele.pk)] = forms.IntegerField(
                label=clientele.name,
                required=False,
                min_value=0,
                max_value=MAX_PEOPLE,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "people-input"}),
                error_messages={
                    "invalid": gettext_lazy("Enter a whole number of people, such as 120."),
                    "min_value": gettext_lazy("Enter 0 or more people."),
                    "max_value": gettext_lazy("Enter a realistic number of people."),
                },
            )
        for year in self.years:
            for category in self.categories:
                self.fields[self.expense_name(year, category.pk)] = MoneyField(label=self.expense_label(category, year))

    @staticmethod
    def reach_name(clientele_id: int) -> str:
        return f"reach_{clientele_id}"

    @staticmethod
    def expense_name(year: int, category_id: int) -> str:
        return f"expense_{year}_{category_id}"

    @staticmethod
    def expense_label(category, year: int) -> str:
        if year == TO_DATE:
            return _("%(category)s, expenses to date") % {"category": category.name}
        return _("%(category)s, year %(number)d") % {"category": category.name, "number": year}

    @classmethod
    def initial_for(cls, report: Report, reach: list, expenses: list) -> dict:
        """Return the saved values of `report` keyed by field name, from its already loaded rows."""
        initial = {name: getattr(report, name) for name in text_fields_of(report)}
        for row in reach:
            initial[cls.reach_name(row.clientele_id)] = row.people
        for row in expenses:
            initial[cls.expense_name(row.project_year, row.category_id)] = row.amount
        return initial

    def text_fields(self):
        return [self[name] for name in text_fields_of(self.report)]

    def reach_fields(self):
        return [self[self.reach_name(clientele.pk)] for clientele in self.clienteles]

    def expense_rows(self):
        """Return (category, [bound field per year]) pairs for the expense grid."""
        return [
            (category, [self[self.expense_name(year, category.pk)] for year in self.years])
            for category in self.categories
        ]

    def content(self, revenues: list[tuple[str, Decimal]] | None = None) -> ReportContent:
        """Return what to save. An empty cell saves no row, which report_problems then reports as missing."""
        cleaned = self.cleaned_data
        return ReportContent(
            **{name: cleaned.get(name, "") for name in text_fields_of(self.report)},
            reach={clientele.pk: cleaned.get(self.reach_name(clientele.pk)) for clientele in self.clienteles},
            expenses={
                (category.pk, year): cleaned.get(self.expense_name(year, category.pk))
                for year in self.years
                for category in self.categories
            },
            revenues=revenues or [],
        )


class RevenueForm(forms.Form):
    # Neither field is required on its own, since blank rows are left empty; a row needs both or neither.
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=ReportRevenue._meta.get_field("source").max_length,
        required=False,
    )
    amount = MoneyField(label=gettext_lazy("Amount received"), required=False)

    def clean(self):
        data = super().clean()
        source, amount = data.get("source"), data.get("amount")
        if amount is not None and not source and "source" not in self.errors:
            self.add_error("source", _("Name the source of this revenue, or empty the row."))
        if source and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount received from this source, or empty the row."))
        return data


class BaseRevenueFormSet(KeptFormsMixin, forms.BaseFormSet):
    row_label = gettext_lazy("Revenue")
    delete_label = gettext_lazy("Remove this revenue")

    def revenues(self) -> list[tuple[str, Decimal]]:
        return [(form.cleaned_data["source"], form.cleaned_data["amount"]) for form in self.kept_forms()]


RevenueFormSet = forms.formset_factory(
    RevenueForm, formset=BaseRevenueFormSet, extra=2, can_delete=True, can_delete_extra=False
)


def upload_help() -> str:
    return _("Accepted types: %(types)s; %(limit)s at most.") % {
        "types": accepted_types_label(ALL_TYPES),
        "limit": format_file_size(settings.UPLOAD_MAX_BYTES),
    }


class AttachmentForm(forms.Form):
    """One document to attach; its content, not its name, decides whether its type is accepted."""

    file = PrivateFileField(label=gettext_lazy("Add a document"), required=False, allowed=ALL_TYPES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()


# The officer's decisions


class AcceptReportForm(forms.Form):
    """Accepting the final report needs the eligible actual expenses, which settle the holdback."""

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        if report.is_final:
            self.fields["eligible_expenses"] = MoneyField(
                label=_("Eligible actual expenses"),
                required=True,
                help_text=_(
                    "The part of the actual expenses the ministry accepts. It starts at the total the "
                    "organization reported; lower it for any expense that is not eligible."
                ),
            )


class RevisionRequestForm(forms.Form):
    comments = ProseField(
        label=gettext_lazy("What the organization must change"),
        max_length=Report._meta.get_field("revision_comments").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The organization sees these comments on its report and receives them by e-mail."),
        error_messages={"required": gettext_lazy("Say what the organization must change in its report.")},
    )


class ExtendDueDateForm(forms.Form):
    due_on = forms.DateField(
        label=gettext_lazy("New due date"),
        widget=date_widget(),
        error_messages={
            "required": gettext_lazy("Enter the new due date."),
            "invalid": gettext_lazy("Enter a valid date, such as 2027-09-30."),
        },
    )
    reason = ProseField(
        label=gettext_lazy("Reason for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the history of the report, with both dates."),
        error_messages={"required": gettext_lazy("Give the reason for the extension.")},
    )
