"""The jury's decisions: recorded tie-break steps, the result of each category, and the Coup de cœur."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from awards.models.edition import Category, PrizeEdition, TieBreakKind
from awards.models.nomination import Nomination


class TieBreakStage(models.TextChoices):
    SHORTLIST = "shortlist", _("Round 1 finalist cut")
    FINAL_VOTE = "final_vote", _("Final vote")


class ResultOutcome(models.TextChoices):
    LAUREATE = "laureate", _("Laureate chosen")
    NO_AWARD = "no_award", _("No laureate")
    AWAITING_CASTING_VOTE = "awaiting_casting_vote", _("Awaiting the president's casting vote")


class Result(models.Model):
    """The count of a category's final vote: its outcome and a snapshot of the tally sheet.

    A recount supersedes the current result instead of deleting it, so the history of counts stays.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="results")
    outcome = models.CharField(_("outcome"), max_length=30, choices=ResultOutcome.choices)
    laureate = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("laureate")
    )
    tally = models.JSONField(
        _("tally sheet"),
        default=dict,
        help_text=_("Options, pairwise matrix, strongest paths, winners, ballot statuses and quorum at the count."),
    )
    computed_at = models.DateTimeField(_("counted at"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("category result")
        verbose_name_plural = _("category results")
        ordering = ["category", "-computed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category"], condition=models.Q(superseded_at__isnull=True), name="result_one_current"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="laureate", laureate__isnull=False)
                | (~models.Q(outcome="laureate") & models.Q(laureate__isnull=True)),
                name="result_laureate_matches_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.category_id}: {self.outcome}"


class TieBreakStep(models.Model):
    """One recorded step of breaking a tie: at the round 1 cut (jury decision) or in the final vote (ladder).

    `tied` and `remaining` list option keys: nomination ids as strings, and "no_award" for « Aucun lauréat ».
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="tie_break_steps")
    result = models.ForeignKey(Result, on_delete=models.CASCADE, null=True, blank=True, related_name="tie_break_steps")
    stage = models.CharField(_("stage"), max_length=20, choices=TieBreakStage.choices)
    kind = models.CharField(_("step"), max_length=20, choices=TieBreakKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    tied = models.JSONField(_("tied options"), default=list)
    remaining = models.JSONField(_("options left after the step"), default=list)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tie-break step")
        verbose_name_plural = _("tie-break steps")
        ordering = ["category", "stage", "created_at", "position", "pk"]

    def __str__(self):
        return f"{self.category_id} {self.stage}: {self.kind}"


class CoupDeCoeur(models.Model):
    """The minister's « Coup de cœur »: a special mention chosen outside the jury vote, one per edition."""

    edition = models.OneToOneField(PrizeEdition, on_delete=models.CASCADE, related_name="coup_de_coeur")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="+")
    citation = models.TextField(_("citation"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("Coup de cœur")
        verbose_name_plural = _("Coups de cœur")

    def __str__(self):
        return f"{self.edition_id}: {self.nomination_id}"
