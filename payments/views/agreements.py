"""The agreement page, the actions on an agreement and its installments, and their downloads.

Views parse the request, call one function of payments.services or payments.installments and show its outcome.
An agreement the user may not see gets a 404 response, and so does an action that the user's role never allows
(an organization member on a finance action, a finance officer on the signature). The services check the rest:
the state, the representative, the second finance officer. Their PaymentError is shown on the page with the
values entered, and AlreadyDone (a double click, a second tab) becomes an information message and a redirect.
"""

import logging
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Membership, Role
from common.files import MissingStoredFile, file_response
from common.models import Document
from payments import installments as installment_services
from payments import services
from payments.forms import (
    ConditionsForm,
    ElectronicSignatureForm,
    PaymentForm,
    ReleaseForm,
    RevisionForm,
    ScheduleFormSet,
    ScheduleNoteForm,
    SignedCopyForm,
    TerminationForm,
    WithholdForm,
)
from payments.installments import PAYMENT_NOTICE
from payments.models import Agreement, AgreementState, Installment, InstallmentState
from payments.selectors import agreement_history, agreements_visible_to, installments_visible_to, is_payments_staff
from payments.services import AGREEMENT_DOCUMENT, AlreadyDone, PaymentError

logger = logging.getLogger(__name__)

AGREEMENT_RELATED = (
    "application__organization",
    "application__call",
    "application__officer",
    "signed_by",
    "countersigned_by",
)
REVISABLE_STATES = (AgreementState.SENT_FOR_SIGNATURE, AgreementState.SIGNED_BY_ORGANIZATION)
WITHHOLDABLE_STATES = (InstallmentState.SCHEDULED, InstallmentState.DUE)


# Reads shared by the page and the action pages


def latest_documents(owners: list, kind: str) -> dict:
    """Return the latest version of the `kind` document of each owner, keyed by owner pk, in one query."""
    if not owners:
        return {}
    documents = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(owners[0]),
        object_id__in=[str(owner.pk) for owner in owners],
        kind=kind,
    ).order_by("object_id", "-version")
    latest = {}
    for document in documents:
        latest.setdefault(document.object_id, document)
    return {owner.pk: latest.get(str(owner.pk)) for owner in owners}


def agreement_document(agreement: Agreement) -> Document | None:
    return latest_documents([agreement], AGREEMENT_DOCUMENT)[agreement.pk]


def report_url_of(report) -> str | None:
    try:
        return reverse("payments:report", kwargs={"pk": report.pk})
    except NoReverseMatch:
        # The report pages are in payments/views/reports.py. Without them, the agreement page still works.
        return None


class Viewer:
    """The roles of the person viewing the agreement, which choose the buttons shown. The services check the rules."""

    def __init__(self, user, agreement: Agreement):
        self.user = user
        self.is_staff = is_payments_staff(user)
        self.is_officer = user.has_role(Role.PROGRAM_OFFICER)
        self.is_decision_maker = user.has_role(Role.DECISION_MAKER)
        self.is_finance = user.has_role(Role.FINANCE_OFFICER)
        memberships = Membership.objects.filter(organization_id=agreement.application.organization_id, user=user)
        membership = memberships.first()
        self.is_member = membership is not None
        self.is_representative = membership is not None and membership.is_representative


def annotate_installment(installment: Installment, viewer: Viewer, agreement: Agreement) -> None:
    """Set the flags that choose the buttons of one row of the schedule.

    Withholding is offered on an active agreement only: before, a revision changes the schedule instead.
    """
    state = installment.state
    active = agreement.state == AgreementState.ACTIVE
    installment.can_withhold = viewer.is_officer and active and state in WITHHOLDABLE_STATES
    installment.can_release = viewer.is_officer and state == InstallmentState.WITHHELD
    installment.can_approve = viewer.is_finance and state == InstallmentState.DUE
    approved_by_viewer = installment.approved_by_id == viewer.user.pk
    installment.can_pay = viewer.is_finance and state == InstallmentState.APPROVED and not approved_by_viewer
    installment.approved_by_viewer = viewer.is_finance and state == InstallmentState.APPROVED and approved_by_viewer


