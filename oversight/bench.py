"""The benchmark behind `make bench`: server time and query count of the staff pages on the data set at scale.

Each page is requested through Django's test client, in this process, with the whole middleware stack: the
time measured is the server's, without the network. The first requests warm the caches and are not counted.
The query count comes from one more request, watched by CaptureQueriesContext, so that watching does not
slow the timed ones. The peak memory is the resident set of this process, which served every request.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import django
from django.db import connection
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import HTML

from accounts.models import Organization, Role, User
from applications.models import Application, ApplicationState
from awards.models import Nomination
from common.documents import PDF_BASE_URL, StaticOnlyURLFetcher, render_pdf
from common.fiscal import fiscal_year_of
from grants.models import Call
from payments.documents import build_agreement
from payments.models import Agreement, AgreementState, Installment, Report
from reviews.models import Review, ReviewAssignment

LIST_QUERY_LIMIT = 15
LIST_P95_MS = 150
RANKING_MS = 200
PDF_MS = 500
PAGE_BREAK_CONDITION = (
    "L’organisme informe le Ministère sans délai de tout changement qui touche la réalisation du projet, "
    "son calendrier, ses partenaires ou son financement, et conserve les pièces justificatives pendant sept ans."
)


@dataclass
class Measure:
    name: str
    target: str
    times_ms: list[float]
    queries: int | None = None
    limit_ms: float | None = None
    query_limit: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def passed(self) -> bool:
        time_ok = self.limit_ms is None or self.p95 <= self.limit_ms
        queries_ok = self.query_limit is None or (self.queries is not None and self.queries <= self.query_limit)
        return time_ok and queries_ok


@dataclass
class Page:
    name: str
    url: str
    user: User
    limit_ms: float = LIST_P95_MS
    query_limit: int | None = LIST_QUERY_LIMIT
    target: str = f"≤ {LIST_QUERY_LIMIT} queries, p95 ≤ {LIST_P95_MS} ms"


def first_user(role: Role) -> User:
    user = User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()
    if user is None:
        raise RuntimeError(f"The data set has no user with the role {role}; run seed_scale first.")
    return user


def ranking_call() -> Call:
    """Return the call with the most files on its ranking (evaluated, recommended or not recommended)."""
    ranked = [ApplicationState.EVALUATED, ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED]
    return (
        Call.objects.annotate(ranked=Count("applications", filter=Q(applications__state__in=ranked)))
        .order_by("-ranked")
        .first()
    )


def pages() -> list[Page]:
    manager = first_user(Role.PROGRAM_MANAGER)
    finance = first_user(Role.FINANCE_OFFICER)
    reviewer = (
        User.objects.filter(groups__name=Role.REVIEWER)
        .annotate(assignments=Count("review_assignments"))
        .order_by("-assignments", "pk")
        .first()
    )
    call = ranking_call()
    application = Application.objects.filter(call=call).exclude(submitted_at=None).order_by("pk").first()
    agreement = Agreement.objects.filter(state=AgreementState.ACTIVE).order_by("pk").first()
    fiscal_year = Installment.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    region = Organization.objects.values_list("region", flat=True).order_by("region").first()
    return [
        Page("Applications, first page", reverse("applications:list"), manager),
        Page(
            "Applications, filtered (state, region, search)",
            f"{reverse('applications:list')}?state=under_review&state=evaluated&region={region}&q=projet",
            manager,
        ),
        Page("Review assignments of a reviewer", reverse("reviews:my_assignments"), reviewer),
        Page("Agreements, first page", reverse("payments:agreements"), finance),
        Page(
            "Agreements, filtered (state, fiscal year)",
            f"{reverse('payments:agreements')}?state=active&fiscal_year={fiscal_year}",
            finance,
        ),
        Page("Reports, first page", reverse("payments:reports"), manager),
        Page("Reports, filtered (overdue)", f"{reverse('payments:reports')}?overdue=yes", manager),
        Page("Finance queue, first page", reverse("payments:finance_queue"), finance),
        Page(
            "Finance queue, filtered (paid, fiscal year, region)",
            f"{reverse('payments:finance_queue')}?state=paid&fiscal_year={fiscal_year}&region={region}",
            finance,
        ),
        Page("Nominations, first page", reverse("awards:screening_list"), manager),
        Page("Nominations, filtered (state)", f"{reverse('awards:screening_list')}?state=eligible", manager),
        Page("Organizations, first page", reverse("accounts:organization_list"), manager),
        Page("Envelope of a call", reverse("payments:envelope", args=[call.code]), manager),
        Page("Role dashboard", reverse("accounts:dashboard"), manager),
        Page("Program dashboard", reverse("oversight:dashboard"), manager),
        Page(
            "Program dashboard, earlier fiscal year",
            f"{reverse('oversight:dashboard')}?fiscal_year={previous_fiscal_year()}",
            manager,
        ),
        Page(
            "File page",
            reverse("applications:detail", args=[application.pk]),
            manager,
            query_limit=None,
            target=f"p95 ≤ {LIST_P95_MS} ms",
        ),
        Page(
            "Agreement page",
            reverse("payments:agreement", args=[agreement.pk]),
            manager,
            query_limit=None,
            target=f"p95 ≤ {LIST_P95_MS} ms",
        ),
        Page(
            f"Ranking of a call of {ranking_size(call)} files",
            reverse("reviews:ranking", args=[call.code]),
            manager,
            limit_ms=RANKING_MS,
            query_limit=None,
            target=f"≤ {RANKING_MS} ms",
        ),
    ]


def previous_fiscal_year() -> str:
    today = timezone.localdate()
    return fiscal_year_of(today.replace(year=today.year - 1, day=1)).label


def ranking_size(call: Call) -> int:
    return call.ranked


def measure_page(page: Page, *, runs: int, warmup: int) -> Measure:
    client = Client()
    client.force_login(page.user)
    for _ in range(warmup):
        check(client.get(page.url), page)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(page.url)
        times.append((time.perf_counter() - start) * 1000)
        check(response, page)
    with CaptureQueriesContext(connection) as queries:
        check(client.get(page.url), page)
    return Measure(
        name=page.name,
        target=page.target,
        times_ms=times,
        queries=len(queries),
        limit_ms=page.limit_ms,
        query_limit=page.query_limit,
        note=page.url,
    )


def check(response, page: Page) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{page.name}: {page.url} returned {response.status_code} for {page.user.email}.")


def three_page_agreement() -> tuple[Agreement, int]:
    """Return a 3-year agreement whose conditions make its PDF 3 pages long, and that page count."""
    agreement = (
        Agreement.objects.annotate(year_count=Count("years", distinct=True)).filter(year_count=3).order_by("pk").first()
    )
    conditions = []
    while True:
        agreement.conditions = "\n".join(conditions)
        page_count = count_pages(agreement)
        if page_count >= 3 or len(conditions) > 60:
            return agreement, page_count
        conditions.extend([PAGE_BREAK_CONDITION] * 3)


def render_agreement(agreement: Agreement) -> bytes:
    spec = build_agreement(agreement)
    return render_pdf(template_name=spec.template_name, context=spec.context, language=spec.language)


def count_pages(agreement: Agreement) -> int:
    """Lay out the agreement once, untimed, to count its pages (the PDF's page objects are compressed)."""
    spec = build_agreement(agreement)
    with translation.override(spec.language):
        html = render_to_string(spec.template_name, spec.context)
    return len(HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).render().pages)


