"""The jury's work: conflict declarations, round 1 score sheets and final-vote ballots."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from awards.models.edition import Category, PrizeCriterion
from awards.models.nomination import Nomination


class JurorConflict(models.Model):
    """A juror's declaration on one nomination. A declared conflict hides the nomination from that juror everywhere."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="juror_conflicts")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField(_("conflict of interest"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("juror's conflict declaration")
        verbose_name_plural = _("jurors' conflict declarations")
        constraints = [models.UniqueConstraint(fields=["nomination", "juror"], name="jurorconflict_unique_pair")]

    def __str__(self):
        return f"{self.juror_id} / {self.nomination_id}: {self.has_conflict}"


class Round1Score(models.Model):
    """One juror's score of one nomination on one criterion of its category."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="round1_scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(PrizeCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("round 1 score")
        verbose_name_plural = _("round 1 scores")
        constraints = [
            models.UniqueConstraint(fields=["juror", "nomination", "criterion"], name="round1score_unique_cell"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="round1score_not_negative"),
        ]

    def __str__(self):
        return f"{self.juror_id} / {self.nomination_id} / {self.criterion_id}: {self.score}"


class BallotStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Ranked")
    ABSTAINED = "abstained", _("Abstained")


class Ballot(models.Model):
    """A juror's final-vote ballot in one category: a ranking, or an abstention. One per juror and category."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="ballots")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=BallotStatus.choices)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["category", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "juror"], name="ballot_one_per_juror_and_category"),
        ]

    def __str__(self):
        return f"{self.juror_id} / {self.category_id}: {self.status}"


class BallotRanking(models.Model):
    """The rank a ballot gives one option: a finalist, or « Aucun lauréat » (no nomination). Equal ranks tie."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="rankings")
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for « Aucun lauréat » (no award)."),
    )
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("ballot ranking")
        verbose_name_plural = _("ballot rankings")
        ordering = ["ballot", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "nomination"], name="ballotranking_unique_nomination"),
            models.UniqueConstraint(
                fields=["ballot"], condition=models.Q(nomination__isnull=True), name="ballotranking_one_no_award"
            ),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="ballotranking_rank_positive"),
        ]

    def __str__(self):
        return f"{self.ballot_id}: {self.nomination_id} → {self.rank}"