def agreement_page_context(user, agreement: Agreement) -> dict:
    viewer = Viewer(user, agreement)
    installments = list(
        agreement.installments.select_related("gate_report", "approved_by", "paid_by").order_by("number")
    )
    notices = latest_documents(installments, PAYMENT_NOTICE)
    for installment in installments:
        installment.notice = notices[installment.pk]
        annotate_installment(installment, viewer, agreement)

    reports = list(agreement.reports.order_by("due_on", "pk"))
    for report in reports:
        report.url = report_url_of(report)

    # As in the agreement PDF: the installments not cancelled, by the fiscal year of their planned date.
    by_fiscal_year: dict[str, Decimal] = {}
    for installment in installments:
        if installment.state != InstallmentState.CANCELLED:
            label = installment.fiscal_year
            by_fiscal_year[label] = by_fiscal_year.get(label, Decimal(0)) + installment.amount
    representative = (
        Membership.objects.filter(organization_id=agreement.application.organization_id, is_representative=True)
        .select_related("user")
        .first()
    )
    state = agreement.state
    return {
        "agreement": agreement,
        "application": agreement.application,
        "viewer": viewer,
        "representative": representative.user if representative else None,
        "years": list(agreement.years.all()),
        "installments": installments,
        "installments_total": sum((item.amount for item in installments), Decimal(0)),
        "by_fiscal_year": sorted(by_fiscal_year.items()),
        "reports": reports,
        "document": agreement_document(agreement),
        "timeline": agreement_history(agreement, for_organization=not viewer.is_staff),
        "can_edit": viewer.is_officer and state == AgreementState.DRAFT,
        "can_revise": viewer.is_officer and state in REVISABLE_STATES,
        "can_sign": viewer.is_member and state == AgreementState.SENT_FOR_SIGNATURE,
        "can_countersign": viewer.is_decision_maker and state == AgreementState.SIGNED_BY_ORGANIZATION,
        "can_terminate": viewer.is_decision_maker and state == AgreementState.ACTIVE,
        "page_error": "",
    }


def render_agreement_page(request, agreement: Agreement, **overrides):
    """Render the agreement page. `overrides` add an error to show at the top."""
    context = agreement_page_context(request.user, agreement)
    context.update(overrides)
    return render(request, "payments/agreement.html", context)


def file_unavailable(request, filename: str, reference: str):
    return render(request, "common/file_missing.html", {"filename": filename, "reference": reference}, status=410)


# Access


class AgreementMixin(LoginRequiredMixin):
    """Fetch the agreement of the URL if the user may see it and `allowed` returns True, or raise Http404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.agreement = self.get_agreement(request.user, kwargs["pk"])
        if not self.allowed(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_agreement(self, user, pk) -> Agreement:
        return get_object_or_404(agreements_visible_to(user).select_related(*AGREEMENT_RELATED), pk=pk)

    def allowed(self, user) -> bool:
        return True

    def back(self):
        return redirect("payments:agreement", pk=self.agreement.pk)

    def already_done(self, error: AlreadyDone):
        logger.info("Action on agreement %s already done: %s", self.agreement.pk, error)
        messages.info(self.request, str(error))
        return self.back()

    def log_rejection(self, action: str, error: PaymentError) -> None:
        logger.info(
            "%s on agreement %s rejected for user %s: %s", action, self.agreement.pk, self.request.user.pk, error
        )

    def unavailable(self, message: str):
        """Send a GET for an action the agreement's state no longer allows back to the agreement page."""
        messages.info(self.request, message)
        return self.back()


class OfficerMixin(AgreementMixin):
    def allowed(self, user) -> bool:
        return user.has_role(Role.PROGRAM_OFFICER)


class DecisionMakerMixin(AgreementMixin):
    def allowed(self, user) -> bool:
        return user.has_role(Role.DECISION_MAKER)


class MemberMixin(AgreementMixin):
    """An action of the organization: only its members reach the service, which checks the representative."""

    def allowed(self, user) -> bool:
        return Membership.objects.filter(organization_id=self.agreement.application.organization_id, user=user).exists()


class InstallmentMixin(AgreementMixin):
    """Fetch the installment of the URL and its agreement. `role` is the staff role the action needs."""

    role = ""

    def get_agreement(self, user, pk) -> Agreement:
        self.installment = get_object_or_404(
            installments_visible_to(user).select_related(
                *(f"agreement__{name}" for name in AGREEMENT_RELATED), "approved_by"
            ),
            pk=pk,
        )
        return self.installment.agreement

    def allowed(self, user) -> bool:
        return user.has_role(self.role)

    def number(self) -> dict:
        return {"number": self.installment.number}


class PostOnlyMixin:
    """A button of the agreement page. A GET, after a language switch for example, goes back to the page."""

    def get(self, request, pk):
        return self.back()


# The page


class AgreementView(AgreementMixin, View):
    def get(self, request, pk):
        return render_agreement_page(request, self.agreement)


# Edits of a draft, by the program officer


