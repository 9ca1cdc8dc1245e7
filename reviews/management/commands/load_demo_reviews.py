from django.core.management.base import BaseCommand, CommandError

from applications.demo import DemoSetupError
from reviews.demo import load_demo_reviews


class Command(BaseCommand):
    help = (
        "Review the demo file under review of the call ECI-2027 (two reviews, a declared conflict, an "
        "affiliation) and record the committee's recommendation, after load_demo_applications. Safe to run twice."
    )

    def handle(self, *args, **options):
        try:
            actions = load_demo_reviews()
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        if not actions:
            self.stdout.write("Demo reviews: already loaded, nothing changed.")
            return
        for action in actions:
            self.stdout.write(action)
