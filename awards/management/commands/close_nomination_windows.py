from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from awards.services import close_expired_nomination_windows


class Command(BaseCommand):
    help = "Close the nominations of every prize edition whose deadline has passed. Safe to run twice."

    def handle(self, *args, **options):
        count = len(close_expired_nomination_windows())
        self.stdout.write(ngettext("%(count)d edition closed.", "%(count)d editions closed.", count) % {"count": count})
