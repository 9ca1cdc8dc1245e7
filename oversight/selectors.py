"""Figures of the program dashboard, each section read with one to three aggregate queries.

Every function here only reads, and none runs a query per call, application, agreement or nomination, so the
page costs the same number of queries whatever the size of the program. Each figure uses the definition of
the page it links to, so that a count on the dashboard equals the length of the linked list.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from applications.filters import start_of_day
from applications.models import Application, ApplicationState, RequestedAmount
from awards.models import (
    Ballot,
    BallotStatus,
    Category,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeCriterion,
    PrizeEdition,
    Round1Score,
)
from common.fiscal import FiscalYear
from common.money import quantize, split_amount
from common.regions import AdministrativeRegion
from grants.models import Call, Clientele, Envelope, Reach
from payments.filters import overdue_condition
from payments.models import Installment, InstallmentState, Report, ReportState
from payments.selectors import EnvelopeYear
from reviews.models import ApprovedAmount, AssignmentState, DecisionOutcome
from reviews.reminders import PENDING_STATES

MONEY = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")


def submitted_in(fiscal_year: FiscalYear, prefix: str = "") -> Q:
    """Return the condition « submitted during `fiscal_year` », on Montréal calendar days.

    The bounds are those of the applications list's « submitted on or after / on or before » filters, so the
    dashboard counts the same files as that list. `prefix` reaches the application through a relation,
    such as ``"applications__"``.
    """
    return Q(
        **{
            f"{prefix}submitted_at__gte": start_of_day(fiscal_year.start),
            f"{prefix}submitted_at__lt": start_of_day(fiscal_year.end + timedelta(days=1)),
        }
    )


def count_of(queryset, group: str) -> Coalesce:
    """Return the number of rows of `queryset` as a subquery expression, 0 when there are none.

    `queryset` is filtered on an OuterRef, and `group` is a field with the same value in all its rows.
    """
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(total=Count("pk")).values("total")[:1]),
        Value(0),
    )


# Envelopes


@dataclass
class CallEnvelope:
    call: Call
    year: EnvelopeYear


@dataclass
class EnvelopeSection:
    rows: list[CallEnvelope]

    @property
    def totals(self) -> EnvelopeYear:
        total = EnvelopeYear(label="")
        for row in self.rows:
            total.envelope += row.year.envelope
            total.committed += row.year.committed
            total.paid += row.year.paid
        return total


def envelopes(fiscal_year: FiscalYear) -> EnvelopeSection:
    """Return, per call, the envelope of `fiscal_year` and what its installments commit and pay in it. One query.

    The definitions are those of payments.selectors.envelope_view, the call's envelope page: an installment
    counts in the fiscal year of its planned date, committed is every installment not cancelled, paid is the
    installments paid, and remaining is the envelope minus committed. A call appears when it has an envelope
    or a committed installment in that year, as a year appears on its envelope page.
    """
    label = fiscal_year.label
    installments = Installment.objects.filter(agreement__application__call=OuterRef("pk"), fiscal_year=label).exclude(
        state=InstallmentState.CANCELLED
    )

    def total_of(queryset) -> Subquery:
        # Grouping by the filtered fiscal year gives one row: the call's sum for that year.
        return Subquery(
            queryset.order_by().values("fiscal_year").annotate(total=Sum("amount")).values("total")[:1],
            output_field=MONEY,
        )

    calls = (
        Call.objects.annotate(
            envelope_amount=Subquery(
                Envelope.objects.filter(call=OuterRef("pk"), fiscal_year=label).values("amount")[:1],
                output_field=MONEY,
            ),
            committed=total_of(installments),
            paid=total_of(installments.filter(state=InstallmentState.PAID)),
        )
        .filter(Exists(Envelope.objects.filter(call=OuterRef("pk"), fiscal_year=label)) | Exists(installments))
        .order_by("-opens_at", "pk")
    )
    rows = [
        CallEnvelope(
            call=call,
            year=EnvelopeYear(
                label=label,
                envelope=call.envelope_amount or ZERO,
                committed=call.committed or ZERO,
                paid=call.paid or ZERO,
            ),
        )
        for call in calls
    ]
    return EnvelopeSection(rows=rows)


# Applications by state


# The funnel follows the life of a file. Drafts are left out, because they have no submission date.
FUNNEL_STATES = [state for state in ApplicationState if state != ApplicationState.DRAFT]


@dataclass
class StateCount:
    state: str
    label: str
    count: int


def applications_by_state(fiscal_year: FiscalYear) -> list[StateCount]:
    """Count the applications submitted during `fiscal_year` in each state they are in now. One query.

    An application belongs to the fiscal year of its submission date in Montréal time, whatever its call.
    """
    counts = dict(
        Application.objects.filter(submitted_in(fiscal_year))
        .order_by()
        .values_list("state")
        .annotate(total=Count("pk"))
        .values_list("state", "total")
    )
    return [
        StateCount(state=state.value, label=state.label, count=counts.get(state.value, 0)) for state in FUNNEL_STATES
    ]


# Distribution by region, clientele and reach


@dataclass
class DistributionRow:
    """One group of a distribution. `key` is the value of the applications list's filter, "" for none."""

    key: str
    label: str
    applications: int = 0
    requested: Decimal = ZERO
    approved_applications: int = 0
    approved: Decimal = ZERO


