"""The reviewer's assignment pages and the program officer's review page of a file.

Views parse the request, call one function of reviews.services and show its outcome. A ReviewError becomes
a form or page error, and AlreadyDone (a double click, a second tab) an information message and a redirect.
A user who may not see a page gets a 404, so that a response never reveals that an assignment or file exists.
"""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from applications.models import Application, ApplicationState
from applications.views.files import build_summary, years_of
from common.files import MissingStoredFile, file_response
from reviews import selectors, services
from reviews.aggregation import file_statistics, reviewer_normalisation, z_score
from reviews.forms import AssignReviewerForm, ConflictDeclarationForm, ReasonForm, ReviewForm
from reviews.models import Affiliation, AssignmentState, ConflictDeclaration, Review, ReviewAssignment
from reviews.ranking import totals_by_reviewer

logger = logging.getLogger(__name__)

REVIEW_STATES = (ApplicationState.UNDER_REVIEW, ApplicationState.EVALUATED)


# Reviewer side


class MyAssignmentsView(LoginRequiredMixin, ListView):
    """The reviewer's assignments by due date, 50 per page. The export link lists every one of them."""

    template_name = "reviews/my_assignments.html"
    context_object_name = "assignments"
    paginate_by = 50

    def get_queryset(self):
        return selectors.my_assignments(self.request.user).order_by("due_on", "pk")


class AssignmentMixin(LoginRequiredMixin):
    """Fetch the assignment of the URL for its reviewer, or raise Http404 for anyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = get_object_or_404(selectors.assignment_detail(request.user), pk=kwargs["pk"])
        if not request.user.has_perm("reviews.view_assignment", self.assignment):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return redirect("reviews:assignment", pk=pk)

    def already_done(self, error: services.AlreadyDone):
        messages.info(self.request, str(error))
        return redirect("reviews:assignment", pk=self.assignment.pk)


def review_of(assignment: ReviewAssignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).prefetch_related("suggested_amounts").first()


def review_form(assignment: ReviewAssignment, data=None) -> ReviewForm:
    review = review_of(assignment)
    return ReviewForm(
        data,
        criteria=assignment.application.call.criteria.order_by("position", "pk"),
        years=years_of(assignment.application),
        review=review,
        scores=selectors.review_scores(review),
    )


def render_assignment_page(request, assignment: ReviewAssignment, *, status: int = 200, **overrides):
    """Show what the state allows: before the declaration, only the title, the organization and the due date."""
    application = assignment.application
    context = {"assignment": assignment, "application": application, "page_error": ""}
    if assignment.state == AssignmentState.ASSIGNED:
        context.update(declaration_form=ConflictDeclarationForm(), decline_form=ReasonForm())
    elif assignment.state in (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED):
        context["summary"] = build_summary(application)
        if assignment.state == AssignmentState.ACCEPTED:
            context["review_form"] = review_form(assignment)
        else:
            review = review_of(assignment)
            context.update(
                review=review,
                criteria=[
                    (criterion, selectors.review_scores(review).get(criterion.pk))
                    for criterion in application.call.criteria.order_by("position", "pk")
                ],
            )
    context.update(overrides)
    return render(request, "reviews/assignment.html", context, status=status)


class AssignmentView(AssignmentMixin, View):
    def get(self, request, pk):
        return render_assignment_page(request, self.assignment)


class DeclareConflictView(AssignmentMixin, View):
    def post(self, request, pk):
        form = ConflictDeclarationForm(request.POST)
        if not form.is_valid():
            return render_assignment_page(request, self.assignment, declaration_form=form)
        try:
            services.declare_conflict(
                assignment=self.assignment,
                actor=request.user,
                has_conflict=form.conflict,
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data["comment"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            form.add_error(None, str(error))
            return render_assignment_page(request, self.assignment, declaration_form=form)
        if form.conflict:
            messages.success(request, _("Your conflict of interest is recorded. The file is withdrawn from your list."))
            return redirect("reviews:my_assignments")
        messages.success(request, _("Your declaration is recorded. You can now read and score the file."))
        return redirect("reviews:assignment", pk=pk)


class DeclineView(AssignmentMixin, View):
    def post(self, request, pk):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return render_assignment_page(request, self.assignment, decline_form=form)
        try:
            services.decline_assignment(
                assignment=self.assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            form.add_error(None, str(error))
            return render_assignment_page(request, self.assignment, decline_form=form)
        messages.success(request, _("You declined the assignment. The program officer is informed."))
        return redirect("reviews:my_assignments")


class ScoreView(AssignmentMixin, View):
    """« Save the draft », or « Submit », which saves the draft then submits it."""

    def post(self, request, pk):
        form = review_form(self.assignment, request.POST)
        if self.assignment.state != AssignmentState.ACCEPTED:
            messages.info(request, _("This review cannot be changed now."))
            return redirect("reviews:assignment", pk=pk)
        if not form.is_valid():
            return render_assignment_page(request, self.assignment, review_form=form)
        submitting = "submit" in request.POST
        # Saved first on its own, so that a refused submission still keeps the scores as a draft.
        try:
            services.save_review(assignment=self.assignment, actor=request.user, **form.service_arguments())
            if submitting:
                services.submit_review(assignment=self.assignment, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            form.add_error(None, str(error))
            return render_assignment_page(request, self.assignment, review_form=form)
        if submitting:
            messages.success(request, _("Your review is submitted. Thank you."))
        else:
            messages.success(request, _("Your draft is saved. You can come back to it until the due date."))
        return redirect("reviews:assignment", pk=pk)


class AssignmentAttachmentView(AssignmentMixin, View):
    """A document of the file, for the reviewer who declared no conflict."""

    def get(self, request, pk, attachment_id):
        if self.assignment.state not in (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED):
            raise Http404
        attachment = get_object_or_404(self.assignment.application.attachments, pk=attachment_id)
        try:
            return file_response(attachment.file, attachment.filename)
        except MissingStoredFile:
            logger.error("Attachment %s has no stored file %r.", attachment.pk, attachment.file.name)
            context = {"filename": attachment.filename, "reference": self.assignment.application.reference}
            return render(request, "common/file_missing.html", context, status=410)


# Officer side


class OfficerFileMixin(LoginRequiredMixin):
    """Fetch the file of the URL for a program officer, or raise Http404 for anyone else.

    GET needs a file under review or evaluated. Actions check only the role, so that a second click after
    the state changed reaches the service, which raises AlreadyDone instead of a 404.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("reviews.manage_reviews"):
            raise Http404
        self.application = get_object_or_404(
            Application.objects.visible_to(request.user).select_related("call", "organization", "officer"),
            pk=kwargs["pk"],
        )
        if request.method == "GET" and self.application.state not in REVIEW_STATES:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, **kwargs):
        return redirect("reviews:file_reviews", pk=pk)

    def already_done(self, error: services.AlreadyDone):
        messages.info(self.request, str(error))
        return redirect("reviews:file_reviews", pk=self.application.pk)

    def page(self, **overrides):
        return render_file_reviews_page(self.request, self.application, **overrides)


