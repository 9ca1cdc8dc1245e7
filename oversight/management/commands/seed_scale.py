"""`manage.py seed_scale`: build the large data set that the benchmark measures (see oversight.scale)."""

import json
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organization, User
from applications.models import Application, Attachment, BudgetLine, RequestedAmount, ScreeningAnswer
from awards.models import JuryMembership, Nomination, PrizeEdition
from common.models import TransitionLog
from grants.loading import DEFAULT_PROGRAM_FILE
from grants.models import Call, Envelope, Program
from oversight.scale.base import CALL_CODE_PREFIX, EMAIL_DOMAIN
from oversight.scale.builder import build_data_set
from oversight.scale.calls import CALL_KINDS, RANKING
from payments.models import Agreement, Installment, Report, ReportExpense
from reviews.models import CommitteeRecommendation, ConflictDeclaration, Decision, Review, ReviewAssignment, Score
from reviews.ranking import RANKED_STATES

# The models whose new rows the command counts, in the order of the life of a file.
COUNTED_MODELS = (
    User,
    Organization,
    Membership,
    Call,
    Envelope,
    Application,
    BudgetLine,
    RequestedAmount,
    Attachment,
    ScreeningAnswer,
    ReviewAssignment,
    ConflictDeclaration,
    Review,
    Score,
    CommitteeRecommendation,
    Decision,
    Agreement,
    Installment,
    Report,
    ReportExpense,
    PrizeEdition,
    JuryMembership,
    Nomination,
    TransitionLog,
)
MINIMUM_APPLICATIONS = 40


class Command(BaseCommand):
    help = (
        "Build a large, consistent data set for the benchmark: N applications over five calls, about 3N submitted "
        "reviews, 0.3N agreements with 1.2N installments and their reports, and N/20 prize nominations. It runs "
        "once per database; rebuild by recreating the database. Needs the program (manage.py load_program), "
        "which it loads when missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--applications",
            type=int,
            default=10_000,
            help=f"Number of applications to create, at least {MINIMUM_APPLICATIONS}; every other count follows.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Seed of the random generator: a seed always gives the same data."
        )

    def handle(self, *args, **options):
        size = options["applications"]
        if size < MINIMUM_APPLICATIONS:
            raise CommandError(
                f"--applications must be at least {MINIMUM_APPLICATIONS} so that every state has a file; got {size}."
            )
        self._check_not_loaded()
        program = self._program()
        before = {model: model.objects.count() for model in COUNTED_MODELS}
        started = time.monotonic()
        build_data_set(size, options["seed"], program=program)
        if connection.vendor == "postgresql":
            # COPY leaves the planner's statistics empty until autovacuum passes, and with them empty
            # PostgreSQL plans nested loops over thousands of rows; ANALYZE gives it the real sizes now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started

        self.stdout.write(f"Scale data set built in {elapsed:.1f} s. Rows created:")
        for model in COUNTED_MODELS:
            created = model.objects.count() - before[model]
            self.stdout.write(f"  {model._meta.label:<36} {created:>9}")
        submitted = Review.objects.filter(
            submitted_at__isnull=False, assignment__reviewer__email__endswith=EMAIL_DOMAIN
        )
        self.stdout.write(f"  of which submitted reviews{'':<18} {submitted.count():>9}")
        self._describe_ranking_call()
        self.stdout.write(
            f"Sign in as gestionnaire01@{EMAIL_DOMAIN} (program manager) or any other user of the data set, "
            f"password {DEMO_PASSWORD}."
        )

    def _check_not_loaded(self) -> None:
        codes = list(
            Call.objects.filter(code__startswith=f"{CALL_CODE_PREFIX}-").order_by("code").values_list("code", flat=True)
        )
        if codes or User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
            found = ", ".join(codes) or f"users @{EMAIL_DOMAIN}"
            raise CommandError(
                f"The scale data set is already loaded ({found}); running the command again would double it. "
                "To rebuild it, drop and recreate the database, then run `manage.py migrate`, "
                "`manage.py load_program` and `manage.py seed_scale` again."
            )

    def _program(self) -> Program:
        code = json.loads(DEFAULT_PROGRAM_FILE.read_text(encoding="utf-8"))["program"]["code"]
        program = Program.objects.filter(code=code).first()
        if program is None:
            self.stdout.write("The program is not loaded yet: running `manage.py load_program` first.")
            call_command("load_program", stdout=self.stdout)
            program = Program.objects.get(code=code)
        return program

    def _describe_ranking_call(self) -> None:
        calls = list(Call.objects.filter(code__startswith=f"{CALL_CODE_PREFIX}-").order_by("opens_at"))
        ranking = calls[CALL_KINDS.index(RANKING)]
        ranked = Application.objects.filter(call=ranking, state__in=RANKED_STATES).count()
        self.stdout.write(f"Call {ranking.code} has {ranked} files in the ranking (reviews.ranking.rank_call).")
