"""Serve sample_site through a real ASGI server (uvicorn) in a subprocess, for browser tests.

    with LiveServer() as server:
        page.goto(server.url("/counter/"))
        ...
        server.stop()   # the open page sees its socket close
        server.start()  # same port, same database: the page can reconnect

The server runs like production (DJANGO_DEBUG=0) on a free 127.0.0.1 port, against a temporary
SQLite file migrated once by ``manage.py migrate``. Its stdout and stderr go to a log file that
``server.log`` returns, so a failing test can print what the server said.

Several servers can share one database (scale-out tests): pass the same ``db_path=`` to each. The
first one to start migrates it; ``close()`` never deletes a database it was given.

    with LiveServer(db_path=db, env=redis) as a, LiveServer(db_path=db, env=redis) as b:
        ...
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path

SAMPLE_SITE = Path(__file__).resolve().parent.parent / "sample_site"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class LiveServerError(RuntimeError):
    pass


class LiveServer:
    """A uvicorn subprocess serving sample_site; start()/stop() may be called repeatedly."""

    host = "127.0.0.1"
    ready_path = "/"  # a page that answers 200 once the server is up

    def __init__(
        self,
        *,
        # Generous: only a server that fails waits it out, and a restarted uvicorn took over 20 s
        # to answer once on a machine loaded far past its two cores (xdist workers, Chromium).
        startup_timeout: float = 60.0,
        stop_timeout: float = 5.0,
        env=None,
        db_path: str | os.PathLike[str] | None = None,
        server_args: list[str] | None = None,
        tls: bool = False,
    ):
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.extra_env = dict(env or {})
        self._db_path = None if db_path is None else Path(db_path)
        self.server_args = list(server_args or [])  # extra uvicorn options
        self.port = free_port(self.host)
        # tls=True: HTTPS and wss:// with a self-signed certificate made by openssl at start;
        # browsers must ignore certificate errors (Playwright: ignore_https_errors=True).
        self.tls = tls
        self.base_url = f"{'https' if tls else 'http'}://{self.host}:{self.port}"
        self._tmpdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file = None

    # -- paths and environment ---------------------------------------------------------------

    @property
    def tmpdir(self) -> Path:
        if self._tmpdir is None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="live-views-e2e-"))
        return self._tmpdir

    @property
    def db_path(self) -> Path:
        """The SQLite file: the one given to ``__init__``, else one in this server's tmpdir."""
        if self._db_path is not None:
            return self._db_path
        return self.tmpdir / "db.sqlite3"

    @property
    def log_path(self) -> Path:
        return self.tmpdir / "server.log"

    @property
    def log(self) -> str:
        """Everything the server (and the migrate run) wrote so far, stdout and stderr."""
        if self._tmpdir is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not running"
        return self._process.pid

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DEMO_DB=str(self.db_path),
            # Page state's file cache, beside the database: servers that share one share both.
            DEMO_CACHE_DIR=str(self.db_path.parent / "cache"),
            DEMO_MEDIA_ROOT=str(self.db_path.parent / "media"),
            DJANGO_SETTINGS_MODULE="sample_site.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="tests-live-server-only",
            PYTHONUNBUFFERED="1",
            # This checkout's live_views, whatever an editable install elsewhere points to.
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(SAMPLE_SITE.parent), env.get("PYTHONPATH")])
            ),
        )
        env.update(self.extra_env)
        return env

    def new_user(self) -> str:
        """A user of the server's database with demo's password ("demo"), for a test that counts
        its user's places under MAX_CONNECTIONS_PER_SESSION: demo's count every page an earlier
        test left, and one whose leave was lost as its browser context closed holds its place
        until it idles out (90 s). Written beside the running server (SQLite waits for its lock)."""
        username = f"user-{uuid.uuid4().hex[:12]}"
        with closing(sqlite3.connect(self.db_path, timeout=30)) as db, db:
            db.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
                " email, is_staff, is_active, date_joined)"
                " SELECT password, 0, ?, '', '', '', 0, 1, date_joined FROM auth_user"
                " WHERE username = 'demo'",
                (username,),
            )
        return username

    # -- lifecycle ---------------------------------------------------------------------------

    def migrate(self) -> None:
        self._write_log(f"--- manage.py migrate ({self.db_path})\n")
        with self.log_path.open("ab") as log:
            result = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                cwd=SAMPLE_SITE,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=60,
                check=False,
            )
        if result.returncode != 0:
            raise LiveServerError(f"manage.py migrate failed:\n{self.log}")

    def start(self) -> None:
        """Start uvicorn (migrating the database first, once) and wait until it answers."""
        if self.running:
            return
        if not self.db_path.exists():
            self.migrate()
        self._write_log(f"--- uvicorn start on {self.base_url}\n")
        self._log_file = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.command(),
            cwd=SAMPLE_SITE,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "sample_site.asgi:application",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--lifespan",
            "off",
            *self._tls_args(),
            *self.server_args,
        ]

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise LiveServerError(
                    f"uvicorn exited with {self._process.returncode} before answering:\n{self.log}"
                )
            try:
                context = ssl.create_default_context(cafile=self.cert_path) if self.tls else None
                url = self.url(self.ready_path)
                with urllib.request.urlopen(url, timeout=2, context=context) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise LiveServerError(
                    f"uvicorn did not answer on {self.base_url} within "
                    f"{self.startup_timeout:.0f}s:\n{self.log}"
                )
            time.sleep(0.05)

    @property
    def cert_path(self) -> Path:
        """The self-signed certificate of a tls=True server (made at start)."""
        return self.tmpdir / "cert.pem"

    def _tls_args(self) -> list[str]:
        if not self.tls:
            return []
        key, cert = self.tmpdir / "key.pem", self.cert_path
        if not cert.exists():
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                 "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={self.host}",
                 "-addext", f"subjectAltName=IP:{self.host}"],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
        return ["--ssl-keyfile", str(key), "--ssl-certfile", str(cert)]

    def stop(self) -> None:
        """SIGTERM the server, SIGKILL it if it is still there after stop_timeout seconds."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=self.stop_timeout)
            self._write_log(f"--- uvicorn exited with {process.returncode}\n")
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def close(self) -> None:
        """Stop the server and delete the temporary database and log."""
        self.stop()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> LiveServer:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _write_log(self, text: str) -> None:
        with self.log_path.open("a") as log:
            log.write(text)


class WsgiServer(LiveServer):
    """sample_site under gunicorn (WSGI: no websockets), threads for its long-polls."""

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "sample_site.wsgi:application",
            "--bind",
            f"{self.host}:{self.port}",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--graceful-timeout",
            "2",
            *self.server_args,
        ]


class RunserverServer(LiveServer):
    """sample_site under Django's own ``runserver``, without daphne (WSGI, threaded)."""

    def env(self) -> dict[str, str]:
        return {**super().env(), "DEMO_WSGI": "1"}

    def command(self) -> list[str]:
        address = f"{self.host}:{self.port}"
        return [sys.executable, "manage.py", "runserver", "--noreload", address]
