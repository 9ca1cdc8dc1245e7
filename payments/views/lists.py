"""Staff lists of the payments app: agreements, reports, the finance queue, and the envelope of a call.

Only the ministry's staff (selectors.is_payments_staff) see them, and anyone else gets a 404 response. Each list
is filtered by the query string, shows 50 rows per page and runs the same number of queries whatever the
number of rows.
"""

from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Exists, OuterRef, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from grants.models import Call, Envelope
from payments import selectors
from payments.filters import AgreementFilter, InstallmentFilter, ReportFilter, is_report_overdue, queue_filter_data
from payments.models import Agreement


class PaymentsStaffMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.is_payments_staff(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class FilteredListView(PaymentsStaffMixin, ListView):
    """A list filtered by `filterset_class` from the query string, 50 rows per page."""

    paginate_by = 50
    filterset_class = None

    def base_queryset(self):
        raise NotImplementedError

    def filter_data(self):
        return self.request.GET or None

    def get_queryset(self):
        self.filterset = self.filterset_class(self.filter_data(), queryset=self.base_queryset(), request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            # Filtering on the valid fields only would show a list the user did not ask for.
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parameters = self.request.GET.copy()
        parameters.pop("page", None)
        context.update(
            filter=self.filterset,
            form=self.filterset.form,
            query_string=parameters.urlencode(),
            is_filtered=bool(parameters),
        )
        return context


class AgreementListView(FilteredListView):
    template_name = "payments/lists/agreements.html"
    context_object_name = "agreements"
    filterset_class = AgreementFilter

    def base_queryset(self):
        return selectors.agreement_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One link per call to its envelope: calls with an envelope or with agreements. Exists tests each call
        # once, where joins on the envelopes and agreements would repeat it per agreement and need a DISTINCT.
        has_envelope = Exists(Envelope.objects.filter(call=OuterRef("pk")))
        has_agreement = Exists(Agreement.objects.filter(application__call=OuterRef("pk")))
        context["envelope_calls"] = Call.objects.filter(has_envelope | has_agreement).order_by("-opens_at", "pk")
        return context


class ReportListView(FilteredListView):
    template_name = "payments/lists/reports.html"
    context_object_name = "reports"
    filterset_class = ReportFilter

    def base_queryset(self):
        return selectors.report_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for report in context["reports"]:
            report.overdue = is_report_overdue(report, today)
        return context


class FinanceQueueView(FilteredListView):
    """The installments the finance team acts on. It shows the due ones until the query string chooses a state.

    An empty state (« All ») in the query string shows every state.
    """

    template_name = "payments/lists/finance_queue.html"
    context_object_name = "installments"
    filterset_class = InstallmentFilter

    def filter_data(self):
        return queue_filter_data(self.request.GET)

    def base_queryset(self):
        return selectors.finance_queue(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.object_list
        context["amount_total"] = queryset.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        context["default_state"] = "state" not in self.request.GET
        return context


class EnvelopeView(PaymentsStaffMixin, TemplateView):
    """Per fiscal year of a call: its envelope, what the installments commit and pay, and what remains."""

    template_name = "payments/lists/envelope.html"

    def get_context_data(self, **kwargs):
        call = get_object_or_404(Call, code=self.kwargs["code"])
        return super().get_context_data(**kwargs, call=call, envelope=selectors.envelope_view(call))


urlpatterns = [
    path("", AgreementListView.as_view(), name="agreements"),
    path("rapports/", ReportListView.as_view(), name="reports"),
    path("versements/", FinanceQueueView.as_view(), name="finance_queue"),
    path("appels/<slug:code>/enveloppe/", EnvelopeView.as_view(), name="envelope"),
]
