from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from reviews.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail reviewers whose review is due in 3 days or today. Safe to run twice: each reminder goes once."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", count) % {"count": count})
