"""The applications list as CSV and XLSX (common.exports).

Staff get the staff list with its filters; a member of an organization gets only their organizations' files,
the scope of `applications_visible_to`.
"""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from applications import selectors
from applications.filters import StaffApplicationFilter
from applications.models import RequestedAmount
from common.exports import Column, Kind, ListExport, filtered_rows, register_export
from common.regions import AdministrativeRegion
from grants.models import Clientele

REGION_LABELS = dict(AdministrativeRegion.choices)
MONEY = DecimalField(max_digits=12, decimal_places=2)


def rows(user, parameters):
    requested = (
        RequestedAmount.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    requested_total = Coalesce(Subquery(requested, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)
    queryset = (
        selectors.staff_application_list(user)
        .annotate(requested_total=requested_total)
        .prefetch_related(Prefetch("clienteles", queryset=Clientele.objects.order_by("pk")))
    )
    return filtered_rows(StaffApplicationFilter, parameters, queryset, user)


def region_labels(application) -> str:
    return " ; ".join(str(REGION_LABELS.get(code, code)) for code in application.regions)


def clientele_labels(application) -> str:
    return " ; ".join(str(clientele) for clientele in application.clienteles.all())


def officer_name(application) -> str:
    officer = application.officer
    return (officer.get_full_name() or officer.email) if officer else ""


register_export(
    ListExport(
        name="demandes",
        title=_("Applications"),
        rows=rows,
        columns=[
            Column(_("Reference number"), lambda a: a.reference),
            Column(_("Project title"), lambda a: a.title),
            Column(_("Organization"), lambda a: a.organization.name),
            Column(_("NEQ"), lambda a: a.organization.neq),
            Column(_("Call for projects"), lambda a: a.call.code),
            Column(_("State"), lambda a: a.get_state_display()),
            Column(_("Regions"), region_labels),
            Column(_("Clienteles"), clientele_labels),
            Column(_("Reach"), lambda a: a.get_reach_display()),
            Column(_("Start date"), lambda a: a.starts_on, Kind.DATE),
            Column(_("End date"), lambda a: a.ends_on, Kind.DATE),
            Column(_("Submitted on"), lambda a: a.submitted_at, Kind.DATETIME),
            Column(_("Amount requested"), lambda a: a.requested_total, Kind.MONEY),
            Column(_("Officer in charge"), officer_name),
        ],
    )
)
