from django.core.management.base import BaseCommand, CommandError

from applications.demo import DemoSetupError
from awards.demo import load_demo_awards
from awards.services import AwardsError


class Command(BaseCommand):
    help = (
        "Create the demo prize editions after load_program and load_demo: 2025 with its results announced, and "
        "2027 open to nominations, with a nomination in every state before the jury. Safe to run twice."
    )

    def handle(self, *args, **options):
        try:
            lines = load_demo_awards()
        except (DemoSetupError, AwardsError) as error:
            raise CommandError(str(error)) from error
        if not lines:
            self.stdout.write("Demo prize editions: already loaded, nothing changed.")
            return
        for line in lines:
            self.stdout.write(line)
