"""Render once for many viewers: broadcast refreshes of views that declare
``live_shared_render = True``.

Such a view says its page does not depend on who looks at it. A batch of refreshes (socket/
batch.py) then renders each distinct page once — per view class, path and query, and
``live_state`` values — as an anonymous visitor with no session would see it, so a shared render
can never carry one user's data to another; every page of that key is sent the blocks that
changed for its own browser. Each page's access checks still run with its own user, once per user
(and session) per batch, not once per page; the session is read once per batch too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import translation

from live_views.connect import wire
from live_views.render.collector import BlockCollector
from live_views.render.diff import BlockDiff
from live_views.render.pruning import render_liveblocks
from live_views.socket.mount import Refused, check_access, resolve_live_view
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

    def confirm_session(self) -> None: ...


# Headers that carry who the visitor is: an anonymous render sends none of them to the view.
_PRIVATE_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION")

RenderKey = tuple[type, str, str, str, str]
AccessKey = tuple[str, str, Any]


def is_shared(view: object) -> bool:
    return getattr(view, "live_shared_render", False) is True


class SharedRenders:
    """What one batch of refreshes has already rendered, checked and confirmed."""

    def __init__(self) -> None:
        self.renders: dict[RenderKey, BlockCollector] = {}
        self.access: dict[AccessKey, Exception | None] = {}
        self.sessions: dict[str, Exception | None] = {}

    def refresh(self, page: LivePage) -> dict[str, Any]:
        """The page's refresh frame, from the batch's one render of its key."""
        try:
            self._confirm_session(page)
            self._check_access(page)
        except (Http404, PermissionDenied):
            return {wire.RELOAD: True}
        collector = self._render(page)
        content = page.diff.take_changes(collector)
        return {wire.CONTENT: content} if content else {}

    def _confirm_session(self, page: LivePage) -> None:
        key = page.session_watch.session_key
        if key is None:
            page.confirm_session()
            return
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

    def _check_access(self, page: LivePage) -> None:
        request = page.request
        user: Any = getattr(request, "user", None)
        signed_in = getattr(user, "is_authenticated", False)
        who = user.pk if signed_in else page.session_watch.session_key
        key = (page.path, request.META.get("QUERY_STRING", ""), who)
        if key not in self.access:
            try:
                check_access(request, page.path)
                self.access[key] = None
            except Refused as exc:
                if exc.code == wire.CLOSE_NOT_FOUND:
                    self.access[key] = Http404(str(exc))
                elif exc.code == wire.CLOSE_LOGIN_REQUIRED:
                    self.access[key] = exc  # the session ended: the socket closes (4401)
                else:
                    self.access[key] = PermissionDenied(str(exc))
        failure = self.access[key]
        if failure is not None:
            raise failure

    def _render(self, page: LivePage) -> BlockCollector:
        view = page.view
        query = page.request.META.get("QUERY_STRING", "")
        state = json.dumps({name: getattr(view, name, None) for name in state_names(view)})
        # The language the page's middleware chose (LocaleMiddleware) renders apart too.
        key = (type(view), page.path, query, state, translation.get_language() or "")
        collector = self.renders.get(key)
        if collector is None:
            collector = self.renders[key] = render_anonymously(page)
        return collector


def anonymous_request(request: HttpRequest) -> HttpRequest:
    """``request`` as a visitor with no session, no cookies and no credentials would send it."""
    from django.contrib.auth.models import AnonymousUser  # only where auth is installed

    anonymous = copy.copy(request)
    anonymous.META = {k: v for k, v in request.META.items() if k not in _PRIVATE_HEADERS}
    anonymous.COOKIES = {}
    anonymous.session = SessionBase()
    if hasattr(request, "user"):
        anonymous.user = AnonymousUser()
    anonymous.__dict__.pop("_messages", None)
    return anonymous


def render_anonymously(page: LivePage) -> BlockCollector:
    """The page's liveblocks as an anonymous visitor would see them, with the page's state."""
    request = anonymous_request(page.request)
    match = resolve_live_view(page.path, page.request)
    view_class: Any = type(page.view)
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    view.live_runtime.connected = True
    for name in state_names(page.view):
        if name in page.view.__dict__:
            setattr(view, name, copy.deepcopy(page.view.__dict__[name]))
    view.refresh_live_context()
    context = view.live_runtime.context
    if context is None:
        raise RuntimeError(f"{view_class.__qualname__}.get() did not render its template")
    return render_liveblocks(view.get_live_template(), context, request)


_current: ContextVar[SharedRenders | None] = ContextVar("live_views_shared", default=None)


def current() -> SharedRenders | None:
    return _current.get()


@contextmanager
def sharing() -> Iterator[SharedRenders]:
    """While a batch of refreshes runs: shared views render once per key."""
    renders = SharedRenders()
    reset = _current.set(renders)
    try:
        yield renders
    finally:
        _current.reset(reset)
