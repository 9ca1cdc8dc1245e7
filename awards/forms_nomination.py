"""Forms of the nominator's pages: choosing a category, the nomination draft, withdrawal and the nominee's consent.

Every field of the draft is optional, because a draft may stay partial; awards.services.nomination_problems
lists what a submission still needs. The forms only parse and check each value.
"""

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import MAX_DOCUMENTS, Category, DocumentKind, Nomination, NominationState
from common.files import ALL_TYPES, PrivateFileField, accepted_types_label, format_file_size
from common.text import normalize_text

# Fields of the draft form, in page order, grouped by the part of the page that shows them.
NOMINEE_FIELDS = (
    "nominee_name",
    "nominee_email",
    "nominee_phone",
    "nominee_organization",
    "nominee_language",
    "region",
)
NOMINATOR_FIELDS = ("is_self_nomination", "nominator_relationship", "nominator_phone")
DESCRIPTION_FIELDS = ("actions", "reach", "people_reached")
# The fields that save_nomination stores, except the category, which has its own rules.
SAVED_FIELDS = (*NOMINEE_FIELDS, *NOMINATOR_FIELDS, *DESCRIPTION_FIELDS)


class ProseField(forms.CharField):
    """Free text whose line endings count as one character each, as the browser counts them for `maxlength`.

    Browsers send each line break of a textarea as CRLF, so a text that fits in the browser would be over
    the limit on the server without this normalization.
    """

    def to_python(self, value):
        return normalize_text(super().to_python(value))


class WholeNumberField(forms.IntegerField):
    """A count typed as text, so that « 1 200 », with any kind of space between thousands, is read as 1200.

    A number input would send such a value as empty (HTML value sanitization), and the count would be lost.
    """

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # IntegerField sets min for a number input; a text input takes the numeric keyboard hint instead.
        attrs.pop("min", None)
        attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())
        return super().to_python(value)


def max_length_help(max_length: int) -> str:
    return _("At most %(count)s characters.") % {"count": number_format(max_length, force_grouping=True)}


class StartNominationForm(forms.Form):
    """The category of a new nomination, among those of the editions that accept nominations now."""

    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the category of the nomination."),
            "invalid_choice": gettext_lazy("This category does not accept nominations now. Choose another one."),
        },
    )

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.editions = list(editions)
        self.fields["category"].queryset = (
            Category.objects.filter(edition__in=self.editions).select_related("edition").order_by("edition", "position")
        )
        several = len(self.editions) > 1
        self.fields["category"].label_from_instance = lambda category: (
            f"{category.name} – {category.edition.title}" if several else category.name
        )


class NominationForm(forms.Form):
    """The whole draft on one page, with one new support document at a time.

    Built from the model fields, so that labels, choices and lengths follow the model. Validating the form
    never changes the nomination: the view saves through awards.services.
    """

    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the categories of this edition.")},
    )
    document = PrivateFileField(label=gettext_lazy("Add a document"), required=False, allowed=ALL_TYPES)
    document_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of document"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, nomination: Nomination, **kwargs):
        kwargs.setdefault("initial", self.initial_from(nomination))
        super().__init__(*args, **kwargs)
        self.nomination = nomination
        self.fields["category"].queryset = nomination.edition.categories.order_by("position", "code")
        # The category may change only while the nomination is a draft (awards.services.save_nomination).
        self.fields["category"].disabled = nomination.state != NominationState.DRAFT
        consent_names = [
            category.name for category in self.fields["category"].queryset if category.requires_nominee_consent
        ]
        if consent_names:
            self.fields["category"].help_text = _(
                "In %(categories)s, the nominee must consent: after submission, they receive an e-mail to give or "
                "refuse consent."
            ) % {"categories": ", ".join(f"« {name} »" for name in consent_names)}
        for name in SAVED_FIELDS:
            self.fields[name] = self.model_field(name)
        self.order_fields(["category", *SAVED_FIELDS, "document_kind", "document"])
        self.fields["document"].help_text = _(
            "Accepted types: %(types)s; %(limit)s at most. At most %(max)d documents, at least one of them a "
            "support letter."
        ) % {
            "types": accepted_types_label(ALL_TYPES),
            "limit": format_file_size(settings.UPLOAD_MAX_BYTES),
            "max": MAX_DOCUMENTS,
        }

    @staticmethod
    def initial_from(nomination: Nomination) -> dict:
        initial = {name: getattr(nomination, name) for name in SAVED_FIELDS}
        initial["category"] = nomination.category_id
        initial["document_kind"] = DocumentKind.SUPPORT_LETTER
        return initial

    @staticmethod
    def model_field(name: str) -> forms.Field:
        model_field = Nomination._meta.get_field(name)
        if name in ("actions", "reach"):
            field = model_field.formfield(
                form_class=ProseField, widget=forms.Textarea(attrs={"rows": 8}), required=False
            )
            field.help_text = f"{model_field.help_text} {max_length_help(model_field.max_length)}"
            return field
        if name == "people_reached":
            return WholeNumberField(
                label=capfirst(model_field.verbose_name),
                required=False,
                min_value=0,
                help_text=_("An estimate is enough, for example 250."),
                error_messages={"invalid": _("Enter a whole number, for example 250.")},
            )
        if name == "is_self_nomination":
            return forms.BooleanField(
                label=_("I propose myself"),
                required=False,
                help_text=_("Then enter your own name and e-mail address as the nominee's."),
            )
        field = model_field.formfield(required=False)
        if name in ("nominee_name", "nominee_organization", "nominator_relationship", "nominee_phone"):
            field.widget.attrs.setdefault("autocomplete", "off")
        return field

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("document") and not cleaned.get("document_kind"):
            self.add_error("document_kind", _("Say whether the document is a support letter or another document."))
        return cleaned

    def valid_values(self) -> dict:
        """Return the values that passed their checks, keyed as save_nomination expects them.

        A field with an error is left out, so its stored value stays as it was while the page shows the
        value typed.
        """
        values = {name: self.cleaned_data[name] for name in SAVED_FIELDS if name in self.cleaned_data}
        category = self.cleaned_data.get("category")
        if category is not None and not self.fields["category"].disabled:
            values["category"] = category
        return values

    def valid_upload(self):
        """Return (kind, upload) when a new document passed its checks, else None."""
        upload = self.cleaned_data.get("document")
        kind = self.cleaned_data.get("document_kind")
        if upload and kind and "document" not in self.errors and "document_kind" not in self.errors:
            return kind, upload
        return None


class WithdrawNominationForm(forms.Form):
    reason = ProseField(
        label=gettext_lazy("Reason for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Give the reason for withdrawing the nomination.")},
    )


class ConsentForm(forms.Form):
    """The nominee's choice on the consent page. The reason is read only when consent is withdrawn."""

    ACTIONS = ("give", "refuse", "withdraw")

    # Sent by the button the nominee presses; an unknown value is a form error.
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    reason = ProseField(
        label=gettext_lazy("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The nominator receives this reason."),
    )
