"""Staff screens: the list of applications, and the program officer's screening page with its actions.

Views parse the request, call one function of applications.services and show its outcome. A service's
ApplicationError becomes a form or page error, and AlreadyDone (a double click, a second tab) becomes an
information message and a redirect.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from accounts.roles import is_program_officer
from applications import selectors, services
from applications.filters import MONTREAL, StaffApplicationFilter
from applications.models import Application, ApplicationState, InformationRequest, ScreeningAnswer, Section
from applications.staff_forms import ExtensionForm, InadmissibilityForm, InformationRequestForm, ScreeningChecklistForm
from common.audit import timeline_for
from common.regions import AdministrativeRegion

REGION_LABELS = dict(AdministrativeRegion.choices)
SECTION_LABELS = dict(Section.choices)
SCREENABLE_STATES = (ApplicationState.SUBMITTED, ApplicationState.SCREENING, ApplicationState.INCOMPLETE)


# Staff list


class StaffApplicationListView(LoginRequiredMixin, ListView):
    """Every file the staff member may see, filtered by the query string, 50 per page."""

    template_name = "applications/staff/list.html"
    context_object_name = "applications"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("applications.list_applications"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = StaffApplicationFilter(
            self.request.GET or None,
            queryset=selectors.staff_application_list(self.request.user),
            request=self.request,
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            # Filtering on the valid fields only would show a list the officer did not ask for.
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for application in context["applications"]:
            application.region_labels = [REGION_LABELS.get(code, code) for code in application.regions]
        parameters = self.request.GET.copy()
        parameters.pop("page", None)
        context.update(
            filter=self.filterset,
            form=self.filterset.form,
            query_string=parameters.urlencode(),
            is_filtered=bool(parameters),
            can_screen=is_program_officer(self.request.user),
            screenable_states=SCREENABLE_STATES,
        )
        return context


# Screening


class OfficerFileMixin(LoginRequiredMixin):
    """Fetch the file of the URL for a program officer, or raise Http404 for anyone else.

    `permission` is checked on the file for GET. Actions check only the officer role, so that a second
    click after the state changed reaches the service, which raises AlreadyDone instead of a 404.
    """

    permission = "applications.screen_application"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = get_object_or_404(
            Application.objects.visible_to(request.user).select_related("call", "organization", "officer"),
            pk=kwargs["pk"],
        )
        if not is_program_officer(request.user):
            raise Http404
        if request.method == "GET" and not request.user.has_perm(self.permission, self.application):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def file_url_name(self) -> str:
        """Return the page to go back to: the screening page while the file is screened, else the file page."""
        current = Application.objects.get(pk=self.application.pk)
        if self.request.user.has_perm("applications.screen_application", current):
            return "applications:screening"
        return "applications:detail"

    def already_done(self, error: services.AlreadyDone):
        messages.info(self.request, str(error))
        return redirect(self.file_url_name(), pk=self.application.pk)


def render_screening_page(request, application: Application, *, status: int = 200, **overrides):
    """Render the screening page of `application`. `overrides` replace the blank forms or add an error."""
    state = application.state
    questions = list(application.call.screening_questions.all())
    answers = list(ScreeningAnswer.objects.filter(application=application).select_related("answered_by"))
    requests = list(InformationRequest.objects.filter(application=application).select_related("requested_by"))
    for item in requests:
        item.section_labels = [SECTION_LABELS.get(code, code) for code in item.sections]
    context = {
        "application": application,
        "questions_total": len(questions),
        "answers_total": len(answers),
        "information_requests": requests,
        "open_request": next((item for item in requests if item.answered_at is None), None),
        "timeline": timeline_for(application),
        "can_take_charge": state == ApplicationState.SUBMITTED,
        "can_screen": state in (ApplicationState.SCREENING, ApplicationState.INCOMPLETE),
        "can_request_information": state == ApplicationState.SCREENING,
        "can_declare_receivable": state == ApplicationState.SCREENING,
        "checklist_ready": len(answers) == len(questions)
        and all(answer.answer != ScreeningAnswer.Answer.NO for answer in answers),
        "checklist_form": ScreeningChecklistForm(questions=questions, answers=answers),
        "information_form": InformationRequestForm(),
        "inadmissibility_form": InadmissibilityForm(),
        "page_error": "",
    }
    context.update(overrides)
    return render(request, "applications/staff/screening.html", context, status=status)


class ScreeningView(OfficerFileMixin, View):
    """The screening page; a POST saves the checklist, complete or not."""

    def get(self, request, pk):
        return render_screening_page(request, self.application)

    def post(self, request, pk):
        questions = self.application.call.screening_questions.all()
        answers = ScreeningAnswer.objects.filter(application=self.application)
        form = ScreeningChecklistForm(request.POST, questions=questions, answers=answers)
        if form.is_valid() and not form.answers():
            form.add_error(None, _("Answer at least one question before saving the checklist."))
        if not form.is_valid():
            return render_screening_page(request, self.application, checklist_form=form)
        try:
            services.save_screening(application=self.application, actor=request.user, answers=form.answers())
        except services.ApplicationError as error:
            form.add_error(None, str(error))
            return render_screening_page(request, self.application, checklist_form=form)
        messages.success(request, _("The screening checklist is saved."))
        return redirect("applications:screening", pk=self.application.pk)


class ScreeningActionView(OfficerFileMixin, View):
    """Base of the screening page's buttons and forms.

    A GET, after a language switch for example, redirects to the page instead of answering 405.
    """

    def get(self, request, pk):
        return redirect(self.file_url_name(), pk=pk)


class TakeChargeView(ScreeningActionView):
    def post(self, request, pk):
        try:
            services.take_charge(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ApplicationError as error:
            return render_screening_page(request, self.application, page_error=str(error))
        messages.success(request, _("You have taken this file in charge. Its screening can start."))
        return redirect("applications:screening", pk=pk)


class RequestInformationView(ScreeningActionView):
    def post(self, request, pk):
        form = InformationRequestForm(request.POST)
        if not form.is_valid():
            return render_screening_page(request, self.application, information_form=form)
        try:
            services.request_information(
                application=self.application,
                actor=request.user,
                sections=form.cleaned_data["sections"],
                items=form.cleaned_data["items"],
                respond_by=form.cleaned_data["respond_by"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ApplicationError as error:
            form.add_error(None, str(error))
            return render_screening_page(request, self.application, information_form=form)
        messages.success(request, _("The information request is sent to the organization."))
        return redirect("applications:screening", pk=pk)


class DeclareInadmissibleView(ScreeningActionView):
    def post(self, request, pk):
        form = InadmissibilityForm(request.POST)
        if not form.is_valid():
            return render_screening_page(request, self.application, inadmissibility_form=form)
        try:
            services.declare_inadmissible(
                application=self.application,
                actor=request.user,
                reason_code=form.cleaned_data["reason_code"],
                details=form.cleaned_data["details"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ApplicationError as error:
            form.add_error(None, str(error))
            return render_screening_page(request, self.application, inadmissibility_form=form)
        messages.success(request, _("The file is declared inadmissible. The organization receives a letter."))
        return redirect("applications:detail", pk=pk)


class DeclareReceivableView(ScreeningActionView):
    def post(self, request, pk):
        try:
            services.declare_receivable(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ApplicationError as error:
            return render_screening_page(request, self.application, receivable_error=str(error))
        messages.success(request, _("The file is declared receivable and goes to review."))
        return redirect("applications:detail", pk=pk)


class ExtensionView(OfficerFileMixin, FormView):
    """A new deadline for one draft, past the call's."""

    permission = "applications.extend_deadline"
    template_name = "applications/staff/extension.html"
    form_class = ExtensionForm

    def get_initial(self):
        # The call's closing time is the usual time of day for a deadline.
        return {"until_time": self.application.call.closes_at.astimezone(MONTREAL).time()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, application=self.application)

    def form_valid(self, form):
        try:
            services.grant_extension(
                application=self.application,
                actor=self.request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except services.AlreadyDone as error:
            messages.info(self.request, str(error))
            return redirect("applications:detail", pk=self.application.pk)
        except services.ApplicationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("The extension is granted. The organization can submit until the new deadline.")
        )
        return redirect("applications:detail", pk=self.application.pk)


urlpatterns = [
    path("", StaffApplicationListView.as_view(), name="list"),
    path("<int:pk>/analyse/", ScreeningView.as_view(), name="screening"),
    path("<int:pk>/analyse/prise-en-charge/", TakeChargeView.as_view(), name="take_charge"),
    path("<int:pk>/analyse/demande-de-renseignements/", RequestInformationView.as_view(), name="request_information"),
    path("<int:pk>/analyse/non-admissible/", DeclareInadmissibleView.as_view(), name="declare_inadmissible"),
    path("<int:pk>/analyse/recevable/", DeclareReceivableView.as_view(), name="declare_receivable"),
    path("<int:pk>/prolongation/", ExtensionView.as_view(), name="extend"),
]
