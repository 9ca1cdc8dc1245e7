"""Forms of the agreement page and of the actions on an agreement and its installments.

They parse and check each field only. The rules of the agreement (the schedule adds up to the total, who may
sign, the two finance users) are checked by payments.services and payments.installments.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import MAX_AMOUNT
from applications.forms import ProseField, date_widget, format_amount_for_input
from common.files import PrivateFileField
from common.money import MoneyParseError, format_money, parse_money
from payments.models import Agreement, Installment
from payments.services import InstallmentEdit

REASON_MAX_LENGTH = 5000
CONDITIONS_MAX_LENGTH = Agreement._meta.get_field("conditions").max_length
SIGNER_MAX_LENGTH = Agreement._meta.get_field("signer_name").max_length
REFERENCE_MAX_LENGTH = Installment._meta.get_field("payment_reference").max_length


class AmountField(forms.Field):
    """An amount in dollars typed the Québec way (« 1 234,56 », « 1234.56 »), read with common.money.parse_money.

    The messages do not repeat the field's name, because the error summary and the field both show it.
    """

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "money-input"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_amount_for_input(value)
        return value

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            amount = parse_money(text)
        except MoneyParseError as error:
            raise ValidationError(error.message, code=error.code) from error
        if amount < 0:
            raise ValidationError(_("The amount cannot be negative. Enter 0 or a positive amount."), code="negative")
        if amount > MAX_AMOUNT:
            raise ValidationError(
                _("“%(value)s” is too large. The maximum is %(max)s."),
                code="too_large",
                params={"value": text, "max": format_money(MAX_AMOUNT)},
            )
        return amount


def reason_field(label, help_text=None) -> ProseField:
    return ProseField(
        label=label,
        help_text=help_text,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# Edits of a draft agreement


class InstallmentScheduleForm(forms.Form):
    """The amount and planned date of one installment, whose number and condition come from `installment`."""

    installment_id = forms.IntegerField(widget=forms.HiddenInput)
    amount = AmountField(label=gettext_lazy("Amount"))
    due_on = forms.DateField(label=gettext_lazy("Planned date"), widget=date_widget())

    def __init__(self, *args, installment: Installment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.installment = installment
        if installment is not None:
            number = {"number": installment.number}
            self.fields["amount"].label = _("Amount of installment %(number)s") % number
            self.fields["due_on"].label = _("Planned date of installment %(number)s") % number


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: the id of the element it links to, the field's label and the message."""

    anchor: str
    label: str
    message: str


