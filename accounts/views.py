import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts import selectors, services
from accounts.forms import (
    EmailAuthenticationForm,
    InvitationForm,
    OrganizationForm,
    ProfileForm,
    RegistrationForm,
    TransferRepresentativeForm,
)
from accounts.models import Role, User
from common.audit import timeline_for
from common.dashboards import panels_for
from common.files import MissingStoredFile, file_response


class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.register_user(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                preferred_language=data["preferred_language"],
            )
        except services.ServiceError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        self.request.session["registered_email"] = user.email
        return redirect("accounts:registration_sent")


class RegistrationSentView(TemplateView):
    template_name = "accounts/registration_sent.html"


class VerifyEmailView(View):
    def get(self, request, token):
        try:
            user = services.verify_email(token=token)
        except services.ServiceError as error:
            return render(request, "accounts/verify_failed.html", {"error": str(error)}, status=400)
        messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("accounts:dashboard")
        return redirect(f"{reverse('accounts:login')}?email={user.email}")


def throttle_keys(request, email: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [f"login-failures:email:{digest}", f"login-failures:ip:{address}"]


class LoginView(auth_views.LoginView):
    """Sign in by e-mail; too many failures for one address or one client block sign-in for a while."""

    template_name = "accounts/login.html"
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_initial(self):
        return {"username": self.request.GET.get("email", "")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.request.method == "GET" and self.request.GET.get("email"):
            # The address is already there: the person's next step is the password.
            form.fields["username"].widget.attrs.pop("autofocus", None)
            form.fields["password"].widget.attrs["autofocus"] = True
        return form

    def post(self, request, *args, **kwargs):
        keys = throttle_keys(request, request.POST.get("username", ""))
        if any(cache.get(key, 0) >= settings.LOGIN_THROTTLE_LIMIT for key in keys):
            form = self.get_form()
            form.is_valid()
            form.errors.clear()
            form.add_error(None, form.error_messages["throttled"])
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        for key in throttle_keys(self.request, self.request.POST.get("username", "")):
            cache.add(key, 0, settings.LOGIN_THROTTLE_WINDOW)
            cache.incr(key)
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if not user.email_verified:
            services.send_verification_email(user=user)
            form.add_error(None, form.error_messages["unverified"])
            return self.render_to_response(self.get_context_data(form=form))
        cache.delete_many(throttle_keys(self.request, user.email))
        return super().form_valid(form)


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/dashboard.html"

    def get_context_data(self, **kwargs):
        # has_role caches the user's groups, which the panels read again.
        roles = [role.label for role in Role if self.request.user.has_role(role.value)]
        return super().get_context_data(**kwargs, roles=roles, panels=panels_for(self.request.user))


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.user}

    def form_valid(self, form):
        services.update_profile(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your profile is saved."))
        return redirect("accounts:profile")


class MemberOrganizationMixin(LoginRequiredMixin):
    """Fetch the organization of the URL for a user allowed `permission` on it, or raise Http404."""

    permission = "accounts.view_organization"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organization = get_object_or_404(selectors.organizations_visible_to(request.user), pk=kwargs["pk"])
        if not request.user.has_perm(self.permission, self.organization):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, organization=self.organization)


class OrganizationCreateView(LoginRequiredMixin, FormView):
    template_name = "accounts/organization_form.html"
    form_class = OrganizationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.email_verified:
            messages.warning(request, _("Confirm your e-mail address before creating an organization."))
            return redirect("accounts:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields}
        upload = form.cleaned_data.get("letters_patent")
        if upload:
            fields["letters_patent"], fields["letters_patent_name"] = upload, upload.name
        try:
            organization = services.create_organization(actor=self.request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The organization is created. You are its representative."))
        return redirect("accounts:organization_detail", pk=organization.pk)


class OrganizationDetailView(MemberOrganizationMixin, TemplateView):
    template_name = "accounts/organization_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            **kwargs,
            memberships=selectors.members_of(self.organization),
            invitations=selectors.pending_invitations(self.organization),
            timeline=timeline_for(self.organization),
            can_edit=user.has_perm("accounts.change_organization", self.organization),
            can_invite=user.has_perm("accounts.invite_member", self.organization),
            can_transfer=user.has_perm("accounts.transfer_representative", self.organization),
            invitation_form=InvitationForm(),
        )


class OrganizationUpdateView(MemberOrganizationMixin, FormView):
    template_name = "accounts/organization_form.html"
    form_class = OrganizationForm
    permission = "accounts.change_organization"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organization}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields}
        upload = form.cleaned_data.get("letters_patent")
        if upload:
            fields["letters_patent"], fields["letters_patent_name"] = upload, upload.name
        services.update_organization(organization=self.organization, actor=self.request.user, fields=fields)
        messages.success(self.request, _("The organization profile is saved."))
        return redirect("accounts:organization_detail", pk=self.organization.pk)


class LettersPatentDownloadView(MemberOrganizationMixin, View):
    def get(self, request, pk):
        if not self.organization.letters_patent:
            raise Http404
        try:
            return file_response(self.organization.letters_patent, self.organization.letters_patent_name)
        except MissingStoredFile:
            context = {"filename": self.organization.letters_patent_name, "reference": f"O-{self.organization.pk}"}
            return render(request, "common/file_missing.html", context, status=410)


class InviteMemberView(MemberOrganizationMixin, FormView):
    template_name = "accounts/invite.html"
    form_class = InvitationForm
    permission = "accounts.invite_member"

    def form_valid(self, form):
        try:
            invitation = services.invite_member(
                organization=self.organization, actor=self.request.user, email=form.cleaned_data["email"]
            )
        except services.ServiceError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("accounts:organization_detail", pk=self.organization.pk)


class AcceptInvitationView(View):
    template_name = "accounts/accept_invitation.html"

    def get_invitation(self, token):
        try:
            return services.invitation_from_token(token), None
        except services.ServiceError as error:
            return None, str(error)

    def get(self, request, token):
        invitation, error = self.get_invitation(token)
        has_account = bool(invitation) and User.objects.filter(email__iexact=invitation.email).exists()
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "error": error, "has_account": has_account, "token": token},
            status=400 if error else 200,
        )

    def post(self, request, token):
        invitation, error = self.get_invitation(token)
        if error:
            return render(request, self.template_name, {"error": error}, status=400)
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            services.accept_invitation(invitation=invitation, user=request.user)
        except services.ServiceError as error:
            return render(
                request, self.template_name, {"invitation": invitation, "error": str(error), "token": token}, status=400
            )
        messages.success(request, _("You are now a member of %(name)s.") % {"name": invitation.organization.name})
        return redirect("accounts:organization_detail", pk=invitation.organization_id)


class TransferRepresentativeView(MemberOrganizationMixin, FormView):
    template_name = "accounts/transfer_representative.html"
    form_class = TransferRepresentativeForm
    permission = "accounts.transfer_representative"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization, "actor": self.request.user}

    def form_valid(self, form):
        try:
            services.transfer_representative(
                organization=self.organization,
                actor=self.request.user,
                new_representative=form.cleaned_data["new_representative"],
                reason=form.cleaned_data["reason"],
            )
        except services.ServiceError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The representative role was handed over."))
        return redirect("accounts:organization_detail", pk=self.organization.pk)


class OrganizationListView(LoginRequiredMixin, ListView):
    """Staff list of every organization."""

    template_name = "accounts/organization_list.html"
    paginate_by = 50
    context_object_name = "organizations"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("accounts.list_organizations"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.organization_list(self.request.user)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/accounts/password_reset.txt"
    subject_template_name = "emails/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
