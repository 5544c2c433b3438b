"""Navigation inside a live page: the query part of its URL, changed by the server
(``live_patch``) or by the browser (back/forward, a reconnect), re-renders the same instance.

Only the query may change: the path is the one the connect token was signed for. Every new query
is run through the URL's view callable again, access checks and all, exactly as a GET of the new
URL would be; the browser may send any query a user could type in the address bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict

from live_views import protocol

if TYPE_CHECKING:
    from live_views.connection import LiveConnection

_PENDING = "_live_patch"


@dataclass(frozen=True)
class Patch:
    """A handler's ``live_patch()``: the query to show, and how the browser records it."""

    query: str
    replace: bool

    def frame(self) -> dict[str, Any]:
        return {
            "patch": {"search": f"?{self.query}" if self.query else "", "replace": self.replace}
        }


def query_string(query: Mapping[str, Any] | str) -> str:
    """``query`` as a normalized query string (no "?"): a mapping is urlencoded (lists become
    repeated keys, ``None`` values are left out), a string is re-encoded."""
    if isinstance(query, str):
        if query.startswith("/") or "://" in query or "#" in query:
            raise ValueError(
                f"live_patch() changes the page's query only, not {query!r}. To go to another "
                "page, return redirect(url) from the handler."
            )
        return QueryDict(query.removeprefix("?")).urlencode()
    if isinstance(query, QueryDict):
        return query.urlencode()
    if not isinstance(query, Mapping):
        raise TypeError(
            f"live_patch() takes a mapping or a query string, not {type(query).__name__}."
        )
    encoded = QueryDict(mutable=True)
    for key, value in query.items():
        values = value if isinstance(value, list | tuple) else [value]
        encoded.setlist(str(key), [str(v) for v in values if v is not None])
    return encoded.urlencode()


def request_patch(view: Any, query: Mapping[str, Any] | str, *, replace: bool) -> None:
    """Record a ``live_patch()``; the page applies it once the handler has returned."""
    if not getattr(view, "live_connected", False):
        raise RuntimeError(
            f"{type(view).__qualname__}.live_patch() was called while serving an HTTP request; "
            "it changes the URL of a live page from an event handler. Over HTTP, return "
            "redirect(url) instead."
        )
    # On the instance: a handler that raises has its attributes restored, and the patch with
    # them; a second call in one handler wins.
    setattr(view, _PENDING, Patch(query_string(query), replace))


def take_patch(view: Any, request: HttpRequest) -> Patch | None:
    """The handler's patch, if it changes the query: patching to the query the page already
    shows adds no history entry (Back would seem to do nothing)."""
    patch: Patch | None = view.__dict__.pop(_PENDING, None)
    if patch is not None and patch.query == current_query(request):
        return None
    return patch


def current_query(request: HttpRequest) -> str:
    return str(request.META.get("QUERY_STRING", ""))


def set_query(request: HttpRequest, query: str) -> None:
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def apply_patch(page: LiveConnection, patch: Patch) -> None:
    """Show the patched query: the view's access checks and ``get()`` run again for it. On a
    refusal the request keeps its query and the refusal propagates (the event fails)."""
    _run_for_query(page, patch.query, confirm_session=False)


def follow_browser(page: LiveConnection, query: str) -> dict[str, Any] | None:
    """The browser shows ``query`` (back/forward, or a reconnect after a patch). None when the
    page may render it; a reload frame when the view refuses it, so the browser loads that URL
    over HTTP and shows what Django would (a login page, a 403, a 404)."""
    try:
        _run_for_query(page, query, confirm_session=True)
    except PermissionDenied:
        return {"reload": True}
    return None


def _run_for_query(page: LiveConnection, query: str, *, confirm_session: bool) -> None:
    from live_views.connection import Refused, _dispatch_mount

    request = page.request
    previous = current_query(request)
    set_query(request, query)
    try:
        if confirm_session:
            page.confirm_session()
        page.view._live_context = None
        _dispatch_mount(request, page.path, page=page.view)
    except BaseException as exc:
        set_query(request, previous)
        page.view._live_context = None  # rebuilt for the previous query by the next render
        if isinstance(exc, Refused) and exc.code != protocol.CLOSE_LOGIN_REQUIRED:
            # A view that refuses this query (a 403, a 404, a redirect) leaves the page as it was.
            raise PermissionDenied(str(exc)) from None
        raise  # the session ended (4401: the socket closes), or the view failed
