from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organization
from common.storage import random_upload_name
from grants.models import Call, Clientele, DocumentType, ExpenseCategory, Reach, ScreeningQuestion

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    INCOMPLETE = "incomplete", _("Information requested")
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    UNDER_REVIEW = "under_review", _("Under review")
    EVALUATED = "evaluated", _("Evaluated")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def withdrawable(cls):
        """States from which the representative may withdraw the file (until a decision)."""
        return [
            cls.DRAFT,
            cls.SUBMITTED,
            cls.SCREENING,
            cls.INCOMPLETE,
            cls.UNDER_REVIEW,
            cls.EVALUATED,
            # A committee recommendation is not a decision yet.
            cls.RECOMMENDED,
            cls.NOT_RECOMMENDED,
        ]

    @classmethod
    def organization_editable(cls):
        return [cls.DRAFT, cls.INCOMPLETE]


class Section(models.TextChoices):
    """Parts of the application form; an information request reopens some of them."""

    ORGANIZATION = "organization", _("Organization")
    PROJECT = "project", _("Project")
    CLIENTELES = "clienteles", _("Clienteles and regions")
    CALENDAR = "calendar", _("Calendar")
    BUDGET = "budget", _("Budget")
    REVENUES = "revenues", _("Other revenues")
    DOCUMENTS = "documents", _("Documents")


class InadmissibilityReason(models.TextChoices):
    LATE = "late", _("Received after the deadline")
    INCOMPLETE = "incomplete", _("Required information or documents missing after the request")
    APPLICANT_NOT_ELIGIBLE = "applicant_not_eligible", _("Organization not eligible")
    PROJECT_NOT_ELIGIBLE = "project_not_eligible", _("Project not eligible")
    EXCLUDED_ACTIVITY = "excluded_activity", _("Excluded activity")
    OTHER = "other", _("Other reason")


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Files `user` may see: their organizations' files, or every file for organization staff."""
        from accounts.models import ORGANIZATION_STAFF_ROLES

        if not user.is_authenticated:
            return self.none()
        if any(user.has_role(role) for role in ORGANIZATION_STAFF_ROLES):
            return self.all()
        return self.filter(organization__memberships__user=user)


class Application(ConcurrentTransitionMixin, models.Model):
    """A financial assistance application (demande d'aide financière) of an organization to a call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications", verbose_name=_("organization")
    )
    state = FSMField(
        _("state"), default=ApplicationState.DRAFT, choices=ApplicationState.choices, protected=True, db_index=True
    )
    reference = models.CharField(_("reference number"), max_length=30, blank=True, db_index=True)
    sequence = models.PositiveIntegerField(_("number in the call"), null=True, blank=True, editable=False)

    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=3000, blank=True)
    objectives = models.TextField(_("objectives"), max_length=5000, blank=True)
    expected_impacts = models.TextField(_("expected impacts"), max_length=5000, blank=True)
    approach = models.TextField(_("approach and activities"), max_length=8000, blank=True)
    knowledge_base = models.TextField(_("knowledge the project rests on"), max_length=5000, blank=True)
    help_resources = models.TextField(_("referral to help resources"), max_length=3000, blank=True)
    organization_confirmed_at = models.DateTimeField(_("organization information confirmed at"), null=True, blank=True)

    clienteles = models.ManyToManyField(Clientele, blank=True, related_name="+", verbose_name=_("clienteles"))
    regions = models.JSONField(_("regions"), default=list, blank=True)
    reach = models.CharField(_("reach"), max_length=20, choices=Reach.choices, blank=True)

    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    subcontracting_amount = models.DecimalField(_("subcontracting amount"), **MONEY, default=0)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_in_charge",
        verbose_name=_("officer in charge"),
    )
    extended_until = models.DateTimeField(
        _("extended deadline"), null=True, blank=True, help_text=_("Granted by an officer for this file only.")
    )
    reopened_sections = models.JSONField(_("sections open for changes"), default=list, blank=True)
    inadmissibility_reason = models.CharField(
        _("inadmissibility reason"), max_length=30, choices=InadmissibilityReason.choices, blank=True
    )
    inadmissibility_details = models.TextField(_("inadmissibility details"), blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)
    # Accent- and case-free copy of the title and organization name, for the staff search.
    search_text = models.TextField(editable=False, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organization"], name="application_one_per_organization"),
            models.UniqueConstraint(
                fields=["call", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="application_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="application_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.reference or self.title or str(_("Draft application"))

    def deadline(self):
        """Return the instant after which this file cannot be submitted: the call's, or the extension granted."""
        if self.extended_until and self.extended_until > self.call.closes_at:
            return self.extended_until
        return self.call.closes_at

    def accepts_submission(self, now=None) -> bool:
        now = now or timezone.now()
        if self.extended_until and now < self.extended_until:
            return True
        return self.call.is_accepting(now)

    def is_open_for(self, section: str) -> bool:
        """Return whether the organization may change `section` now."""
        if self.state == ApplicationState.DRAFT:
            return True
        return self.state == ApplicationState.INCOMPLETE and section in self.reopened_sections

    @transition(field=state, source=ApplicationState.DRAFT, target=ApplicationState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.SCREENING)
    def take_charge(self):
        pass

    @transition(field=state, source=ApplicationState.SCREENING, target=ApplicationState.INCOMPLETE)
    def request_information(self):
        pass

    @transition(field=state, source=ApplicationState.INCOMPLETE, target=ApplicationState.SCREENING)
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=[ApplicationState.SCREENING, ApplicationState.INCOMPLETE],
        target=ApplicationState.INADMISSIBLE,
    )
    def declare_inadmissible(self):
        pass

    @transition(field=state, source=ApplicationState.SCREENING, target=ApplicationState.UNDER_REVIEW)
    def declare_receivable(self):
        pass

    @transition(field=state, source=ApplicationState.UNDER_REVIEW, target=ApplicationState.EVALUATED)
    def close_review(self):
        pass

    @transition(field=state, source=ApplicationState.EVALUATED, target=ApplicationState.UNDER_REVIEW)
    def reopen_review(self):
        pass

    @transition(field=state, source=ApplicationState.EVALUATED, target=ApplicationState.RECOMMENDED)
    def recommend(self):
        pass

    @transition(field=state, source=ApplicationState.EVALUATED, target=ApplicationState.NOT_RECOMMENDED)
    def not_recommend(self):
        pass

    @transition(
        field=state,
        source=[ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED],
        target=ApplicationState.APPROVED,
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=[ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED],
        target=ApplicationState.DECLINED,
    )
    def decline(self):
        pass

    @transition(field=state, source=ApplicationState.withdrawable(), target=ApplicationState.WITHDRAWN)
    def withdraw(self):
        pass


