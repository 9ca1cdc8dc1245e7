"""Read-side querysets of the payments app: who may see which agreement, and the sums shown on several pages."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from accounts.models import ORGANIZATION_STAFF_ROLES
from grants.models import Call, Envelope
from payments.models import Agreement, Installment, InstallmentState, Report


def is_payments_staff(user) -> bool:
    return user.is_authenticated and any(user.has_role(role) for role in ORGANIZATION_STAFF_ROLES)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """Every agreement for the ministry's staff; the organization's own agreements for its members; else none."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if is_payments_staff(user):
        return Agreement.objects.all()
    return Agreement.objects.filter(application__organization__memberships__user=user)


def installments_visible_to(user) -> QuerySet[Installment]:
    return Installment.objects.filter(agreement__in=agreements_visible_to(user).values("pk"))


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(agreement__in=agreements_visible_to(user).values("pk"))


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


@dataclass
class EnvelopeView:
    call: Call
    years: list[EnvelopeYear] = field(default_factory=list)

    @property
    def totals(self) -> EnvelopeYear:
        total = EnvelopeYear(label="")
        for year in self.years:
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
