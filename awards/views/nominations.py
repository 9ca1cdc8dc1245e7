"""The nominator's pages: start a nomination, the draft form, review and submission, the nomination page,
withdrawal, the consent request, the support documents and the summary PDF.

Every write goes through awards.services. A nomination the user may not view gets a 404 response, and so
does a nominator-only page opened by anyone but the nominator.
"""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from awards import selectors, services
from awards.documents import NOMINATION_SUMMARY
from awards.forms_nomination import (
    DESCRIPTION_FIELDS,
    NOMINATOR_FIELDS,
    NOMINEE_FIELDS,
    NominationForm,
    StartNominationForm,
    WithdrawNominationForm,
)
from awards.models import (
    MAX_DOCUMENTS,
    ConsentStatus,
    EditionState,
    Nomination,
    NominationDocument,
    NominationState,
    PrizeEdition,
)
from common.audit import timeline_for
from common.documents import get_builder, render_pdf
from common.files import MissingStoredFile, content_disposition, file_response

logger = logging.getLogger(__name__)

# Messages of awards.services.nomination_problems, each with the id of the form element that fixes it. The
# review page matches the translated message, so a message missing here is still listed, without a link.
PROBLEM_ANCHORS = (
    (gettext_lazy("Enter the nominee's name."), "id_nominee_name"),
    (gettext_lazy("Enter the nominee's e-mail address."), "id_nominee_email"),
    (gettext_lazy("Describe the nominee's actions."), "id_actions"),
    (gettext_lazy("Describe the reach of the actions: benefits and people reached."), "id_reach"),
    (gettext_lazy("Enter the number of people reached, an estimate if needed."), "id_people_reached"),
    (gettext_lazy("Attach at least one support letter."), "documents"),
)


# Reads shared by the pages


def accepting_editions() -> list[PrizeEdition]:
    """Return the editions whose nomination window is open now, newest first."""
    editions = PrizeEdition.objects.filter(state=EditionState.NOMINATIONS_OPEN).order_by("-year")
    return [edition for edition in editions if edition.is_accepting_nominations()]


def visible_nomination(user, pk: int) -> Nomination:
    """Return the nomination `pk` if `user` may view it, or raise Http404."""
    queryset = selectors.nominations_visible_to(user).select_related("edition", "category", "nominator")
    nomination = get_object_or_404(queryset, pk=pk)
    if not user.has_perm("awards.view_nomination", nomination):
        raise Http404
    return nomination


def is_editable(nomination: Nomination) -> bool:
    """Return whether the nominator may change the nomination now, as awards.services.save_nomination allows."""
    if nomination.state == NominationState.DRAFT:
        return nomination.edition.state == EditionState.NOMINATIONS_OPEN
    return nomination.state == NominationState.INCOMPLETE


def linked_problems(nomination: Nomination) -> list[dict]:
    """Return what a submission still needs, each with a link to the part of the form that fixes it."""
    anchors = {str(message): anchor for message, anchor in PROBLEM_ANCHORS}
    edit_url = reverse("awards:nomination_edit", kwargs={"pk": nomination.pk})
    return [
        {"message": problem, "url": f"{edit_url}#{anchors.get(problem, 'nomination-form')}"}
        for problem in services.nomination_problems(nomination)
    ]


def can_request_consent(nomination: Nomination) -> bool:
    return (
        nomination.requires_consent
        and nomination.state in NominationState.before_screening_decision()
        and nomination.consent_status in (ConsentStatus.NOT_REQUESTED, ConsentStatus.PENDING)
        and bool(nomination.nominee_email)
    )


def nomination_timeline(nomination: Nomination, user) -> list:
    """Return the history for the page; people outside the awards staff do not see who screened or judged.

    Consent entries recorded without an actor came through the nominee's e-mailed link, so they are marked
    `by_nominee` for the template.
    """
    entries = list(timeline_for(nomination, for_organization=not selectors.is_awards_staff(user)))
    for entry in entries:
        entry.by_nominee = entry.actor is None and entry.transition.startswith("awards.nomination.consent_")
    return entries


def nomination_url(nomination: Nomination) -> str:
    return reverse("awards:nomination_detail", kwargs={"pk": nomination.pk})


# Shared view plumbing


class NominationMixin(LoginRequiredMixin):
    """Load the nomination of the URL for a user who may view it; anyone else gets a 404 response.

    With `nominator_only`, staff and jurors who may view the nomination get a 404 response too.
    """

    nominator_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.nomination = visible_nomination(request.user, kwargs["pk"])
        if self.nominator_only and not request.user.has_perm("awards.change_nomination", self.nomination):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class NominatorMixin(NominationMixin):
    nominator_only = True

    def reload(self) -> None:
        """Read the nomination again after a save, so that the page shows what is now stored."""
        self.nomination = visible_nomination(self.request.user, self.nomination.pk)


# Views


