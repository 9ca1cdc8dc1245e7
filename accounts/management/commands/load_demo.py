from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create the demo logins (one per role) and demo organizations. Safe to run twice."

    def handle(self, *args, **options):
        logins = load_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, description in logins:
            self.stdout.write(f"  {email:<28} {description}")
