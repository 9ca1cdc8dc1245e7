"""Forms of the organization side of an application: one form (or form and formset) per wizard step.

The forms parse and check each field. The rules that involve the whole file (budget caps, balance,
duration) are checked by applications.checks and shown on the review page.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Organization
from applications.budget import MAX_AMOUNT, ProjectYear
from applications.models import Application, Revenue
from common.files import ALL_TYPES, PrivateFileField, accepted_types_label, format_file_size
from common.money import MoneyParseError, format_money, parse_money
from common.regions import AdministrativeRegion
from common.templatetags.formats import long_date
from common.text import normalize_text
from grants.models import Call, Reach

PROJECT_FIELDS = [
    "title",
    "summary",
    "objectives",
    "expected_impacts",
    "approach",
    "knowledge_base",
    "help_resources",
]


def format_amount_for_input(amount: Decimal | None) -> str:
    """Write a saved amount the way a person types it: « 1 234,56 » in French, « 1234.56 » in English.

    parse_money reads both back. English keeps no grouping because parse_money rejects « 1,234.56 ».
    """
    if amount is None:
        return ""
    text = f"{Decimal(amount):.2f}"
    if (get_language() or "fr")[:2] == "en":
        return text
    integer, cents = text.split(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return f"{' '.join(groups)},{cents}"


class MoneyField(forms.Field):
    """An amount in dollars typed the Québec way (« 1 234,56 », « 1234.56 »), cleaned to a Decimal.

    Thousands may be separated by an ordinary, no-break (U+00A0) or narrow no-break (U+202F) space.
    Negative amounts and amounts over the largest value the database column stores are form errors, so
    that no such value ever reaches a save. Every message names the field, because in the budget grid
    the error shows under a cell whose label is hidden.
    """

    widget = forms.TextInput
    names_field_in_errors = True
    default_error_messages = {
        "required": gettext_lazy("%(field)s: enter an amount, such as 1 234,56."),
        "invalid": gettext_lazy(
            "%(field)s: “%(value)s” is not a valid amount. Enter an amount such as 1 234,56 "
            "(digits, spaces between thousands, a comma before the cents)."
        ),
        "max_decimal_places": gettext_lazy(
            "%(field)s: “%(value)s” has more than 2 decimals. Enter dollars and cents, such as 1 234,56."
        ),
        "negative": gettext_lazy("%(field)s: the amount cannot be negative. Enter 0 or a positive amount."),
        "too_large": gettext_lazy("%(field)s: “%(value)s” is too large. The maximum is %(max)s."),
    }

    def __init__(self, *, max_value: Decimal = MAX_AMOUNT, **kwargs):
        self.max_value = max_value
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "money-input"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return format_amount_for_input(Decimal(value))
        return value

    def _error(self, code: str, **params) -> ValidationError:
        return ValidationError(self.error_messages[code], code=code, params={"field": self.label, **params})

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            amount = parse_money(text)
        except MoneyParseError as error:
            code = "max_decimal_places" if error.code == "max_decimal_places" else "invalid"
            raise self._error(code, value=text) from error
        if amount < 0:
            raise self._error("negative", value=text)
        if amount > self.max_value:
            raise self._error("too_large", value=text, max=format_money(self.max_value))
        return amount

    def validate(self, value):
        if value is None and self.required:
            raise self._error("required")


class ProseField(forms.CharField):
    """Free text whose line endings count as one character, as the browser counts them for `maxlength`.

    Browsers send each line break of a textarea as CRLF, so a text that fits in the browser would be
    over the limit on the server without this normalization.
    """

    def to_python(self, value):
        return normalize_text(super().to_python(value))


def max_length_help(max_length: int) -> str:
    return _("At most %(count)s characters.") % {"count": number_format(max_length, force_grouping=True)}


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StartApplicationForm(forms.Form):
    """The call of a new application and, for a person in several organizations, the organization that applies."""

    call = forms.ModelChoiceField(
        queryset=Call.objects.none(),
        to_field_name="code",
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": gettext_lazy("This call does not accept applications now.")},
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = Call.objects.accepting()
        self.fields["organization"].queryset = Organization.objects.filter(memberships__user=user).order_by("name")

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if organization is not None:
            return organization
        organizations = list(self.fields["organization"].queryset[:2])
        if len(organizations) == 1:
            return organizations[0]
        if not organizations:
            raise ValidationError(_("Join or create an organization first: applications are made by organizations."))
        raise ValidationError(_("Choose the organization that applies."))


class ConfirmOrganizationForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm this information is up to date"),
        error_messages={
            "required": gettext_lazy("Check this box to confirm that your organization's information is up to date.")
        },
    )


class ProjectForm(forms.Form):
    """The description of the project; every field may stay empty in a draft and is checked on the review page.

    A plain form built from the model fields, so that validating it never changes the application in memory.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROJECT_FIELDS:
            model_field = Application._meta.get_field(name)
            widget = forms.TextInput if name == "title" else forms.Textarea(attrs={"rows": 6})
            self.fields[name] = model_field.formfield(form_class=ProseField, widget=widget, required=False)
            self.fields[name].help_text = max_length_help(model_field.max_length)


