"""Render once for many viewers: broadcast refreshes of views that declare
``live_shared_render = True``.

Such a view says its page does not depend on who looks at it. A batch of refreshes (socket/
batch.py) then renders each distinct page once — per view class, path and query, and
``live_state`` values — as an anonymous visitor with no session would see it, so a shared render
can never carry one user's data to another; every page of that key is sent the blocks that
changed for its own browser. Each page's access checks still run with its own user, once per user
(and session) per batch, not once per page; the session is read once per batch too.

``{% csrf_token %}`` and the page's CSP nonce are the per-browser values such a render may hold (a
plain POST form, a ``<script nonce>`` in a liveblock): the shared render holds a placeholder for
each, and each page is sent its own token and nonce in their place, as an HTTP response to its
browser would hold. Rendered as they came, the first visitor's CSRF secret (the middleware put
it in the request) went to every other visitor, whose forms then failed the CSRF check, and so
did its nonce: their scripts did not run, and they knew a nonce of another visitor's page.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Protocol

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone, translation

from live_views.components.csrf import TOKEN_STAND_IN
from live_views.connect import wire
from live_views.connect.csp import page_nonce
from live_views.render.collector import BlockCollector
from live_views.render.diff import BlockDiff
from live_views.render.pruning import render_liveblocks
from live_views.socket.csrf import PageCsrfToken
from live_views.socket.interning import Interned
from live_views.socket.mount import Refused, check_access, resolve_live_view
from live_views.socket.processing import RequestProcessing
from live_views.socket.protocol import encoded
from live_views.socket.sessions import SessionWatch
from live_views.socket.state import state_names
from live_views.views import LiveViewMixin


class LivePage(Protocol):
    """What of a page (socket/page.py) a shared refresh reads."""

    view: LiveViewMixin
    request: HttpRequest
    path: str
    diff: BlockDiff
    session_watch: SessionWatch
    processing: RequestProcessing
    visitor_headers: tuple[tuple[str, str], ...] | None
    csrf: PageCsrfToken

    def confirm_session(self) -> None: ...


# Headers that carry who the visitor is: an anonymous render sends none of them to the view.
_PRIVATE_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION")
# The visitor's CSRF secret (CsrfViewMiddleware read it from the cookie into META).
_PRIVATE_META = ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE")
# What ``{% csrf_token %}`` renders in a shared render, replaced by each page's own token.
# Random per process: a visitor's text cannot spell it to have another's token put there.
CSRF_PLACEHOLDER = "lvcsrf" + secrets.token_hex(16)
# What the page's CSP nonce renders as there (``{{ csp_nonce }}``, ``{{ request.csp_nonce }}``).
NONCE_PLACEHOLDER = "lvnonce" + secrets.token_hex(16)
# Where a CSP middleware keeps the nonce on the request (connect/csp.py's page_nonce()).
_NONCE_ATTRIBUTES = ("csp_nonce", "_csp_nonce")
# Differ from one socket to the next of the same browser, and mean nothing to a middleware.
_PER_SOCKET_HEADERS = frozenset({"HTTP_COOKIE", "HTTP_SEC_WEBSOCKET_KEY"})

# A browser's pages, and most browsers of one kind, come with equal headers: one tuple of them
# for the process, not one per page, and equal visitors' keys then compare by identity.
_shared_headers: Interned[tuple[tuple[str, str], ...]] = Interned()

RenderKey = tuple[type, str, str, str, bool, str, str, str, str, Any]
VisitorKey = tuple[str, str, Any, tuple[tuple[str, str], ...]]
# What a visitor's pages meet: the language and time zone its middleware activated, or a refusal.
Outcome = tuple[str, str] | BaseException


def is_shared(view: object) -> bool:
    return getattr(view, "live_shared_render", False) is True


class SharedRenders:
    """What one batch of refreshes has already rendered, checked and confirmed.

    The first page of a visitor (its URL and query, its user, or its session when signed out,
    and the headers and cookies a middleware could read) runs the page's middleware, its
    session read and its access checks; the visitor's other pages in the batch take that
    outcome as it is: a page costs a dictionary look-up, and its frame is built and encoded once
    for all the pages that showed the same versions before.
    """

    def __init__(self) -> None:
        self.renders: dict[RenderKey, BlockCollector] = {}
        self.visitors: dict[VisitorKey, Outcome] = {}
        self.tracebacks: dict[VisitorKey, TracebackType | None] = {}
        self.sessions: dict[str, Exception | None] = {}
        self.frames: dict[tuple[RenderKey, tuple[tuple[str, str], ...]], Changes] = {}
        self.by_shown: dict[tuple[RenderKey, int], tuple[dict[str, str], Changes]] = {}

    def refresh(self, page: LivePage) -> dict[str, Any]:
        """The page's refresh frame, from the batch's one render of its key."""
        self.confirm_session(page)
        visitor = visitor_key(page)
        outcome = self.visitors.get(visitor)
        if outcome is None:
            try:
                outcome = page.processing.run(lambda: self._check_access(page))
            except Exception as exc:  # a middleware refused this visitor: so all its pages
                outcome = exc
                self.tracebacks[visitor] = exc.__traceback__
            self.visitors[visitor] = outcome
        if isinstance(outcome, Http404 | PermissionDenied):
            return {wire.RELOAD: True}
        if isinstance(outcome, BaseException):
            # Each of the visitor's pages fails with it, as its own: one object raised again
            # for every page gathered each raise's frames in its traceback.
            raise _own_copy(outcome, self.tracebacks.get(visitor))
        activated = outcome
        key = render_key(page, activated)
        if key not in self.renders:  # another state: under the page's middleware again
            key = page.processing.run(lambda: self._render(page, activated))
        return self._changes(page, key)

    def _check_access(self, page: LivePage) -> Outcome:
        """In the page's request processing: its access checks, the language and time zone
        the middleware chose for it, and its render if the batch has none of its key yet."""
        try:
            check_access(page.request, page.path)
        except Refused as exc:
            if exc.code == wire.CLOSE_NOT_FOUND:
                return Http404(str(exc))
            if exc.code == wire.CLOSE_LOGIN_REQUIRED:
                raise  # the session ended: the socket closes (4401)
            return PermissionDenied(str(exc))
        activated = (translation.get_language() or "", timezone.get_current_timezone_name())
        self._render(page, activated)  # in the same run of the middleware
        return activated

    def _render(self, page: LivePage, activated: tuple[str, str]) -> RenderKey:
        key = render_key(page, activated)
        if key not in self.renders:
            self.renders[key] = render_anonymously(page)
        return key

    def _changes(self, page: LivePage, key: RenderKey) -> dict[str, Any]:
        diff = page.diff
        # Pages sent the same frame before share the dict of what they show: one look-up by
        # that dict (kept here, so its id is not reused) serves them all.
        known = self.by_shown.get((key, id(diff.shown)))
        if known is not None and known[0] is diff.shown:
            changes = known[1]
        else:
            before = diff.shown
            shown = tuple(before.items())
            found = self.frames.get((key, shown))
            if found is None:
                found = self.frames[(key, shown)] = Changes(diff, self.renders[key])
            changes = found
            self.by_shown[(key, id(before))] = (before, changes)
        if diff.shown is not changes.versions:
            diff.share_shown(changes.versions)
        if changes.holds_personal_values:
            return encoded({wire.CONTENT: changes.own_content(page)})
        return changes.frame

    def confirm_session(self, page: LivePage) -> None:
        """The page's session read from its store: once per session and batch, for every
        page of the batch (a view rendered per user too)."""
        key = page.session_watch.session_key
        if key is None:
            return  # no session: nothing to read (SessionWatch.confirm), for most viewers
        if key not in self.sessions:
            try:
                page.confirm_session()
                self.sessions[key] = None
            except Refused as exc:
                self.sessions[key] = exc
        failure = self.sessions[key]
        if failure is not None:
            raise failure
        # Read once per session and batch: the other pages of that session rely on that read.


def _own_copy(exc: BaseException, traceback: TracebackType | None) -> BaseException:
    try:
        copied = copy.copy(exc)
    except Exception:  # an exception class copy cannot rebuild: the one object, then
        copied = exc
    copied.__cause__, copied.__context__ = exc.__cause__, exc.__context__
    return copied.with_traceback(traceback)


class Changes:
    """The frame for pages that showed the same versions of one render, built and encoded once."""

    def __init__(self, diff: BlockDiff, collector: BlockCollector) -> None:
        content = diff.take_changes(collector)
        self.versions = diff.share_shown()  # the pages sent this frame share it
        self.frame: dict[str, Any] = encoded({wire.CONTENT: content} if content else {})
        self.content = content
        self.holds_csrf_token = CSRF_PLACEHOLDER in content
        self.holds_nonce = NONCE_PLACEHOLDER in content

    @property
    def holds_personal_values(self) -> bool:
        """Whether each page needs its own copy of the content (its token, its nonce)."""
        return self.holds_csrf_token or self.holds_nonce

    def own_content(self, page: LivePage) -> str:
        """The content with the page's own CSRF token and CSP nonce in the placeholders'
        places (no nonce: empty, as the page's own render would have it)."""
        content = self.content
        if self.holds_csrf_token:
            content = content.replace(CSRF_PLACEHOLDER, page.csrf.value(page.request))
        if self.holds_nonce:
            nonce = page_nonce({"request": page.request}) or ""
            content = content.replace(NONCE_PLACEHOLDER, nonce)
        return content


def visitor_key(page: LivePage) -> VisitorKey:
    """Whom a middleware or an access check could tell apart: the URL and query, the user (or
    the session, signed out), and the headers and cookies the page's socket came with, but
    for those that differ per socket or carry the session (read apart, once per session)."""
    request = page.request
    if page.visitor_headers is None:
        # The page's request is the socket's for its whole life: worked out once per page.
        # The CSRF cookie is per browser (each test client, or a browser before its first
        # page, gets its own) and decides no access or language: it must not split a user.
        private = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
        headers = [(k, str(v)) for k, v in request.META.items() if k.startswith("HTTP_")]
        cookies = [(f"cookie:{k}", v) for k, v in request.COOKIES.items() if k not in private]
        page.visitor_headers = _shared_headers(
            tuple(
                sorted(
                    [
                        *(item for item in headers if item[0] not in _PER_SOCKET_HEADERS),
                        *cookies,
                        ("REMOTE_ADDR", str(request.META.get("REMOTE_ADDR", ""))),
                    ]
                )
            )
        )
    user: Any = getattr(request, "user", None)
    signed_in = getattr(user, "is_authenticated", False)
    who = ("user", user.pk) if signed_in else ("session", page.session_watch.session_key)
    return (page.path, request.META.get("QUERY_STRING", ""), who, page.visitor_headers)


def render_key(page: LivePage, activated: tuple[str, str]) -> RenderKey:
    view = page.view
    query = page.request.META.get("QUERY_STRING", "")
    names = state_names(view)
    state = json.dumps({name: getattr(view, name, None) for name in names}) if names else "{}"
    # The site the page is on (a tenant or site chosen by the host, a URLconf a middleware chose
    # for it), and the language and time zone its middleware activated, render apart too.
    meta = page.request.META
    site = (
        meta.get("HTTP_HOST", ""),
        meta.get("HTTP_X_FORWARDED_HOST", ""),
        getattr(page.request, "urlconf", None),
    )
    # A page that runs stale static files may show a "reload" banner the others do not.
    stale = view.live_runtime.static_changed
    return (type(view), page.path, query, state, stale, *activated, *site)


def anonymous_request(request: HttpRequest) -> HttpRequest:
    """``request`` as a visitor with no session, no cookies and no credentials would send it."""
    from django.contrib.auth.models import AnonymousUser  # only where auth is installed

    anonymous = copy.copy(request)
    private = (*_PRIVATE_HEADERS, *_PRIVATE_META)
    anonymous.META = {k: v for k, v in request.META.items() if k not in private}
    anonymous.COOKIES = {}
    anonymous.session = SessionBase()
    if hasattr(request, "user"):
        anonymous.user = AnonymousUser()
    anonymous.__dict__.pop("_messages", None)
    setattr(anonymous, TOKEN_STAND_IN, CSRF_PLACEHOLDER)  # {% csrf_token %} in its components
    for name in _NONCE_ATTRIBUTES:  # the page's CSP nonce: each page gets its own (Changes)
        if name in anonymous.__dict__:
            anonymous.__dict__[name] = NONCE_PLACEHOLDER
    return anonymous


def render_anonymously(page: LivePage) -> BlockCollector:
    """The page's liveblocks as an anonymous visitor would see them, with the page's state."""
    request = anonymous_request(page.request)
    match = resolve_live_view(page.path, page.request)
    view_class: Any = type(page.view)
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    view.live_runtime.connected = True
    view.live_runtime.static_changed = page.view.live_runtime.static_changed
    for name in state_names(page.view):
        if name in page.view.__dict__:
            setattr(view, name, copy.deepcopy(page.view.__dict__[name]))
    view.refresh_live_context()
    context = view.live_runtime.context
    if context is None:
        raise RuntimeError(f"{view_class.__qualname__}.get() did not render its template")
    # {% csrf_token %} in its liveblocks: they render from this context, where the key outranks
    # the csrf context processor's token (one minted for no browser). Its components build
    # contexts of their own from the request: they write the stand-in anonymous_request() put
    # on it.
    context.setdefault("csrf_token", CSRF_PLACEHOLDER)
    if "csp_nonce" in context:
        context["csp_nonce"] = NONCE_PLACEHOLDER
    return render_liveblocks(view.get_live_template(), context, request)


_current: ContextVar[SharedRenders | None] = ContextVar("live_views_shared", default=None)


def current() -> SharedRenders | None:
    return _current.get()


@contextmanager
def sharing(renders: SharedRenders | None = None) -> Iterator[SharedRenders]:
    """While a batch of refreshes runs: shared views render once per key."""
    renders = renders if renders is not None else SharedRenders()
    reset = _current.set(renders)
    try:
        yield renders
    finally:
        _current.reset(reset)
