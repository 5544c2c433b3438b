"""Mounting a page on a socket: check the token, take a connection slot, build the page's request
and run the URL's own callable as a GET would, inside the project's middleware, access checks and
all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import Resolver404, ResolverMatch, get_resolver

from live_views.connect import wire
from live_views.connect.sessionless import read_page_token
from live_views.connect.static_version import static_changed
from live_views.connect.tokens import ConnectTarget, TokenError
from live_views.runtime import Mount, mounting
from live_views.socket.limits import ConnectionSlot, take_connection_slot
from live_views.socket.processing import RequestProcessing
from live_views.socket.refusal import Refused, refused_by
from live_views.socket.request import build_request, session_and_user, share
from live_views.socket.state import PageState
from live_views.views import LiveViewMixin

__all__ = ["Mounted", "Refused", "check_access", "dispatch_mount", "mount", "resolve_live_view"]


@dataclass
class Mounted:
    view: LiveViewMixin
    request: HttpRequest
    target: ConnectTarget
    state: PageState
    slot: ConnectionSlot
    processing: RequestProcessing


OpenView = Callable[[HttpRequest, ConnectTarget, PageState], LiveViewMixin]


def mount(scope: Mapping[str, Any], token: str, open_component: OpenView | None = None) -> Mounted:
    """The page a socket asks for, or Refused with the close code that says why not.

    ``open_component`` mounts a token that names a live component of a page that is not live
    (socket/component_mount.py)."""
    session, user = session_and_user(scope)
    try:
        target = read_page_token(token, session=session, user_pk=getattr(user, "pk", None))
    except TokenError as exc:
        raise Refused(exc.close_code, str(exc)) from None
    # The page keeps its path for as long as it is open: the process's copy, not the token's.
    target = replace(target, path=share(target.path))
    slot = take_connection_slot(scope, session, user)
    if slot is None:
        raise Refused(wire.CLOSE_TOO_MANY, "too many connections for one session")
    try:
        request = build_request(scope, target, session, user)
        processing = RequestProcessing(request, target.path)
        state = PageState(target.page_id)
        if target.component is None:
            page_id = target.page_id
            stale = static_changed(target.static_version)
            view = processing.run(
                lambda: dispatch_mount(
                    request, target.path, state=state, page_id=page_id, static_changed=stale
                )
            )
        elif open_component is not None:
            opener = open_component
            view = processing.run(lambda: opener(request, target, state))
        else:
            raise Refused(wire.CLOSE_BAD_REQUEST, "this socket does not serve components")
    except BaseException:
        slot.release()
        raise
    return Mounted(view, request, target, state, slot, processing)


def resolve_live_view(path: str, request: HttpRequest | None = None) -> ResolverMatch:
    """The URL match of ``path`` (in the URLconf a middleware chose for ``request``), whose view
    is a live view; Refused (4404) otherwise."""
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(path)
    except Resolver404:
        raise Refused(wire.CLOSE_NOT_FOUND, f"no URL matches {path!r}") from None
    return live_view_match(match, path)


def live_view_match(match: ResolverMatch, path: str) -> ResolverMatch:
    """``match`` (of ``path``) if its view is a live view; Refused (4404) otherwise."""
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, LiveViewMixin)):
        raise Refused(wire.CLOSE_NOT_FOUND, f"{path!r} is not a live view")
    return match


def check_access(request: HttpRequest, path: str) -> None:
    """Run the URL callable of ``path`` for ``request`` up to the view's ``get()``: its
    decorators and access checks only. Refused as a mount would be."""
    _run(request, resolve_live_view(path, request), Mount(check_only=True))


def dispatch_mount(
    request: HttpRequest,
    path: str,
    page: LiveViewMixin | None = None,
    state: PageState | None = None,
    page_id: str | None = None,
    match: ResolverMatch | None = None,
    static_changed: bool = False,
) -> LiveViewMixin:
    """Run the URL callable of ``path`` for ``request``; the live view it dispatches to (or
    ``page``, re-checked) is returned with the context its ``get()`` built. Called inside the
    page's request processing (``RequestProcessing.run``): the middleware has run. ``match``
    is ``path``'s, when the caller has resolved it already; ``static_changed``: the page's
    token names other static files than this server's (a new mount only)."""
    match = resolve_live_view(path, request) if match is None else live_view_match(match, path)
    if page is not None:
        page.live_runtime.context = None
    how = Mount(page=page, state=state, page_id=page_id, static_changed=static_changed)
    view = _run(request, match, how)
    if view.live_runtime.context is None:
        raise Refused(wire.CLOSE_FORBIDDEN, "the view did not render")
    return view


def _run(request: HttpRequest, match: ResolverMatch, mount: Mount) -> LiveViewMixin:
    reset = mounting.set(mount)
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except PermissionDenied:
        raise Refused(wire.CLOSE_FORBIDDEN, "permission denied") from None
    except Http404:
        raise Refused(wire.CLOSE_NOT_FOUND, "not found") from None
    finally:
        mounting.reset(reset)
    view: LiveViewMixin | None = mount.view
    if 300 <= response.status_code < 400:
        raise refused_by(response, request, "the view")
    if view is None or response.status_code != 200:
        raise Refused(wire.CLOSE_FORBIDDEN, f"the view answered {response.status_code}")
    return view
