"""The WSGI entry point: it loads the application and keeps start-up objects out of the garbage collector's scans."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wsgi_freezes_start_up_objects():
    script = "import gc, config.wsgi; print(config.wsgi.application.__class__.__name__, gc.get_freeze_count())"

    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )

    name, frozen = completed.stdout.split()
    assert name == "WSGIHandler"
    assert int(frozen) > 10_000