def reviewer_choices(application: Application):
    """Return the reviewers who may be assigned, and (reviewer, reason) for those who may not.

    Conflicts are found in two queries whatever the number of reviewers; the reason is worded by the
    service only for the few excluded.
    """
    everyone = list(selectors.reviewers())
    excluded_ids = set(
        Affiliation.objects.filter(organization_id=application.organization_id).values_list("reviewer_id", flat=True)
    ) | set(
        ConflictDeclaration.objects.filter(
            has_conflict=True, assignment__application__organization_id=application.organization_id
        ).values_list("assignment__reviewer_id", flat=True)
    )
    excluded = [
        (reviewer, services.conflict_reason(reviewer=reviewer, application=application))
        for reviewer in everyone
        if reviewer.pk in excluded_ids
    ]
    allowed = selectors.reviewers().exclude(pk__in=excluded_ids)
    return allowed, excluded


def normalised_scores(submitted: list) -> None:
    """Set `z_score` and `z_reason` on each submitted assignment, from all of its reviewer's submitted totals.

    One query reads the totals of every reviewer on the page, so the page cost does not grow with them.
    """
    reviewer_totals = totals_by_reviewer({assignment.reviewer_id for assignment in submitted})
    for assignment in submitted:
        normalisation = reviewer_normalisation(reviewer_totals[assignment.reviewer_id])
        assignment.z_reason = normalisation.reason
        total = assignment.review.total
        assignment.z_score = z_score(total, normalisation) if total is not None else None


