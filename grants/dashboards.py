from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.roles import is_program_manager, is_program_officer
from common.dashboards import Panel, register_panel
from grants import selectors
from grants.models import Call, CallState


@register_panel(order=20)
def open_calls_panel(user):
    calls = list(selectors.open_calls())
    return Panel(title=_("Open calls for projects"), template="grants/panels/open_calls.html", context={"calls": calls})


@register_panel(order=40)
def calls_by_state_panel(user):
    if not (is_program_manager(user) or is_program_officer(user)):
        return None
    totals = dict(Call.objects.values_list("state").annotate(total=Count("pk")))
    counts = [(state.label, totals.get(state.value, 0)) for state in CallState]
    calls = list(selectors.call_list(user)[:10])
    return Panel(
        title=_("Calls by state"),
        template="grants/panels/calls_by_state.html",
        context={"counts": counts, "calls": calls},
    )
