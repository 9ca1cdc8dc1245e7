"""The program officer's page that assigns reviewers to every file of a call at once, and lists late reviews.

A preview shows the plan. The confirm button computes the plan again and applies it through reviews.auto_assign.
Anyone but a program officer gets a 404, as on the other review pages.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from applications.forms import date_widget
from grants.models import Call
from reviews import services
from reviews.auto_assign import apply_assignments, plan_assignments
from reviews.reminders import late_assignments

DEFAULT_CAP = 10


class CallAssignmentsForm(forms.Form):
    reviewers_per_file = forms.IntegerField(label=gettext_lazy("Reviewers per file"), min_value=1, max_value=20)
    cap_per_reviewer = forms.IntegerField(
        label=gettext_lazy("Maximum active assignments per reviewer"),
        min_value=1,
        max_value=200,
        help_text=gettext_lazy("Counts the active assignments of every call."),
    )
    due_on = forms.DateField(label=gettext_lazy("Due date"), widget=date_widget())

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on <= timezone.localdate():
            raise ValidationError(_("The due date must be after today."))
        return due_on

    def service_arguments(self) -> dict:
        return {
            "reviewers_per_file": self.cleaned_data["reviewers_per_file"],
            "cap_per_reviewer": self.cleaned_data["cap_per_reviewer"],
        }


class CallAssignmentsView(LoginRequiredMixin, View):
    """Show the form on GET and the plan on a POST with « preview ». A POST with « apply » creates the assignments."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("reviews.manage_reviews"):
            raise Http404
        self.call = get_object_or_404(Call, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, plan=None, status=200):
        context = {
            "call": self.call,
            "form": form,
            "plan": plan,
            "late": late_assignments(self.call),
        }
        return render(self.request, "reviews/call_assignments.html", context, status=status)

    def get(self, request, code):
        form = CallAssignmentsForm(
            initial={"reviewers_per_file": self.call.review_quorum, "cap_per_reviewer": DEFAULT_CAP}
        )
        return self.page(form)

    def post(self, request, code):
        form = CallAssignmentsForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        if "apply" not in request.POST:
            return self.page(form, plan=plan_assignments(call=self.call, **form.service_arguments()))
        try:
            created, unstaffed = apply_assignments(
                call=self.call, actor=request.user, due_on=form.cleaned_data["due_on"], **form.service_arguments()
            )
        except services.ReviewError as error:
            form.add_error(None, str(error))
            return self.page(form)
        count = len(created)
        messages.success(
            request,
            ngettext(
                "%(count)d assignment created; each reviewer receives an e-mail.",
                "%(count)d assignments created; each reviewer receives an e-mail.",
                count,
            )
            % {"count": count},
        )
        for item in unstaffed:
            messages.warning(
                request,
                _("%(reference)s is missing %(missing)d reviewer(s). %(reason)s")
                % {"reference": item.application.reference, "missing": item.missing, "reason": item.reason},
            )
        return redirect("reviews:call_assignments", code=code)


urlpatterns = [
    path("appels/<slug:code>/affectations/", CallAssignmentsView.as_view(), name="call_assignments"),
]
