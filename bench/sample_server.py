"""The sample site under uvicorn on a free port, for the bench tools that attack it (flood.py,
fuzz_frames.py): a private SQLite file, cache and media directory, DEBUG off, migrated and filled
by a setup script before the server starts, stopped (and its files removed) on exit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

from ports import free_port


class SampleServer:
    def __init__(
        self,
        source: Path,
        *,
        setup: str = "",
        settings: str = "",
        env: dict[str, str] | None = None,
        uvicorn: tuple[str, ...] = (),
    ) -> None:
        """``setup``: Python run with Django set up, after migrate. ``settings``: the text of a
        settings module used instead of the sample site's (it may star-import them)."""
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-site-")
        self.port = free_port()
        self.log = Path(self.tmp.name) / "server.log"
        self.site = source / "sample_site"
        self.setup = setup
        self.uvicorn = uvicorn
        if settings:
            Path(self.tmp.name, "bench_settings.py").write_text(settings)
        self.env = {
            **os.environ,
            "DEMO_DB": f"{self.tmp.name}/db.sqlite3",
            "DEMO_CACHE_DIR": f"{self.tmp.name}/cache",
            "DEMO_MEDIA_ROOT": f"{self.tmp.name}/media",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only",  # the sample site refuses to start without one
            "DJANGO_SETTINGS_MODULE": "bench_settings" if settings else "sample_site.settings",
            "PYTHONPATH": os.pathsep.join([self.tmp.name, str(source), str(self.site)]),
            **(env or {}),
        }
        self.env.pop("REDIS_URL", None)  # the in-memory channel layer: one process, no Redis
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SampleServer:
        def run(*args: str) -> None:
            subprocess.run([sys.executable, *args], cwd=self.site, env=self.env, check=True)

        run("manage.py", "migrate", "-v", "0")
        if self.setup:
            run("-c", "import django; django.setup()\n" + self.setup)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "sample_site.asgi:application", "--host",
                 "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
                 "--no-access-log", "--timeout-graceful-shutdown", "2", *self.uvicorn],
                cwd=self.site, env=self.env, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                raise SystemExit(f"the server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)
        return self

    def _answers(self) -> bool:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/counter/")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
        self.tmp.cleanup()

    def tracebacks(self) -> list[str]:
        """The server log's lines that begin an unhandled exception or an error."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if line.startswith(("Traceback", "ERROR"))]
