"""The staff list of organizations as CSV and XLSX (common.exports); anyone without the list gets 404."""

from django.utils.translation import gettext_lazy as _

from accounts import selectors
from common.exports import Column, Kind, ListExport, register_export


def rows(user, parameters):
    if not user.has_perm("accounts.list_organizations"):
        return None
    return selectors.organization_list(user)


def representative_names(organization) -> str:
    return " ; ".join(
        membership.user.get_full_name() or membership.user.email for membership in organization.representatives
    )


register_export(
    ListExport(
        name="organismes",
        title=_("Organizations"),
        rows=rows,
        columns=[
            Column(_("Legal name"), lambda o: o.name),
            Column(_("NEQ"), lambda o: o.neq),
            Column(_("Legal form"), lambda o: o.get_legal_form_display()),
            Column(_("Administrative region"), lambda o: o.get_region_display()),
            Column(_("City"), lambda o: o.city),
            Column(_("Members"), lambda o: o.member_count, Kind.INTEGER),
            Column(_("Representatives"), representative_names),
        ],
    )
)
