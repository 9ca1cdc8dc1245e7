from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_neq
from common.regions import AdministrativeRegion
from common.storage import random_upload_name


class Role(models.TextChoices):
    """Staff roles, each a Django group of the same name. Applicants and nominators need no group."""

    PROGRAM_OFFICER = "program_officer", _("Program officer")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE_MEMBER = "committee_member", _("Selection committee member")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    JURY_MEMBER = "jury_member", _("Jury member")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Language of the e-mails and documents we send you."),
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("Can sign in to the configuration site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, role: str) -> bool:
        """Return whether the user belongs to the staff group `role`; the result is cached on the instance."""
        if not self.is_authenticated or not self.is_active:
            return False
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names


class LegalForm(models.TextChoices):
    NON_PROFIT = "non_profit", _("Non-profit organization (Part III of the Companies Act)")
    COOPERATIVE = "cooperative", _("Solidarity or non-profit cooperative")
    FEDERAL_NON_PROFIT = "federal_non_profit", _("Federal non-profit corporation")
    OTHER = "other", _("Other")


# Staff roles that see every organization and its files.
ORGANIZATION_STAFF_ROLES = (
    Role.PROGRAM_OFFICER,
    Role.PROGRAM_MANAGER,
    Role.DECISION_MAKER,
    Role.FINANCE_OFFICER,
)


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Organizations `user` may see: their own, or all of them for organization staff."""
        if not user.is_authenticated:
            return self.none()
        if any(user.has_role(role) for role in ORGANIZATION_STAFF_ROLES):
            return self.all()
        return self.filter(memberships__user=user)


class Organization(models.Model):
    """A community organization (OBNL) that applies for funding."""

    name = models.CharField(_("legal name"), max_length=200)
    neq = models.CharField(
        _("Québec enterprise number (NEQ)"),
        max_length=10,
        unique=True,
        validators=[validate_neq],
        help_text=_("10 digits, as on your registration statement, for example 1140123456."),
    )
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    region = models.CharField(_("administrative region"), max_length=2, choices=AdministrativeRegion.choices)
    street_address = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=7, help_text=_("For example H2X 1Y4."))
    head_office_in_quebec = models.BooleanField(_("head office in Québec"), default=True)
    incorporated_on = models.DateField(_("incorporation date"))
    mission = models.TextField(_("mission"), max_length=4000)
    letters_patent = models.FileField(
        _("letters patent"),
        upload_to=random_upload_name,
        blank=True,
        max_length=255,
        help_text=_("Letters patent or constituting act: PDF, DOCX, ODT, JPEG or PNG."),
    )
    letters_patent_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's membership in an organization; exactly one member per organization is its representative."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    is_representative = models.BooleanField(_("authorized representative"), default=False)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-is_representative", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_representative=True),
                name="membership_one_representative",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class Invitation(models.Model):
    """An e-mailed invitation to join an organization, accepted once by the person who owns that address."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"
