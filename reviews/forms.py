"""Forms of the reviewer's assignment page and of the officer's review page."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.budget import ProjectYear
from applications.forms import MoneyField, ProseField, date_widget
from common.templatetags.formats import long_date
from reviews.models import ConflictKind, Recommendation

YES, NO = "yes", "no"


class ConflictDeclarationForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this organization or this project?"),
        choices=[(NO, _("No")), (YES, _("Yes"))],
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind of conflict of interest"),
        choices=[("", _("Choose the kind, if you answered yes")), *ConflictKind.choices],
        required=False,
    )
    comment = ProseField(label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") == YES and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of conflict of interest."))
        return data

    @property
    def conflict(self) -> bool:
        return self.cleaned_data["has_conflict"] == YES


class ReasonForm(forms.Form):
    reason = ProseField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class ScoreField(forms.DecimalField):
    """A score typed with a comma or a point before the decimals (« 7,5 » or « 7.5 »)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
        return super().to_python(value)


@dataclass
class CriterionRow:
    criterion: object
    score: forms.BoundField
    not_applicable: forms.BoundField | None
    comment: forms.BoundField


class ReviewForm(forms.Form):
    """The call's rubric: a score, « not applicable » where allowed and a comment for each criterion.

    Every field is optional so that a partial draft can be saved; submitting checks completeness in the service.
    """

    overall_comment = ProseField(
        label=_("Overall comment"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", _("Not chosen yet")), *Recommendation.choices],
        required=False,
    )

    def __init__(self, *args, criteria, years: list[ProjectYear], review=None, scores=None, **kwargs):
        self.criteria = list(criteria)
        self.years = years
        scores = scores or {}
        initial = kwargs.pop("initial", {}) or {}
        if review is not None:
            initial.update(overall_comment=review.overall_comment, recommendation=review.recommendation)
            for suggested in review.suggested_amounts.all():
                initial[f"amount_{suggested.project_year}"] = suggested.amount
        for criterion in self.criteria:
            saved = scores.get(criterion.pk)
            if saved is not None:
                initial[f"score_{criterion.pk}"] = saved.value
                initial[f"na_{criterion.pk}"] = saved.not_applicable
                initial[f"comment_{criterion.pk}"] = saved.comment
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in self.criteria:
            maximum = criterion.maximum.normalize()
            # Django's default messages show the bound as « 10.00 »; this one names the range the page states.
            score_error = _("Enter a score between 0 and %(max)s, such as 7,5.") % {"max": f"{maximum:f}"}
            self.fields[f"score_{criterion.pk}"] = ScoreField(
                label=_("Score for « %(name)s » (0 to %(max)s)") % {"name": criterion.name, "max": f"{maximum:f}"},
                min_value=Decimal(0),
                max_value=criterion.maximum,
                decimal_places=2,
                required=False,
                error_messages={
                    "invalid": score_error,
                    "min_value": score_error,
                    "max_value": score_error,
                    "max_digits": score_error,
                    "max_whole_digits": score_error,
                    "max_decimal_places": _("Enter a score with at most 2 decimals, such as 7,25."),
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "score-input"}),
            )
            if criterion.allows_not_applicable:
                self.fields[f"na_{criterion.pk}"] = forms.BooleanField(
                    label=_("Not applicable to this project"), required=False
                )
            self.fields[f"comment_{criterion.pk}"] = ProseField(
                label=_("Comment on « %(name)s »") % {"name": criterion.name},
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for year in years:
            self.fields[f"amount_{year.number}"] = MoneyField(
                label=_("Suggested amount for year %(number)s (%(start)s to %(end)s)")
                % {"number": year.number, "start": long_date(year.starts_on), "end": long_date(year.ends_on)}
            )
        # The general fields come last on the page, after the rubric.
        self.order_fields([name for name in self.fields if name not in ("overall_comment", "recommendation")])

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            if data.get(f"na_{criterion.pk}") and data.get(f"score_{criterion.pk}") is not None:
                self.add_error(f"score_{criterion.pk}", _("Give a score or tick « not applicable », not both."))
        return data

    def rows(self) -> list[CriterionRow]:
        return [
            CriterionRow(
                criterion=criterion,
                score=self[f"score_{criterion.pk}"],
                not_applicable=self[f"na_{criterion.pk}"] if criterion.allows_not_applicable else None,
                comment=self[f"comment_{criterion.pk}"],
            )
            for criterion in self.criteria
        ]

    def amount_fields(self) -> list[forms.BoundField]:
        return [self[f"amount_{year.number}"] for year in self.years]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {
                criterion.pk: (
                    data.get(f"score_{criterion.pk}"),
                    bool(data.get(f"na_{criterion.pk}")),
                    data.get(f"comment_{criterion.pk}", ""),
                )
                for criterion in self.criteria
            },
            "overall_comment": data.get("overall_comment", ""),
            "recommendation": data.get("recommendation", ""),
            "suggested": {
                year.number: data[f"amount_{year.number}"]
                for year in self.years
                if data.get(f"amount_{year.number}") is not None
            },
        }


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None, empty_label=_("Choose a reviewer"))
    due_on = forms.DateField(label=_("Due date"), widget=date_widget())

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on <= timezone.localdate():
            raise ValidationError(_("The due date must be after today."))
        return due_on
