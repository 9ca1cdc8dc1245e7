from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grants.loading import DEFAULT_PROGRAM_FILE, load_program_file


class Command(BaseCommand):
    help = "Load the « Ensemble contre l'intimidation » program, its rules, taxonomies and calls. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_PROGRAM_FILE, help="JSON program data file.")

    def handle(self, *args, **options):
        report = load_program_file(options["file"])
        self.stdout.write(
            _("Program loaded: %(created)d reference rows created, %(updated)d updated.")
            % {"created": len(report.created), "updated": len(report.updated)}
        )
