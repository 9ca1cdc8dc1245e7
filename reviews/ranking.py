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
The files are read as plain values into RankedApplication and RankedRecommendation, not as model instances:
at 1 000 files, building the models took more time than everything else in rank_call.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, DecimalField, F, Sum

from applications.budget import add_months, project_years
from applications.models import Application, ApplicationState, RequestedAmount
from common.fiscal import fiscal_year_of
from grants.models import Call, Envelope
from reviews.aggregation import (
    FileStatistics,
    Normalisation,
    file_statistics,
    reviewer_normalisation,
    reviewer_normalisation_from_sums,
    round_score,
    z_score,
)
from reviews.models import AssignmentState, CommitteeDecision, CommitteeRecommendation, RecommendedAmount, Review

RANKED_STATES = (ApplicationState.EVALUATED, ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED)


@dataclass
class FiscalYearBudget:
    """One fiscal year of the call: its envelope and what the files within the line commit so far."""

    label: str
    envelope: Decimal
    committed: Decimal = Decimal(0)

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.committed


@dataclass(frozen=True, slots=True)
class RankedOrganization:
    pk: int
    name: str


@dataclass(slots=True)
class RankedApplication:
    """The fields of a ranked file that the ranking, its page, its exports and the committee read."""

    pk: int
    reference: str
    title: str
    organization: RankedOrganization
    state: str
    submitted_at: datetime | None
    starts_on: date | None
    ends_on: date | None

    @property
    def organization_id(self) -> int:
        return self.organization.pk


@dataclass(frozen=True, slots=True)
class RankedAmount:
    project_year: int
    amount: Decimal


@dataclass(slots=True)
class RankedRecommendation:
    """The committee's recommendation on a ranked file, with its recommended amounts by project year."""

    decision: str
    departs_from_ranking: bool
    amounts: list[RankedAmount] = field(default_factory=list)

    def get_decision_display(self) -> str:
        return CommitteeDecision(self.decision).label


@dataclass
class RankedFile:
    application: RankedApplication
    rank: int
    statistics: FileStatistics
    passes: bool
    within_envelope: bool
    # Fiscal year label → amount requested in the project years that start in it.
    amounts_by_fiscal_year: dict[str, Decimal] = field(default_factory=dict)
    recommendation: RankedRecommendation | None = None
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


def year_start(
    application: Application | RankedApplication, number: int, starts: dict[int, date] | None = None
) -> date | None:
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


def project_year_starts(application: Application | RankedApplication) -> dict[int, date]:
    if application.starts_on is None or application.ends_on is None:
        return {}
    return _project_year_starts(application.starts_on, application.ends_on)


# The two caches below hold pure functions of dates: files share project dates, and a call spans few fiscal years.
@lru_cache(maxsize=4096)
def _project_year_starts(starts_on: date, ends_on: date) -> dict[int, date]:
    return {year.number: year.starts_on for year in project_years(starts_on, ends_on)}


@lru_cache(maxsize=4096)
def _fiscal_year_label(day: date) -> str:
    return fiscal_year_of(day).label


def amounts_by_fiscal_year(application: RankedApplication, requested_amounts: list[RankedAmount]) -> dict[str, Decimal]:
    """Add up the file's requested amounts by the fiscal year in which each project year starts."""
    amounts: dict[str, Decimal] = {}
    starts = project_year_starts(application)
    for requested in requested_amounts:
        start = year_start(application, requested.project_year, starts)
        if start is None:
            continue
        label = _fiscal_year_label(start)
        amounts[label] = amounts.get(label, Decimal(0)) + requested.amount
    return amounts


@dataclass(frozen=True)
class SubmittedTotal:
    reviewer_id: int
    total: Decimal


