"""Applications submitted during a fiscal year, by state and by region, clientele and reach."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum

from applications.models import Application, ApplicationState, RequestedAmount
from common.fiscal import FiscalYear
from common.money import quantize
from common.regions import AdministrativeRegion
from grants.models import Clientele, Reach
from oversight.selectors.base import MONEY, ZERO, submitted_in
from reviews.models import ApprovedAmount, DecisionOutcome

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
    return funnel_of(counts)


def funnel_of(counts: dict[str, int]) -> list[StateCount]:
    """Return the funnel rows from a number of applications per state, 0 for a state missing from `counts`."""
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
    # The number of the same applications in each state they are in now, read by the same query so that the
    # page need not count them again with applications_by_state.
    state_counts: dict[str, int]


@dataclass
class _ApplicationFigures:
    """Keys and amounts of one application. The amounts are whole cents, so that splitting them is exact."""

    regions: list[str]
    reach: str
    requested_cents: int
    approved_cents: int | None
    clientele_ids: list[int] = field(default_factory=list)


@dataclass
class _RowTotals:
    """Sums of one distribution row, in whole cents until the row is built."""

    applications: int = 0
    requested_cents: int = 0
    approved_applications: int = 0
    approved_cents: int = 0


UNSPECIFIED = ""


def distribution(fiscal_year: FiscalYear, unspecified_label: str) -> DistributionSection:
    """Count and sum the applications submitted during `fiscal_year` by region, clientele and reach. Two queries.

    Requested is the sum of the amounts requested for every project year. Approved is the sum of the amounts
    granted by an approval decision, for the applications that have one. A project in several regions (or
    clienteles) counts once in each of them, as the applications list filtered on one region shows it.
    Its amounts are split equally between them as common.money.split_amount splits them (the cents left over
    go to the last one in code order), so each amount column adds up to the total of the applications.
    Applications with no region, clientele or reach go to a row labelled `unspecified_label`. The same
    applications are also counted by state, as applications_by_state counts them.
    """
    in_period = submitted_in(fiscal_year)
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
    rows = (
        Application.objects.filter(in_period)
        .annotate(
            requested_total=Subquery(requested[:1], output_field=MONEY),
            approved_total=Subquery(approved[:1], output_field=MONEY),
        )
        .order_by()
        .values_list("pk", "state", "regions", "reach", "requested_total", "approved_total")
    )
    applications: dict[int, _ApplicationFigures] = {}
    state_counts: dict[str, int] = {}
    for pk, state, regions, reach, requested_total, approved_total in rows:
        state_counts[state] = state_counts.get(state, 0) + 1
        applications[pk] = _ApplicationFigures(
            regions=sorted({code for code in regions or [] if isinstance(code, str) and code}),
            reach=reach or UNSPECIFIED,
            requested_cents=_cents_of(requested_total or ZERO),
            approved_cents=None if approved_total is None else _cents_of(approved_total),
        )

    # The clienteles come in a second query, because joining them to the first one would repeat each
    # application, its amounts and its regions once per clientele. They come in (position, code) order, the
    # order in which the last clientele of an application receives the cents left over.
    clienteles: dict[int, Clientele] = {}
    links = (
        Application.clienteles.through.objects.filter(submitted_in(fiscal_year, prefix="application__"))
        .order_by("clientele__position", "clientele__code", "application_id")
        .values_list(
            "application_id",
            "clientele_id",
            "clientele__code",
            "clientele__name_fr",
            "clientele__name_en",
            "clientele__position",
        )
    )
    for application_id, clientele_id, code, name_fr, name_en, position in links:
        if clientele_id not in clienteles:
            clienteles[clientele_id] = Clientele(
                pk=clientele_id, code=code, name_fr=name_fr, name_en=name_en, position=position
            )
        applications[application_id].clientele_ids.append(clientele_id)

    figures = list(applications.values())
    region_rows = {code: DistributionRow(key=code, label=label) for code, label in AdministrativeRegion.choices}
    clientele_rows = {
        clientele.pk: DistributionRow(key=str(clientele.pk), label=clientele.name) for clientele in clienteles.values()
    }
    reach_rows = {code: DistributionRow(key=code, label=label) for code, label in Reach.choices}
    total = _total_of(figures)
    return DistributionSection(
        by_region=Distribution(
            rows=_distribute(figures, lambda item: item.regions, region_rows, unspecified_label),
            total=total,
        ),
        by_clientele=Distribution(
            rows=_distribute(figures, lambda item: item.clientele_ids, clientele_rows, unspecified_label),
            total=total,
        ),
        by_reach=Distribution(
            rows=_distribute(figures, lambda item: [item.reach] if item.reach else [], reach_rows, unspecified_label),
            total=total,
        ),
        state_counts=state_counts,
    )


def _cents_of(amount: Decimal) -> int:
    """Round `amount` to the cent as common.money.quantize does, and return it in whole cents."""
    return int(quantize(amount).scaleb(2))


def _amount_of(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _distribute(
    applications: Iterable[_ApplicationFigures],
    keys_of: Callable[[_ApplicationFigures], list],
    rows: dict,
    unspecified_label: str,
) -> list[DistributionRow]:
    """Add each application to the rows of its keys, splitting its amounts equally between them.

    The split is that of common.money.split_amount, done here on whole cents because it runs for every
    application. Each share is the amount divided by the number of keys, rounded toward zero to the cent,
    and the last key gets the rest. A key with no row yet (a region code outside the 17) gets one labelled
    with the key itself. The row of applications without any key comes last, and only when it has some.
    """
    sums: dict = {key: _RowTotals() for key in rows}
    unspecified = _RowTotals()
    for figures in applications:
        keys = keys_of(figures)
        if not keys:
            targets = [unspecified]
        else:
            targets = []
            for key in keys:
                if key not in sums:
                    rows[key] = DistributionRow(key=str(key), label=str(key))
                    sums[key] = _RowTotals()
                targets.append(sums[key])
        _add_split(targets, figures)

    ordered = []
    for key, row in rows.items():
        _fill(row, sums[key])
        ordered.append(row)
    if unspecified.applications:
        ordered.append(_fill(DistributionRow(key=UNSPECIFIED, label=unspecified_label), unspecified))
    return ordered


def _add_split(targets: list[_RowTotals], figures: _ApplicationFigures) -> None:
    parts = len(targets)
    requested_share = _share_of(figures.requested_cents, parts)
    approved_cents = figures.approved_cents
    approved_share = None if approved_cents is None else _share_of(approved_cents, parts)
    for target in targets:
        target.applications += 1
        target.requested_cents += requested_share
        if approved_share is not None:
            target.approved_applications += 1
            target.approved_cents += approved_share
    # The last key receives the cents that equal shares leave over.
    last = targets[-1]
    last.requested_cents += figures.requested_cents - requested_share * parts
    if approved_share is not None:
        last.approved_cents += approved_cents - approved_share * parts


def _share_of(cents: int, parts: int) -> int:
    """Return `cents` divided by `parts`, rounded toward zero as common.money.split_amount rounds a share."""
    share = abs(cents) // parts
    return -share if cents < 0 else share


def _fill(row: DistributionRow, sums: _RowTotals) -> DistributionRow:
    row.applications = sums.applications
    row.requested = _amount_of(sums.requested_cents)
    row.approved_applications = sums.approved_applications
    row.approved = _amount_of(sums.approved_cents)
    return row


def _total_of(applications: Iterable[_ApplicationFigures]) -> DistributionRow:
    sums = _RowTotals()
    for figures in applications:
        sums.applications += 1
        sums.requested_cents += figures.requested_cents
        if figures.approved_cents is not None:
            sums.approved_applications += 1
            sums.approved_cents += figures.approved_cents
    return _fill(DistributionRow(key=UNSPECIFIED, label=""), sums)
