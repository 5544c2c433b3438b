"""How fast a live form validates: round trip and reply size of a `validate` event whose
clean_username() queries the database (the sign-up form of tests/formapp).

    .venv/bin/python bench/form_validation.py

In-process (live_views.testing drives the real ASGI app, no network), SQLite in a temp file.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.mkdtemp()) / "forms.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DB)}
settings.LIVE_VIEWS = {"EVENT_RATE": 1_000_000, "EVENT_BURST": 1_000_000}
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from live_views.testing import LiveClient  # noqa: E402

WARMUP, RUNS = 50, 500


def main() -> None:
    call_command("migrate", verbosity=0)
    User.objects.create_user("alice", password="pw")
    client = LiveClient()
    page = client.live("/forms/signup/")
    form = {"email": "a@example.com", "password": "correct horse", "password2": "correct horse"}
    times: list[float] = []
    sizes: list[int] = []
    for i in range(WARMUP + RUNS):
        # Alternate a taken and a free name: the error appears, then clears, every time.
        name = "alice" if i % 2 else f"bob{i}"
        start = time.perf_counter()
        reply = page.validate("username", username=name, **form)
        elapsed = (time.perf_counter() - start) * 1000
        if i >= WARMUP:
            times.append(elapsed)
            sizes.append(len(json.dumps(reply, separators=(",", ":"))))
    page.close()
    client.close()
    times.sort()
    print(
        f"validate round trip, {RUNS} events: p50 {statistics.median(times):.2f} ms, "
        f"p90 {times[int(RUNS * 0.9)]:.2f} ms; reply payload p50 {statistics.median(sizes):.0f} B "
        "(only the username field's block)"
    )


if __name__ == "__main__":
    main()
