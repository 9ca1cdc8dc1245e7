from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organization
from applications.models import Application
from grants.models import Criterion

MONEY = {"max_digits": 12, "decimal_places": 2}


class ConflictKind(models.TextChoices):
    BOARD_MEMBER = "board_member", _("Board member of the organization")
    EMPLOYEE = "employee", _("Employee or contractor of the organization")
    FAMILY = "family", _("Family tie with a person involved")
    FINANCIAL = "financial", _("Financial interest")
    OTHER = "other", _("Other")


class Affiliation(models.Model):
    """A standing tie between a reviewer and an organization, recorded once: such pairs are never assigned."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "organization"], name="affiliation_unique_pair"),
        ]

    def __str__(self):
        return f"{self.reviewer_id} ~ {self.organization_id}"


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    SUBMITTED = "submitted", _("Review submitted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active(cls):
        return [cls.ASSIGNED, cls.ACCEPTED, cls.SUBMITTED]


class ReviewAssignment(ConcurrentTransitionMixin, models.Model):
    """A reviewer asked to review one application, until a due date."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    state = FSMField(_("state"), default=AssignmentState.ASSIGNED, choices=AssignmentState.choices, protected=True)
    due_on = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["due_on", "pk"]
        # The order of a reviewer's « My review assignments » and of its export.
        indexes = [models.Index(fields=["reviewer", "due_on", "id"], name="assignment_reviewer_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                condition=models.Q(state__in=["assigned", "accepted", "submitted"]),
                name="assignment_one_active_per_reviewer",
            )
        ]

    def __str__(self):
        return f"{self.application_id} → {self.reviewer_id}"

    @transition(field=state, source=AssignmentState.ASSIGNED, target=AssignmentState.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=AssignmentState.ASSIGNED, target=AssignmentState.DECLINED)
    def decline(self):
        pass

    @transition(field=state, source=AssignmentState.ACCEPTED, target=AssignmentState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=AssignmentState.SUBMITTED, target=AssignmentState.ACCEPTED)
    def reopen(self):
        pass

    @transition(
        field=state, source=[AssignmentState.ASSIGNED, AssignmentState.ACCEPTED], target=AssignmentState.CANCELLED
    )
    def cancel(self):
        pass


class ConflictDeclaration(models.Model):
    """A reviewer's declaration before seeing a file: no conflict, or a conflict of a given kind."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="declaration")
    has_conflict = models.BooleanField(_("conflict of interest"))
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(has_conflict=False) | ~models.Q(kind=""), name="declaration_conflict_has_kind"
            )
        ]

    def __str__(self):
        return f"{self.assignment_id}: {self.has_conflict}"


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    FUND_WITH_CONDITIONS = "fund_with_conditions", _("Fund with conditions")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class Review(models.Model):
    """The scores of one assignment; one review per assignment."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    overall_comment = models.TextField(_("overall comment"), max_length=5000, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices, blank=True)
    total = models.DecimalField(_("score on 100"), max_digits=5, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.assignment_id}: {self.total}"


class Score(models.Model):
    """The score given to one criterion, or « not applicable » (no score) where the criterion allows it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_unique_criterion")]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class SuggestedAmount(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="suggested_amounts")
    project_year = models.PositiveSmallIntegerField(_("project year"))
    amount = models.DecimalField(_("suggested amount"), **MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "project_year"], name="suggestedamount_unique_year")]

    def __str__(self):
        return f"{self.project_year}: {self.amount}"


class CommitteeDecision(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    NOT_RECOMMEND = "not_recommend", _("Do not recommend")


class CommitteeRecommendation(models.Model):
    """The selection committee's recommendation on an evaluated file, with the amounts it recommends."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="committee_recommendation")
    decision = models.CharField(_("recommendation"), max_length=20, choices=CommitteeDecision.choices)
    rationale = models.TextField(_("rationale"), max_length=5000, blank=True)
    departs_from_ranking = models.BooleanField(_("departs from the ranking"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee recommendation")
        verbose_name_plural = _("committee recommendations")

    def __str__(self):
        return f"{self.application_id}: {self.decision}"


class RecommendedAmount(models.Model):
    """The amount the committee recommends for one project year."""

    recommendation = models.ForeignKey(
        CommitteeRecommendation, on_delete=models.CASCADE, related_name="recommended_amounts"
    )
    project_year = models.PositiveSmallIntegerField(_("project year"))
    amount = models.DecimalField(_("recommended amount"), **MONEY)

    class Meta:
        verbose_name = _("recommended amount")
        verbose_name_plural = _("recommended amounts")
        ordering = ["recommendation", "project_year"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "project_year"], name="recommendedamount_unique_year")
        ]

    def __str__(self):
        return f"{self.project_year}: {self.amount}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class Decision(models.Model):
    """The decision maker's final decision on a recommended or not recommended file."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=20, choices=DecisionOutcome.choices)
    reason = models.TextField(_("reason"), max_length=5000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.application_id}: {self.outcome}"


class ApprovedAmount(models.Model):
    """The amount granted for one project year, with the fiscal year in which that project year starts."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="approved_amounts")
    project_year = models.PositiveSmallIntegerField(_("project year"))
    fiscal_year = models.CharField(_("fiscal year"), max_length=9)
    amount = models.DecimalField(_("amount granted"), **MONEY)

    class Meta:
        verbose_name = _("amount granted")
        verbose_name_plural = _("amounts granted")
        ordering = ["decision", "project_year"]
        constraints = [models.UniqueConstraint(fields=["decision", "project_year"], name="approvedamount_unique_year")]

    def __str__(self):
        return f"{self.project_year} ({self.fiscal_year}): {self.amount}"