class ScheduleView(OfficerMixin, View):
    template_name = "payments/agreement_schedule.html"

    def installments(self) -> list[Installment]:
        return list(self.agreement.installments.select_related("gate_report").order_by("number"))

    def page(self, formset, note_form):
        context = {"agreement": self.agreement, "formset": formset, "note_form": note_form}
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        if self.agreement.state != AgreementState.DRAFT:
            return self.unavailable(
                _("The agreement can be changed only as a draft. Revise it first to return it to draft.")
            )
        return self.page(
            ScheduleFormSet(installments=self.installments(), total=self.agreement.total), ScheduleNoteForm()
        )

    def post(self, request, pk):
        formset = ScheduleFormSet(request.POST, installments=self.installments(), total=self.agreement.total)
        note_form = ScheduleNoteForm(request.POST)
        if not all([formset.is_valid(), note_form.is_valid()]):
            return self.page(formset, note_form)
        try:
            services.edit_schedule(
                agreement=self.agreement,
                actor=request.user,
                edits=formset.edits(),
                reason=note_form.cleaned_data["reason"],
            )
        except PaymentError as error:
            self.log_rejection("Schedule", error)
            formset.non_form_errors().append(str(error))
            return self.page(formset, note_form)
        messages.success(request, _("The payment schedule is saved."))
        return self.back()


class ConditionsView(OfficerMixin, View):
    template_name = "payments/agreement_conditions.html"

    def page(self, form):
        return render(self.request, self.template_name, {"agreement": self.agreement, "form": form})

    def get(self, request, pk):
        if self.agreement.state != AgreementState.DRAFT:
            return self.unavailable(
                _("The agreement can be changed only as a draft. Revise it first to return it to draft.")
            )
        return self.page(ConditionsForm(initial={"conditions": self.agreement.conditions}))

    def post(self, request, pk):
        form = ConditionsForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            services.edit_conditions(
                agreement=self.agreement, actor=request.user, conditions=form.cleaned_data["conditions"]
            )
        except PaymentError as error:
            self.log_rejection("Conditions", error)
            form.add_error(None, str(error))
            return self.page(form)
        messages.success(request, _("The conditions are saved."))
        return self.back()


class SendForSignatureView(PostOnlyMixin, OfficerMixin, View):
    def post(self, request, pk):
        try:
            services.send_for_signature(agreement=self.agreement, actor=request.user)
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection("Sending for signature", error)
            return render_agreement_page(request, self.agreement, page_error=str(error))
        messages.success(request, _("The agreement is sent for signature. The organization's members are notified."))
        return self.back()


class RevisionView(OfficerMixin, View):
    template_name = "payments/agreement_revise.html"

    def page(self, form):
        return render(self.request, self.template_name, {"agreement": self.agreement, "form": form})

    def get(self, request, pk):
        if self.agreement.state == AgreementState.DRAFT:
            return self.unavailable(_("The agreement is already a draft."))
        if self.agreement.state not in REVISABLE_STATES:
            return self.unavailable(_("An active or closed agreement cannot be revised."))
        return self.page(RevisionForm())

    def post(self, request, pk):
        form = RevisionForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            services.revise_agreement(agreement=self.agreement, actor=request.user, reason=form.cleaned_data["reason"])
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection("Revision", error)
            form.add_error(None, str(error))
            return self.page(form)
        messages.success(
            request, _("The agreement is back to draft. Any signature given is void until it is signed again.")
        )
        return self.back()


# Signature, by the organization's representative