class MyNominationsView(LoginRequiredMixin, View):
    def get(self, request):
        context = {
            "nominations": selectors.my_nominations(request.user),
            "accepting": bool(accepting_editions()),
        }
        return render(request, "awards/nominations/my_nominations.html", context)


class StartNominationView(LoginRequiredMixin, View):
    """Choose the category of a new nomination, then open its draft."""

    template_name = "awards/nominations/start.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.email_verified:
            messages.warning(request, _("Verify your e-mail address before proposing a candidate."))
            return redirect("accounts:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        editions = accepting_editions()
        initial = {"category": request.GET.get("categorie")} if request.GET.get("categorie", "").isdigit() else {}
        return self.render(StartNominationForm(editions=editions, initial=initial), editions)

    def post(self, request):
        editions = accepting_editions()
        form = StartNominationForm(request.POST, editions=editions)
        if not form.is_valid():
            return self.render(form, editions)
        category = form.cleaned_data["category"]
        try:
            nomination = services.start_nomination(edition=category.edition, category=category, actor=request.user)
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return self.render(form, editions)
        messages.success(
            request,
            _("Your nomination is started. Save the draft at any time and come back to it from « My nominations »."),
        )
        return redirect("awards:nomination_edit", pk=nomination.pk)

    def render(self, form, editions):
        return render(self.request, self.template_name, {"form": form, "editions": editions})


class NominationEditView(NominatorMixin, View):
    """The draft form. A POST saves every value that passed its checks, and the new document if any.

    It does so even when another field has an error, and the page then shows the errors with every value as typed.
    """

    template_name = "awards/nominations/form.html"

    def get(self, request, pk):
        if not is_editable(self.nomination):
            return self.closed()
        return self.render(NominationForm(nomination=self.nomination))

    def post(self, request, pk):
        if not is_editable(self.nomination):
            return self.closed()
        form = NominationForm(request.POST, request.FILES, nomination=self.nomination)
        form.is_valid()
        try:
            services.save_nomination(nomination=self.nomination, actor=request.user, data=form.valid_values())
        except services.AwardsError as error:
            form.add_error(None, str(error))
        saved_document = self.add_document(form)
        if not form.errors:
            messages.success(request, _("The draft is saved."))
            if "review" in request.POST:
                return redirect("awards:nomination_review", pk=pk)
            return redirect(f"{reverse('awards:nomination_edit', kwargs={'pk': pk})}#main")
        self.reload()
        return self.render(form, saved_document=saved_document)

    def add_document(self, form) -> NominationDocument | None:
        upload = form.valid_upload()
        if upload is None:
            return None
        kind, file = upload
        try:
            return services.add_document(nomination=self.nomination, actor=self.request.user, kind=kind, upload=file)
        except services.AwardsError as error:
            form.add_error("document", str(error))
            return None

    def closed(self):
        messages.info(self.request, _("This nomination can no longer change."))
        return redirect(nomination_url(self.nomination))

    def render(self, form, *, saved_document=None):
        documents = list(self.nomination.documents.all())
        context = {
            "nomination": self.nomination,
            "form": form,
            "nominee_fields": [form[name] for name in NOMINEE_FIELDS],
            "nominator_fields": [form[name] for name in NOMINATOR_FIELDS],
            "description_fields": [form[name] for name in DESCRIPTION_FIELDS],
            "documents": documents,
            "can_add_document": len(documents) < MAX_DOCUMENTS,
            "max_documents": MAX_DOCUMENTS,
            "saved_document": saved_document,
        }
        return render(self.request, self.template_name, context)


class DocumentRemoveView(NominatorMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, document_id):
        document = get_object_or_404(NominationDocument, pk=document_id, nomination=self.nomination)
        filename = document.filename
        try:
            services.remove_document(document=document, actor=request.user)
        except services.AwardsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The file « %(name)s » was removed.") % {"name": filename})
        return redirect(f"{reverse('awards:nomination_edit', kwargs={'pk': pk})}#documents")


class DocumentDownloadView(NominationMixin, View):
    """A support document, for everyone who may view the nomination."""

    def get(self, request, pk, document_id):
        document = get_object_or_404(self.nomination.documents, pk=document_id)
        try:
            return file_response(document.file, document.filename)
        except MissingStoredFile:
            logger.error("Document %s of nomination %s has no stored file %r.", document.pk, pk, document.file.name)
            context = {"filename": document.filename, "reference": _("Nomination %(number)s") % {"number": pk}}
            return render(request, "common/file_missing.html", context, status=410)


class NominationReviewView(NominatorMixin, View):
    """Everything a submission still needs, linked to the form, with the summary and the submit button."""

    def get(self, request, pk):
        nomination = self.nomination
        if not is_editable(nomination):
            return redirect(nomination_url(nomination))
        context = {
            "nomination": nomination,
            "problems": linked_problems(nomination),
            "documents": list(nomination.documents.all()),
            "accepting": nomination.edition.is_accepting_nominations(),
        }
        return render(request, "awards/nominations/review.html", context)


class SubmitView(NominatorMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            nomination = services.submit_nomination(nomination=self.nomination, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect(nomination_url(self.nomination))
        except services.AwardsError as error:
            messages.error(request, str(error))
            return redirect("awards:nomination_review", pk=pk)
        messages.success(request, submitted_message(nomination))
        return redirect(nomination_url(nomination))


class ResubmitView(NominatorMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            nomination = services.resubmit_nomination(nomination=self.nomination, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect(nomination_url(self.nomination))
        except services.AwardsError as error:
            messages.error(request, str(error))
            return redirect("awards:nomination_review", pk=pk)
        messages.success(request, submitted_message(nomination))
        return redirect(nomination_url(nomination))


def submitted_message(nomination: Nomination) -> str:
    if nomination.requires_consent and not nomination.has_consent:
        return _(
            "Your nomination is submitted and you receive a confirmation by e-mail. The nominee receives an "
            "e-mail to give or refuse consent: without consent, the nomination cannot be declared eligible."
        )
    return _("Your nomination is submitted and you receive a confirmation by e-mail.")


class WithdrawView(NominatorMixin, View):
    template_name = "awards/nominations/withdraw.html"

    def reject(self):
        if self.nomination.state == NominationState.WITHDRAWN:
            messages.info(self.request, _("This nomination was already withdrawn."))
        else:
            messages.error(self.request, _("This nomination can no longer be withdrawn."))
        return redirect(nomination_url(self.nomination))

    def get(self, request, pk):
        if self.nomination.state not in NominationState.withdrawable():
            return self.reject()
        return self.render(WithdrawNominationForm())

    def post(self, request, pk):
        if self.nomination.state not in NominationState.withdrawable():
            return self.reject()
        form = WithdrawNominationForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.withdraw_nomination(
                nomination=self.nomination, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect(nomination_url(self.nomination))
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return self.render(form)
        messages.success(request, _("The nomination is withdrawn."))
        return redirect(nomination_url(self.nomination))

    def render(self, form):
        return render(self.request, self.template_name, {"nomination": self.nomination, "form": form})


class ConsentRequestView(NominatorMixin, View):
    """Send the nominee the consent e-mail (again), for example when the first one went astray."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            nomination = services.send_consent_request(nomination=self.nomination, actor=request.user)
        except services.AlreadyDone as error:
            messages.info(request, str(error))
        except services.AwardsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("A consent request was sent to %(email)s.") % {"email": nomination.consent_requested_email},
            )
        return redirect(nomination_url(self.nomination))


class NominationDetailView(NominationMixin, View):
    """The nomination page: state, consent, what to complete, content, documents and history."""

    def get(self, request, pk):
        nomination, user = self.nomination, request.user
        is_nominator = user.has_perm("awards.change_nomination", nomination)
        context = {
            "nomination": nomination,
            "documents": list(nomination.documents.all()),
            "timeline": nomination_timeline(nomination, user),
            "is_nominator": is_nominator,
            "can_edit": is_nominator and is_editable(nomination),
            "can_withdraw": is_nominator and nomination.state in NominationState.withdrawable(),
            "can_request_consent": is_nominator and can_request_consent(nomination),
            "problems": linked_problems(nomination) if is_nominator and is_editable(nomination) else [],
        }
        return render(request, "awards/nominations/detail.html", context)


class SummaryPdfView(NominationMixin, View):
    """The nomination summary in PDF, built from the nomination as it is now."""

    def get(self, request, pk):
        spec = get_builder(NOMINATION_SUMMARY)(self.nomination)
        pdf = render_pdf(template_name=spec.template_name, context=spec.context, language=spec.language)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(spec.filename)
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("candidatures/", MyNominationsView.as_view(), name="my_nominations"),
    path("candidatures/nouvelle/", StartNominationView.as_view(), name="nomination_start"),
    path("candidatures/<int:pk>/", NominationDetailView.as_view(), name="nomination_detail"),
    path("candidatures/<int:pk>/formulaire/", NominationEditView.as_view(), name="nomination_edit"),
    path("candidatures/<int:pk>/verification/", NominationReviewView.as_view(), name="nomination_review"),
    path("candidatures/<int:pk>/depot/", SubmitView.as_view(), name="nomination_submit"),
    path("candidatures/<int:pk>/renvoi/", ResubmitView.as_view(), name="nomination_resubmit"),
    path("candidatures/<int:pk>/retrait/", WithdrawView.as_view(), name="nomination_withdraw"),
    path(
        "candidatures/<int:pk>/demande-de-consentement/",
        ConsentRequestView.as_view(),
        name="nomination_consent_request",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:document_id>/",
        DocumentDownloadView.as_view(),
        name="nomination_document",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:document_id>/supprimer/",
        DocumentRemoveView.as_view(),
        name="nomination_document_remove",
    ),
    path("candidatures/<int:pk>/sommaire.pdf", SummaryPdfView.as_view(), name="nomination_summary_pdf"),
]