class BaseScheduleFormSet(forms.BaseFormSet):
    """One form per installment of the agreement, in order, and the sum of their amounts against the agreement total."""

    # The id of the row that shows the sum, which the summary links to when the sums differ.
    TOTAL_ANCHOR = "schedule-total"

    def __init__(self, *args, installments: list[Installment], total: Decimal, **kwargs):
        self.installments = installments
        self.total = total
        kwargs.setdefault(
            "initial",
            [{"installment_id": item.pk, "amount": item.amount, "due_on": item.due_on} for item in installments],
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["installment"] = (
            self.installments[index] if index is not None and index < len(self.installments) else None
        )
        return kwargs

    def edits(self) -> list[InstallmentEdit]:
        return [
            InstallmentEdit(
                installment_id=form.cleaned_data["installment_id"],
                amount=form.cleaned_data["amount"],
                due_on=form.cleaned_data["due_on"],
            )
            for form in self.forms
        ]

    def entered_total(self) -> Decimal | None:
        """Return the sum of the amounts entered (or saved, before a submission), or None while one is invalid."""
        if not self.is_bound:
            return sum((item.amount for item in self.installments), Decimal(0))
        total = Decimal(0)
        for form in self.forms:
            # Reading `errors` validates the row, so that `cleaned_data` holds the parsed amount.
            if form.errors.get("amount") or form.cleaned_data.get("amount") is None:
                return None
            total += form.cleaned_data["amount"]
        return total

    def left_to_allocate(self) -> Decimal | None:
        """Return the agreement total minus the amounts entered, or None while an amount is invalid."""
        entered = self.entered_total()
        return None if entered is None else self.total - entered

    def error_summary(self) -> list[SummaryError]:
        if not self.is_bound:
            return []
        entries = [SummaryError(self.TOTAL_ANCHOR, "", message) for message in self.non_form_errors()]
        for form in self.forms:
            for bound in form:
                entries.extend(SummaryError(bound.auto_id, str(bound.label), message) for message in bound.errors)
        return entries


ScheduleFormSet = forms.formset_factory(
    InstallmentScheduleForm,
    formset=BaseScheduleFormSet,
    extra=0,
    can_order=False,
    can_delete=False,
)


class ScheduleNoteForm(forms.Form):
    reason = ProseField(
        label=gettext_lazy("Reason for the change (optional)"),
        help_text=gettext_lazy("It appears in the agreement's history."),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConditionsForm(forms.Form):
    conditions = ProseField(
        label=gettext_lazy("Conditions of the agreement"),
        help_text=gettext_lazy("One condition per line. They appear in the agreement sent for signature."),
        required=False,
        max_length=CONDITIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class RevisionForm(forms.Form):
    reason = reason_field(
        gettext_lazy("Reason for the revision"),
        gettext_lazy("The organization sees it. Any signature already given is void and must be given again."),
    )


# Signatures


class SignerFields(forms.Form):
    signer_name = forms.CharField(label=gettext_lazy("Full name of the signatory"), max_length=SIGNER_MAX_LENGTH)
    signer_title = forms.CharField(
        label=gettext_lazy("Title of the signatory"),
        help_text=gettext_lazy("For example: executive director, chair of the board."),
        max_length=SIGNER_MAX_LENGTH,
    )


class ElectronicSignatureForm(SignerFields):
    """The electronic signature: name, title, the acknowledgement, and the SHA-256 of the version shown."""

    # Both signature forms are on one page, so their fields need different ids.
    prefix = "electronic"

    has_read = forms.BooleanField(
        label=gettext_lazy("I have read the agreement and I sign it on behalf of the organization."),
        error_messages={"required": gettext_lazy("Check the box to confirm that you have read the agreement.")},
    )
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def show_version(self, document_sha256: str) -> None:
        """Point a submitted form to the version now shown, and clear the acknowledgement so it is given again.

        The errors found so far stay; only the values the page shows change.
        """
        data = self.data.copy()
        data[self.add_prefix("document_sha256")] = document_sha256
        data.pop(self.add_prefix("has_read"), None)
        self.data = data


class SignedCopyForm(SignerFields):
    prefix = "copy"
    signed_file = PrivateFileField(
        label=gettext_lazy("Agreement signed by hand (PDF)"),
        help_text=gettext_lazy("The PDF of the agreement, printed, signed, then scanned. PDF only."),
        allowed={"pdf"},
    )


# Termination


class TerminationForm(forms.Form):
    reason = reason_field(gettext_lazy("Reason for the termination"), gettext_lazy("The organization sees it."))
    eligible_expenses = AmountField(
        label=gettext_lazy("Eligible expenses incurred so far"),
        help_text=gettext_lazy(
            "In dollars, for example 12 345,67. What was paid beyond this amount is to be recovered."
        ),
    )


# Installments


class WithholdForm(forms.Form):
    reason = reason_field(
        gettext_lazy("Reason for withholding the installment"), gettext_lazy("The organization sees it.")
    )


class ReleaseForm(forms.Form):
    reason = reason_field(
        gettext_lazy("Reason for releasing the installment"), gettext_lazy("The organization sees it.")
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("Payment date"), widget=date_widget())
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        help_text=gettext_lazy("For example, the number of the transfer."),
        max_length=REFERENCE_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