class SignatureMixin(MemberMixin):
    """The signature page: the version to sign, and two ways to sign it, electronically or by a signed copy."""

    template_name = "payments/agreement_sign.html"

    def page(self, *, signature_form=None, copy_form=None):
        document = agreement_document(self.agreement)
        shown_sha256 = document.sha256 if document else self.agreement.sent_document_sha256
        if signature_form is None:
            user = self.request.user
            signature_form = ElectronicSignatureForm(
                initial={"signer_name": user.get_full_name(), "document_sha256": shown_sha256}
            )
        elif signature_form.is_bound and signature_form["document_sha256"].value() != shown_sha256:
            # The version changed since the page was shown: the next submission signs the version now shown.
            signature_form.show_version(shown_sha256)
        context = {
            "agreement": self.agreement,
            "document": document,
            "is_representative": Membership.objects.filter(
                organization_id=self.agreement.application.organization_id,
                user=self.request.user,
                is_representative=True,
            ).exists(),
            "signature_form": signature_form,
            "copy_form": copy_form or SignedCopyForm(initial={"signer_name": self.request.user.get_full_name()}),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        if self.agreement.state != AgreementState.SENT_FOR_SIGNATURE:
            return self.unavailable(_("This agreement is not waiting for your signature."))
        return self.page()


class SignView(SignatureMixin, View):
    def post(self, request, pk):
        form = ElectronicSignatureForm(request.POST)
        if not form.is_valid():
            return self.page(signature_form=form)
        try:
            services.sign_agreement(
                agreement=self.agreement,
                actor=request.user,
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
                document_sha256=form.cleaned_data["document_sha256"],
            )
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection("Signature", error)
            form.add_error(None, str(error))
            self.agreement.refresh_from_db()
            return self.page(signature_form=form)
        messages.success(
            request, _("You signed the agreement. The decision-making authority is asked to countersign it.")
        )
        return self.back()


class SignedCopyUploadView(SignatureMixin, View):
    def post(self, request, pk):
        form = SignedCopyForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(copy_form=form)
        try:
            services.upload_signed_agreement(
                agreement=self.agreement,
                actor=request.user,
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
                upload=form.cleaned_data["signed_file"],
            )
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection("Signed copy", error)
            form.add_error(None, str(error))
            return self.page(copy_form=form)
        messages.success(
            request, _("The signed agreement is received. The decision-making authority is asked to countersign it.")
        )
        return self.back()


# Countersignature and termination, by the decision maker


class CountersignView(PostOnlyMixin, DecisionMakerMixin, View):
    def post(self, request, pk):
        try:
            services.countersign_agreement(agreement=self.agreement, actor=request.user)
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection("Countersignature", error)
            return render_agreement_page(request, self.agreement, page_error=str(error))
        messages.success(request, _("The agreement is countersigned and now active. Its first installment is due."))
        return self.back()


class TerminationView(DecisionMakerMixin, View):
    template_name = "payments/agreement_terminate.html"

    def page(self, form):
        context = {"agreement": self.agreement, "form": form, "paid_total": services.paid_total(self.agreement)}
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        if self.agreement.state != AgreementState.ACTIVE:
            return self.unavailable(_("Only an active agreement can be terminated."))
        return self.page(TerminationForm())

    def post(self, request, pk):
        form = TerminationForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            services.terminate_agreement(
                agreement=self.agreement,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                eligible_expenses=form.cleaned_data["eligible_expenses"],
            )
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection("Termination", error)
            form.add_error(None, str(error))
            return self.page(form)
        messages.success(request, _("The agreement is terminated and its pending installments are cancelled."))
        return self.back()


# Installments: withheld and released by the officer, approved then paid by two finance officers


class InstallmentFormView(InstallmentMixin, View):
    """A form page about one installment. Subclasses set the form, the states it needs and the service call."""

    template_name = ""
    form_class = None

    def page(self, form):
        context = {"agreement": self.agreement, "installment": self.installment, "form": form}
        return render(self.request, self.template_name, context)

    def unavailable_message(self) -> str | None:
        raise NotImplementedError

    def act(self, form) -> str:
        """Call the service and return the success message."""
        raise NotImplementedError

    def get(self, request, pk):
        message = self.unavailable_message()
        if message:
            return self.unavailable(message)
        return self.page(self.form_class())

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            message = self.act(form)
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection(f"{type(self).__name__} of installment {self.installment.pk}", error)
            form.add_error(None, str(error))
            return self.page(form)
        messages.success(request, message)
        return self.back()


class WithholdView(InstallmentFormView):
    role = Role.PROGRAM_OFFICER
    template_name = "payments/agreement_withhold.html"
    form_class = WithholdForm

    def unavailable_message(self):
        if self.installment.state in WITHHOLDABLE_STATES:
            return None
        return _("Only a scheduled or due installment can be withheld.")

    def act(self, form):
        installment_services.withhold_installment(
            installment=self.installment, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Installment %(number)s is withheld.") % self.number()


class ReleaseView(InstallmentFormView):
    role = Role.PROGRAM_OFFICER
    template_name = "payments/agreement_release.html"
    form_class = ReleaseForm

    def unavailable_message(self):
        if self.installment.state == InstallmentState.WITHHELD:
            return None
        return _("Installment %(number)d is not withheld.") % self.number()

    def act(self, form):
        installment = installment_services.release_installment(
            installment=self.installment, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        if installment.state == InstallmentState.DUE:
            return _("Installment %(number)s is released and due again.") % self.number()
        return _("Installment %(number)s is released. It becomes due when its condition is met.") % self.number()


class PaymentView(InstallmentFormView):
    role = Role.FINANCE_OFFICER
    template_name = "payments/agreement_payment.html"
    form_class = PaymentForm

    def unavailable_message(self):
        if self.installment.state == InstallmentState.PAID:
            return _("Installment %(number)d was already paid.") % self.number()
        if self.installment.state != InstallmentState.APPROVED:
            return _("Installment %(number)d must be approved before its payment is recorded.") % self.number()
        return None

    def act(self, form):
        installment_services.record_payment(
            installment=self.installment,
            actor=self.request.user,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
        return _("The payment of installment %(number)s is recorded. The payment notice is being prepared.") % (
            self.number()
        )


class ApproveView(PostOnlyMixin, InstallmentMixin, View):
    role = Role.FINANCE_OFFICER

    def post(self, request, pk):
        try:
            installment_services.approve_installment(installment=self.installment, actor=request.user)
        except AlreadyDone as error:
            return self.already_done(error)
        except PaymentError as error:
            self.log_rejection(f"Approval of installment {self.installment.pk}", error)
            return render_agreement_page(request, self.agreement, page_error=str(error))
        messages.success(
            request,
            _("Installment %(number)s is approved. Another finance officer must record its payment.") % self.number(),
        )
        return self.back()


# Downloads


class AgreementDocumentView(AgreementMixin, View):
    """The latest version of the agreement PDF."""

    def get(self, request, pk):
        document = agreement_document(self.agreement)
        if document is None:
            raise Http404("The agreement has no document yet.")
        try:
            return file_response(document.file, document.filename)
        except MissingStoredFile:
            logger.error("Agreement %s: document %s has no stored file %r.", pk, document.pk, document.file.name)
            return file_unavailable(request, document.filename, self.agreement.reference)


class SignedCopyView(AgreementMixin, View):
    """The copy of the agreement signed by hand that the representative uploaded."""

    def get(self, request, pk):
        agreement = self.agreement
        if not agreement.signed_file:
            raise Http404("The agreement has no signed copy.")
        filename = agreement.signed_filename or f"{agreement.reference}.pdf"
        try:
            return file_response(agreement.signed_file, filename)
        except MissingStoredFile:
            logger.error("Agreement %s: signed copy %r is missing.", pk, agreement.signed_file.name)
            return file_unavailable(request, filename, agreement.reference)


class PaymentNoticeView(InstallmentMixin, View):
    """The latest payment notice of an installment, for everyone who may see the agreement."""

    def allowed(self, user) -> bool:
        return True

    def get(self, request, pk):
        document = latest_documents([self.installment], PAYMENT_NOTICE)[self.installment.pk]
        if document is None:
            raise Http404("The installment has no payment notice.")
        try:
            return file_response(document.file, document.filename)
        except MissingStoredFile:
            logger.error("Installment %s: notice %s has no stored file %r.", pk, document.pk, document.file.name)
            return file_unavailable(request, document.filename, self.agreement.reference)


urlpatterns = [
    path("<int:pk>/", AgreementView.as_view(), name="agreement"),
    path("<int:pk>/echeancier/", ScheduleView.as_view(), name="agreement_schedule"),
    path("<int:pk>/conditions/", ConditionsView.as_view(), name="agreement_conditions"),
    path("<int:pk>/envoi-pour-signature/", SendForSignatureView.as_view(), name="agreement_send"),
    path("<int:pk>/revision/", RevisionView.as_view(), name="agreement_revise"),
    path("<int:pk>/signer/", SignView.as_view(), name="agreement_sign"),
    path("<int:pk>/signer/copie-signee/", SignedCopyUploadView.as_view(), name="agreement_upload_signed"),
    path("<int:pk>/contresigner/", CountersignView.as_view(), name="agreement_countersign"),
    path("<int:pk>/resilier/", TerminationView.as_view(), name="agreement_terminate"),
    path("<int:pk>/convention/telecharger/", AgreementDocumentView.as_view(), name="agreement_document"),
    path("<int:pk>/copie-signee/telecharger/", SignedCopyView.as_view(), name="agreement_signed_copy"),
    path("versements/<int:pk>/approuver/", ApproveView.as_view(), name="installment_approve"),
    path("versements/<int:pk>/paiement/", PaymentView.as_view(), name="installment_pay"),
    path("versements/<int:pk>/retenir/", WithholdView.as_view(), name="installment_withhold"),
    path("versements/<int:pk>/liberer/", ReleaseView.as_view(), name="installment_release"),
    path("versements/<int:pk>/avis/telecharger/", PaymentNoticeView.as_view(), name="installment_notice"),
]
