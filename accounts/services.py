"""Every write on users, organizations and memberships."""

import logging
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, Organization, User
from common.audit import record_transition
from common.models import Notification
from common.notifications import notify
from common.text import normalize_text

logger = logging.getLogger(__name__)

VERIFICATION_SALT = "accounts.email-verification"
INVITATION_SALT = "accounts.invitation"


class ServiceError(Exception):
    """A rule stopped the action; the message is for the user."""


# Registration and e-mail verification


def register_user(*, email: str, password: str, first_name: str, last_name: str, preferred_language: str) -> User:
    """Create an account and send the verification e-mail.

    Side effects, in order: the user row, then (after commit) the e-mail with the verification link.
    """
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=normalize_text(first_name),
                last_name=normalize_text(last_name),
                preferred_language=preferred_language,
            )
            send_verification_email(user=user)
    except IntegrityError as error:
        # A second identical request got here at the same time; the unique address lets the first one win.
        raise ServiceError(
            _("An account already uses this address. Sign in, or reset your password if you forgot it.")
        ) from error
    logger.info("User %s registered.", user.pk)
    return user


def make_verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFICATION_SALT)


def send_verification_email(*, user: User) -> None:
    """Queue a fresh verification link; each request gets its own key, so a resend is really sent."""
    link = reverse("accounts:verify_email", kwargs={"token": make_verification_token(user)})
    notify(
        recipient=user,
        event="accounts.email_verification",
        key=f"accounts.email_verification:{user.pk}:{uuid.uuid4()}",
        template="emails/accounts/verify_email",
        context={"first_name": user.first_name},
        subject=user,
        link=link,
    )


