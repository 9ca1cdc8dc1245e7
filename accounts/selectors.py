from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Invitation, Membership, Organization


def organizations_visible_to(user) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user)


def cached_organizations_of(user) -> list[Organization]:
    """Return organizations_of(user) as a list, read once per user object, since several panels need it."""
    if not hasattr(user, "_organizations_of"):
        user._organizations_of = list(organizations_of(user))
    return user._organizations_of


def organizations_of(user) -> QuerySet[Organization]:
    """Return the organizations `user` belongs to, each annotated with `is_representative` for that user."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.filter(memberships__user=user)
        .annotate(
            is_representative=Count(
                "memberships", filter=Q(memberships__user=user, memberships__is_representative=True)
            )
        )
        .order_by("name")
    )


def organization_list(user) -> QuerySet[Organization]:
    """Return the staff list of organizations with member counts and representatives, in constant queries."""
    return (
        organizations_visible_to(user)
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_representative=True).select_related("user"),
                to_attr="representatives",
            )
        )
        .order_by("name")
    )


def members_of(organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user")


def pending_invitations(organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(accepted_at__isnull=True).select_related("invited_by")
