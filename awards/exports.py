"""The nominations screening list as CSV and XLSX (common.exports).

Same scope as the list page: program officers and managers (awards.screen_nomination); anyone else gets 404.
The nominee's contact details stay on the nomination page: the file names the nominee and the nominator only.
"""

from django.utils.translation import gettext_lazy as _

from awards import selectors
from awards.filters import StaffNominationFilter
from awards.models import ConsentStatus
from common.exports import Column, Kind, ListExport, filtered_rows, register_export


def rows(user, parameters):
    if not user.has_perm("awards.screen_nomination"):
        return None
    return filtered_rows(StaffNominationFilter, parameters, selectors.staff_nominations(user), user)


def nominator_name(nomination) -> str:
    return nomination.nominator.get_full_name() or nomination.nominator.email


register_export(
    ListExport(
        name="candidatures",
        title=_("Nominations"),
        rows=rows,
        columns=[
            Column(_("Nominee"), lambda n: n.nominee_name),
            Column(_("Organization of the nominee"), lambda n: n.nominee_organization),
            Column(_("Edition"), lambda n: n.edition.year, Kind.INTEGER),
            Column(_("Category"), lambda n: n.category.name),
            Column(_("Administrative region"), lambda n: n.get_region_display()),
            Column(_("State"), lambda n: n.get_state_display()),
            Column(_("Consent"), lambda n: ConsentStatus(n.consent_status).label),
            Column(_("Submitted on"), lambda n: n.submitted_at, Kind.DATETIME),
            Column(_("Nominator"), nominator_name),
            Column(_("Documents"), lambda n: n.document_count, Kind.INTEGER),
        ],
    )
)
