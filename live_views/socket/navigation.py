"""Navigation inside a live page: the query part of its URL, changed by the server
(``live_patch``) or by the browser (back/forward, a reconnect), re-renders the same instance.

Only the query may change: the path is the one the connect token was signed for. Every new query
is run through the URL's view callable again, access checks and all, exactly as a GET of the new
URL would be; the browser may send any query a user could type in the address bar.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict

from live_views.connect import wire
from live_views.pubsub.topics import topics_of
from live_views.runtime import Patch
from live_views.socket import components, failures, protocol
from live_views.socket.mount import Refused, dispatch_mount
from live_views.socket.page_topics import Following, follow_view
from live_views.views import LiveViewMixin

logger = logging.getLogger("live_views")


class QueryRefused(PermissionDenied):
    """The view refused a query (a 403, a 404, a redirect): as its GET would answer."""


class NavigablePage(Following, Protocol):
    request: HttpRequest
    view: LiveViewMixin
    path: str

    def confirm_session(self) -> None: ...

    def render_frame(self, *, refresh: bool) -> dict[str, Any]: ...


def patch_frame(patch: Patch) -> dict[str, Any]:
    search = f"?{patch.query}" if patch.query else ""
    return {wire.PATCH: {"search": search, "replace": patch.replace}}


def take_patch(view: LiveViewMixin, request: HttpRequest) -> Patch | None:
    """The handler's patch, if it changes the query: patching to the query the page already
    shows adds no history entry (Back would seem to do nothing)."""
    runtime = view.live_runtime
    patch, runtime.patch = runtime.patch, None
    # Compared as the patch was encoded: the page's URL may spell the same query otherwise
    # ("a%20b" from Django's |urlencode filter, "a+b" from QueryDict.urlencode()).
    if patch is not None and patch.query == QueryDict(current_query(request)).urlencode():
        return None
    return patch


def current_query(request: HttpRequest) -> str:
    return str(request.META.get("QUERY_STRING", ""))


def set_query(request: HttpRequest, query: str) -> None:
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def apply_patch(page: NavigablePage, patch: Patch) -> None:
    """Show the patched query: the view's access checks and ``get()`` run again for it. On a
    refusal the request keeps its query and the refusal propagates (the event fails)."""
    _run_for_query(page, patch.query, confirm_session=False)


def follow_browser(page: NavigablePage, query: str) -> dict[str, Any] | None:
    """The browser shows ``query`` (back/forward, or a reconnect after a patch). None when the
    page may render it; a reload frame when the view refuses it, so the browser loads that URL
    over HTTP and shows what Django would (a login page, a 403, a 404)."""
    try:
        _run_for_query(page, query, confirm_session=True)
    except PermissionDenied:
        return {wire.RELOAD: True}
    return None


def follow_link(page: NavigablePage, query: str, ref: int | None) -> dict[str, Any]:
    """A ``data-live-patch`` link asks for ``query``: answered as a handler's ``live_patch()``
    to it is. Rendered, with a ``patch`` that gives the browser its history entry once the
    blocks are in; refused (a 403, a 404, a redirect), the ``patch_refused`` error: the page
    keeps its query and the browser its address, and the page's JS hears why (``live:error``).
    Back to a refused query reloads it instead (``follow_browser``): the address bar shows
    that URL already, and only a load can show what is there."""
    shown = current_query(page.request)
    try:
        _run_for_query(page, query, confirm_session=True)
    except PermissionDenied as exc:
        detail = str(exc)
        logger.warning(
            "live_views: %s refused the query of a data-live-patch link (patch_refused)%s",
            type(page.view).__qualname__,
            f": {detail}" if detail else "",
        )
        message = "The view refused the query of this data-live-patch link."
        if settings.DEBUG and detail:
            message += failures.debug_reason(detail)
        return protocol.error_frame("patch_refused", message, ref)
    try:
        frame = page.render_frame(refresh=False)
    except BaseException:
        # No patch goes out, so the address bar keeps the query it shows: the page does too
        # (as after a handler's live_patch() whose render failed), rather than render the
        # failing one from now on.
        set_query(page.request, shown)
        raise
    if query == shown:
        return frame  # the browser shows that URL already: no entry to add
    return {**frame, **patch_frame(Patch(query=query, replace=False))}


def _run_for_query(page: NavigablePage, query: str, *, confirm_session: bool) -> None:
    request = page.request
    previous = current_query(request)
    set_query(request, query)
    checking_session = True  # a 4401 from here is the session's end: the socket closes
    try:
        if confirm_session:
            page.confirm_session()
        checking_session = False
        dispatch_mount(request, page.path, page=page.view)
        # The view shows another query: it may follow other rows now (a board picked by
        # ?board=), and must stop hearing those it no longer shows.
        own = topics_of(page.view.get_live_subscriptions())
        follow_view(page, own, components.followed_topics(page.view))
    except BaseException as exc:
        set_query(request, previous)
        page.view.live_runtime.context = None  # rebuilt for the previous query at the next render
        if isinstance(exc, Refused) and not (
            checking_session and exc.code == wire.CLOSE_LOGIN_REQUIRED
        ):
            # A view that refuses this query (a 403, a 404, a redirect) leaves the page as it
            # was; an anonymous visitor's redirect is a 4401 too (refused_by), but not the
            # session's end: the page stays, where closing the socket reloaded it.
            raise QueryRefused(str(exc)) from None
        raise  # the session ended (4401: the socket closes), or the view failed
