"""The fiscal-year filter of the program dashboard."""

from django import forms
from django.db.models import Min, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from common.fiscal import FiscalYear, fiscal_year_of
from grants.models import Envelope
from payments.models import Installment


def current_fiscal_year() -> FiscalYear:
    """Return the fiscal year of today's local (Montréal) date."""
    return fiscal_year_of(timezone.localdate())


def fiscal_year_choices(current: FiscalYear) -> list[tuple[str, str]]:
    """Return every fiscal year from the first to the last one with figures, newest first. Two queries.

    A year has figures when an application was submitted in it, or when a call has an envelope or an
    installment planned in it. The range always includes `current` and the year after it, so that a new
    program can already plan ahead.
    """
    years = {current, current.next()}
    # Only the range matters, so the installments give their first and last labels, each read from the
    # fiscal_year index, instead of one row per installment. Installment.fiscal_year is always a label
    # that the model computed from the planned date, so its text order is the order of the years.
    installments = Installment.objects.order_by().values("pk")
    first_and_last_installments = Installment.objects.filter(
        Q(pk=Subquery(installments.order_by("fiscal_year")[:1]))
        | Q(pk=Subquery(installments.order_by("-fiscal_year")[:1]))
    )
    # The models' default ordering is cleared, because a UNION accepts no ORDER BY in its parts.
    labels = (
        Envelope.objects.order_by()
        .values_list("fiscal_year", flat=True)
        .union(first_and_last_installments.order_by().values_list("fiscal_year", flat=True))
    )
    for label in labels:
        try:
            years.add(FiscalYear.from_label(label))
        except ValueError:
            # Envelope.fiscal_year is free text in the admin, so a malformed label is left out of the choices.
            continue
    first_submission = Application.objects.aggregate(first=Min("submitted_at"))["first"]
    if first_submission is not None:
        years.add(fiscal_year_of(first_submission))

    first, last = min(years), max(years)
    labels = [FiscalYear(start_year).label for start_year in range(last.start_year, first.start_year - 1, -1)]
    return [(label, label) for label in labels]


class FiscalYearForm(forms.Form):
    """Chooses the fiscal year the dashboard shows. Django's own messages, already in French, report errors."""

    fiscal_year = forms.ChoiceField(label=_("Fiscal year"), help_text=_("From 1 April to 31 March."))

    def __init__(self, data=None, *, current: FiscalYear, **kwargs):
        super().__init__(data, initial={"fiscal_year": current.label}, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices(current)

    def clean_fiscal_year(self) -> FiscalYear:
        return FiscalYear.from_label(self.cleaned_data["fiscal_year"])