def verify_email(*, token: str) -> User:
    """Mark the address of the token's user as verified; a second use of the token changes nothing."""
    try:
        payload = signing.loads(token, salt=VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ServiceError(_("This confirmation link has expired. Sign in to receive a new one.")) from error
    except signing.BadSignature as error:
        raise ServiceError(_("This confirmation link is not valid. Copy the whole link from the e-mail.")) from error
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=payload["user"], email=payload["email"]).first()
        if user is None:
            raise ServiceError(_("This confirmation link is not valid. Copy the whole link from the e-mail."))
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        # The confirmation links are done with, so their notifications need no more attention.
        Notification.objects.filter(recipient=user, event="accounts.email_verification", read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return user


def update_profile(*, user: User, first_name: str, last_name: str, preferred_language: str) -> User:
    user.first_name = normalize_text(first_name)
    user.last_name = normalize_text(last_name)
    user.preferred_language = preferred_language
    user.save(update_fields=["first_name", "last_name", "preferred_language"])
    return user


# Organizations and memberships


def create_organization(*, actor: User, **fields) -> Organization:
    """Create an organization with `actor` as its first member and representative.

    Side effects, in order: the organization, the representative membership, a history entry.
    """
    if not actor.email_verified:
        raise ServiceError(_("Confirm your e-mail address before creating an organization."))
    for name in ("name", "mission", "street_address", "city"):
        if name in fields:
            fields[name] = normalize_text(fields[name])
    organization = Organization(**fields)
    organization.full_clean()
    try:
        with transaction.atomic():
            organization.save()
            Membership.objects.create(organization=organization, user=actor, is_representative=True)
            record_transition(
                subject=organization,
                transition="accounts.organization.created",
                source="",
                target="active",
                actor=actor,
                reason=_("Organization created; %(name)s is its representative.") % {"name": actor.get_full_name()},
            )
    except IntegrityError as error:
        # Two identical requests at once: the unique NEQ lets only the first one through.
        raise ValidationError(
            {
                "neq": ValidationError(
                    _("An organization with the NEQ %(neq)s is already registered. Ask its members to invite you."),
                    code="neq_taken",
                    params={"neq": organization.neq},
                )
            }
        ) from error
    return organization


def update_organization(*, organization: Organization, actor: User, fields: dict) -> Organization:
    """Save the changed profile fields, and record which ones changed in the history."""
    changed = []
    for name, value in fields.items():
        if isinstance(value, str) and name not in ("neq",):
            value = normalize_text(value)
        if getattr(organization, name) != value:
            setattr(organization, name, value)
            changed.append(name)
    if not changed:
        return organization
    organization.full_clean()
    with transaction.atomic():
        organization.save(update_fields=[*changed, "updated_at"])
        labels = ", ".join(str(Organization._meta.get_field(name).verbose_name) for name in changed)
        record_transition(
            subject=organization,
            transition="accounts.organization.updated",
            source="active",
            target="active",
            actor=actor,
            reason=_("Profile updated: %(fields)s.") % {"fields": labels},
        )
    return organization


def invite_member(*, organization: Organization, actor: User, email: str) -> Invitation:
    """Invite `email` to join the organization and e-mail the invitation link.

    A pending invitation to the same address is returned as is, so a double click sends one e-mail.
    """
    email = User.objects.normalize_email(email).lower()
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise ServiceError(_("%(email)s is already a member of this organization.") % {"email": email})
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        invitation = organization.invitations.filter(email__iexact=email, accepted_at__isnull=True).first()
        if invitation is not None:
            return invitation
        invitation = Invitation.objects.create(organization=organization, email=email, invited_by=actor)
        record_transition(
            subject=organization,
            transition="accounts.organization.member_invited",
            source="active",
            target="active",
            actor=actor,
            reason=_("Invitation sent to %(email)s.") % {"email": email},
        )
    from accounts.tasks import send_invitation_email

    send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


def make_invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ServiceError(_("This invitation has expired. Ask the organization to invite you again.")) from error
    except signing.BadSignature as error:
        raise ServiceError(_("This invitation link is not valid. Copy the whole link from the e-mail.")) from error
    invitation = Invitation.objects.select_related("organization").filter(pk=payload["invitation"]).first()
    if invitation is None:
        raise ServiceError(_("This invitation was cancelled. Ask the organization to invite you again."))
    return invitation


def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Make `user` a member of the inviting organization; the invitation is for their e-mail address only."""
    if invitation.email.lower() != user.email.lower():
        raise ServiceError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        membership = Membership.objects.filter(organization_id=invitation.organization_id, user=user).first()
        if membership is not None:
            return membership
        if invitation.accepted_at is not None:
            raise ServiceError(_("This invitation was already used."))
        if user.email_verified_at is None:
            # The invitation link reached this address, which proves the person owns it.
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        membership = Membership.objects.create(organization_id=invitation.organization_id, user=user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_transition(
            subject=invitation.organization,
            transition="accounts.organization.member_joined",
            source="active",
            target="active",
            actor=user,
            reason=_("%(name)s joined the organization.") % {"name": user.get_full_name()},
        )
    return membership


def transfer_representative(*, organization: Organization, actor: User, new_representative: Membership, reason: str):
    """Hand the representative flag from `actor` to another member of the same organization."""
    reason = normalize_text(reason)
    if not reason:
        raise ServiceError(_("Give the reason for the change of representative."))
    with transaction.atomic():
        memberships = {
            membership.pk: membership
            for membership in Membership.objects.select_for_update().filter(organization=organization)
        }
        current = next((m for m in memberships.values() if m.is_representative), None)
        target = memberships.get(new_representative.pk)
        if current is None or current.user_id != actor.pk:
            raise ServiceError(_("Only the current representative can hand over this role."))
        if target is None:
            raise ServiceError(_("The new representative must be a member of this organization."))
        if target.pk == current.pk:
            raise ServiceError(_("You are already the representative."))
        # Clear the old flag first: a database constraint allows one representative per organization.
        current.is_representative = False
        current.save(update_fields=["is_representative"])
        target.is_representative = True
        target.save(update_fields=["is_representative"])
        record_transition(
            subject=organization,
            transition="accounts.organization.representative_changed",
            source=str(current.user),
            target=str(target.user),
            actor=actor,
            reason=reason,
        )
    notify(
        recipient=target.user,
        event="accounts.representative_changed",
        key=f"accounts.representative_changed:{organization.pk}:{target.pk}:{timezone.now().timestamp()}",
        template="emails/accounts/representative_changed",
        context={"organization": organization.name, "previous": str(current.user)},
        subject=organization,
        link=reverse("accounts:organization_detail", kwargs={"pk": organization.pk}),
    )
    return target


def ensure_unique_neq(neq: str, *, exclude_pk=None) -> None:
    queryset = Organization.objects.filter(neq=neq)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise ValidationError(
            _("An organization with the NEQ %(neq)s is already registered. Ask its members to invite you."),
            code="neq_taken",
            params={"neq": neq},
        )
