"""Figures of the program dashboard, each section read with one to three aggregate queries.

Every function here only reads, and none runs a query per call, application, agreement or nomination, so the
page costs the same number of queries whatever the size of the program. Each figure uses the definition of
the page it links to, so that a count on the dashboard equals the length of the linked list. The
application sections are in applications.py and the prize in prize.py, and this module re-exports them.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from applications.models import ApplicationState
from common.fiscal import FiscalYear
from grants.models import Call, Envelope
from oversight.selectors.applications import (
    FUNNEL_STATES,
    UNSPECIFIED,
    Distribution,
    DistributionRow,
    DistributionSection,
    StateCount,
    applications_by_state,
    distribution,
    funnel_of,
)
from oversight.selectors.base import CALL_FIELDS, MONEY, ZERO, count_of, submitted_in
from oversight.selectors.prize import (
    FINALIST_STATES,
    ROUND1_EDITION_STATES,
    ROUND1_STATES,
    ROUND2_EDITION_STATES,
    PrizeProgress,
    prize_progress,
)
from payments.filters import overdue_condition
from payments.models import Installment, InstallmentState, Report, ReportState
from payments.selectors import EnvelopeYear, sum_envelope_years
from reviews.models import AssignmentState
from reviews.reminders import PENDING_STATES

__all__ = [
    "CALL_FIELDS",
    "FINALIST_STATES",
    "FUNNEL_STATES",
    "MONEY",
    "ROUND1_EDITION_STATES",
    "ROUND1_STATES",
    "ROUND2_EDITION_STATES",
    "UNSPECIFIED",
    "ZERO",
    "CallEnvelope",
    "CallReviews",
    "Distribution",
    "DistributionRow",
    "DistributionSection",
    "EnvelopeSection",
    "PrizeProgress",
    "ReportCounts",
    "StateCount",
    "applications_by_state",
    "count_of",
    "distribution",
    "envelopes",
    "funnel_of",
    "prize_progress",
    "report_counts",
    "review_progress",
    "submitted_in",
]


# Envelopes


@dataclass
class CallEnvelope:
    call: Call
    year: EnvelopeYear


@dataclass
class EnvelopeSection:
    rows: list[CallEnvelope]

    @property
    def overcommitted(self) -> list[CallEnvelope]:
        """Return the calls whose installments of the year commit more than their envelope."""
        return [row for row in self.rows if row.year.remaining < 0]

    @property
    def totals(self) -> EnvelopeYear:
        return sum_envelope_years(row.year for row in self.rows)


def envelopes(fiscal_year: FiscalYear) -> EnvelopeSection:
    """Return, per call, the envelope of `fiscal_year` and what its installments commit and pay in it. Two queries.

    The definitions are those of payments.selectors.envelope_view, the call's envelope page: an installment
    counts in the fiscal year of its planned date, committed is every installment not cancelled, paid is the
    installments paid, and remaining is the envelope minus committed. A call appears when it has an envelope
    or a committed installment in that year, as a year appears on its envelope page.
    """
    label = fiscal_year.label
    # One pass over the year's installments, grouped by call. A sum per call in a subquery would read every
    # installment of the year once for each call.
    sums_by_call = (
        Installment.objects.filter(fiscal_year=label)
        .exclude(state=InstallmentState.CANCELLED)
        .order_by()
        .values_list("agreement__application__call")
        .annotate(committed=Sum("amount"), paid=Sum("amount", filter=Q(state=InstallmentState.PAID)))
        .values_list("agreement__application__call", "committed", "paid")
    )
    totals = {call_id: (committed, paid) for call_id, committed, paid in sums_by_call}
    year_envelopes = Envelope.objects.filter(call=OuterRef("pk"), fiscal_year=label)
    calls = (
        Call.objects.only(*CALL_FIELDS)
        .annotate(envelope_amount=Subquery(year_envelopes.order_by().values("amount")[:1], output_field=MONEY))
        .filter(Exists(year_envelopes) | Q(pk__in=list(totals)))
        .order_by("-opens_at", "pk")
    )
    rows = []
    for call in calls:
        committed, paid = totals.get(call.pk, (None, None))
        rows.append(
            CallEnvelope(
                call=call,
                year=EnvelopeYear(
                    label=label,
                    envelope=call.envelope_amount or ZERO,
                    committed=committed or ZERO,
                    paid=paid or ZERO,
                ),
            )
        )
    return EnvelopeSection(rows=rows)


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
    pending = Q(**{f"{prefix}state__in": PENDING_STATES})
    # The year is a WHERE condition on the applications, and the counts reuse that join, so only the year's
    # applications and their assignments are read. A FILTER on each count instead would join every
    # application and assignment of every year.
    calls = (
        Call.objects.filter(submitted_in(fiscal_year, prefix="applications__"))
        .only(*CALL_FIELDS)
        .annotate(
            open_count=Count(f"{prefix}pk", filter=pending),
            submitted_count=Count(f"{prefix}pk", filter=Q(**{f"{prefix}state": AssignmentState.SUBMITTED})),
            late_count=Count(
                f"{prefix}pk",
                filter=pending
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