class CallSequence(models.Model):
    """The last reference number given in a call; locked while the next one is taken, so numbers have no gaps."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.call_id}: {self.last_number}"


class Phase(models.Model):
    """A phase of the project calendar."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("phase"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    activities = models.TextField(_("activities"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["application", "position", "starts_on"]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    """Eligible expenses of one category in one project year."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    project_year = models.PositiveSmallIntegerField(_("project year"))
    category = models.ForeignKey(ExpenseCategory, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "project_year", "category__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "project_year", "category"], name="budgetline_unique_cell")
        ]

    def __str__(self):
        return f"{self.project_year}: {self.category_id} = {self.amount}"


class RequestedAmount(models.Model):
    """The amount asked from the program for one project year."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="requested_amounts")
    project_year = models.PositiveSmallIntegerField(_("project year"))
    amount = models.DecimalField(_("amount requested"), **MONEY)

    class Meta:
        verbose_name = _("amount requested")
        verbose_name_plural = _("amounts requested")
        ordering = ["application", "project_year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "project_year"], name="requestedamount_unique_year")
        ]

    def __str__(self):
        return f"{self.project_year}: {self.amount}"


class Revenue(models.Model):
    """A revenue other than the program: the organization's own contribution, a partner, or a contribution in kind."""

    class Kind(models.TextChoices):
        OWN = "own", _("Own contribution")
        PARTNER = "partner", _("Partner")
        IN_KIND = "in_kind", _("Contribution in kind")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revenues")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=200)
    project_year = models.PositiveSmallIntegerField(_("project year"))
    amount = models.DecimalField(_("amount"), **MONEY)
    is_confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("revenue")
        verbose_name_plural = _("revenues")
        ordering = ["application", "project_year", "kind", "pk"]

    def __str__(self):
        return f"{self.source} ({self.project_year}): {self.amount}"


class Attachment(models.Model):
    """A document uploaded with the application, stored privately under a random name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=random_upload_name, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "document_type__position", "uploaded_at"]

    def __str__(self):
        return self.filename


class ScreeningAnswer(models.Model):
    """The officer's answer to one receivability or eligibility question of the call, with a comment."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="screening_answers")
    question = models.ForeignKey(ScreeningQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("screening answer")
        verbose_name_plural = _("screening answers")
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="screeninganswer_unique_question")
        ]

    def __str__(self):
        return f"{self.question_id}: {self.answer}"


class InformationRequest(models.Model):
    """A request for missing information: the items, the sections reopened and the response date."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    sections = models.JSONField(_("sections to complete"), default=list)
    items = models.TextField(_("missing items"), max_length=4000)
    respond_by = models.DateField(_("respond by"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["application", "-requested_at"]

    def __str__(self):
        return f"{self.application_id} ({self.respond_by})"
