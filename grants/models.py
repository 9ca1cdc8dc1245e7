from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from common.i18n import localized

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class BilingualNameMixin(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Clientele(BilingualNameMixin):
    """A target clientele of the program (youth, seniors, LGBTQ+ people…)."""

    class Meta(BilingualNameMixin.Meta):
        verbose_name = _("clientele")
        verbose_name_plural = _("clienteles")


class ExpenseCategory(BilingualNameMixin):
    """A budget line of a project (salaries, fees and subcontracting…)."""

    is_subcontracting = models.BooleanField(_("counts as subcontracting"), default=False)
    is_administration = models.BooleanField(_("counts as administration costs"), default=False)

    class Meta(BilingualNameMixin.Meta):
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")


class DocumentType(BilingualNameMixin):
    """A kind of document an organization attaches to its application (board resolution, letters patent…)."""

    class Meta(BilingualNameMixin.Meta):
        verbose_name = _("document type")
        verbose_name_plural = _("document types")


class Reach(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    PROVINCIAL = "provincial", _("Province-wide")


class Program(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    summary_fr = models.TextField(_("summary (French)"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    ministry = models.CharField(_("ministry"), max_length=200)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def summary(self) -> str:
        return localized(self, "summary")


class ProgramRules(models.Model):
    """One version of the program's norms. A call points to the version it was published under."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rules_versions")
    version = models.PositiveSmallIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=200, help_text=_("For example « Normes 2025-2030 »."))
    effective_from = models.DateField(_("effective from"))
    max_per_project_year = models.DecimalField(_("maximum per project year"), **MONEY)
    max_total = models.DecimalField(_("maximum per project"), **MONEY)
    min_duration_months = models.PositiveSmallIntegerField(_("minimum duration (months)"))
    max_duration_months = models.PositiveSmallIntegerField(_("maximum duration (months)"))
    subcontracting_cap_percent = models.DecimalField(
        _("subcontracting cap, in percent of eligible expenses"), **PERCENT
    )
    administration_cap_percent = models.DecimalField(
        _("administration costs cap, in percent of eligible expenses"), **PERCENT
    )
    project_management_cap_percent = models.DecimalField(
        _("project management cap, in percent of project staff salaries"), **PERCENT
    )
    holdback_percent = models.DecimalField(_("holdback, in percent of the total"), **PERCENT)
    progress_report_days = models.PositiveSmallIntegerField(
        _("progress report due (days after each project year)"), default=30
    )
    final_report_days = models.PositiveSmallIntegerField(_("final report due (days after the project end)"), default=90)
    min_years_of_activity = models.PositiveSmallIntegerField(_("minimum years of activity"), default=2)
    requires_head_office_in_quebec = models.BooleanField(_("head office in Québec required"), default=True)
    requires_board_majority_in_quebec = models.BooleanField(
        _("board majority residing in Québec required"), default=True
    )
    eligible_legal_forms = models.JSONField(
        _("eligible legal forms"), default=list, help_text=_("Codes of the legal forms that may apply.")
    )

    class Meta:
        verbose_name = _("program rules")
        verbose_name_plural = _("program rules")
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="programrules_unique_version"),
            models.CheckConstraint(
                condition=models.Q(min_duration_months__lte=models.F("max_duration_months")),
                name="programrules_duration_order",
            ),
        ]

    def __str__(self):
        return f"{self.program.code} v{self.version} – {self.label}"


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")

    @classmethod
    def public(cls):
        return [cls.PUBLISHED, cls.CLOSED]


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published and closed calls for everyone; drafts and archives too for program staff."""
        if user.is_authenticated and (user.has_role("program_manager") or user.has_role("program_officer")):
            return self.all()
        return self.filter(state__in=CallState.public())

    def accepting(self, now=None):
        now = now or timezone.now()
        return self.filter(state=CallState.PUBLISHED, opens_at__lte=now, closes_at__gt=now)

    def expired(self, now=None):
        return self.filter(state=CallState.PUBLISHED, closes_at__lte=now or timezone.now())


class Call(ConcurrentTransitionMixin, models.Model):
    """A call for projects (appel de projets) of a program, under one version of its rules."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls", verbose_name=_("program"))
    rules = models.ForeignKey(ProgramRules, on_delete=models.PROTECT, related_name="calls", verbose_name=_("rules"))
    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Prefix of the reference numbers of its applications, for example ECI-2027."),
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    state = FSMField(_("state"), default=CallState.DRAFT, choices=CallState.choices, protected=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    passing_score = models.DecimalField(
        _("passing score (out of 100)"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    review_quorum = models.PositiveSmallIntegerField(_("reviews needed"), default=2, validators=[MinValueValidator(1)])
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "A file whose highest and lowest submitted totals (on 100) are more than this many points apart "
            "is flagged as a disagreement between reviewers."
        ),
    )
    clienteles = models.ManyToManyField(Clientele, related_name="calls", verbose_name=_("clienteles"))
    expense_categories = models.ManyToManyField(
        ExpenseCategory, related_name="calls", verbose_name=_("expense categories")
    )
    reaches = models.JSONField(_("reaches"), default=list, help_text=_("Codes among local, regional, provincial."))

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="call_opens_before_close"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def is_accepting(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == CallState.PUBLISHED and self.opens_at <= now < self.closes_at

    def has_expired(self, now=None) -> bool:
        return self.state == CallState.PUBLISHED and self.closes_at <= (now or timezone.now())

    @transition(field=state, source=CallState.DRAFT, target=CallState.PUBLISHED)
    def publish(self):
        pass

    @transition(field=state, source=CallState.PUBLISHED, target=CallState.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=CallState.CLOSED, target=CallState.ARCHIVED)
    def archive(self):
        pass


class Envelope(models.Model):
    """The budget of a call for one fiscal year (« 2027-2028 »)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="envelopes")
    fiscal_year = models.CharField(_("fiscal year"), max_length=9, help_text=_("For example 2027-2028."))
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        ordering = ["call", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["call", "fiscal_year"], name="envelope_unique_year")]

    def __str__(self):
        return f"{self.call.code} {self.fiscal_year}"


class Criterion(models.Model):
    """A rubric criterion of a call, with its weight and the maximum score a reviewer may give."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    maximum = models.DecimalField(
        _("maximum score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    allows_not_applicable = models.BooleanField(_("« not applicable » allowed"), default=False)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position"]
        constraints = [models.UniqueConstraint(fields=["call", "position"], name="criterion_unique_position")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class RequiredDocument(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    is_required = models.BooleanField(_("required"), default=True)
    max_files = models.PositiveSmallIntegerField(_("maximum number of files"), default=1)

    class Meta:
        verbose_name = _("document of the call")
        verbose_name_plural = _("documents of the call")
        ordering = ["call", "-is_required", "document_type__position"]
        constraints = [models.UniqueConstraint(fields=["call", "document_type"], name="requireddocument_unique_type")]

    def __str__(self):
        return f"{self.call.code}: {self.document_type}"


class ScreeningQuestion(models.Model):
    """A receivability or eligibility question an officer answers when screening an application."""

    class Kind(models.TextChoices):
        RECEIVABILITY = "receivability", _("Receivability")
        ELIGIBILITY = "eligibility", _("Eligibility")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="screening_questions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_fr = models.CharField(_("question (French)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")
        ordering = ["call", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind", "position"], name="screeningquestion_unique_position")
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return localized(self, "text")
