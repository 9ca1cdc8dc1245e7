"""A prize edition with its categories, criteria and jury: the rules, fixed once nominations open."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from common.i18n import localized
from grants.models import Program


class EditionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOMINATIONS_OPEN = "nominations_open", _("Nominations open")
    NOMINATIONS_CLOSED = "nominations_closed", _("Nominations closed")
    SHORTLISTING = "shortlisting", _("Round 1: shortlisting")
    FINAL_VOTE = "final_vote", _("Round 2: final vote")
    RESULTS_VALIDATED = "results_validated", _("Results validated")
    ANNOUNCED = "announced", _("Results announced")


class TieBreakKind(models.TextChoices):
    HEAD_TO_HEAD = "head_to_head", _("Head-to-head result")
    ROUND1_SCORE = "round1_score", _("Round 1 score")
    CASTING_VOTE = "casting_vote", _("Jury president's casting vote")
    JURY_DECISION = "jury_decision", _("Jury decision at the finalist cut")


# Steps a final-vote ladder may use. The casting vote always decides, so it must come last.
LADDER_STEPS = (TieBreakKind.HEAD_TO_HEAD, TieBreakKind.ROUND1_SCORE, TieBreakKind.CASTING_VOTE)


def default_ladder() -> list[str]:
    return [str(step) for step in LADDER_STEPS]


def validate_ladder(value) -> None:
    """Check that a tie-break ladder lists known steps once each and ends with the president's casting vote."""
    if not isinstance(value, list) or not value:
        raise ValidationError(
            _("List the tie-break steps in order, for example %(example)s."),
            params={"example": ", ".join(default_ladder())},
        )
    unknown = [step for step in value if step not in LADDER_STEPS]
    if unknown:
        raise ValidationError(
            _("Unknown tie-break step(s): %(steps)s. Use %(allowed)s."),
            params={"steps": ", ".join(map(str, unknown)), "allowed": ", ".join(default_ladder())},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each tie-break step may appear only once."))
    if value[-1] != TieBreakKind.CASTING_VOTE:
        raise ValidationError(
            _("The last tie-break step must be %(step)s, the only one that always decides."),
            params={"step": TieBreakKind.CASTING_VOTE.value},
        )


class RulesFrozen(ValidationError):
    """A change to an edition's rules after nominations opened."""


# Fields of PrizeEdition that are part of its rules and cannot change once nominations open.
EDITION_RULE_FIELDS = (
    "program_id",
    "year",
    "nominations_open_at",
    "nominations_close_at",
    "quorum_numerator",
    "quorum_denominator",
    "tie_break_ladder",
)


def _frozen_error(edition) -> RulesFrozen:
    return RulesFrozen(
        _("The rules of edition %(year)s are frozen since nominations opened; they can no longer change."),
        code="rules_frozen",
        params={"year": edition.year},
    )


class PrizeEdition(ConcurrentTransitionMixin, models.Model):
    """One yearly edition of the prize: nomination window, quorum, tie-break ladder, and its life cycle.

    Categories, criteria, the jury and the fields in EDITION_RULE_FIELDS are the edition's rules: they can
    change only while the edition is a draft. The round due dates stay editable, because they only drive reminders.
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="prize_editions", verbose_name=_("program")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    state = FSMField(
        _("state"), default=EditionState.DRAFT, choices=EditionState.choices, protected=True, db_index=True
    )
    nominations_open_at = models.DateTimeField(
        _("nominations open at"), help_text=_("Montréal time, for example 2027-03-01 09:00.")
    )
    nominations_close_at = models.DateTimeField(
        _("nominations close at"), help_text=_("Montréal time, for example 2027-05-15 16:30.")
    )
    round1_due_on = models.DateField(
        _("round 1 due date"), null=True, blank=True, help_text=_("Jurors are reminded 3 days before and on this date.")
    )
    final_vote_due_on = models.DateField(
        _("final vote due date"),
        null=True,
        blank=True,
        help_text=_("Jurors are reminded 3 days before and on this date."),
    )
    quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum numerator"), default=2, validators=[MinValueValidator(1)]
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum denominator"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("The quorum is numerator/denominator of the jurors not recused, 2/3 by default."),
    )
    tie_break_ladder = models.JSONField(
        _("tie-break ladder"),
        default=default_ladder,
        validators=[validate_ladder],
        help_text=_(
            "Steps tried in order when the final vote ties: head_to_head, round1_score, casting_vote (always last)."
        ),
    )
    rules_frozen_at = models.DateTimeField(_("rules frozen at"), null=True, blank=True, editable=False)
    vote_closed_at = models.DateTimeField(_("final vote closed at"), null=True, blank=True, editable=False)
    vote_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    results_validated_at = models.DateTimeField(_("results validated at"), null=True, blank=True, editable=False)
    results_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("prize edition")
        verbose_name_plural = _("prize editions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="prizeedition_unique_year"),
            models.CheckConstraint(
                condition=models.Q(nominations_open_at__lt=models.F("nominations_close_at")),
                name="prizeedition_window_order",
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__gte=1, quorum_numerator__lte=models.F("quorum_denominator")),
                name="prizeedition_quorum_fraction",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        checked = [
            name
            for name in EDITION_RULE_FIELDS
            if update_fields is None or name in update_fields or name.removesuffix("_id") in update_fields
        ]
        if self.pk and checked and self._changed_rule_fields(checked):
            raise _frozen_error(self)
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def rules_are_frozen(self) -> bool:
        return self.state != EditionState.DRAFT

    def is_accepting_nominations(self, now=None) -> bool:
        """Return whether a nomination can be submitted at `now`: nominations open and inside the window."""
        now = now or timezone.now()
        return (
            self.state == EditionState.NOMINATIONS_OPEN and self.nominations_open_at <= now < self.nominations_close_at
        )

    def clean(self):
        super().clean()
        window = self.nominations_open_at, self.nominations_close_at
        if all(window) and window[0] >= window[1]:
            raise ValidationError({"nominations_close_at": _("The window must close after it opens.")})
        if self.quorum_numerator and self.quorum_denominator and self.quorum_numerator > self.quorum_denominator:
            raise ValidationError({"quorum_numerator": _("The quorum cannot exceed all the jurors (1/1).")})
        if self.pk and self._changed_rule_fields():
            raise _frozen_error(self)

    def _changed_rule_fields(self, fields=EDITION_RULE_FIELDS) -> list[str]:
        """Return the rule fields that differ from the stored row, when the stored row is no longer a draft."""
        stored = type(self).objects.filter(pk=self.pk).values("state", *fields).first()
        if stored is None or stored["state"] == EditionState.DRAFT:
            return []
        return [name for name in fields if stored[name] != getattr(self, name)]

    @transition(field=state, source=EditionState.DRAFT, target=EditionState.NOMINATIONS_OPEN)
    def open_nominations(self):
        pass

    @transition(field=state, source=EditionState.NOMINATIONS_OPEN, target=EditionState.NOMINATIONS_CLOSED)
    def close_nominations(self):
        pass

    @transition(field=state, source=EditionState.NOMINATIONS_CLOSED, target=EditionState.SHORTLISTING)
    def start_shortlisting(self):
        pass

    @transition(field=state, source=EditionState.SHORTLISTING, target=EditionState.FINAL_VOTE)
    def open_final_vote(self):
        pass

    @transition(field=state, source=EditionState.FINAL_VOTE, target=EditionState.RESULTS_VALIDATED)
    def validate_results(self):
        pass

    @transition(field=state, source=EditionState.RESULTS_VALIDATED, target=EditionState.ANNOUNCED)
    def announce(self):
        pass


class EditionRuleMixin(models.Model):
    """A part of an edition's rules (category, criterion, juror): it cannot be saved or deleted once frozen."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._edition_is_frozen():
            raise _frozen_error(self.rule_edition())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._edition_is_frozen():
            raise _frozen_error(self.rule_edition())
        return super().delete(*args, **kwargs)

    def rule_edition(self) -> PrizeEdition:
        raise NotImplementedError

    def _edition_is_frozen(self) -> bool:
        edition = self.rule_edition()
        state = PrizeEdition.objects.filter(pk=edition.pk).values_list("state", flat=True).first()
        return state is not None and state != EditionState.DRAFT

    def clean(self):
        super().clean()
        if self._edition_is_frozen():
            raise _frozen_error(self.rule_edition())


class Category(EditionRuleMixin):
    """A prize category of an edition (Individu, Organisation, Éducation) and the number of its finalists."""

    edition = models.ForeignKey(
        PrizeEdition, on_delete=models.CASCADE, related_name="categories", verbose_name=_("edition")
    )
    code = models.SlugField(_("code"), max_length=40)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    finalists_count = models.PositiveSmallIntegerField(
        _("number of finalists"), default=3, validators=[MinValueValidator(1)]
    )
    requires_nominee_consent = models.BooleanField(
        _("nominee's consent required"),
        default=False,
        help_text=_("The nominee receives an e-mail link to give or refuse consent; without it, no eligibility."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("prize category")
        verbose_name_plural = _("prize categories")
        ordering = ["edition", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="category_unique_code")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def rule_edition(self) -> PrizeEdition:
        return self.edition


class PrizeCriterion(EditionRuleMixin):
    """A round 1 criterion of a category, with its weight and the maximum score a juror may give."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("category")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    maximum = models.DecimalField(
        _("maximum score"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("prize criterion")
        verbose_name_plural = _("prize criteria")
        ordering = ["category", "position"]
        constraints = [
            models.UniqueConstraint(fields=["category", "position"], name="prizecriterion_unique_position"),
            models.CheckConstraint(condition=models.Q(maximum__gt=0), name="prizecriterion_positive_maximum"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def rule_edition(self) -> PrizeEdition:
        return self.category.edition


class JuryMembership(EditionRuleMixin):
    """A juror of one edition; exactly one juror per edition is the president (checked when nominations open)."""

    edition = models.ForeignKey(PrizeEdition, on_delete=models.CASCADE, related_name="jury", verbose_name=_("edition"))
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_memberships", verbose_name=_("juror")
    )
    is_president = models.BooleanField(_("jury president"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["edition", "-is_president", "juror__last_name", "juror__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "juror"], name="jurymembership_unique_juror"),
            models.UniqueConstraint(
                fields=["edition"], condition=models.Q(is_president=True), name="jurymembership_one_president"
            ),
        ]

    def __str__(self):
        return f"{self.juror} ({self.edition_id})"

    def rule_edition(self) -> PrizeEdition:
        return self.edition
