"""Dashboard panel of the program officers: the files waiting at each screening step, and their own."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_program_officer
from applications.models import Application, ApplicationState
from common.dashboards import Panel, register_panel

# States in which an officer still has work on a file. « My files » counts only these.
ACTIVE_SCREENING_STATES = [ApplicationState.SCREENING, ApplicationState.INCOMPLETE]


def list_url(**filters) -> str:
    return f"{reverse('applications:list')}?{urlencode(filters, doseq=True)}"


@register_panel(order=25)
def screening_panel(user):
    if not is_program_officer(user):
        return None
    # One query for every count, so the dashboard costs the same whatever the number of files.
    totals = Application.objects.visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(state=ApplicationState.SUBMITTED)),
        screening=Count("pk", filter=Q(state=ApplicationState.SCREENING)),
        incomplete=Count("pk", filter=Q(state=ApplicationState.INCOMPLETE)),
        under_review=Count("pk", filter=Q(state=ApplicationState.UNDER_REVIEW)),
        mine=Count("pk", filter=Q(officer=user, state__in=ACTIVE_SCREENING_STATES)),
    )
    rows = [
        {
            "label": _("Submitted, waiting for an officer"),
            "total": totals["submitted"],
            "url": list_url(state=ApplicationState.SUBMITTED.value),
        },
        {
            "label": _("Being screened"),
            "total": totals["screening"],
            "url": list_url(state=ApplicationState.SCREENING.value),
        },
        {
            "label": _("Information requested"),
            "total": totals["incomplete"],
            "url": list_url(state=ApplicationState.INCOMPLETE.value),
        },
        {
            "label": _("Under review"),
            "total": totals["under_review"],
            "url": list_url(state=ApplicationState.UNDER_REVIEW.value),
        },
        {
            "label": _("My files being screened"),
            "total": totals["mine"],
            "url": list_url(officer=user.pk, state=[state.value for state in ACTIVE_SCREENING_STATES]),
        },
    ]
    return Panel(title=_("Applications to screen"), template="applications/staff/panel.html", context={"rows": rows})
