"""The ranking of a call's evaluated files, the passing threshold and the funding line per fiscal year.

A file's score is the mean of its submitted reviews' totals. Files are sorted by score, highest first; on a
tie, the file submitted first comes first. A file passes when its score reaches the call's passing score.

The funding line: the ranking is walked from the top, and each passing file's requested amounts are added to
the fiscal year in which each project year starts, against the call's envelope of that fiscal year. A file is
within the envelope when every one of its years fits in what remains of the matching envelope. A fiscal year
with no envelope counts as an envelope of 0 $. A file that does not fit is below the line and commits nothing, but the
walk goes on: a later, smaller file may still fit in what remains. So the line is not a single cut in the
table, and a file below it can be followed by files within it.

A file's normalised score is the mean of the z-scores of its submitted reviews, each against all the submitted
totals of its reviewer (reviews.aggregation). It is for information only, so it changes neither the order nor the
funding line.

Every amount is a Decimal; the ranking is built in a constant number of queries whatever the number of files.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from applications.budget import add_months, project_years
from applications.models import Application, ApplicationState, RequestedAmount
from common.fiscal import fiscal_year_of
from grants.models import Call, Envelope
from reviews.aggregation import (
    FileStatistics,
    Normalisation,
    file_statistics,
    reviewer_normalisation,
    round_score,
    z_score,
)
from reviews.models import AssignmentState, RecommendedAmount, Review

RANKED_STATES = (ApplicationState.EVALUATED, ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED)
LONG_TEXTS = (
    "summary",
    "objectives",
    "expected_impacts",
    "approach",
    "knowledge_base",
    "help_resources",
    "search_text",
    "inadmissibility_details",
    "withdrawal_reason",
    "organization__mission",
)


@dataclass
class FiscalYearBudget:
    """One fiscal year of the call: its envelope and what the files within the line commit so far."""

    label: str
    envelope: Decimal
    committed: Decimal = Decimal(0)

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.committed


@dataclass
class RankedFile:
    application: Application
    rank: int
    statistics: FileStatistics
    passes: bool
    within_envelope: bool
    # Fiscal year label → amount requested in the project years that start in it.
    amounts_by_fiscal_year: dict[str, Decimal] = field(default_factory=dict)
    recommendation: object | None = None  # reviews.models.CommitteeRecommendation
    # Mean z-score of the file's reviews whose reviewer can be normalised, or None when no reviewer can be.
    normalised: Decimal | None = None

    @property
    def score(self) -> Decimal | None:
        return self.statistics.mean


@dataclass
class Ranking:
    call: Call
    files: list[RankedFile]
    budgets: list[FiscalYearBudget]

    @property
    def fiscal_years(self) -> list[str]:
        return [budget.label for budget in self.budgets]

    def file_of(self, application_id: int) -> RankedFile | None:
        return next((item for item in self.files if item.application.pk == application_id), None)


def year_start(application: Application, number: int, starts: dict[int, date] | None = None) -> date | None:
    """Return the first day of project year `number`, or None while the project dates are missing.

    `starts` maps the project years to their first day when the caller computed them once for the file.
    """
    if application.starts_on is None:
        return None
    if starts is None and application.ends_on is not None:
        starts = project_year_starts(application)
    if starts and number in starts:
        return starts[number]
    # An amount saved for a year the current dates no longer cover still counts, in its 12-month slot.
    return add_months(application.starts_on, 12 * (number - 1))


def project_year_starts(application: Application) -> dict[int, date]:
    if application.starts_on is None or application.ends_on is None:
        return {}
    return {year.number: year.starts_on for year in project_years(application.starts_on, application.ends_on)}


def amounts_by_fiscal_year(application: Application) -> dict[str, Decimal]:
    """Add up the file's requested amounts by the fiscal year in which each project year starts."""
    amounts: dict[str, Decimal] = {}
    starts = project_year_starts(application)
    for requested in application.requested_amounts.all():
        start = year_start(application, requested.project_year, starts)
        if start is None:
            continue
        label = fiscal_year_of(start).label
        amounts[label] = amounts.get(label, Decimal(0)) + requested.amount
    return amounts


@dataclass(frozen=True)
class SubmittedTotal:
    reviewer_id: int
    total: Decimal


def submitted_totals(application_ids: list[int]) -> dict[int, list[SubmittedTotal]]:
    """Return application id → its submitted reviews' totals with their reviewers, in one query."""
    totals: dict[int, list[SubmittedTotal]] = {pk: [] for pk in application_ids}
    rows = Review.objects.filter(
        assignment__application_id__in=application_ids,
        assignment__state=AssignmentState.SUBMITTED,
        submitted_at__isnull=False,
        total__isnull=False,
    ).values_list("assignment__application_id", "assignment__reviewer_id", "total")
    for application_id, reviewer_id, total in rows:
        totals[application_id].append(SubmittedTotal(reviewer_id=reviewer_id, total=total))
    return totals


