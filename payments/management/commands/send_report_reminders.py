from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from payments.reports import send_report_reminders


class Command(BaseCommand):
    help = (
        "E-mail the organizations whose report is due in 30 or 7 days, or became overdue yesterday "
        "(Montréal dates). Safe to run twice: each reminder goes once."
    )

    def handle(self, *args, **options):
        count = send_report_reminders()
        self.stdout.write(
            ngettext("%(count)d report reminded.", "%(count)d reports reminded.", count) % {"count": count}
        )
