"""PDF documents of the decision: the approval letter (lettre d'octroi), the refusal letter and the scorecard.

Like the letters of applications.documents, they go to the organization or stay in the file in French,
whatever the language of the decision maker. The templates under templates/pdf/reviews/ use English msgids
translated by the French catalogue. common.documents finds the builders here through autodiscovery and calls
them with the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.documents import _base_context, _reference_or_draft
from applications.models import Application
from common.documents import DocumentSpec, register_document
from reviews.aggregation import file_statistics
from reviews.models import AssignmentState, Decision, DecisionOutcome, Review

LANGUAGE = "fr"
ZERO = Decimal("0.00")


def _decision(application: Application, outcome: str) -> Decision:
    decision = Decision.objects.filter(application=application, outcome=outcome).select_related("decided_by").first()
    if decision is None:
        raise ValueError(f"Application {application.pk} has no {outcome} decision to put in a letter.")
    return decision


@register_document("reviews.approval_letter")
def build_approval_letter(application: Application) -> DocumentSpec:
    """Lettre d'octroi: the amounts granted by project year and fiscal year, and what follows."""
    decision = _decision(application, DecisionOutcome.APPROVED)
    amounts = list(decision.approved_amounts.order_by("project_year"))
    with translation.override(LANGUAGE):
        context = {
            **_base_context(application),
            "decision": decision,
            "amounts": amounts,
            "total": sum((row.amount for row in amounts), ZERO),
            "signatory": decision.decided_by,
            "contact": application.officer,
        }
    return DocumentSpec(
        template_name="pdf/reviews/approval_letter.html",
        context=context,
        filename=f"Lettre d’octroi {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )


@register_document("reviews.refusal_letter")
def build_refusal_letter(application: Application) -> DocumentSpec:
    """Lettre de refus: the reason given by the decision maker."""
    decision = _decision(application, DecisionOutcome.DECLINED)
    with translation.override(LANGUAGE):
        context = {
            **_base_context(application),
            "decision": decision,
            "signatory": decision.decided_by,
            "contact": application.officer,
        }
    return DocumentSpec(
        template_name="pdf/reviews/refusal_letter.html",
        context=context,
        filename=f"Lettre de refus {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )


@dataclass(frozen=True)
class ScorecardReview:
    label: str  # « Évaluation 1 »: the reviewer stays anonymous
    scores: list  # (criterion, Score or None) pairs, in criterion order
    total: Decimal | None
    recommendation: str
    comment: str


@register_document("reviews.scorecard")
def build_scorecard(application: Application) -> DocumentSpec:
    """Fiche d'évaluation: each submitted review's scores, anonymised, and the statistics of the file."""
    criteria = list(application.call.criteria.order_by("position"))
    reviews = list(
        Review.objects.filter(
            assignment__application=application,
            assignment__state=AssignmentState.SUBMITTED,
            submitted_at__isnull=False,
        )
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    with translation.override(LANGUAGE):
        rows = []
        for number, review in enumerate(reviews, start=1):
            by_criterion = {score.criterion_id: score for score in review.scores.all()}
            rows.append(
                ScorecardReview(
                    label=_("Review %(number)d") % {"number": number},
                    scores=[(criterion, by_criterion.get(criterion.pk)) for criterion in criteria],
                    total=review.total,
                    recommendation=review.get_recommendation_display(),
                    comment=review.overall_comment,
                )
            )
        totals = [review.total for review in reviews if review.total is not None]
        context = {
            **_base_context(application),
            "generated_at": timezone.now(),
            "criteria": criteria,
            "reviews": rows,
            "statistics": file_statistics(totals, disagreement_threshold=application.call.disagreement_threshold),
        }
    return DocumentSpec(
        template_name="pdf/reviews/scorecard.html",
        context=context,
        filename=f"Fiche d’évaluation {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )
