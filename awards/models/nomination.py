"""A nomination (candidature) for the prize, its support documents and the nominee's consent."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from awards.models.edition import Category, PrizeEdition
from common.regions import AdministrativeRegion
from common.storage import random_upload_name

# A nomination carries at most this many support documents, of which at least one support letter.
MAX_DOCUMENTS = 5


class NominationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INCOMPLETE = "incomplete", _("Completion requested")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    FINALIST = "finalist", _("Finalist")
    NOT_RETAINED = "not_retained", _("Not retained")
    LAUREATE = "laureate", _("Laureate")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def withdrawable(cls):
        """States from which the nominator, or the nominee withdrawing consent, may withdraw the nomination."""
        return [cls.DRAFT, cls.SUBMITTED, cls.INCOMPLETE, cls.ELIGIBLE, cls.FINALIST]

    @classmethod
    def nominator_editable(cls):
        return [cls.DRAFT, cls.INCOMPLETE]

    @classmethod
    def awaiting_screening(cls):
        return [cls.SUBMITTED, cls.INCOMPLETE]

    @classmethod
    def before_screening_decision(cls):
        """States in which the nominee's consent may still be given or refused."""
        return [cls.DRAFT, cls.SUBMITTED, cls.INCOMPLETE]

    @classmethod
    def screened_in(cls):
        """States of a nomination declared eligible, whatever happened next in the jury's rounds."""
        return [cls.ELIGIBLE, cls.FINALIST, cls.NOT_RETAINED, cls.LAUREATE]


class ConsentStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")
    NOT_REQUESTED = "not_requested", _("Not requested yet")
    PENDING = "pending", _("Awaiting the nominee's answer")
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from awards.selectors import nominations_visible_to

        return nominations_visible_to(user, self)


class Nomination(ConcurrentTransitionMixin, models.Model):
    """A person's or an organization's candidacy in one category, proposed by a registered nominator.

    Drafts may be partial; submission checks that every required part is there. Where the category
    requires it, the nominee's consent is given or refused through an e-mailed link whose token is stored
    only as a SHA-256 hash.
    """

    edition = models.ForeignKey(
        PrizeEdition, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("category")
    )
    nominator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("nominator")
    )
    state = FSMField(
        _("state"), default=NominationState.DRAFT, choices=NominationState.choices, protected=True, db_index=True
    )

    nominee_name = models.CharField(_("nominee's name"), max_length=200, blank=True)
    nominee_email = models.EmailField(_("nominee's e-mail address"), blank=True)
    nominee_phone = models.CharField(_("nominee's telephone"), max_length=30, blank=True)
    nominee_organization = models.CharField(
        _("nominee's organization or school"),
        max_length=200,
        blank=True,
        help_text=_("Employer, school or organization of the nominee, if any."),
    )
    nominee_language = models.CharField(
        _("nominee's language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Language of the consent request e-mail."),
    )
    region = models.CharField(
        _("administrative region"), max_length=2, choices=AdministrativeRegion.choices, blank=True
    )
    is_self_nomination = models.BooleanField(_("the nominator proposes themselves"), default=False)
    nominator_phone = models.CharField(_("nominator's telephone"), max_length=30, blank=True)
    nominator_relationship = models.CharField(
        _("relationship with the nominee"),
        max_length=200,
        blank=True,
        help_text=_("For example colleague, parent, teacher, or « myself »."),
    )

    actions = models.TextField(
        _("actions"), max_length=10000, blank=True, help_text=_("The actions taken: steps and means.")
    )
    reach = models.TextField(
        _("reach of the actions"), max_length=10000, blank=True, help_text=_("Benefits and people reached.")
    )
    people_reached = models.PositiveIntegerField(_("number of people reached"), null=True, blank=True)

    consent_token_hash = models.CharField(_("SHA-256 of the consent token"), max_length=64, blank=True, editable=False)
    consent_requested_at = models.DateTimeField(_("consent requested at"), null=True, blank=True)
    consent_requested_email = models.EmailField(_("consent requested from"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_refused_at = models.DateTimeField(_("consent refused at"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)

    incomplete_items = models.JSONField(
        _("items to complete"), default=list, blank=True, help_text=_("What the nominator must add, one item a line.")
    )
    ineligibility_reason = models.TextField(_("reason for ineligibility"), max_length=5000, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)

    round1_score = models.DecimalField(
        _("round 1 score (out of 100)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    round1_rank = models.PositiveSmallIntegerField(_("round 1 rank"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["edition", "category__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent_token_hash"],
                condition=~models.Q(consent_token_hash=""),
                name="nomination_unique_consent_token",
            ),
            models.CheckConstraint(
                condition=models.Q(people_reached__isnull=True) | models.Q(people_reached__gte=0),
                name="nomination_people_reached_not_negative",
            ),
        ]

    def __str__(self):
        return self.nominee_name or str(_("Nomination %(number)s")) % {"number": self.pk}

    @property
    def requires_consent(self) -> bool:
        return self.category.requires_nominee_consent

    @property
    def has_consent(self) -> bool:
        """Return whether consent allows the nomination to go ahead: given and not withdrawn, or not needed."""
        if not self.requires_consent:
            return True
        return self.consent_given_at is not None and self.consent_withdrawn_at is None

    @property
    def consent_status(self) -> str:
        if not self.requires_consent:
            return ConsentStatus.NOT_REQUIRED
        if self.consent_withdrawn_at is not None:
            return ConsentStatus.WITHDRAWN
        if self.consent_given_at is not None:
            return ConsentStatus.GIVEN
        if self.consent_refused_at is not None:
            return ConsentStatus.REFUSED
        if self.consent_requested_at is not None:
            return ConsentStatus.PENDING
        return ConsentStatus.NOT_REQUESTED

    @property
    def public_name(self) -> str:
        """Return the name that may be published, or "" when the nominee has not consented."""
        return self.nominee_name if self.has_consent else ""

    @transition(field=state, source=NominationState.DRAFT, target=NominationState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=NominationState.SUBMITTED, target=NominationState.INCOMPLETE)
    def request_completion(self):
        pass

    @transition(field=state, source=NominationState.INCOMPLETE, target=NominationState.SUBMITTED)
    def resubmit(self):
        pass

    @transition(field=state, source=NominationState.SUBMITTED, target=NominationState.ELIGIBLE)
    def declare_eligible(self):
        pass

    @transition(
        field=state, source=[NominationState.SUBMITTED, NominationState.INCOMPLETE], target=NominationState.INELIGIBLE
    )
    def declare_ineligible(self):
        pass

    @transition(field=state, source=NominationState.ELIGIBLE, target=NominationState.FINALIST)
    def retain(self):
        pass

    @transition(field=state, source=NominationState.ELIGIBLE, target=NominationState.NOT_RETAINED)
    def leave_out(self):
        pass

    @transition(field=state, source=NominationState.FINALIST, target=NominationState.LAUREATE)
    def award(self):
        pass

    @transition(field=state, source=NominationState.withdrawable(), target=NominationState.WITHDRAWN)
    def withdraw(self):
        pass


class DocumentKind(models.TextChoices):
    SUPPORT_LETTER = "support_letter", _("Support letter")
    OTHER = "other", _("Other support document")


class NominationDocument(models.Model):
    """A support letter or document of a nomination, stored privately under a random name."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=random_upload_name, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"), validators=[MinValueValidator(1)])
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support document")
        verbose_name_plural = _("support documents")
        ordering = ["nomination", "uploaded_at", "pk"]

    def __str__(self):
        return self.filename
