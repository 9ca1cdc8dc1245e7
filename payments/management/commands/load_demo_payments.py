from django.core.management.base import BaseCommand, CommandError

from applications.demo import DemoSetupError
from payments.demo import load_demo_payments


class Command(BaseCommand):
    help = (
        "Create the past demo call ECI-2025 and its agreements in every state, with paid, due and withheld "
        "installments and accepted, overdue and revised reports, after load_demo. Safe to run twice."
    )

    def handle(self, *args, **options):
        try:
            lines = load_demo_payments()
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        if not lines:
            self.stdout.write("Demo payments: already loaded, nothing changed.")
            return
        for line in lines:
            self.stdout.write(line)
