"""The organization side of an application: start, the step-by-step form, review, submission and withdrawal.

Each step has its own page and form and is saved on its own through applications.services. The rules on
the whole file are not repeated here: the review page lists what applications.checks reports.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from applications import selectors, services
from applications.checks import application_problems
from applications.forms import (
    StartApplicationForm,
    WithdrawForm,
)
from applications.models import Application, ApplicationState, Attachment, Section
from applications.rules import is_applicant_member
from applications.steps import STEP_BY_SLUG, STEPS, Step, StepHandler, entry_url, error_entries, step_url
from applications.views.files import (
    build_summary,
    representative_of,
    visible_application,
    years_of,
)

# Shared view plumbing


class MemberApplicationMixin(LoginRequiredMixin):
    """Load the application of the URL for a member of its organization.

    Other people get a 404 response, except staff who may view the file: their GET requests go to the file page.
    """

    def get_queryset(self):
        return selectors.application_detail(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = visible_application(request.user, kwargs["pk"], self.get_queryset())
        if not is_applicant_member(request.user, self.application):
            if request.method == "GET":
                return redirect("applications:detail", pk=self.application.pk)
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def reload(self) -> None:
        """Read the application again after a save, so that the page shows what is now stored."""
        self.application = self.get_queryset().get(pk=self.application.pk)

    def wizard_context(self, current: Step | None) -> dict:
        application, user = self.application, self.request.user
        problems = application_problems(application)
        sections_with_problems = {problem.section for problem in problems}
        has_budget = bool(years_of(application)) and bool(application.budget_lines.all())
        navigation = []
        for step in STEPS:
            if step.section in sections_with_problems or (step.section == Section.BUDGET and not has_budget):
                status = "todo"
            elif step.section == Section.REVENUES:
                status = "optional"
            else:
                status = "done"
            navigation.append(
                {
                    "step": step,
                    "url": step_url(application, step),
                    "status": status,
                    "current": step == current,
                    "open": application.is_open_for(step.section),
                }
            )
        information_request = None
        if application.state == ApplicationState.INCOMPLETE:
            information_request = application.information_requests.filter(answered_at__isnull=True).first()
        return {
            "application": application,
            "navigation": navigation,
            "problems": problems,
            "current_step": current,
            "information_request": information_request,
            "can_change": user.has_perm("applications.change_application", application),
            "can_resubmit": user.has_perm("applications.resubmit_application", application),
            "can_withdraw": user.has_perm("applications.withdraw_application", application),
            "representative": representative_of(application),
        }


# Views


class StartApplicationView(LoginRequiredMixin, View):
    """Open a draft for an open call, or go to the organization's existing application in that call."""

    http_method_names = ["post"]

    def post(self, request):
        back = self.back_url(request.POST.get("call", ""))
        if not request.user.email_verified:
            messages.warning(request, _("Confirm your e-mail address before starting an application."))
            return redirect(back)
        form = StartApplicationForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(back)
        call, organization = form.cleaned_data["call"], form.cleaned_data["organization"]
        try:
            application = services.start_application(call=call, organization=organization, actor=request.user)
        except services.AlreadyDone as error:
            existing = Application.objects.filter(call=call, organization=organization).first()
            messages.info(request, str(error))
            return redirect(entry_url(existing, request.user) if existing else back)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect(back)
        messages.success(
            request,
            _("The application of %(organization)s is started. Each step is saved on its own: come back at any time.")
            % {"organization": organization.name},
        )
        return redirect(step_url(application, STEPS[0]))

    @staticmethod
    def back_url(code: str) -> str:
        try:
            return reverse("grants:call_detail", kwargs={"code": code}) if code else reverse("accounts:dashboard")
        except NoReverseMatch:
            return reverse("accounts:dashboard")