def totals_by_reviewer(reviewer_ids) -> dict[int, list[Decimal]]:
    """Return reviewer id → totals of all their submitted reviews, in every call, in one query."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    rows = Review.objects.filter(
        assignment__reviewer_id__in=reviewer_ids, submitted_at__isnull=False, total__isnull=False
    ).values_list("assignment__reviewer_id", "total")
    for reviewer_id, total in rows:
        totals[reviewer_id].append(total)
    return totals


def normalisations_by_reviewer(reviewer_totals: dict[int, list[Decimal]]) -> dict[int, Normalisation]:
    """Return reviewer id → the mean and deviation of their totals, computed once per reviewer."""
    return {reviewer_id: reviewer_normalisation(totals) for reviewer_id, totals in reviewer_totals.items()}


def normalised_score(reviews: list[SubmittedTotal], normalisations: dict[int, Normalisation]) -> Decimal | None:
    """Return the mean z-score of `reviews`, skipping reviews whose reviewer cannot be normalised.

    Each z-score is rounded to 2 places first, as the officer's review page shows it, so the mean matches
    the figures shown there.
    """
    scores = []
    for review in reviews:
        normalisation = normalisations.get(review.reviewer_id) or reviewer_normalisation([])
        score = z_score(review.total, normalisation)
        if score is not None:
            scores.append(score)
    if not scores:
        return None
    return round_score(sum(scores, Decimal(0)) / len(scores))


def ranked_applications(call: Call) -> list[Application]:
    # The long texts of a file are not shown on the ranking: leaving them out halves the time at 1 000 files.
    return list(
        Application.objects.filter(call=call, state__in=RANKED_STATES)
        .defer(*LONG_TEXTS)
        .select_related("organization", "committee_recommendation")
        .prefetch_related(
            Prefetch("requested_amounts", queryset=RequestedAmount.objects.order_by("project_year")),
            Prefetch(
                "committee_recommendation__recommended_amounts",
                queryset=RecommendedAmount.objects.order_by("project_year"),
            ),
        )
    )


def _sort_key(item: tuple[Application, FileStatistics]):
    application, statistics = item
    # A file with no score sorts last. On a tie, the file submitted first comes first, then the older record.
    has_score = statistics.mean is not None
    score = statistics.mean if has_score else Decimal(0)
    submitted = application.submitted_at.timestamp() if application.submitted_at else float("inf")
    return (not has_score, -score, submitted, application.pk)


def rank_call(call: Call) -> Ranking:
    """Rank the call's evaluated, recommended and not recommended files and draw the funding line."""
    applications = ranked_applications(call)
    reviews = submitted_totals([application.pk for application in applications])
    reviewer_totals = totals_by_reviewer({review.reviewer_id for rows in reviews.values() for review in rows})
    # A reviewer scores hundreds of files at scale: each reviewer's deviation is computed once, not per review.
    normalisations = normalisations_by_reviewer(reviewer_totals)
    scored = sorted(
        (
            (
                application,
                file_statistics(
                    [review.total for review in reviews[application.pk]],
                    disagreement_threshold=call.disagreement_threshold,
                ),
            )
            for application in applications
        ),
        key=_sort_key,
    )
    budgets = {
        envelope.fiscal_year: FiscalYearBudget(label=envelope.fiscal_year, envelope=envelope.amount)
        for envelope in Envelope.objects.filter(call=call)
    }

    files = []
    for rank, (application, statistics) in enumerate(scored, start=1):
        amounts = amounts_by_fiscal_year(application)
        for label in amounts:
            budgets.setdefault(label, FiscalYearBudget(label=label, envelope=Decimal(0)))
        passes = statistics.mean is not None and statistics.mean >= call.passing_score
        fits = passes and all(amount <= budgets[label].remaining for label, amount in amounts.items())
        if fits:
            for label, amount in amounts.items():
                budgets[label].committed += amount
        files.append(
            RankedFile(
                application=application,
                rank=rank,
                statistics=statistics,
                passes=passes,
                within_envelope=fits,
                amounts_by_fiscal_year=amounts,
                recommendation=getattr(application, "committee_recommendation", None),
                normalised=normalised_score(reviews[application.pk], normalisations),
            )
        )
    return Ranking(call=call, files=files, budgets=[budgets[label] for label in sorted(budgets)])