@dataclass
class Distribution:
    rows: list[DistributionRow]
    total: DistributionRow


@dataclass
class DistributionSection:
    by_region: Distribution
    by_clientele: Distribution
    by_reach: Distribution


@dataclass
class _ApplicationFigures:
    regions: list[str]
    reach: str
    requested: Decimal
    approved: Decimal | None
    clientele_ids: list[int] = field(default_factory=list)


UNSPECIFIED = ""


def distribution(fiscal_year: FiscalYear, unspecified_label: str) -> DistributionSection:
    """Count and sum the applications submitted during `fiscal_year` by region, clientele and reach. One query.

    Requested is the sum of the amounts requested for every project year. Approved is the sum of the amounts
    granted by an approval decision, for the applications that have one. A project in several regions (or
    clienteles) counts once in each of them, as the applications list filtered on one region shows it.
    Its amounts are split equally between them with common.money.split_amount (the cents left over go to the
    last one in code order), so each amount column adds up to the total of the applications. Applications
    with no region, clientele or reach go to a row labelled `unspecified_label`.
    """
    requested = (
        RequestedAmount.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    approved = (
        ApprovedAmount.objects.filter(decision__application=OuterRef("pk"), decision__outcome=DecisionOutcome.APPROVED)
        .order_by()
        .values("decision")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    # The clienteles are joined, so an application comes back once per clientele (or once with None).
    rows = (
        Application.objects.filter(submitted_in(fiscal_year))
        .annotate(
            requested_total=Subquery(requested[:1], output_field=MONEY),
            approved_total=Subquery(approved[:1], output_field=MONEY),
        )
        .order_by("pk", "clienteles__position", "clienteles__code")
        .values_list(
            "pk",
            "regions",
            "reach",
            "requested_total",
            "approved_total",
            "clienteles__pk",
            "clienteles__code",
            "clienteles__name_fr",
            "clienteles__name_en",
            "clienteles__position",
        )
    )
    applications: dict[int, _ApplicationFigures] = {}
    clienteles: dict[int, Clientele] = {}
    for pk, regions, reach, requested_total, approved_total, clientele_id, *clientele_fields in rows:
        figures = applications.get(pk)
        if figures is None:
            figures = applications[pk] = _ApplicationFigures(
                regions=sorted({code for code in regions or [] if isinstance(code, str) and code}),
                reach=reach or UNSPECIFIED,
                requested=quantize(requested_total or ZERO),
                approved=None if approved_total is None else quantize(approved_total),
            )
        if clientele_id is not None:
            figures.clientele_ids.append(clientele_id)
            code, name_fr, name_en, position = clientele_fields
            clienteles[clientele_id] = Clientele(
                pk=clientele_id, code=code, name_fr=name_fr, name_en=name_en, position=position
            )

    region_rows = {code: DistributionRow(key=code, label=label) for code, label in AdministrativeRegion.choices}
    ordered_clienteles = sorted(clienteles.values(), key=lambda clientele: (clientele.position, clientele.code))
    clientele_rows = {
        clientele.pk: DistributionRow(key=str(clientele.pk), label=clientele.name) for clientele in ordered_clienteles
    }
    reach_rows = {code: DistributionRow(key=code, label=label) for code, label in Reach.choices}
    total = _total_of(applications.values())
    return DistributionSection(
        by_region=Distribution(
            rows=_distribute(applications.values(), lambda figures: figures.regions, region_rows, unspecified_label),
            total=total,
        ),
        by_clientele=Distribution(
            rows=_distribute(
                applications.values(), lambda figures: figures.clientele_ids, clientele_rows, unspecified_label
            ),
            total=total,
        ),
        by_reach=Distribution(
            rows=_distribute(
                applications.values(),
                lambda figures: [figures.reach] if figures.reach else [],
                reach_rows,
                unspecified_label,
            ),
            total=total,
        ),
    )


def _distribute(
    applications: Iterable[_ApplicationFigures],
    keys_of: Callable[[_ApplicationFigures], list],
    rows: dict,
    unspecified_label: str,
) -> list[DistributionRow]:
    """Add each application to the rows of its keys, splitting its amounts equally between them.

    A key with no row yet (a region code outside the 17) gets one labelled with the key itself. The row of
    applications without any key comes last, and only when it has some.
    """
    unspecified = DistributionRow(key=UNSPECIFIED, label=unspecified_label)
    for figures in applications:
        keys = keys_of(figures)
        targets = [rows.setdefault(key, DistributionRow(key=str(key), label=str(key))) for key in keys] or [unspecified]
        requested_shares = split_amount(figures.requested, len(targets))
        approved_shares = None if figures.approved is None else split_amount(figures.approved, len(targets))
        for index, row in enumerate(targets):
            row.applications += 1
            row.requested += requested_shares[index]
            if approved_shares is not None:
                row.approved_applications += 1
                row.approved += approved_shares[index]
    ordered = list(rows.values())
    if unspecified.applications:
        ordered.append(unspecified)
    return ordered


def _total_of(applications: Iterable[_ApplicationFigures]) -> DistributionRow:
    total = DistributionRow(key=UNSPECIFIED, label="")
    for figures in applications:
        total.applications += 1
        total.requested += figures.requested
        if figures.approved is not None:
            total.approved_applications += 1
            total.approved += figures.approved
    return total


# Review progress


@dataclass
class CallReviews:
    call: Call
    open: int
    submitted: int
    late: int


def review_progress(fiscal_year: FiscalYear, today: date) -> list[CallReviews]:
    """Count, per call, the review assignments of the applications submitted during `fiscal_year`. One query.

    Open: assigned or accepted, not submitted yet. Submitted: review submitted. Late: open, due before the
    local date `today`, on a file still under review, the definition of reviews.reminders.late_assignments
    that the call's assignment page lists. Declined and cancelled assignments are not counted.
    """
    prefix = "applications__review_assignments__"
    in_period = submitted_in(fiscal_year, prefix="applications__")
    pending = Q(**{f"{prefix}state__in": PENDING_STATES})
    calls = (
        Call.objects.annotate(
            open_count=Count(f"{prefix}pk", filter=in_period & pending),
            submitted_count=Count(f"{prefix}pk", filter=in_period & Q(**{f"{prefix}state": AssignmentState.SUBMITTED})),
            late_count=Count(
                f"{prefix}pk",
                filter=in_period
                & pending
                & Q(**{f"{prefix}due_on__lt": today, "applications__state": ApplicationState.UNDER_REVIEW}),
            ),
        )
        .filter(Q(open_count__gt=0) | Q(submitted_count__gt=0))
        .order_by("-opens_at", "pk")
    )
    return [
        CallReviews(call=call, open=call.open_count, submitted=call.submitted_count, late=call.late_count)
        for call in calls
    ]


# Reports


@dataclass
class ReportCounts:
    upcoming: int
    revision_requested: int
    overdue: int
    awaiting_review: int


def report_counts(today: date) -> ReportCounts:
    """Count the reports of every agreement, as of the local date `today`. One query.

    The conditions are those of the reports list's filters: upcoming is « expected » and not overdue,
    revision requested is « revision requested » and not overdue, overdue is payments.filters.overdue_condition,
    and awaiting review is « submitted ».
    """
    overdue = overdue_condition(today)
    totals = Report.objects.aggregate(
        upcoming=Count("pk", filter=Q(state=ReportState.EXPECTED) & ~overdue),
        revision_requested=Count("pk", filter=Q(state=ReportState.REVISION_REQUESTED) & ~overdue),
        overdue=Count("pk", filter=overdue),
        awaiting_review=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
    )
    return ReportCounts(**totals)


# Prize


# Round 1 scores the nominations declared eligible, which are in one of these states from then on.
ROUND1_STATES = NominationState.screened_in()
FINALIST_STATES = [NominationState.FINALIST, NominationState.LAUREATE]
ROUND1_EDITION_STATES = [
    EditionState.SHORTLISTING,
    EditionState.FINAL_VOTE,
    EditionState.RESULTS_VALIDATED,
    EditionState.ANNOUNCED,
]
ROUND2_EDITION_STATES = [EditionState.FINAL_VOTE, EditionState.RESULTS_VALIDATED, EditionState.ANNOUNCED]


@dataclass
class PrizeProgress:
    """Counts of one edition. No field names a nominee."""

    edition: PrizeEdition
    nominations: list[StateCount]
    jurors: int
    sheets_expected: int
    sheets_complete: int
    ballots_expected: int
    ballots_ranked: int
    ballots_abstained: int

    @property
    def round1_started(self) -> bool:
        return self.edition.state in ROUND1_EDITION_STATES

    @property
    def round2_started(self) -> bool:
        return self.edition.state in ROUND2_EDITION_STATES

    @property
    def sheets_missing(self) -> int:
        return max(self.sheets_expected - self.sheets_complete, 0)

    @property
    def ballots_cast(self) -> int:
        return self.ballots_ranked + self.ballots_abstained

    @property
    def ballots_missing(self) -> int:
        return max(self.ballots_expected - self.ballots_cast, 0)


def prize_progress() -> PrizeProgress | None:
    """Return the progress of the latest edition whose nominations have opened, or None. Three queries.

    Round 1 expects one complete score sheet (every criterion of the category scored) per juror and
    eligible nomination, except where the juror declared a conflict with it. Round 2 expects one ballot per
    juror and category with finalists; an abstention is a ballot cast. Conflicts are counted for the
    expected totals only: these counts are for the program's managers, never for a juror.
    """
    juror_in_jury = JuryMembership.objects.filter(edition=OuterRef("edition"), juror=OuterRef("juror"))
    recusals = (
        JurorConflict.objects.filter(
            nomination__edition=OuterRef("pk"), nomination__state__in=ROUND1_STATES, has_conflict=True
        )
        .annotate(edition=F("nomination__edition"))
        .filter(Exists(juror_in_jury))
    )
    has_finalists = Exists(Nomination.objects.filter(category=OuterRef("category"), state__in=FINALIST_STATES))
    finalist_categories = Category.objects.filter(edition=OuterRef("pk")).filter(
        Exists(Nomination.objects.filter(category=OuterRef("pk"), state__in=FINALIST_STATES))
    )
    ballots = (
        Ballot.objects.filter(category__edition=OuterRef("pk"))
        .annotate(edition=F("category__edition"))
        .filter(has_finalists, Exists(juror_in_jury))
    )
    edition = (
        PrizeEdition.objects.exclude(state=EditionState.DRAFT)
        .annotate(
            jurors=count_of(JuryMembership.objects.filter(edition=OuterRef("pk")), "edition"),
            round1_nominations=count_of(
                Nomination.objects.filter(edition=OuterRef("pk"), state__in=ROUND1_STATES), "edition"
            ),
            recusals=count_of(recusals, "edition"),
            finalist_categories=count_of(finalist_categories, "edition"),
            ballots_ranked=count_of(ballots.filter(status=BallotStatus.SUBMITTED), "edition"),
            ballots_abstained=count_of(ballots.filter(status=BallotStatus.ABSTAINED), "edition"),
        )
        .order_by("-year", "-pk")
        .first()
    )
    if edition is None:
        return None

    counts = dict(
        Nomination.objects.filter(edition=edition)
        .order_by()
        .values_list("state")
        .annotate(total=Count("pk"))
        .values_list("state", "total")
    )
    criteria_needed = (
        PrizeCriterion.objects.filter(category=OuterRef("nomination__category"))
        .order_by()
        .values("category")
        .annotate(total=Count("pk"))
        .values("total")[:1]
    )
    complete_sheets = (
        Round1Score.objects.filter(
            nomination__edition=edition,
            nomination__state__in=ROUND1_STATES,
            criterion__category=F("nomination__category"),
        )
        .filter(Exists(JuryMembership.objects.filter(edition=edition, juror=OuterRef("juror"))))
        .exclude(
            Exists(
                JurorConflict.objects.filter(
                    nomination=OuterRef("nomination"), juror=OuterRef("juror"), has_conflict=True
                )
            )
        )
        .order_by()
        .values("nomination", "juror")
        .annotate(scored=Count("criterion", distinct=True), needed=Subquery(criteria_needed))
        .filter(scored=F("needed"))
        .count()
    )
    return PrizeProgress(
        edition=edition,
        nominations=[
            StateCount(state=state.value, label=state.label, count=counts.get(state.value, 0))
            for state in NominationState
        ],
        jurors=edition.jurors,
        sheets_expected=edition.round1_nominations * edition.jurors - edition.recusals,
        sheets_complete=complete_sheets,
        ballots_expected=edition.finalist_categories * edition.jurors,
        ballots_ranked=edition.ballots_ranked,
        ballots_abstained=edition.ballots_abstained,
    )