class ClienteleForm(forms.Form):
    clienteles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Clienteles the project reaches"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=gettext_lazy("Administrative regions where the project takes place"),
        choices=AdministrativeRegion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reach = forms.ChoiceField(
        label=gettext_lazy("Reach of the project"), choices=(), required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clienteles"].queryset = call.clienteles.order_by("position", "code")
        allowed = set(call.reaches) or {reach.value for reach in Reach}
        self.fields["reach"].choices = [(reach.value, reach.label) for reach in Reach if reach.value in allowed]


class CalendarForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("Project start date"),
        widget=date_widget(),
        error_messages={"required": gettext_lazy("Enter the start date of the project.")},
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Project end date"),
        widget=date_widget(),
        error_messages={"required": gettext_lazy("Enter the end date of the project.")},
    )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return cleaned


class PhaseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Phase title"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("Phase start"), widget=date_widget())
    ends_on = forms.DateField(label=gettext_lazy("Phase end"), widget=date_widget())
    activities = ProseField(
        label=gettext_lazy("Activities"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].help_text = max_length_help(3000)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The phase must end on or after its start."))
        return cleaned


class KeptFormsMixin:
    """Tell the rows to save from the blank rows offered for additions and the rows marked for deletion."""

    delete_label = gettext_lazy("Remove this row")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.delete_label

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
            and hasattr(form, "cleaned_data")
        ]


class BasePhaseFormSet(KeptFormsMixin, forms.BaseFormSet):
    """Phases of the calendar; each must fall inside the project dates, set with `set_project_dates`."""

    row_label = gettext_lazy("Phase")
    delete_label = gettext_lazy("Remove this phase")
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": gettext_lazy("Describe at least one phase of the project."),
    }
    project_starts_on = None
    project_ends_on = None

    def set_project_dates(self, starts_on, ends_on) -> None:
        self.project_starts_on, self.project_ends_on = starts_on, ends_on

    def clean(self):
        if self.project_starts_on is None or self.project_ends_on is None:
            return
        for form in self.kept_forms():
            for name in ("starts_on", "ends_on"):
                value = form.cleaned_data.get(name)
                if value and not self.project_starts_on <= value <= self.project_ends_on:
                    form.add_error(
                        name,
                        _("This date is outside the project dates (%(start)s to %(end)s).")
                        % {"start": long_date(self.project_starts_on), "end": long_date(self.project_ends_on)},
                    )

    def phases(self) -> list[dict]:
        """Return the phases to save, in the order of the form."""
        return [form.cleaned_data for form in self.kept_forms()]


PhaseFormSet = forms.formset_factory(
    PhaseForm, formset=BasePhaseFormSet, extra=2, min_num=1, validate_min=True, can_delete=True, can_delete_extra=False
)


