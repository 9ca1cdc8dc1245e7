from django.core.management.base import BaseCommand, CommandError

from applications.demo import DemoSetupError
from reviews.demo import load_demo_reviews


class Command(BaseCommand):
    help = (
        "Bring demo files of the call ECI-2027 to every review and decision state (under review, evaluated, "
        "recommended, not recommended, approved, declined), with reviews, a declared conflict and an affiliation. "
        "Run it after load_demo_applications. Safe to run twice."
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
