"""The benchmark behind `make bench`: every page returns 200 on a seeded data set, and each verdict is right."""

from io import StringIO

import pytest
from django.core.management import call_command

from applications.models import Application
from oversight import bench
from tests.conftest import requires_postgresql

pytestmark = pytest.mark.django_db


def measure(times_ms, *, queries=5, limit_ms=150, query_limit=15):
    return bench.Measure(
        name="page", target="", times_ms=times_ms, queries=queries, limit_ms=limit_ms, query_limit=query_limit
    )


def test_p95_of_twenty_runs():
    assert measure([float(value) for value in range(1, 21)]).p95 == 19.0
    assert measure([10.0]).p95 == 10.0


def test_measure_passes_within_both_limits():
    assert measure([100.0] * 20).passed
    assert not measure([100.0] * 18 + [200.0] * 2).passed
    assert not measure([100.0] * 20, queries=16).passed
    assert measure([900.0] * 20, limit_ms=None, query_limit=None).passed


@pytest.fixture
def seeded():
    call_command("seed_scale", applications=40, stdout=StringIO())


def test_run_measures_every_page(seeded):
    measured = []

    results, memory_mb = bench.run(runs=1, warmup=0, progress=measured.append)

    assert len(results) == len(measured) == len(bench.pages()) + 1
    assert all(len(result.times_ms) == 1 for result in results)
    assert all(result.queries <= bench.LIST_QUERY_LIMIT for result in results if result.query_limit)
    assert memory_mb > 0


@requires_postgresql
def test_report_lists_machine_data_and_pages(seeded):
    results = [measure([100.0, 120.0]), measure([300.0, 320.0])]

    text = bench.report(results, 150.0, runs=2, seed_seconds=12.0)

    assert "- PostgreSQL: " in text
    assert f"| Applications | {Application.objects.count()} |" in text
    assert "Seeding took 12 s." in text
    assert "| page | 5 | 110 | 120 | " in text
    assert "| page | 5 | 310 | 320 | " in text
    assert "**no**" in text
    assert "Peak memory of the process that served every request: 150 MB" in text