class StepView(MemberApplicationMixin, View):
    def dispatch(self, request, *args, **kwargs):
        self.step = STEP_BY_SLUG.get(kwargs.get("step", ""))
        if self.step is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def is_editable(self) -> bool:
        return self.request.user.has_perm(
            "applications.change_application", self.application
        ) and self.application.is_open_for(self.step.section)

    def handler(self) -> StepHandler:
        return self.step.handler(self.application, self.request.user)

    def get(self, request, pk, step):
        handler = self.handler()
        return self.render(handler, handler.forms() if self.is_editable() else {})

    def post(self, request, pk, step):
        if not self.is_editable():
            messages.error(request, _("This part of the application cannot be changed now."))
            return redirect(step_url(self.application, self.step))
        handler = self.handler()
        forms = handler.forms(request.POST, request.FILES)
        if not forms:
            messages.warning(request, _("Enter the project dates in the calendar step first."))
            return redirect(step_url(self.application, STEP_BY_SLUG["calendrier"]))
        try:
            saved, message = handler.process(forms)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect(step_url(self.application, self.step))
        if saved:
            messages.success(request, message or _("The step « %(step)s » is saved.") % {"step": self.step.title})
            # The fragment replaces any #field the browser would keep, so the page opens on its message.
            return redirect(f"{self.next_url(request)}#main")
        if message:
            # Some uploads were saved while others failed: the page shows both.
            messages.success(request, message)
            self.reload()
            handler.application = self.application
        return self.render(handler, forms)

    def next_url(self, request) -> str:
        if "continue" not in request.POST:
            return step_url(self.application, self.step)
        index = STEPS.index(self.step)
        if index + 1 < len(STEPS):
            return step_url(self.application, STEPS[index + 1])
        return reverse("applications:review", kwargs={"pk": self.application.pk})

    def render(self, handler: StepHandler, forms: dict):
        context = {
            **self.wizard_context(self.step),
            **handler.context(forms),
            **forms,
            "step": self.step,
            "editable": self.is_editable(),
            "errors": error_entries(forms.values()),
            "summary": build_summary(self.application),
        }
        index = STEPS.index(self.step)
        context["previous_step"] = STEPS[index - 1] if index else None
        context["next_step"] = STEPS[index + 1] if index + 1 < len(STEPS) else None
        return render(self.request, f"applications/steps/{self.step.slug}.html", context)


class AttachmentRemoveView(MemberApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, attachment_id):
        attachment = get_object_or_404(
            Attachment.objects.select_related("application"), pk=attachment_id, application=self.application
        )
        filename = attachment.filename
        try:
            services.remove_attachment(attachment=attachment, actor=request.user)
        except services.ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The file « %(name)s » was removed.") % {"name": filename})
        return redirect(step_url(self.application, STEP_BY_SLUG["documents"]))


class ReviewView(MemberApplicationMixin, View):
    """Every remaining problem at once, grouped by step, with the summary of the whole file."""

    def get(self, request, pk):
        context = self.wizard_context(None)
        groups = []
        for step in STEPS:
            items = [
                {"message": problem.message, "url": f"{step_url(self.application, step)}#{problem.field}"}
                for problem in context["problems"]
                if problem.section == step.section
            ]
            if items:
                groups.append({"step": step, "items": items})
        context.update(
            groups=groups,
            summary=build_summary(self.application),
            can_submit=request.user.has_perm("applications.submit_application", self.application),
        )
        return render(request, "applications/review.html", context)


class SubmitView(MemberApplicationMixin, View):
    http_method_names = ["post"]

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related("call", "organization")

    def post(self, request, pk):
        try:
            application = services.submit_application(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("applications:detail", pk=pk)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:review", pk=pk)
        messages.success(
            request,
            _(
                "Your application is submitted under number %(reference)s. Every member of the organization "
                "receives a confirmation by e-mail."
            )
            % {"reference": application.reference},
        )
        return redirect("applications:detail", pk=pk)


class ResubmitView(MemberApplicationMixin, View):
    http_method_names = ["post"]

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related("call", "organization")

    def post(self, request, pk):
        try:
            services.resubmit_application(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("applications:detail", pk=pk)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:review", pk=pk)
        messages.success(request, _("The information is sent. The program officer resumes the screening."))
        return redirect("applications:detail", pk=pk)


class WithdrawView(MemberApplicationMixin, View):
    template_name = "applications/withdraw.html"

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).select_related("call", "organization")

    def allowed(self) -> bool:
        return self.request.user.has_perm("applications.withdraw_application", self.application)

    def reject(self):
        if self.application.state == ApplicationState.WITHDRAWN:
            messages.info(self.request, _("This application was already withdrawn."))
        else:
            messages.error(
                self.request,
                _("Only the organization's representative (mandataire) can withdraw the application."),
            )
        return redirect("applications:detail", pk=self.application.pk)

    def get(self, request, pk):
        if not self.allowed():
            return self.reject()
        return self.render(WithdrawForm())

    def post(self, request, pk):
        if not self.allowed():
            return self.reject()
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.withdraw_application(
                application=self.application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("applications:detail", pk=pk)
        except services.ApplicationError as error:
            form.add_error(None, str(error))
            return self.render(form)
        messages.success(request, _("The application is withdrawn."))
        return redirect("applications:detail", pk=pk)

    def render(self, form):
        context = {"application": self.application, "form": form, "errors": error_entries([form])}
        return render(self.request, self.template_name, context)


urlpatterns = [
    path("nouvelle/", StartApplicationView.as_view(), name="start"),
    path("<int:pk>/etapes/<slug:step>/", StepView.as_view(), name="step"),
    path(
        "<int:pk>/documents/<int:attachment_id>/supprimer/",
        AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("<int:pk>/verification/", ReviewView.as_view(), name="review"),
    path("<int:pk>/depot/", SubmitView.as_view(), name="submit"),
    path("<int:pk>/renvoi/", ResubmitView.as_view(), name="resubmit"),
    path("<int:pk>/retrait/", WithdrawView.as_view(), name="withdraw"),
]
