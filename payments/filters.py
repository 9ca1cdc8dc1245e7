"""Filters of the staff lists of agreements, reports and installments (django-filter).

« Overdue » is computed, never stored: a report is overdue when the organization still owes it (expected,
or sent back for revision), its due date is before today's local (Montréal) date, and its agreement is
active. payments.dashboards counts overdue reports with the same condition.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.regions import AdministrativeRegion
from grants.models import Call, Program
from payments.models import (
    Agreement,
    AgreementState,
    Installment,
    InstallmentState,
    Report,
    ReportKind,
    ReportState,
)

YES, NO = "yes", "no"
OPEN_REPORT_STATES = [ReportState.EXPECTED, ReportState.REVISION_REQUESTED]
# The state the finance queue shows when the query string chooses none.
DEFAULT_QUEUE_STATE = InstallmentState.DUE


def overdue_condition(today) -> Q:
    """Return the condition on reports that are overdue on the local date `today`."""
    return Q(state__in=OPEN_REPORT_STATES, due_on__lt=today, agreement__state=AgreementState.ACTIVE)


def is_report_overdue(report: Report, today) -> bool:
    """Return whether `report` meets overdue_condition on `today`, from the report and its loaded agreement."""
    return report.agreement.state == AgreementState.ACTIVE and report.is_overdue(today)


def fiscal_year_choices() -> list[tuple[str, str]]:
    """Return the fiscal years in which some installment is planned, in order, as (value, label) pairs."""
    labels = Installment.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True).distinct()
    return [(label, label) for label in labels]


def calls_with_agreements(request):
    # Exists rather than a join and DISTINCT: at 3 000 agreements the join took 20 ms on every list page.
    has_agreement = Agreement.objects.filter(application__call=OuterRef("pk"))
    return Call.objects.filter(Exists(has_agreement)).order_by("-opens_at", "pk")


class FiscalYearChoicesMixin:
    """Load the fiscal-year choices when the filter set is built, so that a new fiscal year appears at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["fiscal_year"].extra["choices"] = fiscal_year_choices()


class AgreementFilter(FiscalYearChoicesMixin, django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=AgreementState.choices, empty_label=_("All"))
    call = django_filters.ModelChoiceFilter(
        label=_("Call for projects"),
        field_name="application__call",
        queryset=calls_with_agreements,
        empty_label=_("All"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Administrative region"),
        field_name="application__organization__region",
        choices=AdministrativeRegion.choices,
        empty_label=_("All"),
    )
    fiscal_year = django_filters.ChoiceFilter(
        label=_("Fiscal year"),
        choices=[],
        method="filter_fiscal_year",
        empty_label=_("All"),
        help_text=_("Agreements with an installment planned in this fiscal year."),
    )

    class Meta:
        model = Agreement
        fields = ["state", "call", "region", "fiscal_year"]

    def filter_fiscal_year(self, queryset, name, value):
        # Exists keeps one row per agreement, where a join on the installments would repeat it.
        planned = Installment.objects.filter(agreement=OuterRef("pk"), fiscal_year=value)
        return queryset.filter(Exists(planned))


class ReportFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=ReportState.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReportKind.choices, empty_label=_("All"))
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[(YES, _("Overdue only")), (NO, _("Not overdue"))],
        method="filter_overdue",
        empty_label=_("All"),
        help_text=_("Overdue: expected or sent back for revision, due before today, agreement active."),
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Call for projects"),
        field_name="agreement__application__call",
        queryset=calls_with_agreements,
        empty_label=_("All"),
    )

    class Meta:
        model = Report
        fields = ["state", "kind", "overdue", "call"]

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value == YES else queryset.exclude(condition)


class InstallmentFilter(FiscalYearChoicesMixin, django_filters.FilterSet):
    """Filters of the finance queue. The view shows due installments until another state is chosen."""

    state = django_filters.ChoiceFilter(label=_("State"), choices=InstallmentState.choices, empty_label=_("All"))
    fiscal_year = django_filters.ChoiceFilter(label=_("Fiscal year"), choices=[], empty_label=_("All"))
    program = django_filters.ModelChoiceFilter(
        label=_("Program"),
        field_name="agreement__application__call__program",
        queryset=Program.objects.order_by("code"),
        empty_label=_("All"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Administrative region"),
        field_name="agreement__application__organization__region",
        choices=AdministrativeRegion.choices,
        empty_label=_("All"),
    )

    class Meta:
        model = Installment
        fields = ["state", "fiscal_year", "program", "region"]


def queue_filter_data(parameters):
    """Return the finance queue's filters: the query string, with the due installments when it names no state."""
    data = parameters.copy()
    data.setdefault("state", DEFAULT_QUEUE_STATE)
    return data
