"""Browser journeys: Debian's Chromium driven by pytest-playwright against Django's live server."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop running in the test thread from the first browser test on,
# so without this Django raises SynchronousOnlyOperation on every ORM call made in that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-results" / "e2e"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {', '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Assert that axe finds no WCAG 2.0, 2.1 or 2.2 level A or AA violation on the current page."""
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"axe found violations on {page.url}:\n{describe_violations(violations)}"


def save_png(path: Path, image: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image)


@pytest.fixture(scope="session")
def screenshots():
    """Collect the session's screenshots, then write again any that were deleted before the session ended.

    pytest-playwright deletes test-results/ when each session starts, and under xdist each worker is a
    session: a worker that starts late deletes the screenshots another worker already saved.
    """
    images_by_path: dict[Path, bytes] = {}
    yield images_by_path
    for path, image in images_by_path.items():
        if not path.exists():
            save_png(path, image)


@pytest.fixture
def checkpoint(request, page, screenshots):
    """Return a function that saves a full-page screenshot into test-results/e2e/, then runs axe."""
    test_name = re.sub(r"\W+", "-", request.node.name).strip("-")
    count = 0

    def check(name: str) -> None:
        nonlocal count
        count += 1
        path = SCREENSHOT_DIR / f"{test_name}-{count:02d}-{name}.png"
        screenshots[path] = page.screenshot(full_page=True)
        save_png(path, screenshots[path])
        assert_accessible(page)

    return check


def login(page, live_server, email: str, password: str, check=None) -> None:
    """Sign in through the login page and wait for the dashboard.

    Fields and button are found by id and type, so this works whatever the page language. `check`, the
    function the `checkpoint` fixture returns, runs on the login page when given.
    """
    page.goto(live_server.url + reverse("accounts:login"))
    if check is not None:
        check("login")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:dashboard")) + "$"))
