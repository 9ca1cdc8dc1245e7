from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from common.fiscal import FiscalYear
from oversight import charts, selectors
from oversight.forms import FiscalYearForm, current_fiscal_year
from payments.filters import NO, YES
from payments.models import ReportState


def url_with(name: str, **filters) -> str:
    return f"{reverse(name)}?{urlencode(filters)}"


def applications_url(fiscal_year: FiscalYear, **filters) -> str:
    """Return the applications list filtered on `filters` and on the submission dates of `fiscal_year`."""
    return url_with(
        "applications:list",
        **filters,
        submitted_from=fiscal_year.start.isoformat(),
        submitted_to=fiscal_year.end.isoformat(),
    )


class ProgramDashboardView(LoginRequiredMixin, TemplateView):
    """Figures of one fiscal year for the program manager, the decision maker and the finance officers."""

    template_name = "oversight/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("oversight.view_program_dashboard"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = current_fiscal_year()
        data = self.request.GET if "fiscal_year" in self.request.GET else None
        form = FiscalYearForm(data, current=current)
        context["form"] = form
        if data is not None and not form.is_valid():
            # Figures of another year than the one asked for would mislead: show only the error.
            return context
        fiscal_year = form.cleaned_data["fiscal_year"] if data is not None else current
        context["fiscal_year"] = fiscal_year
        context.update(self.sections(fiscal_year))
        return context

    def sections(self, fiscal_year: FiscalYear) -> dict:
        today = timezone.localdate()
        label = fiscal_year.label

        envelopes = selectors.envelopes(fiscal_year)
        for row in envelopes.rows:
            row.url = reverse("payments:envelope", kwargs={"code": row.call.code})

        distribution = selectors.distribution(fiscal_year, unspecified_label=_("Not specified"))
        funnel = selectors.funnel_of(distribution.state_counts)
        for row in funnel:
            row.url = applications_url(fiscal_year, state=row.state)

        for parameter, table in (
            ("region", distribution.by_region),
            ("clientele", distribution.by_clientele),
            ("reach", distribution.by_reach),
        ):
            for row in table.rows:
                row.url = applications_url(fiscal_year, **{parameter: row.key}) if row.key else ""

        reports = selectors.report_counts(today)
        report_rows = [
            (_("Expected, not overdue"), reports.upcoming, {"state": ReportState.EXPECTED.value, "overdue": NO}),
            (
                _("Revision requested, not overdue"),
                reports.revision_requested,
                {"state": ReportState.REVISION_REQUESTED.value, "overdue": NO},
            ),
            (_("Overdue"), reports.overdue, {"overdue": YES}),
            (_("Submitted, waiting for review"), reports.awaiting_review, {"state": ReportState.SUBMITTED.value}),
        ]

        return {
            "today": today,
            "envelopes": envelopes,
            "envelope_chart": charts.envelope_chart(envelopes.rows, label) if envelopes.rows else None,
            "funnel": funnel,
            "funnel_total": sum(row.count for row in funnel),
            "funnel_chart": charts.funnel_chart(funnel, label) if any(row.count for row in funnel) else None,
            "distribution": distribution,
            "region_chart": (
                charts.region_chart(distribution.by_region.rows, label)
                if distribution.by_region.total.applications
                else None
            ),
            "reviews": selectors.review_progress(fiscal_year, today),
            "report_rows": [
                {"label": text, "count": count, "url": url_with("payments:reports", **filters)}
                for text, count, filters in report_rows
            ],
            "prize": selectors.prize_progress(),
        }
