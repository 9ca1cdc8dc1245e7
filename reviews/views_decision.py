"""The decision maker's pages: the decision on one file, the approval of several recommended files at once,
and the refusal of several files at once with one reason.

Anyone without the decision maker role gets a 404. Every refusal of the service is shown on the page.
"""

import logging
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.forms import MoneyField, ProseField
from applications.models import Application, ApplicationState
from applications.views.files import years_of
from grants.models import Call
from reviews import decisions
from reviews.models import DecisionOutcome
from reviews.ranking import rank_call
from reviews.services import AlreadyDone, ReviewError

logger = logging.getLogger(__name__)

APPROVE = "approve"
DECLINE = "decline"


class DecisionMakerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not decisions.can_decide(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ApprovalForm(forms.Form):
    reason = ProseField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, year_numbers: list[int], recommended: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.year_numbers = year_numbers
        for number in year_numbers:
            self.fields[f"amount_{number}"] = MoneyField(
                label=_("Amount granted, year %(number)d") % {"number": number},
                initial=recommended.get(number, Decimal(0)),
            )

    def amount_fields(self):
        return [self[f"amount_{number}"] for number in self.year_numbers]

    def amounts(self) -> dict[int, Decimal]:
        return {
            number: self.cleaned_data[f"amount_{number}"]
            for number in self.year_numbers
            if self.cleaned_data.get(f"amount_{number}") is not None
        }


class RefusalForm(forms.Form):
    reason = ProseField(
        label=gettext_lazy("Reason for the refusal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("It appears in the refusal letter sent to the organization."),
    )


class DecideView(DecisionMakerMixin, View):
    def load(self, pk) -> Application:
        return get_object_or_404(
            Application.objects.select_related("call", "organization", "committee_recommendation").prefetch_related(
                "requested_amounts", "committee_recommendation__recommended_amounts"
            ),
            pk=pk,
        )

    def forms(self, application, data=None, action=None):
        requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
        recommended = decisions.recommended_amounts(application)
        numbers = sorted({year.number for year in years_of(application)} | set(requested) | set(recommended))
        approval = ApprovalForm(
            data if action == APPROVE else None, year_numbers=numbers, recommended=recommended, prefix=APPROVE
        )
        refusal = RefusalForm(data if action == DECLINE else None, prefix=DECLINE)
        return approval, refusal

    def page(self, request, application, approval, refusal):
        context = {
            "application": application,
            "recommendation": getattr(application, "committee_recommendation", None),
            "requested": {row.project_year: row.amount for row in application.requested_amounts.all()},
            "ranked": rank_call(application.call).file_of(application.pk),
            "decision": getattr(application, "decision", None),
            "can_decide": application.state in decisions.DECIDABLE_STATES,
            "approval_form": approval,
            "refusal_form": refusal,
        }
        return render(request, "reviews/decide.html", context)

    def get(self, request, pk):
        application = self.load(pk)
        return self.page(request, application, *self.forms(application))

    def post(self, request, pk):
        application = self.load(pk)
        action = request.POST.get("action")
        if action not in (APPROVE, DECLINE):
            raise Http404
        approval, refusal = self.forms(application, request.POST, action)
        form = approval if action == APPROVE else refusal
        if not form.is_valid():
            return self.page(request, application, approval, refusal)
        try:
            if action == APPROVE:
                decisions.approve_application(
                    application=application,
                    actor=request.user,
                    amounts=approval.amounts(),
                    reason=approval.cleaned_data["reason"],
                )
            else:
                decisions.decline_application(
                    application=application, actor=request.user, reason=refusal.cleaned_data["reason"]
                )
        except AlreadyDone as error:
            logger.info("Decision %s on application %s already recorded: %s", action, application.pk, error)
            messages.info(request, str(error))
            return redirect("reviews:decide", pk=application.pk)
        except ReviewError as error:
            logger.info("Decision %s on application %s rejected: %s", action, application.pk, error)
            form.add_error(None, str(error))
            return self.page(request, application, approval, refusal)
        if action == APPROVE:
            messages.success(request, _("The file is approved. The approval letter is being prepared."))
        else:
            messages.success(request, _("The file is declined. The refusal letter is being prepared."))
        return redirect("reviews:decide", pk=application.pk)


class BulkDecisionView(DecisionMakerMixin, View):
    """Approve several recommended files of a call at the amounts the committee recommended."""

    def recommended_files(self, call):
        return list(
            Application.objects.filter(call=call, state=ApplicationState.RECOMMENDED)
            .select_related("organization")
            .order_by("reference", "pk")
        )

    def get(self, request, code):
        call = get_object_or_404(Call, code=code)
        context = {"call": call, "files": self.recommended_files(call), "results": None}
        return render(request, "reviews/decide_bulk.html", context)

    def post(self, request, code):
        call = get_object_or_404(Call, code=code)
        selected = {value for value in request.POST.getlist("applications") if value.isdigit()}
        chosen = [application for application in self.recommended_files(call) if str(application.pk) in selected]
        if not chosen:
            messages.error(request, _("Select at least one file to approve."))
            return redirect("reviews:decide_bulk", code=call.code)
        results = decisions.decide_in_bulk(applications=chosen, actor=request.user, outcome=DecisionOutcome.APPROVED)
        context = {"call": call, "files": self.recommended_files(call), "results": results}
        return render(request, "reviews/decide_bulk.html", context)


class BulkRefusalForm(forms.Form):
    """The files to decline and the one reason that each refusal letter quotes.

    The choices include the call's files decided since the page was shown, so that a second submission
    (a reload, a second tab) reaches the service, which reports « already declined » for each of them.
    The page shows only the files still awaiting a decision.
    """

    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Files to decline"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Select at least one file to decline.")},
    )
    reason = ProseField(
        label=gettext_lazy("Reason for the refusal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("It appears in the refusal letter sent to each organization selected."),
        error_messages={"required": gettext_lazy("Give the reason for the refusal; it appears in the refusal letter.")},
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        # The files awaiting a decision come first, so the error summary's link to the first checkbox
        # (id_applications_0) points to a checkbox shown on the page.
        self.fields["applications"].queryset = (
            Application.objects.filter(
                call=call,
                state__in=(*decisions.DECIDABLE_STATES, ApplicationState.APPROVED, ApplicationState.DECLINED),
            )
            .select_related("organization")
            .annotate(
                display_order=Case(
                    When(state=ApplicationState.NOT_RECOMMENDED, then=Value(0)),
                    When(state=ApplicationState.RECOMMENDED, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("display_order", "reference", "pk")
        )

    def checkboxes(self, state: str) -> list:
        """Return the checkboxes of the files in `state`, each with its Application as `data.value.instance`."""
        return [checkbox for checkbox in self["applications"] if checkbox.data["value"].instance.state == state]

    def not_recommended(self) -> list:
        return self.checkboxes(ApplicationState.NOT_RECOMMENDED)

    def recommended(self) -> list:
        return self.checkboxes(ApplicationState.RECOMMENDED)


class BulkRefusalView(DecisionMakerMixin, View):
    """Decline several files of a call at once, not recommended or recommended, with one required reason."""

    def page(self, request, call: Call, form: BulkRefusalForm, results=None):
        context = {"call": call, "form": form, "results": results}
        return render(request, "reviews/decline_bulk.html", context)

    def get(self, request, code):
        call = get_object_or_404(Call, code=code)
        return self.page(request, call, BulkRefusalForm(call=call))

    def post(self, request, code):
        call = get_object_or_404(Call, code=code)
        form = BulkRefusalForm(request.POST, call=call)
        if not form.is_valid():
            return self.page(request, call, form)
        results = decisions.decide_in_bulk(
            applications=list(form.cleaned_data["applications"]),
            actor=request.user,
            outcome=DecisionOutcome.DECLINED,
            reason=form.cleaned_data["reason"],
        )
        declined = sum(result.succeeded for result in results)
        logger.info(
            "Bulk refusal in call %s by user %s: %d of %d files declined.",
            call.code,
            request.user.pk,
            declined,
            len(results),
        )
        return self.page(request, call, BulkRefusalForm(call=call), results)


urlpatterns = [
    path("dossiers/<int:pk>/decision/", DecideView.as_view(), name="decide"),
    path("appels/<slug:code>/decisions/", BulkDecisionView.as_view(), name="decide_bulk"),
    path("appels/<slug:code>/decisions/refus/", BulkRefusalView.as_view(), name="decline_bulk"),
]