def submitted_totals(call: Call) -> dict[int, list[SubmittedTotal]]:
    """Return application id → its submitted reviews' totals with their reviewers, for the call's ranked files.

    A ranked file without a submitted review has no key. The files are selected by a join on the call, which
    PostgreSQL runs about twice as fast as a list of 1 000 ids.
    """
    totals: dict[int, list[SubmittedTotal]] = defaultdict(list)
    rows = Review.objects.filter(
        assignment__application__call=call,
        assignment__application__state__in=RANKED_STATES,
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


def normalisations_by_reviewer(reviewer_ids) -> dict[int, Normalisation]:
    """Return reviewer id → the mean and deviation of all their submitted totals, in one query.

    The database adds up the totals, so tens of thousands of them are not sent to Python at scale. The sums
    are exact on PostgreSQL, whose numeric type is exact, so the result equals reviewer_normalisation over
    totals_by_reviewer.
    """
    # NOTE: SQLite adds up floats. Rounding the sums back to 2 places (totals) and 4 places (squares) makes them
    # exact while the float error stays under half a unit of the last place. By estimate, that holds up to about
    # 100 000 reviews per reviewer.
    rows = (
        Review.objects.filter(assignment__reviewer_id__in=reviewer_ids, submitted_at__isnull=False, total__isnull=False)
        .values("assignment__reviewer_id")
        .annotate(
            count=Count("pk"),
            sum_of_totals=Sum("total", output_field=DecimalField(max_digits=20, decimal_places=2)),
            sum_of_squares=Sum(F("total") * F("total"), output_field=DecimalField(max_digits=24, decimal_places=4)),
        )
        .values_list("assignment__reviewer_id", "count", "sum_of_totals", "sum_of_squares")
    )
    return {
        reviewer_id: reviewer_normalisation_from_sums(count, sum_of_totals, sum_of_squares)
        for reviewer_id, count, sum_of_totals, sum_of_squares in rows
    }


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


def ranked_applications(call: Call) -> list[RankedApplication]:
    rows = Application.objects.filter(call=call, state__in=RANKED_STATES).values_list(
        "pk",
        "reference",
        "title",
        "organization_id",
        "organization__name",
        "state",
        "submitted_at",
        "starts_on",
        "ends_on",
    )
    return [
        RankedApplication(
            pk=pk,
            reference=reference,
            title=title,
            organization=RankedOrganization(pk=organization_id, name=organization_name),
            state=state,
            submitted_at=submitted_at,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for pk, reference, title, organization_id, organization_name, state, submitted_at, starts_on, ends_on in rows
    ]


def requested_amounts(call: Call) -> dict[int, list[RankedAmount]]:
    """Return application id → its requested amounts by project year, for the call's ranked files."""
    amounts: dict[int, list[RankedAmount]] = defaultdict(list)
    rows = (
        RequestedAmount.objects.filter(application__call=call, application__state__in=RANKED_STATES)
        .order_by("project_year")
        .values_list("application_id", "project_year", "amount")
    )
    for application_id, project_year, amount in rows:
        amounts[application_id].append(RankedAmount(project_year=project_year, amount=amount))
    return amounts


def recommendations(call: Call) -> dict[int, RankedRecommendation]:
    """Return application id → the committee's recommendation, for the call's files that have one."""
    by_pk: dict[int, RankedRecommendation] = {}
    by_application: dict[int, RankedRecommendation] = {}
    rows = CommitteeRecommendation.objects.filter(
        application__call=call, application__state__in=RANKED_STATES
    ).values_list("pk", "application_id", "decision", "departs_from_ranking")
    for pk, application_id, decision, departs_from_ranking in rows:
        recommendation = RankedRecommendation(decision=decision, departs_from_ranking=departs_from_ranking)
        by_pk[pk] = by_application[application_id] = recommendation
    amounts = (
        RecommendedAmount.objects.filter(
            recommendation__application__call=call, recommendation__application__state__in=RANKED_STATES
        )
        .order_by("project_year")
        .values_list("recommendation_id", "project_year", "amount")
    )
    for recommendation_id, project_year, amount in amounts:
        if recommendation_id in by_pk:
            by_pk[recommendation_id].amounts.append(RankedAmount(project_year=project_year, amount=amount))
    return by_application


def _sort_key(item: tuple[RankedApplication, FileStatistics]):
    application, statistics = item
    # A file with no score sorts last. On a tie, the file submitted first comes first, then the older record.
    has_score = statistics.mean is not None
    score = statistics.mean if has_score else Decimal(0)
    submitted = application.submitted_at.timestamp() if application.submitted_at else float("inf")
    return (not has_score, -score, submitted, application.pk)


def rank_call(call: Call) -> Ranking:
    """Rank the call's evaluated, recommended and not recommended files and draw the funding line."""
    applications = ranked_applications(call)
    reviews = submitted_totals(call)
    # A reviewer scores hundreds of files at scale: each reviewer's deviation is computed once, not per review.
    normalisations = normalisations_by_reviewer({review.reviewer_id for rows in reviews.values() for review in rows})
    requested = requested_amounts(call)
    recommended = recommendations(call)
    scored = sorted(
        (
            (
                application,
                file_statistics(
                    [review.total for review in reviews.get(application.pk, [])],
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
        amounts = amounts_by_fiscal_year(application, requested.get(application.pk, []))
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
                recommendation=recommended.get(application.pk),
                normalised=normalised_score(reviews.get(application.pk, []), normalisations),
            )
        )
    return Ranking(call=call, files=files, budgets=[budgets[label] for label in sorted(budgets)])
