#!/usr/bin/env python3
"""The HTTP transport beside the socket, and beside django-unicorn (HTTP), in one run.

For each target: one simulated tab loads the counter page, then sends `increment` events one
after the other, each waiting for its reply (the new count read from the reply). Printed: the
round trip (p50/p90, ms) and the server's CPU time per event (user+system of the server process
and its workers, from /proc, divided by the events sent), with the load average at the start.

Targets (server on CPU 0, this client on CPU 1, as bench/run.py does):
  live_views socket   uvicorn, the websocket (the default transport)
  live_views http     uvicorn (ASGI), frames as htmx POSTs to live/http/
  live_views http     gunicorn gthread (WSGI), the same
  django-unicorn      gunicorn gthread, its AJAX POST per event (the shared peer harness's app)
and, to tell Django's cost per request from ours, a request every server refuses early (a push
request with a bad token: the middleware, the session, the refusal) under uvicorn and gunicorn.

    python3 bench/http_transport.py              # 100 warm-up + 1000 events per target
    python3 bench/http_transport.py --n 200      # quicker

Our servers run from this checkout's .venv; django-unicorn from bench/.work/venvs/unicorn (built
from ../shared/bench-peers/requirements/unicorn.txt when missing) with a copy of the shared app
in bench/.work/apps/unicorn (the shared folder is never written to).
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from ports import free_port
from websockets.sync.client import connect as ws_connect

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS = Path(os.environ.get("BENCH_PEERS_DIR", REPO.parent / "shared" / "bench-peers"))
WORK = BENCH / ".work"
OURS = BENCH / "apps" / "live_views"
VENV = REPO / ".venv" / "bin"
UNICORN_VENV = WORK / "venvs" / "unicorn" / "bin"
TICKS = os.sysconf("SC_CLK_TCK")

CONNECT_RE = re.compile(r'hx-ws:connect="([^"]+)"')
CSRF_RE = re.compile(r'data-live-csrf="([^"]+)"')
BLOCK_RE = re.compile(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"')
COUNT_RE = re.compile(r'<span class="value">(-?\d+)</span>')
UNICORN_ROOT_RE = re.compile(r"<div[^>]*unicorn:id=[^>]*>")
ATTR_RE = re.compile(r"""(unicorn:[a-z]+)=(?:"([^"]*)"|'([^']*)')""")


# -- the server: started, its CPU time read, stopped -------------------------------------------


