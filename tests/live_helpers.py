"""Helpers shared by the non-browser tests (test_consumer.py, test_security.py and others)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar
from unittest import mock

from django.test import RequestFactory

from live_views.connect.tokens import make_connect_token
from live_views.testing import LiveClient, LivePage

SOCKET = "/live/ws/"
BROWSER_HEADERS = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
_COUNT_RE = re.compile(r'<p id="count">(-?\d+)</p>')
_TOKEN_RE = re.compile(r'hx-ws:connect="/live/ws/\?t=([^"]+)"')
T = TypeVar("T")


class TrackingLiveClient(LiveClient):
    """A LiveClient whose open pages a test can read (``client.pages``)."""

    @property
    def pages(self) -> list[LivePage]:
        return self._pages


def count(page: LivePage) -> int:
    """The counter a CounterView page shows in its counter block."""
    match = _COUNT_RE.search(page.block("counter"))
    assert match is not None, page.block("counter")
    return int(match.group(1))


def assert_count_continues(page: LivePage, before: int) -> None:
    """A good event after an attack still works and counts on from ``before``."""
    reply = page.send("increment", amount=1)
    assert "error" not in reply, reply
    assert count(page) == before + 1


def send_raw(page: LivePage, frame: dict[str, Any] | str | bytes) -> dict[str, Any] | None:
    """Send a raw frame and return the next frame from the server (None once it closed)."""
    page.send_frame(frame)
    return page.receive(timeout=5)


def token_of(page_html: str) -> str:
    match = _TOKEN_RE.search(page_html)
    assert match is not None, "no live_connect on the page"
    return match.group(1)


def mint_token(path: str, query: str = "", *, at: float | None = None) -> str:
    """A genuinely signed token for an anonymous visitor without a session (as the server
    would make), optionally as if made at time ``at``."""
    request = RequestFactory().get(path, QUERY_STRING=query)
    if at is None:
        return make_connect_token(request)
    with mock.patch("time.time", return_value=at):
        return make_connect_token(request)


def days_ago(days: float) -> float:
    return time.time() - days * 24 * 60 * 60


def refusal_code(
    client: LiveClient, url: str, headers: list[tuple[bytes, bytes]] | None = None
) -> int | None:
    """Open a raw socket at ``url`` and return the code the server closed it with."""
    page = client.open_socket(url, headers=BROWSER_HEADERS if headers is None else headers)
    frame = page.receive(timeout=5)
    assert frame is None, f"the socket stayed open and sent {frame!r}"
    return page.close_code


def until(
    condition: Callable[[], T],
    what: str | Callable[[], str] = "the condition",
    timeout: float = 5.0,
) -> T:
    """Asks ``condition`` every 10 ms until it returns something true, and returns that; fails
    naming ``what`` after ``timeout`` s (a callable: asked then, to say what was seen)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, (
            f"timed out waiting: {what if isinstance(what, str) else what()}"
        )
        time.sleep(0.01)
    return value
