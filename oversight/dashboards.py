"""The role dashboard's panel that leads to the program dashboard, the user's exports and the open data."""

from django.utils.translation import gettext as _

from common.dashboards import Panel, register_panel


@register_panel(order=2)
def oversight_panel(user):
    """Offer the program dashboard to the roles that may open it; nothing for the others."""
    if not user.has_perm("oversight.view_program_dashboard"):
        return None
    return Panel(title=_("Program oversight"), template="oversight/panels/oversight.html")