class Server:
    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        command = [part.replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: os.sched_setaffinity(0, {0}),
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    error = self.process.stderr.read()[:2000]
                    raise SystemExit(f"server did not start: {error}") from None
                time.sleep(0.1)

    def cpu(self) -> float:
        """CPU seconds (user + system) of the server and every process under it."""
        parents: dict[int, int] = {}
        times: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            times[pid] = (int(fields[11]) + int(fields[12])) / TICKS
        tree, frontier = {self.process.pid}, [self.process.pid]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        return sum(times.get(pid, 0.0) for pid in tree)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- one tab of each kind ----------------------------------------------------------------------


class Tab:
    """An HTTP client with a cookie jar, on one kept-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> str:
        if self.cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status != 200:
            raise SystemExit(f"{method} {path} -> {response.status}: {text[:300]}")
        return text


class LiveSocketTab(Tab):
    def load(self) -> None:
        page = self.request("GET", "/counter/", None, {})
        self.path = html.unescape(CONNECT_RE.search(page)[1])
        blocks = dict(BLOCK_RE.findall(page))
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.stack = ExitStack()
        self.ws = self.stack.enter_context(
            ws_connect(
                f"ws://127.0.0.1:{self.port}{self.path}",
                origin=f"http://127.0.0.1:{self.port}",
                additional_headers={"Cookie": cookie},
                compression=None,
            )
        )
        self.ws.send(json.dumps({"join": {"version": "", "blocks": blocks}}))
        assert "joined" in self.ws.recv(30)
        self.ref = 0

    def increment(self) -> int:
        self.ref += 1
        self.ws.send(json.dumps({"event": "increment", "args": {}, "form": {}, "ref": self.ref}))
        return int(COUNT_RE.search(json.loads(self.ws.recv(30))["content"])[1])

    def close(self) -> None:
        self.stack.close()


class LiveHttpTab(Tab):
    def load(self) -> None:
        page = self.request("GET", "/counter/", None, {})
        connect = html.unescape(CONNECT_RE.search(page)[1])
        self.token = parse_qs(urlsplit(connect).query)["t"][0]
        self.csrf = html.unescape(CSRF_RE.search(page)[1])
        self.ref = 0
        blocks = dict(BLOCK_RE.findall(page))
        self.post({"join": {"version": "", "blocks": blocks}})

    def post(self, frame: dict) -> str:
        body = urlencode({"token": self.token, "frame": json.dumps(frame)}).encode()
        headers = {
            "HX-Request": "true",
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.request("POST", "/live/http/", body, headers)

    def increment(self) -> int:
        self.ref += 1
        reply = self.post({"event": "increment", "args": {}, "form": {}, "ref": self.ref})
        return int(COUNT_RE.search(reply)[1])

    def close(self) -> None:
        self.conn.close()


class UnicornTab(Tab):
    """What the shared harness's unicorn adapter sends (adapters/unicorn.py there)."""

    def load(self) -> None:
        page = self.request("GET", "/counter/", None, {})
        root = UNICORN_ROOT_RE.search(page)[0]
        attrs = {k: html.unescape(a or b) for k, a, b in ATTR_RE.findall(root)}
        self.cid, self.name = attrs["unicorn:id"], attrs["unicorn:name"]
        self.data = json.loads(attrs["unicorn:data"])
        self.checksum, _, rest = attrs.get("unicorn:meta", "").partition(":")
        self.hash = rest.split(":", 1)[0]

    def increment(self) -> int:
        body = {
            "id": self.cid,
            "data": self.data,
            "meta": f"{self.checksum}:{self.hash}:{int(time.time() * 1000)}",
            "actionQueue": [
                {"type": "callMethod", "payload": {"name": "increment"}, "partials": []}
            ],
        }
        headers = {
            "Accept": "application/json",
            "X-Requested-With": "XMLHttpRequest",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Content-Type": "text/plain;charset=UTF-8",
        }
        reply = json.loads(
            self.request(
                "POST", f"/unicorn/message/{self.name}", json.dumps(body).encode(), headers
            )
        )
        self.data.update(reply.get("data") or {})
        parts = reply["meta"].split(":")
        self.checksum, self.hash = parts[0], parts[1] if len(parts) > 1 else self.hash
        return int(COUNT_RE.search(reply["dom"])[1])

    def close(self) -> None:
        self.conn.close()


# -- targets -----------------------------------------------------------------------------------


def ensure_unicorn() -> Path:
    app = WORK / "apps" / "unicorn"
    if not (UNICORN_VENV / "gunicorn").exists():
        print("[bench] building bench/.work/venvs/unicorn", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(UNICORN_VENV.parent)], check=True)
        requirements = PEERS / "requirements" / "unicorn.txt"
        subprocess.run([UNICORN_VENV / "pip", "install", "-q", "-r", requirements], check=True)
    if not app.exists():
        shutil.copytree(PEERS / "apps" / "unicorn", app, ignore=shutil.ignore_patterns("*.sqlite3"))
        for path in [app, *app.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    subprocess.run(
        [UNICORN_VENV / "python", "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=app,
        check=True,
    )
    return app


GUNICORN = ["--workers", "1", "--worker-class", "gthread", "--threads", "4"]
GUNICORN += ["--bind", "127.0.0.1:{port}", "--log-level", "warning"]
UVICORN = ["proj.asgi:application", "--host", "127.0.0.1", "--port", "{port}"]
UVICORN += ["--no-access-log", "--log-level", "warning", "--lifespan", "off"]


def targets(unicorn_app: Path) -> list[tuple[str, list[str], Path, dict[str, str], type[Tab]]]:
    ours = {"BENCH_URLCONF": "proj.urls_http", "PYTHONPATH": str(REPO)}
    return [
        ("live_views, socket (uvicorn)", [VENV / "python", "-m", "uvicorn", *UVICORN], OURS, ours,
         LiveSocketTab),
        ("live_views, HTTP (uvicorn, ASGI)", [VENV / "python", "-m", "uvicorn", *UVICORN], OURS,
         ours, LiveHttpTab),
        ("live_views, HTTP (gunicorn gthread, WSGI)",
         [VENV / "python", "-m", "gunicorn", *GUNICORN, "proj.wsgi:application"], OURS, ours,
         LiveHttpTab),
        ("django-unicorn, HTTP (gunicorn gthread)",
         [UNICORN_VENV / "gunicorn", *GUNICORN, "proj.wsgi:application"], unicorn_app, {},
         UnicornTab),
    ]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def measure(name, command, cwd, env, tab_class, warmup: int, n: int) -> dict:
    server = Server([str(part) for part in command], cwd, env)
    try:
        tab = tab_class(server.port)
        tab.load()
        count = None
        for _ in range(warmup):
            count = tab.increment()
        times = []
        cpu_before = server.cpu()
        for _ in range(n):
            started = time.perf_counter()
            shown = tab.increment()
            times.append(time.perf_counter() - started)
            assert count is None or shown == count + 1, f"{name}: count {shown} after {count}"
            count = shown
        cpu = server.cpu() - cpu_before
        tab.close()
    finally:
        server.stop()
    return {
        "target": name,
        "p50_ms": percentile(times, 50) * 1000,
        "p90_ms": percentile(times, 90) * 1000,
        "server_cpu_ms_per_event": cpu / n * 1000,
    }


def request_floor(n: int) -> None:
    """Django's own cost of a request under each server: a push request whose token is refused
    (the middleware, the session, the refusal; no page), CPU per request."""
    ours = {"BENCH_URLCONF": "proj.urls_http", "PYTHONPATH": str(REPO)}
    servers = {
        "uvicorn (ASGI)": [VENV / "python", "-m", "uvicorn", *UVICORN],
        "gunicorn gthread (WSGI)": [VENV / "python", "-m", "gunicorn", *GUNICORN, "proj.wsgi"],
    }
    for name, command in servers.items():
        server = Server([str(part) for part in command], OURS, ours)
        try:
            tab = Tab(server.port)

            def refused(tab: Tab = tab) -> None:
                tab.conn.request("GET", "/live/http/push/?token=x")
                response = tab.conn.getresponse()
                response.read()
                assert response.status == 400, response.status

            for _ in range(100):
                refused()
            before = server.cpu()
            for _ in range(n):
                refused()
            cpu = (server.cpu() - before) / n * 1000
        finally:
            server.stop()
        print(f"{'a refused request, ' + name:44} {'':8} {'':8} {cpu:20.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="events measured per target")
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    unicorn_app = ensure_unicorn()
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.warmup} warm-up + {args.n} sequential increments per target")  # fmt: skip
    print(f"{'target':44} {'p50 ms':>8} {'p90 ms':>8} {'server CPU ms/event':>20}")
    for target in targets(unicorn_app):
        row = measure(*target, args.warmup, args.n)
        print(
            f"{row['target']:44} {row['p50_ms']:8.2f} {row['p90_ms']:8.2f} "
            f"{row['server_cpu_ms_per_event']:20.3f}",
            flush=True,
        )
    request_floor(args.n)
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
