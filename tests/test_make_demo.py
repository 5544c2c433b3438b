"""`make demo PORT=…` serves the sample site on that port, and stopping it leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import port_open
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parent.parent


def wait_for_page(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"make demo did not serve {url} in {timeout} s")


def processes_in_group(group: int) -> list[str]:
    listing = subprocess.run(
        ["ps", "-o", "pid=,args=", "-g", str(group)], capture_output=True, text=True
    )
    return [line for line in listing.stdout.splitlines() if line.strip()]


@pytest.mark.skipif(
    os.environ.get("LIVE_VIEWS_TEST_DB") == "postgres", reason="the demo uses SQLite: run once"
)
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_make_demo_serves_on_port_and_stops_cleanly(tmp_path, stop):
    port = free_port()
    env = {**os.environ, "DEMO_DB": str(tmp_path / "db.sqlite3"), "DEMO_CACHE_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "make.log"
    with log.open("w") as output:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "demo", f"PORT={port}"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )  # fmt: skip
    try:
        home = wait_for_page(f"http://127.0.0.1:{port}/", make, log)
        assert "django-live-views demos" in home
        # Ctrl-C signals the terminal's whole foreground group; `kill` signals make alone.
        if stop == signal.SIGINT:
            os.killpg(make.pid, stop)
        else:
            make.send_signal(stop)
        make.wait(timeout=20)
        for _ in range(50):
            if not port_open("127.0.0.1", port) and not processes_in_group(make.pid):
                break
            time.sleep(0.1)
        assert not port_open("127.0.0.1", port), "the demo still serves after make stopped"
        assert processes_in_group(make.pid) == [], "processes left behind"
    finally:
        if make.poll() is None or processes_in_group(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
