from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from awards.reminders import send_juror_reminders


class Command(BaseCommand):
    help = (
        "E-mail jurors whose round 1 scores or final-vote ballots are due in 3 days or today. "
        "Safe to run twice: each reminder goes once."
    )

    def handle(self, *args, **options):
        count = send_juror_reminders()
        self.stdout.write(ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", count) % {"count": count})
