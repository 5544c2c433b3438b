"""Helpers shared by test_consumer.py and test_security.py."""

from __future__ import annotations

import re
import time
from typing import Any
from unittest import mock

from django.test import RequestFactory

from live_views.connect.tokens import make_connect_token
from live_views.testing import LiveClient, LivePage

SOCKET = "/live/ws/"
BROWSER_HEADERS = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
_COUNT_RE = re.compile(r'<p id="count">(-?\d+)</p>')
_TOKEN_RE = re.compile(r'hx-ws:connect="/live/ws/\?t=([^"]+)"')


class TrackingLiveClient(LiveClient):
    """A LiveClient that closes every socket it opened when it is closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages: list[LivePage] = []

    def open_socket(
        self, url: str, page_html: str = "", *, headers: list[tuple[bytes, bytes]] | None = None
    ) -> LivePage:
        page = super().open_socket(url, page_html, headers=headers)
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            if page.close_code is not None:
                # LivePage.close() on a page the server closed waits for the whole client timeout
                # (the consumer never hears the client's disconnect; see
                # test_closing_a_refused_page_is_prompt). Say goodbye for it.
                disconnect = {"type": "websocket.disconnect", "code": page.close_code}
                page._loop.run(page._page._communicator.send_input(disconnect))
            page.close()
        self.pages.clear()
        super().close()


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