def measure_pdf(*, runs: int, warmup: int) -> Measure:
    agreement, page_count = three_page_agreement()
    for _ in range(warmup):
        render_agreement(agreement)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_agreement(agreement)
        times.append((time.perf_counter() - start) * 1000)
    return Measure(
        name=f"Agreement PDF ({page_count} pages, WeasyPrint)",
        target=f"≤ {PDF_MS} ms",
        times_ms=times,
        limit_ms=PDF_MS,
        note=f"agreement {agreement.reference}",
    )


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def data_counts() -> dict[str, int]:
    return {
        "Applications": Application.objects.count(),
        "Reviews": Review.objects.count(),
        "Review assignments": ReviewAssignment.objects.count(),
        "Agreements": Agreement.objects.count(),
        "Installments": Installment.objects.count(),
        "Reports": Report.objects.count(),
        "Nominations": Nomination.objects.count(),
        "Organizations": Organization.objects.count(),
        "Users": User.objects.count(),
    }


def machine() -> dict[str, str]:
    """Describe the machine from Linux's /proc and sysconf: the benchmark runs on Linux, as CI does."""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
    cpu = names[0] if names else platform.machine()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": f"{memory:.0f} GiB",
        "System": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgresql,
    }


def run(*, runs: int, warmup: int, progress: Callable[[str], None]) -> tuple[list[Measure], float]:
    results = []
    for page in pages():
        progress(page.name)
        results.append(measure_page(page, runs=runs, warmup=warmup))
    progress("Agreement PDF")
    results.append(measure_pdf(runs=runs, warmup=warmup))
    return results, peak_memory_mb()


def report(results: list[Measure], memory_mb: float, *, runs: int, seed_seconds: float | None) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`manage.py bench`): do not edit by hand. It seeds PostgreSQL once with",
        "`manage.py seed_scale --applications 10000`, then requests each page "
        f"{runs} times after a warm-up, through Django's",
        "test client in one process (server time, without the network), and counts the queries of one more request.",
        "Before measuring, the process freezes its start-up objects out of the garbage collector, as `config/wsgi.py`",
        "does in production.",
        "",
        f"Run on {timezone.localtime():%Y-%m-%d %H:%M} (Montréal time).",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        "",
        "## Data",
        "",
        "| Rows | Count |",
        "|---|---:|",
        *[f"| {name} | {count:,} |".replace(",", " ") for name, count in data_counts().items()],
        "",
    ]
    if seed_seconds is not None:
        lines += [f"Seeding took {seed_seconds:.0f} s.", ""]
    lines += [
        "## Results",
        "",
        "| Page | Queries | Median (ms) | p95 (ms) | Target | Met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for measure in results:
        queries = "–" if measure.queries is None else str(measure.queries)
        met = "yes" if measure.passed else "**no**"
        lines.append(
            f"| {measure.name} | {queries} | {measure.median:.0f} | {measure.p95:.0f} | {measure.target} | {met} |"
        )
    lines += [
        "",
        f"Peak memory of the process that served every request: {memory_mb:.0f} MB (resident set).",
        "",
        "## Pages measured",
        "",
        *[f"- {measure.name}: `{measure.note}`" for measure in results],
        "",
    ]
    return "\n".join(lines)
