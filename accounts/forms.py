from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, User
from accounts.services import ensure_unique_neq
from accounts.validators import normalize_neq
from common.files import PrivateFileField


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We will send a confirmation link to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES, initial="fr")
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Avoid common words and passwords made only of digits."),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account already uses this address. Sign in, or reset your password if you forgot it.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong. Check both and try again."),
        "inactive": _("This account is deactivated. Contact the program team."),
        "unverified": _("Confirm your e-mail address first: open the link we sent you. A new link was just sent."),
        "throttled": _("Too many failed attempts. Wait 15 minutes, or reset your password."),
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]


class OrganizationForm(forms.ModelForm):
    letters_patent = PrivateFileField(
        label=_("Letters patent"),
        required=False,
        allowed=("pdf", "docx", "odt", "jpeg", "png"),
        help_text=_("Letters patent or constituting act: PDF, DOCX, ODT, JPEG or PNG, 10 MB at most."),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "neq",
            "legal_form",
            "region",
            "street_address",
            "city",
            "postal_code",
            "head_office_in_quebec",
            "incorporated_on",
            "mission",
        ]
        widgets = {
            "incorporated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mission": forms.Textarea(attrs={"rows": 5}),
            "neq": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }

    def clean_neq(self):
        neq = normalize_neq(self.cleaned_data["neq"])
        ensure_unique_neq(neq, exclude_pk=self.instance.pk)
        return neq

    def clean_postal_code(self):
        import re

        value = self.cleaned_data["postal_code"].upper().replace(" ", "")
        if not re.fullmatch(r"[A-Z]\d[A-Z]\d[A-Z]\d", value):
            raise forms.ValidationError(_("Enter a Canadian postal code such as H2X 1Y4."))
        return f"{value[:3]} {value[3:]}"

    def clean_incorporated_on(self):
        value = self.cleaned_data["incorporated_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The incorporation date cannot be in the future."))
        return value

    def validate_unique(self):
        # The NEQ uniqueness message comes from clean_neq, with advice on what to do.
        exclude = self._get_validation_exclusions()
        exclude.add("neq")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254)


class TransferRepresentativeForm(forms.Form):
    new_representative = forms.ModelChoiceField(
        label=_("New representative"), queryset=Membership.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, organization, actor, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_representative"]
        field.queryset = organization.memberships.exclude(user=actor).select_related("user")
        field.label_from_instance = lambda membership: f"{membership.user.get_full_name()} ({membership.user.email})"
