from django.core.management.base import BaseCommand, CommandError

from applications.demo import DemoSetupError, load_demo_applications


class Command(BaseCommand):
    help = (
        "Create demo applications in every screening state in the call ECI-2027, after load_program and "
        "load_demo. Safe to run twice."
    )

    def handle(self, *args, **options):
        try:
            created = load_demo_applications()
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        if not created:
            self.stdout.write("Demo applications: already loaded, nothing created.")
            return
        self.stdout.write(f"Demo applications created: {len(created)}")
        for application in created:
            reference = application.reference or "(draft)"
            self.stdout.write(
                f"  {reference:<14} {application.state:<13} {application.organization.name} – {application.title}"
            )