class BudgetForm(forms.Form):
    """The budget grid: one amount per expense category and project year, the amount requested per year,
    and the subcontracting amount of the whole project. Field names hold the year number and category id.
    """

    subcontracting_amount = MoneyField(
        label=gettext_lazy("Subcontracting amount"),
        help_text=gettext_lazy(
            "Part of the expenses paid to subcontractors, for the whole project. It may not exceed the "
            "share of the eligible expenses set by the program."
        ),
    )

    def __init__(self, *args, categories, years: list[ProjectYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.years = list(years)
        for year in self.years:
            for category in self.categories:
                self.fields[self.expense_name(year.number, category.pk)] = MoneyField(
                    label=_("%(category)s, year %(number)d") % {"category": category.name, "number": year.number}
                )
            self.fields[f"requested_{year.number}"] = MoneyField(
                label=_("Amount requested from the program, year %(number)d") % {"number": year.number}
            )
        # The subcontracting field comes last in the tab order, after the grid.
        self.order_fields([name for name in self.fields if name != "subcontracting_amount"])

    @staticmethod
    def expense_name(year_number: int, category_id: int) -> str:
        return f"expense_{year_number}_{category_id}"

    def rows(self):
        """Return (category, [bound field per year]) pairs for the grid."""
        return [
            (category, [self[self.expense_name(year.number, category.pk)] for year in self.years])
            for category in self.categories
        ]

    def requested_fields(self):
        return [self[f"requested_{year.number}"] for year in self.years]

    def expenses(self) -> dict[tuple[int, int], Decimal]:
        return {
            (year.number, category.pk): self.cleaned_data.get(self.expense_name(year.number, category.pk)) or Decimal(0)
            for year in self.years
            for category in self.categories
        }

    def requested(self) -> dict[int, Decimal]:
        return {year.number: self.cleaned_data.get(f"requested_{year.number}") or Decimal(0) for year in self.years}

    def subcontracting(self) -> Decimal:
        return self.cleaned_data.get("subcontracting_amount") or Decimal(0)


class RevenueForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[("", "---------"), *Revenue.Kind.choices])
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200)
    project_year = forms.TypedChoiceField(label=gettext_lazy("Project year"), coerce=int, choices=())
    amount = MoneyField(label=gettext_lazy("Amount"), required=True)
    is_confirmed = forms.BooleanField(label=gettext_lazy("Confirmed"), required=False)

    def __init__(self, *args, year_numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_year"].choices = [("", "---------")] + [
            (number, _("Year %(number)d") % {"number": number}) for number in year_numbers
        ]


class BaseRevenueFormSet(KeptFormsMixin, forms.BaseFormSet):
    row_label = gettext_lazy("Revenue")
    delete_label = gettext_lazy("Remove this revenue")

    def revenues(self) -> list[dict]:
        return [form.cleaned_data for form in self.kept_forms()]


RevenueFormSet = forms.formset_factory(
    RevenueForm, formset=BaseRevenueFormSet, extra=2, can_delete=True, can_delete_extra=False
)


class DocumentsForm(forms.Form):
    """One upload field per document of the call; each valid upload is saved even when another one fails."""

    def __init__(self, *args, required_documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.required_documents = list(required_documents)
        for required in self.required_documents:
            self.fields[self.field_name(required)] = PrivateFileField(
                label=_("Add a file: %(name)s") % {"name": required.document_type.name},
                required=False,
                allowed=ALL_TYPES,
                help_text=_("Accepted types: %(types)s; %(limit)s at most.")
                % {"types": accepted_types_label(ALL_TYPES), "limit": format_file_size(settings.UPLOAD_MAX_BYTES)},
            )

    @staticmethod
    def field_name(required) -> str:
        return f"document_{required.document_type.code}"

    def valid_uploads(self):
        """Return (required document, upload) pairs of the fields that passed their checks."""
        return [
            (required, self.cleaned_data[self.field_name(required)])
            for required in self.required_documents
            if self.cleaned_data.get(self.field_name(required))
        ]


class WithdrawForm(forms.Form):
    reason = ProseField(
        label=gettext_lazy("Reason for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Give the reason for the withdrawal.")},
    )
