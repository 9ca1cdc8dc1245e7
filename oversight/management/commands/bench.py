"""Run the benchmark on PostgreSQL: seed the data set at scale once, measure the pages, write docs/benchmarks.md."""

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from applications.models import Application
from oversight import bench


def create_database() -> None:
    """Create the benchmark database through the server's maintenance database, unless it exists."""
    parameters = connection.get_connection_params()
    name = parameters.pop("dbname")
    with psycopg.connect(**{**parameters, "dbname": "postgres"}, autocommit=True) as maintenance:
        if not maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Command(BaseCommand):
    help = "Seed the data set at scale once, measure the staff pages and write the results to docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=10_000, help="Size of the data set to seed.")
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=3, help="Requests per page before timing.")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))
        # Set by the run that seeded, when it leaves the measuring to a fresh process.
        parser.add_argument("--seed-seconds", type=float, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
        if settings.DEBUG:
            raise CommandError("Run the benchmark with DJANGO_DEBUG=false, as in production.")
        create_database()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_program", verbosity=0)
        seed_seconds = options["seed_seconds"]
        if Application.objects.count() < options["applications"] // 2:
            self.stdout.write(f"Seeding {options['applications']} applications (once)…")
            start = time.perf_counter()
            call_command("seed_scale", applications=options["applications"], stdout=self.stdout)
            seed_seconds = time.perf_counter() - start
            self.measure_in_fresh_process(options, seed_seconds)
            return
        self.stdout.write("The data set is already seeded; measuring.")
        with connection.cursor() as cursor:
            # Fresh planner statistics, as autovacuum keeps them on a database in use.
            cursor.execute("ANALYZE")
        # Freeze what start-up built, as config/wsgi.py does, so that full garbage collections skip it.
        gc.collect()
        gc.freeze()
        results, memory_mb = bench.run(runs=options["runs"], warmup=options["warmup"], progress=self.progress)
        text = bench.report(results, memory_mb, runs=options["runs"], seed_seconds=seed_seconds)
        Path(options["output"]).write_text(text, encoding="utf-8")
        self.stdout.write(text)
        missed = [measure.name for measure in results if not measure.passed]
        if missed:
            self.stderr.write(f"Targets missed: {', '.join(missed)}.")
        self.stdout.write(f"Results written to {options['output']}.")

    def measure_in_fresh_process(self, options, seed_seconds: float) -> None:
        """Measure in a new process, so that the peak memory is the serving's, not the seeding's."""
        arguments = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            f"--applications={options['applications']}",
            f"--runs={options['runs']}",
            f"--warmup={options['warmup']}",
            f"--output={options['output']}",
            f"--seed-seconds={seed_seconds:.1f}",
        ]
        completed = subprocess.run(arguments, check=False)  # noqa: S603 - our own command, fixed arguments
        if completed.returncode:
            raise CommandError(f"The measuring process failed with exit code {completed.returncode}; see its output.")

    def progress(self, name: str) -> None:
        self.stdout.write(f"  measuring {name}…")
