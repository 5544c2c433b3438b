"""One page answered in turn by two real gunicorn processes that share a file-based state
cache, as a load balancer without sticky sessions sends it: each request goes to the other
process. What the page and its live component keep in ``live_state`` follows it from process
to process (live_views/socket/holder.py)."""

from __future__ import annotations

import html as html_lib
import http.cookiejar
import json
import re
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from live_views.testing.uploads import page_token
from tests.live_server import WsgiServer

ROOT = Path(__file__).resolve().parent.parent


class ProjectWorker(WsgiServer):
    """The test project (tests/settings_workers.py) under gunicorn: its pages need no database;
    its state cache is ``cache_dir``."""

    ready_path = "/hidable-kept/"

    def __init__(self, cache_dir: Path) -> None:
        super().__init__()
        self.cache_dir = cache_dir

    def migrate(self) -> None:
        pass

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "DJANGO_SETTINGS_MODULE": "tests.settings_workers",
            "LIVE_VIEWS_TEST_CACHE_DIR": str(self.cache_dir),
        }

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "django.core.wsgi:get_wsgi_application()",
            "--chdir", str(ROOT), "--bind", f"{self.host}:{self.port}",
            "--worker-class", "gthread", "--threads", "4", "--graceful-timeout", "2",
        ]  # fmt: skip


@pytest.fixture(scope="module")
def workers(tmp_path_factory) -> Iterator[tuple[ProjectWorker, ProjectWorker]]:
    cache_dir = tmp_path_factory.mktemp("state-cache")
    with ProjectWorker(cache_dir) as a, ProjectWorker(cache_dir) as b:
        yield a, b


class Browser:
    """One tab's page, its frames sent to whichever process the balancer picks."""

    def __init__(self, server: ProjectWorker, path: str) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with self.opener.open(server.url(path), timeout=10) as response:
            self.html = response.read().decode()
        self.token = page_token(self.html)
        self.csrf = html_lib.unescape(re.search(r'data-live-csrf="([^"]+)"', self.html)[1])
        self.address = re.search(r'data-live-component="([^"]+)"', self.html)[1]
        self.ref = 0

    def send(self, server: ProjectWorker, frame: dict) -> str:
        body = urlencode({"token": self.token, "frame": json.dumps(frame), "search": ""})
        headers = {
            "HX-Request": "true",
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": server.base_url,
        }
        request = urllib.request.Request(
            server.url("/live/http/"), body.encode(), headers, method="POST"
        )
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def event(self, server: ProjectWorker, name: str, **args) -> str:
        self.ref += 1
        return self.send(server, {"event": name, "args": args, "form": {}, "ref": self.ref})

    def inc(self, server: ProjectWorker, by: int) -> int | None:
        self.ref += 1
        frame = {"event": "inc", "args": {"by": by}, "component": self.address, "ref": self.ref}
        return modal_value(self.send(server, frame))


def modal_value(reply: str) -> int | None:
    """The modal's value once the browser applied the reply's swaps, in their order."""
    reply = reply[max(reply.rfind('id="lv-modal"'), 0) :]
    found = re.findall(r'<span class="value">(\d+)</span>', reply)
    return int(found[-1]) if found else None


def test_a_components_live_state_follows_the_page_between_two_processes(workers):
    a, b = workers
    tab = Browser(a, "/hidable-kept/")
    tab.send(a, {"join": {"version": "", "blocks": {}}})
    assert tab.inc(a, 4) == 5
    assert tab.inc(b, 2) == 7  # b mounts the page from its token and the shared cache
    assert tab.inc(a, 1) == 8  # a holds its copy at 5: it takes up what b saved
    assert tab.inc(b, 1) == 9
    assert tab.inc(a, 1) == 10


def test_a_component_one_process_dropped_starts_afresh_on_the_other(workers):
    a, b = workers
    tab = Browser(a, "/hidable-kept/")
    tab.send(a, {"join": {"version": "", "blocks": {}}})
    assert tab.inc(a, 4) == 5
    assert modal_value(tab.event(b, "hide")) is None
    assert modal_value(tab.event(b, "show")) == 1
    assert tab.inc(a, 1) == 2  # not a's own 5 + 1
