"""What a browser would show of one live page: its HTML, the errors it was sent, where it was
redirected and its history entries, updated by each frame the server sends."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from django.http import HttpResponse
from django.urls import Resolver404, resolve

from live_views.http.session_hop import redeem_ticket
from live_views.render.collector import block_id
from live_views.testing.dom import apply_swaps, inner_html

# What the browser sends when the page's own JS navigates to the session route.
SAME_ORIGIN = {"sec-fetch-site": "same-origin"}
# What it sends when the page's JS fetches it in the background (a visitor's first session).
FETCHED = {
    **SAME_ORIGIN,
    "sec-fetch-mode": "cors",
    "sec-fetch-dest": "empty",
    "x-live-session": "1",
}


def _is_session_ticket(url: str) -> bool:
    """Whether ``url`` is the session route of ``live_views.urls`` with a ticket: where a
    handler that gave the session a new key (``login()``) sends the browser."""
    parts = urlsplit(url)
    if parts.netloc or "ticket" not in parse_qs(parts.query):
        return False
    try:
        return resolve(parts.path).func is redeem_ticket
    except Resolver404:
        return False


class PageScreen:
    def __init__(self, html: str) -> None:
        self.html = html
        self.frames: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.redirect_url: str | None = None
        # The session route's URL, with its ticket, that the last redirect sent the browser to
        # (``login()`` in a handler), or that the page fetched (a visitor's first session); the
        # page's client redeems it, as the browser does, unless told not to, and after a
        # redirect ``redirect_url`` is then where the route sent the browser on.
        self.session_ticket_url: str | None = None
        self.redeems_tickets = True
        self.ticket_due: str | None = None
        self.ticket_headers = SAME_ORIGIN
        self.close_code: int | None = None
        self.close_reason = ""  # the server's sentence for close_code, if it gave one
        # The page's history entries, as the browser's address bar would show them: the page
        # load, then every live_patch() (a replace overwrites the current entry).
        self.history: list[str] = []
        self.at = 0

    @property
    def url(self) -> str | None:
        """The URL the browser would show now (``None`` for a socket opened by hand)."""
        return self.history[self.at] if self.history else None

    def block(self, name: str, key: object | None = None) -> str:
        """The current inner HTML of ``{% liveblock name key=... %}``."""
        return inner_html(self.html, block_id(name, key))

    def step_history(self, step: int) -> str:
        """Move ``step`` entries back (-1) or forward (1); the URL the browser then shows."""
        if not 0 <= self.at + step < len(self.history):
            where = "before" if step < 0 else "after"
            raise AssertionError(f"no history entry {where} {self.url!r}")
        self.at += step
        return self.history[self.at]

    def patch_search(self, href: str) -> str | None:
        """A ``data-live-patch`` link to ``href`` was clicked: the query it asks for (its
        ``location.search``), or None for the query shown now (the browser then does nothing).
        The history entry comes with the server's ``patch``, as after a ``live_patch()``."""
        if self.url is None:
            raise AssertionError("a socket opened by hand has no URL for a link to patch")
        shown = urlsplit(self.url)
        target = urlsplit(urljoin(self.url, href))
        if target.scheme or target.netloc or target.path != shown.path:
            # The browser loads such a link as any other: a page the test opens by itself.
            raise AssertionError(
                f"{href!r} is not a query of {shown.path}: the browser loads it as a link "
                "(open it with client.live())"
            )
        if target.query == shown.query:
            return None
        return f"?{target.query}" if target.query else ""

    def took_ticket(self, response: HttpResponse) -> None:
        """The session route answered the ticket due: the browser goes on where it redirects
        (the handler's redirect, or the page's own URL, which it loads anew); a first session's
        ticket, fetched in the background, leaves the page where it is."""
        url, self.ticket_due = self.ticket_due, None
        fetched, self.ticket_headers = self.ticket_headers is FETCHED, SAME_ORIGIN
        if response.status_code != (204 if fetched else 302):
            text = response.content.decode(errors="replace")
            raise AssertionError(
                f"GET {url} (the session route, which gives the browser the session a live "
                f"handler's login() made) answered {response.status_code}: {text}"
            )
        if not fetched:
            self.redirect_url = response["Location"]

    def apply(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)
        if "content" in frame:
            self.html = apply_swaps(self.html, frame["content"])
        if "error" in frame:
            self.errors.append(frame["error"])
        if "redirect" in frame:
            self.redirect_url = frame["redirect"]
            ticket = _is_session_ticket(frame["redirect"])
            self.session_ticket_url = frame["redirect"] if ticket else None
            if ticket and self.redeems_tickets:
                self.ticket_due = frame["redirect"]
        if isinstance(frame.get("session"), str):  # fetched in the background: the page stays
            self.session_ticket_url = frame["session"]
            if self.redeems_tickets:
                self.ticket_due, self.ticket_headers = frame["session"], FETCHED
        if isinstance(frame.get("patch"), dict) and self.history:
            url = self.history[self.at].partition("?")[0] + frame["patch"]["search"]
            if frame["patch"].get("replace"):
                self.history[self.at] = url
            else:
                del self.history[self.at + 1 :]
                self.history.append(url)
                self.at += 1


class ScreenMirror:
    """The sync page shows what its async page shows."""

    _page: PageScreen

    @property
    def html(self) -> str:
        return self._page.html

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self._page.errors

    @property
    def frames(self) -> list[dict[str, Any]]:
        return self._page.frames

    @property
    def redirect_url(self) -> str | None:
        return self._page.redirect_url

    @property
    def session_ticket_url(self) -> str | None:
        return self._page.session_ticket_url

    @property
    def close_code(self) -> int | None:
        return self._page.close_code

    @property
    def close_reason(self) -> str:
        return self._page.close_reason

    @property
    def url(self) -> str | None:
        return self._page.url

    @property
    def history(self) -> list[str]:
        return self._page.history

    def block(self, name: str, key: object | None = None) -> str:
        return self._page.block(name, key)
