"""Open data: the approved projects of the program, in CSV and XLSX, for anyone, without logging in.

One row per approved project: the call, the organization (a legal person, named in public registries), its
region, the project's regions, clienteles and reach, the amount granted and the fiscal years it covers. No
column names or reaches a person: no contact, signatory, reviewer or officer, and no free text but the title.
"""

from django.db.models import Prefetch, Sum
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from applications.models import Application
from common.export_views import file_download
from common.exports import Column, Kind, ListExport, build
from common.models import ExportFormat
from common.regions import AdministrativeRegion
from grants.models import Clientele
from reviews.models import ApprovedAmount, DecisionOutcome

REGION_LABELS = dict(AdministrativeRegion.choices)


def approved_projects():
    return (
        Application.objects.filter(decision__outcome=DecisionOutcome.APPROVED)
        .select_related("call", "organization", "decision")
        .annotate(amount_granted=Sum("decision__approved_amounts__amount"))
        .prefetch_related(
            Prefetch("clienteles", queryset=Clientele.objects.order_by("position", "pk")),
            Prefetch("decision__approved_amounts", queryset=ApprovedAmount.objects.order_by("project_year")),
        )
        .order_by("call__code", "reference")
    )


def fiscal_years(application) -> str:
    """Return the fiscal years in which the funded project years start, as the decision grants them."""
    labels = dict.fromkeys(amount.fiscal_year for amount in application.decision.approved_amounts.all())
    return " ; ".join(labels)


OPEN_DATA = ListExport(
    name="projets-approuves",
    title=_("Approved projects"),
    rows=lambda user, parameters: approved_projects(),
    columns=[
        Column(_("Call for projects"), lambda a: a.call.code),
        Column(_("Reference number"), lambda a: a.reference),
        Column(_("Project title"), lambda a: a.title),
        Column(_("Organization"), lambda a: a.organization.name),
        Column(_("NEQ"), lambda a: a.organization.neq),
        Column(_("Region of the organization"), lambda a: a.organization.get_region_display()),
        Column(_("Regions of the project"), lambda a: " ; ".join(str(REGION_LABELS.get(c, c)) for c in a.regions)),
        Column(_("Clienteles"), lambda a: " ; ".join(str(clientele) for clientele in a.clienteles.all())),
        Column(_("Reach"), lambda a: a.get_reach_display()),
        Column(_("Amount granted"), lambda a: a.amount_granted, Kind.MONEY),
        Column(_("Fiscal years of the amounts granted"), fiscal_years),
        Column(_("Decision date"), lambda a: timezone.localdate(a.decision.decided_at), Kind.DATE),
    ],
)


class OpenDataView(View):
    """The page that describes the data set, with its columns and the two downloads."""

    def get(self, request):
        return render(request, "oversight/open_data.html", {"columns": OPEN_DATA.columns})


class OpenDataDownloadView(View):
    def get(self, request, file_format: str):
        if file_format not in ExportFormat.values:
            raise Http404
        content = build(OPEN_DATA, approved_projects(), file_format)
        filename = f"{OPEN_DATA.title} {timezone.localdate():%Y-%m-%d}.{file_format}"
        response = file_download(content, file_format=file_format, filename=filename)
        response["Cache-Control"] = "public, max-age=3600"
        return response
