from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.services import close_expired_calls


class Command(BaseCommand):
    help = "Close the published calls whose deadline has passed. Safe to run at any time."

    def handle(self, *args, **options):
        closed = close_expired_calls()
        for call in closed:
            self.stdout.write(_("Closed: %(code)s") % {"code": call.code})
        count = len(closed)
        self.stdout.write(ngettext("%(count)d call closed.", "%(count)d calls closed.", count) % {"count": count})
