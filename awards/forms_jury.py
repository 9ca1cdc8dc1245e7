"""Forms of the screening, jury and results pages of the prize: parsing and per-field checks, no writes."""

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from awards.models import CoupDeCoeur, JurorConflict, Nomination, TieBreakStep
from awards.tally import NO_AWARD
from common.text import normalize_text

YES, NO = "yes", "no"
# Field name of « Aucun lauréat » on a ballot, next to rank_<nomination id> for each finalist.
NO_AWARD_FIELD = "rank_no_award"

REASON_MAX_LENGTH = TieBreakStep._meta.get_field("reason").max_length
COMMENT_MAX_LENGTH = JurorConflict._meta.get_field("comment").max_length
CITATION_MAX_LENGTH = CoupDeCoeur._meta.get_field("citation").max_length
INELIGIBILITY_MAX_LENGTH = Nomination._meta.get_field("ineligibility_reason").max_length
ITEMS_MAX_LENGTH = 5000


class TextField(forms.CharField):
    """Free text normalized as the services store it, so that CRLF line endings count once toward `max_length`."""

    def to_python(self, value):
        return normalize_text(super().to_python(value))


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# Screening


class IneligibilityForm(forms.Form):
    reason = TextField(
        label=_("Reason for ineligibility"),
        max_length=INELIGIBILITY_MAX_LENGTH,
        widget=text_area(4),
        help_text=_("The nominator receives this text by e-mail."),
        error_messages={"required": _("Give the reason; the nominator receives it by e-mail.")},
    )


class CompletionRequestForm(forms.Form):
    items = TextField(
        label=_("Items to complete"),
        max_length=ITEMS_MAX_LENGTH,
        widget=text_area(5),
        help_text=_("One item per line. The nominator receives the list by e-mail and can then change the nomination."),
        error_messages={"required": _("List at least one item the nominator must complete.")},
    )

    def clean_items(self) -> list[str]:
        items = [line.strip() for line in self.cleaned_data["items"].splitlines()]
        items = [item for item in items if item]
        if not items:
            raise forms.ValidationError(_("List at least one item the nominator must complete."))
        return items


# Round 1


class ConflictDeclarationForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this nominee?"),
        choices=[(NO, _("No")), (YES, _("Yes"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
    comment = TextField(label=_("Comment"), max_length=COMMENT_MAX_LENGTH, required=False, widget=text_area())

    @property
    def conflict(self) -> bool:
        return self.cleaned_data["has_conflict"] == YES


class ScoreField(forms.DecimalField):
    """A score typed with a comma or a point before the decimals (« 7,5 » or « 7.5 »)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        return super().to_python(value)

    def prepare_value(self, value):
        """Show a saved score as it is typed: « 7,5 » in French, « 7.5 » in English, without trailing zeros."""
        if isinstance(value, Decimal):
            text = f"{value.normalize():f}"
            return text.replace(".", ",") if (get_language() or "fr").startswith("fr") else text
        return value


class Round1ScoreForm(forms.Form):
    """One optional score per criterion of the category, from 0 to the criterion's maximum.

    A partial sheet may be saved, but it counts in the mean only once every criterion has a score.
    """

    def __init__(self, *args, criteria, scores: dict[int, Decimal], **kwargs):
        self.criteria = list(criteria)
        initial = {self.field_name(pk): value for pk, value in scores.items()}
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in self.criteria:
            maximum = criterion.maximum.normalize()
            self.fields[self.field_name(criterion.pk)] = ScoreField(
                label=criterion.name,
                required=False,
                min_value=Decimal(0),
                max_value=criterion.maximum,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                help_text=_("From 0 to %(maximum)s; decimals are allowed (7,5).") % {"maximum": f"{maximum:f}"},
            )

    @staticmethod
    def field_name(criterion_id: int) -> str:
        return f"score_{criterion_id}"

    def rows(self) -> list[tuple]:
        return [(criterion, self[self.field_name(criterion.pk)]) for criterion in self.criteria]

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and all(cleaned_data.get(self.field_name(c.pk)) is None for c in self.criteria):
            raise forms.ValidationError(_("Enter at least one score before saving."))
        return cleaned_data

    def scores(self) -> dict[int, Decimal]:
        """Return criterion id → score for the criteria filled in."""
        return {
            criterion.pk: self.cleaned_data[self.field_name(criterion.pk)]
            for criterion in self.criteria
            if self.cleaned_data.get(self.field_name(criterion.pk)) is not None
        }


class CutDecisionForm(forms.Form):
    """The jury's choice among the nominations tied at the finalist cut of one category."""

    retained = forms.MultipleChoiceField(label=_("Finalists chosen by the jury"), widget=forms.CheckboxSelectMultiple)
    reason = TextField(
        label=_("Summary of the jury's decision"),
        max_length=REASON_MAX_LENGTH,
        widget=text_area(4),
        help_text=_("How the jury decided and why. It is recorded on the tally sheet."),
        error_messages={"required": _("Summarize the jury's decision and its reason.")},
    )

    def __init__(self, *args, tied: list[Nomination], seats_left: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.tied = {nomination.pk: nomination for nomination in tied}
        self.seats_left = seats_left
        field = self.fields["retained"]
        field.choices = [(str(nomination.pk), nomination.nominee_name) for nomination in tied]
        field.help_text = _("Check exactly %(count)d of the tied nominations.") % {"count": seats_left}

    def clean_retained(self) -> list[Nomination]:
        chosen = [self.tied[int(value)] for value in self.cleaned_data["retained"]]
        if len(chosen) != self.seats_left:
            raise forms.ValidationError(
                _("Check exactly %(count)d of the tied nominations; you checked %(checked)d.")
                % {"count": self.seats_left, "checked": len(chosen)}
            )
        return chosen


class CloseRound1Form(forms.Form):
    missing_sheets_reason = TextField(
        label=_("Reason for closing without the missing score sheets"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=text_area(3),
        help_text=_("Needed only while score sheets are missing. It is recorded in the edition's history."),
    )


# Final vote


class BallotForm(forms.Form):
    """A rank for each finalist the juror may judge and for « Aucun lauréat », where 1 is the first choice.

    Equal ranks mean that the juror has no preference between those options.
    """

    def __init__(self, *args, finalists: list[Nomination], **kwargs):
        super().__init__(*args, **kwargs)
        self.finalists = list(finalists)
        count = len(self.finalists) + 1
        choices = [("", _("Choose a rank")), *[(str(rank), str(rank)) for rank in range(1, count + 1)]]
        for nomination in self.finalists:
            self.fields[self.field_name(nomination.pk)] = forms.TypedChoiceField(
                label=nomination.nominee_name,
                choices=choices,
                coerce=int,
                error_messages={"required": _("Choose a rank.")},
            )
        self.fields[NO_AWARD_FIELD] = forms.TypedChoiceField(
            label=_("No laureate"),
            choices=choices,
            coerce=int,
            help_text=_("Rank « No laureate » above the finalists you consider not worthy of the prize."),
            error_messages={"required": _("Choose a rank.")},
        )

    @staticmethod
    def field_name(nomination_id: int) -> str:
        return f"rank_{nomination_id}"

    def ranks(self) -> dict[int | None, int]:
        """Return the ranks as the service takes them: nomination id, or None for « Aucun lauréat », → rank."""
        ranks = {nomination.pk: self.cleaned_data[self.field_name(nomination.pk)] for nomination in self.finalists}
        ranks[None] = self.cleaned_data[NO_AWARD_FIELD]
        return ranks


class AbstentionForm(forms.Form):
    abstain = forms.BooleanField(
        label=_("I abstain in this category"),
        help_text=_("An abstention is final and counts as a ballot cast, but not toward the quorum."),
        error_messages={"required": _("Check the box to confirm your abstention.")},
    )


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=text_area(3))

    def __init__(self, *args, label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if help_text:
            self.fields["reason"].help_text = help_text


class CastingVoteForm(forms.Form):
    """The president's choice among the options still tied: a finalist, or « Aucun lauréat »."""

    choice = forms.ChoiceField(
        label=_("Your casting vote"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the tied options.")},
    )
    reason = TextField(label=_("Reason (optional)"), max_length=REASON_MAX_LENGTH, required=False, widget=text_area(3))

    def __init__(self, *args, options: list[tuple[str, str]], nominations: dict[str, Nomination], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = options
        self.nominations = nominations

    def chosen_nomination(self) -> Nomination | None:
        """Return the chosen finalist, or None for « Aucun lauréat »."""
        choice = self.cleaned_data["choice"]
        return None if choice == NO_AWARD else self.nominations[choice]


# Results


class CoupDeCoeurForm(forms.Form):
    nomination = forms.ModelChoiceField(
        label=_("Nomination"),
        queryset=Nomination.objects.none(),
        empty_label=_("Choose a nomination"),
        error_messages={"required": _("Choose the nomination that receives the Coup de cœur.")},
    )
    citation = TextField(
        label=_("Citation"),
        max_length=CITATION_MAX_LENGTH,
        required=False,
        widget=text_area(4),
        help_text=_("Read at the ceremony and printed on the certificate."),
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["nomination"]
        field.queryset = nominations
        field.label_from_instance = lambda nomination: f"{nomination.nominee_name} – {nomination.category.name}"
