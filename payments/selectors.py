"""Read-side querysets of the payments app: who may see which agreement, and the sums shown on several pages."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import ORGANIZATION_STAFF_ROLES
from grants.models import Call, Envelope
from payments.models import Agreement, Installment, InstallmentState, Report


def is_payments_staff(user) -> bool:
    return user.is_authenticated and any(user.has_role(role) for role in ORGANIZATION_STAFF_ROLES)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """Return the agreements `user` may open: all of them for the ministry's staff, their organization's for members."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if is_payments_staff(user):
        return Agreement.objects.all()
    return Agreement.objects.filter(application__organization__memberships__user=user)


def installments_visible_to(user) -> QuerySet[Installment]:
    return Installment.objects.filter(agreement__in=agreements_visible_to(user).values("pk"))


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(agreement__in=agreements_visible_to(user).values("pk"))


MONEY = DecimalField(max_digits=12, decimal_places=2)


def agreement_list(user) -> QuerySet[Agreement]:
    """Return the rows of the agreements list and its exports, each with its organization, call and sum paid.

    The paid sum is a correlated subquery in the SELECT list. PostgreSQL evaluates it after the sort and the
    LIMIT, so only for the 50 rows of a page (EXPLAIN ANALYZE on PostgreSQL 15 shows 50 loops), and the
    paginator's COUNT leaves it out. The index on the installments' (agreement_id, state) serves each lookup.
    """
    # Grouping by agreement_id, where grouping by "agreement" would join the agreements table again.
    paid = (
        Installment.objects.filter(agreement=OuterRef("pk"), state=InstallmentState.PAID)
        .order_by()
        .values("agreement_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        agreements_visible_to(user)
        .select_related("application__organization", "application__call")
        .annotate(paid=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal(0)), output_field=MONEY))
        .order_by("-created_at", "pk")
    )


def report_list(user) -> QuerySet[Report]:
    return (
        reports_visible_to(user)
        .select_related("agreement__application__organization", "agreement__application__call")
        .order_by("due_on", "pk")
    )


def finance_queue(user) -> QuerySet[Installment]:
    return (
        installments_visible_to(user)
        .select_related("agreement__application__organization", "agreement__application__call", "approved_by")
        .order_by("due_on", "agreement_id", "number")
    )


@dataclass
class EnvelopeYear:
    """One fiscal year of a call: its envelope, what the installments commit and pay, and what remains."""

    label: str
    envelope: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.committed

    @property
    def overcommitted_by(self) -> Decimal:
        """Return how much the committed installments exceed the envelope, or zero."""
        return max(self.committed - self.envelope, Decimal(0))


@dataclass
class EnvelopeView:
    call: Call
    years: list[EnvelopeYear] = field(default_factory=list)

    @property
    def overcommitted(self) -> list[EnvelopeYear]:
        """Return the fiscal years whose installments commit more than their envelope."""
        return [year for year in self.years if year.remaining < 0]

    @property
    def totals(self) -> EnvelopeYear:
        return sum_envelope_years(self.years)


def sum_envelope_years(years: Iterable[EnvelopeYear]) -> EnvelopeYear:
    """Return the envelope, committed and paid amounts of `years` added up, under no label."""
    total = EnvelopeYear(label="")
    for year in years:
        total.envelope += year.envelope
        total.committed += year.committed
        total.paid += year.paid
    return total


def envelope_view(call: Call) -> EnvelopeView:
    """Per fiscal year of `call`: envelope, committed (installments not cancelled), paid, remaining.

    An installment counts in the fiscal year of its planned date, as the design fixes for envelope accounting.
    Three queries whatever the number of agreements.
    """
    years: dict[str, EnvelopeYear] = {}
    for envelope in Envelope.objects.filter(call=call):
        years[envelope.fiscal_year] = EnvelopeYear(label=envelope.fiscal_year, envelope=envelope.amount)
    installments = Installment.objects.filter(agreement__application__call=call).exclude(
        state=InstallmentState.CANCELLED
    )
    for row in installments.values("fiscal_year").annotate(total=Sum("amount")):
        years.setdefault(row["fiscal_year"], EnvelopeYear(label=row["fiscal_year"])).committed = row["total"]
    paid = installments.filter(state=InstallmentState.PAID)
    for row in paid.values("fiscal_year").annotate(total=Sum("amount")):
        years.setdefault(row["fiscal_year"], EnvelopeYear(label=row["fiscal_year"])).paid = row["total"]
    return EnvelopeView(call=call, years=[years[label] for label in sorted(years)])


# The agreement's history


def agreement_history(agreement: Agreement, *, for_organization: bool) -> list:
    """Return the transition log of `agreement`, its installments and its reports, oldest first, in three queries.

    Each entry gets `concerns`, the object it is about (« Versement 2 », « Rapport d'étape – année 1 »). With
    `for_organization`, internal entries keep their label but lose their actor and reason, and are marked
    `internal`, as common.audit.timeline_for does for one object.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from django.utils.translation import gettext as _

    from common.audit import INTERNAL_TRANSITIONS
    from common.models import TransitionLog
    from payments.models import ReportKind

    content_types = ContentType.objects.get_for_models(Agreement, Installment, Report, for_concrete_models=False)
    installment_type, report_type = content_types[Installment], content_types[Report]
    # TransitionLog.object_id is text. The agreement's few installments and reports are read first, so the log
    # is filtered on a list of keys that its index serves. Subqueries in that filter made PostgreSQL scan the
    # whole log, which took 2.6 s at 100 000 entries.
    installment_numbers = {
        str(pk): number for pk, number in Installment.objects.filter(agreement=agreement).values_list("pk", "number")
    }
    report_kinds = {
        str(pk): (kind, number)
        for pk, kind, number in Report.objects.filter(agreement=agreement).values_list("pk", "kind", "number")
    }
    entries = (
        TransitionLog.objects.filter(
            Q(content_type=content_types[Agreement], object_id=str(agreement.pk))
            | Q(content_type=installment_type, object_id__in=list(installment_numbers))
            | Q(content_type=report_type, object_id__in=list(report_kinds))
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    internal_codes = INTERNAL_TRANSITIONS
    history = list(entries)
    for entry in history:
        entry.installment_number = installment_numbers.get(entry.object_id)
        entry.report_kind, entry.report_number = report_kinds.get(entry.object_id, (None, None))
        if entry.content_type_id == installment_type.pk:
            entry.concerns = _("Installment %(number)s") % {"number": entry.installment_number}
        elif entry.content_type_id == report_type.pk and entry.report_kind == ReportKind.FINAL:
            entry.concerns = str(ReportKind.FINAL.label)
        elif entry.content_type_id == report_type.pk:
            entry.concerns = _("Progress report – year %(number)s") % {"number": entry.report_number}
        else:
            entry.concerns = _("Agreement")
        entry.internal = for_organization and entry.transition in internal_codes
        if entry.internal:
            entry.actor = None
            entry.reason = ""
    return history
