"""Forms of the program officer's screening pages: parsing and per-field checks, no writes."""

from datetime import UTC, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.filters import MONTREAL, DateInput
from applications.models import InadmissibilityReason, InformationRequest, ScreeningAnswer, Section
from common.templatetags.formats import long_date
from grants.models import ScreeningQuestion

# Limits of the model fields the forms feed, checked here so the officer gets a message, not a database error.
COMMENT_MAX_LENGTH = ScreeningAnswer._meta.get_field("comment").max_length
ITEMS_MAX_LENGTH = InformationRequest._meta.get_field("items").max_length


class ScreeningChecklistForm(forms.Form):
    """One yes / no / not applicable answer and one comment per screening question of the call.

    Questions left unanswered are skipped, so the officer can save a partial checklist and come back.
    """

    def __init__(self, *args, questions, answers, **kwargs):
        # Receivability comes before eligibility, as on the screening grid, whatever the database order.
        kind_order = {kind: index for index, kind in enumerate(ScreeningQuestion.Kind)}
        self.questions = sorted(questions, key=lambda question: (kind_order.get(question.kind, 99), question.position))
        saved = {answer.question_id: answer for answer in answers}
        initial = {}
        for question in self.questions:
            if question.pk in saved:
                initial[self.answer_name(question)] = saved[question.pk].answer
                initial[self.comment_name(question)] = saved[question.pk].comment
        super().__init__(*args, initial=initial, **kwargs)
        self.saved = saved
        for number, question in enumerate(self.questions, start=1):
            question.number = number
            self.fields[self.answer_name(question)] = forms.ChoiceField(
                label=question.text,
                choices=ScreeningAnswer.Answer.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[self.comment_name(question)] = forms.CharField(
                label=_("Comment on question %(number)d") % {"number": number},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=COMMENT_MAX_LENGTH,
                required=False,
            )

    @staticmethod
    def answer_name(question) -> str:
        return f"answer_{question.pk}"

    @staticmethod
    def comment_name(question) -> str:
        return f"comment_{question.pk}"

    def clean(self):
        cleaned_data = super().clean()
        for question in self.questions:
            answer = cleaned_data.get(self.answer_name(question))
            comment = (cleaned_data.get(self.comment_name(question)) or "").strip()
            if comment and not answer:
                self.add_error(
                    self.answer_name(question),
                    _("Choose yes, no or not applicable for this question, or the comment cannot be saved."),
                )
        return cleaned_data

    def groups(self) -> list[dict]:
        """Return the questions grouped by kind, receivability first, each with its two bound fields."""
        groups = []
        for kind in ScreeningQuestion.Kind:
            rows = [
                {
                    "number": question.number,
                    "question": question,
                    "answer": self[self.answer_name(question)],
                    "comment": self[self.comment_name(question)],
                    "saved": self.saved.get(question.pk),
                }
                for question in self.questions
                if question.kind == kind
            ]
            if rows:
                groups.append({"kind": kind, "label": kind.label, "rows": rows})
        return groups

    def answers(self) -> dict[int, tuple[str, str]]:
        """Return question id → (answer, comment) for the questions answered in this submission."""
        answers = {}
        for question in self.questions:
            answer = self.cleaned_data.get(self.answer_name(question))
            if answer:
                answers[question.pk] = (answer, self.cleaned_data.get(self.comment_name(question), ""))
        return answers


class InformationRequestForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=_("Sections to reopen"),
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organization can change only these sections until it sends the information."),
        error_messages={"required": _("Choose at least one section to reopen.")},
    )
    items = forms.CharField(
        label=_("Missing items"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=ITEMS_MAX_LENGTH,
        help_text=_("The organization receives this text in the request letter."),
        error_messages={"required": _("List the missing items.")},
    )
    respond_by = forms.DateField(
        label=_("Respond by"),
        widget=DateInput,
        help_text=_("The organization may answer until the end of this day. After it, the file can be closed."),
        error_messages={
            "required": _("Enter the response date."),
            "invalid": _("Enter the response date as a valid date, for example 2027-03-15."),
        },
    )

    def clean_items(self):
        items = self.cleaned_data["items"].strip()
        if not items:
            raise forms.ValidationError(_("List the missing items."))
        return items

    def clean_respond_by(self):
        respond_by = self.cleaned_data["respond_by"]
        today = timezone.localdate()
        if respond_by <= today:
            raise forms.ValidationError(
                _("The response date must be after today (%(today)s)."), params={"today": long_date(today)}
            )
        return respond_by


class InadmissibilityForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason"),
        choices=InadmissibilityReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for inadmissibility.")},
    )
    details = forms.CharField(
        label=_("Explanation for the organization"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("The organization receives this text in the inadmissibility letter."),
        error_messages={"required": _("Explain the reason for inadmissibility.")},
    )

    def clean_details(self):
        details = self.cleaned_data["details"].strip()
        if not details:
            raise forms.ValidationError(_("Explain the reason for inadmissibility."))
        return details


class ExtensionForm(forms.Form):
    """A new deadline for one draft, entered as a date and a time in Montréal."""

    until_date = forms.DateField(
        label=_("Date of the new deadline"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the date of the new deadline."),
            "invalid": _("Enter the date of the new deadline as a valid date, for example 2027-03-15."),
        },
    )
    until_time = forms.TimeField(
        label=_("Time of the new deadline (Montréal)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Enter the time of the new deadline."),
            "invalid": _("Enter the time of the new deadline as hours and minutes, for example 16:30."),
        },
    )
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the history of the file."),
        error_messages={"required": _("Give the reason for the extension.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the extension."))
        return reason

    def clean(self):
        cleaned_data = super().clean()
        day, moment = cleaned_data.get("until_date"), cleaned_data.get("until_time")
        if day is None or moment is None:
            return cleaned_data
        until = datetime.combine(day, time(moment.hour, moment.minute), tzinfo=MONTREAL)
        # A time skipped when clocks go forward does not survive a round trip through UTC.
        round_trip = until.astimezone(UTC).astimezone(MONTREAL)
        if round_trip.replace(tzinfo=None) != until.replace(tzinfo=None):
            self.add_error(
                "until_time", _("This time does not exist in Montréal on that day (clocks go forward); choose another.")
            )
            return cleaned_data
        if until <= timezone.now():
            self.add_error("until_date", _("The new deadline must be in the future."))
            return cleaned_data
        cleaned_data["until"] = until
        return cleaned_data