def render_file_reviews_page(request, application: Application, *, status: int = 200, **overrides):
    assignments = selectors.file_assignments(application)
    submitted = [
        assignment
        for assignment in assignments
        if assignment.state == AssignmentState.SUBMITTED and getattr(assignment, "review", None) is not None
    ]
    totals = [assignment.review.total for assignment in submitted if assignment.review.total is not None]
    allowed, excluded = reviewer_choices(application)
    under_review = application.state == ApplicationState.UNDER_REVIEW
    for assignment in assignments:
        assignment.can_cancel = under_review and assignment.state in (
            AssignmentState.ASSIGNED,
            AssignmentState.ACCEPTED,
        )
        assignment.can_reopen = under_review and assignment.state == AssignmentState.SUBMITTED
        assignment.shown_total = assignment.review.total if assignment in submitted else None
    normalised_scores(submitted)
    context = {
        "application": application,
        "assignments": assignments,
        "statistics": file_statistics(totals, disagreement_threshold=application.call.disagreement_threshold),
        "threshold": application.call.disagreement_threshold,
        "quorum": application.call.review_quorum,
        "under_review": under_review,
        "evaluated": application.state == ApplicationState.EVALUATED,
        "assign_form": AssignReviewerForm(reviewers=allowed),
        "excluded_reviewers": excluded,
        "reason_form": ReasonForm(),
        "page_error": "",
        "form_assignment_pk": None,
    }
    context.update(overrides)
    return render(request, "reviews/file_reviews.html", context, status=status)


class FileReviewsView(OfficerFileMixin, View):
    def get(self, request, pk):
        return self.page()


class AssignView(OfficerFileMixin, View):
    def post(self, request, pk):
        allowed, _excluded = reviewer_choices(self.application)
        form = AssignReviewerForm(request.POST, reviewers=allowed)
        if not form.is_valid():
            return self.page(assign_form=form)
        try:
            services.assign_reviewer(
                application=self.application,
                reviewer=form.cleaned_data["reviewer"],
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            form.add_error(None, str(error))
            return self.page(assign_form=form)
        messages.success(request, _("The reviewer is assigned and receives an e-mail."))
        return redirect("reviews:file_reviews", pk=pk)


class AssignmentActionView(OfficerFileMixin, View):
    """Cancel an assignment or reopen a submitted review, with a reason."""

    service = None
    success_message = ""

    def post(self, request, pk, assignment_id):
        assignment = get_object_or_404(ReviewAssignment, pk=assignment_id, application=self.application)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.page(reason_form=form, form_assignment_pk=assignment.pk)
        try:
            type(self).service(assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"])
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            return self.page(page_error=str(error))
        messages.success(request, self.success_message)
        return redirect("reviews:file_reviews", pk=pk)


class CancelAssignmentView(AssignmentActionView):
    service = services.cancel_assignment

    @property
    def success_message(self):
        return _("The assignment is cancelled.")


class ReopenReviewView(AssignmentActionView):
    service = services.reopen_review

    @property
    def success_message(self):
        return _("The review is reopened. The reviewer can change it and submit it again.")


class CloseReviewView(OfficerFileMixin, View):
    def post(self, request, pk):
        try:
            services.close_review(application=self.application, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            return self.page(page_error=str(error))
        messages.success(request, _("The review of the file is closed. The file is evaluated."))
        return redirect("reviews:file_reviews", pk=pk)


class ReopenFileReviewView(OfficerFileMixin, View):
    def post(self, request, pk):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.page(reopen_file_form=form)
        try:
            services.reopen_file_review(
                application=self.application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyDone as error:
            return self.already_done(error)
        except services.ReviewError as error:
            return self.page(page_error=str(error))
        messages.success(request, _("The review of the file is reopened."))
        return redirect("reviews:file_reviews", pk=pk)


urlpatterns = [
    path("", MyAssignmentsView.as_view(), name="my_assignments"),
    path("affectations/<int:pk>/", AssignmentView.as_view(), name="assignment"),
    path("affectations/<int:pk>/declaration/", DeclareConflictView.as_view(), name="declare_conflict"),
    path("affectations/<int:pk>/refus/", DeclineView.as_view(), name="decline"),
    path("affectations/<int:pk>/grille/", ScoreView.as_view(), name="score"),
    path(
        "affectations/<int:pk>/pieces-jointes/<int:attachment_id>/",
        AssignmentAttachmentView.as_view(),
        name="attachment_download",
    ),
    path("dossiers/<int:pk>/", FileReviewsView.as_view(), name="file_reviews"),
    path("dossiers/<int:pk>/affecter/", AssignView.as_view(), name="assign"),
    path(
        "dossiers/<int:pk>/affectations/<int:assignment_id>/annuler/",
        CancelAssignmentView.as_view(),
        name="cancel_assignment",
    ),
    path(
        "dossiers/<int:pk>/affectations/<int:assignment_id>/rouvrir/",
        ReopenReviewView.as_view(),
        name="reopen_review",
    ),
    path("dossiers/<int:pk>/fermer/", CloseReviewView.as_view(), name="close_review"),
    path("dossiers/<int:pk>/rouvrir/", ReopenFileReviewView.as_view(), name="reopen_file_review"),
]
