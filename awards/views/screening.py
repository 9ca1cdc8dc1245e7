"""The program officer's pages for nominations: the filtered list, the nomination page and its screening actions.

Support documents are downloaded through awards:nomination_document, which serves them to everyone who may
view the nomination.

Views parse the request, call one function of awards.services and show its outcome. An AwardsError becomes
a form or page error with the service's message, and AlreadyDone (a double click, a second tab) an information
message and a redirect. Anyone without a staff role gets a 404, so a response never reveals that a nomination
exists.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from awards import selectors, services
from awards.filters import StaffNominationFilter
from awards.forms_jury import CompletionRequestForm, IneligibilityForm
from awards.models import ConsentStatus, Nomination, NominationState
from awards.services.screening import SCREENING_EDITION_STATES
from common.audit import timeline_for


class StaffMixin(LoginRequiredMixin):
    """Let program officers and managers in; anyone else gets a 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("awards.screen_nomination"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class NominationListView(StaffMixin, ListView):
    """Every submitted nomination, filtered by the query string, 50 per page."""

    template_name = "awards/screening/list.html"
    context_object_name = "nominations"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = StaffNominationFilter(
            self.request.GET or None, queryset=selectors.staff_nominations(self.request.user), request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            # Filtering on the valid fields only would show a list the officer did not ask for.
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
            awaiting_states=NominationState.awaiting_screening(),
        )
        return context


class NominationMixin(LoginRequiredMixin):
    """Fetch the nomination of the URL, drafts excluded, for a program officer or manager; else raise Http404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("awards.screen_nomination"):
            raise Http404
        self.nomination = get_object_or_404(
            selectors.nominations_visible_to(request.user)
            .exclude(state=NominationState.DRAFT)
            .select_related("edition", "category", "nominator", "screened_by"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, **kwargs):
        return redirect("awards:screening_detail", pk=pk)

    def already_done(self, error: services.AlreadyDone):
        messages.info(self.request, str(error))
        return redirect("awards:screening_detail", pk=self.nomination.pk)


def render_nomination_page(request, nomination: Nomination, *, status: int = 200, **overrides):
    """Render the staff page of `nomination`. `overrides` replace the blank forms or add an error."""
    screening_open = nomination.edition.state in SCREENING_EDITION_STATES
    context = {
        "nomination": nomination,
        "documents": list(nomination.documents.order_by("uploaded_at", "pk")),
        "consent_status": ConsentStatus(nomination.consent_status).label,
        "timeline": timeline_for(nomination),
        "screening_open": screening_open,
        "can_declare_eligible": screening_open and nomination.state == NominationState.SUBMITTED,
        "can_request_completion": screening_open and nomination.state == NominationState.SUBMITTED,
        "can_declare_ineligible": screening_open and nomination.state in NominationState.awaiting_screening(),
        "awaiting_screening": nomination.state in NominationState.awaiting_screening(),
        "ineligibility_form": IneligibilityForm(),
        "completion_form": CompletionRequestForm(),
        "page_error": "",
    }
    context.update(overrides)
    return render(request, "awards/screening/detail.html", context, status=status)


class NominationDetailView(NominationMixin, View):
    def get(self, request, pk):
        return render_nomination_page(request, self.nomination)


class DeclareEligibleView(NominationMixin, View):
    def post(self, request, pk):
        try:
            services.declare_eligible(nomination=self.nomination, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.AwardsError as error:
            return render_nomination_page(request, self.nomination, page_error=str(error))
        messages.success(request, _("The nomination is declared eligible. The nominator is informed by e-mail."))
        return redirect("awards:screening_detail", pk=pk)


class DeclareIneligibleView(NominationMixin, View):
    def post(self, request, pk):
        form = IneligibilityForm(request.POST)
        if not form.is_valid():
            return render_nomination_page(request, self.nomination, ineligibility_form=form)
        try:
            services.declare_ineligible(
                nomination=self.nomination, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_nomination_page(request, self.nomination, ineligibility_form=form)
        messages.success(
            request, _("The nomination is declared ineligible. The nominator receives the reason by e-mail.")
        )
        return redirect("awards:screening_detail", pk=pk)


class RequestCompletionView(NominationMixin, View):
    def post(self, request, pk):
        form = CompletionRequestForm(request.POST)
        if not form.is_valid():
            return render_nomination_page(request, self.nomination, completion_form=form)
        try:
            services.request_completion(
                nomination=self.nomination, actor=request.user, items=form.cleaned_data["items"]
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_nomination_page(request, self.nomination, completion_form=form)
        messages.success(request, _("Completion is requested. The nominator receives the list of items by e-mail."))
        return redirect("awards:screening_detail", pk=pk)


urlpatterns = [
    path("gestion/candidatures/", NominationListView.as_view(), name="screening_list"),
    path("gestion/candidatures/<int:pk>/", NominationDetailView.as_view(), name="screening_detail"),
    path("gestion/candidatures/<int:pk>/admissible/", DeclareEligibleView.as_view(), name="screening_eligible"),
    path("gestion/candidatures/<int:pk>/non-admissible/", DeclareIneligibleView.as_view(), name="screening_ineligible"),
    path("gestion/candidatures/<int:pk>/a-completer/", RequestCompletionView.as_view(), name="screening_incomplete"),
]
