"""Mounting a page on a socket: check the token, take a connection slot, build the page's request
and run the URL's own callable as a GET would, inside the project's middleware, access checks and
all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import Resolver404, get_resolver

from live_views.connect import wire
from live_views.connect.tokens import ConnectTarget, TokenError, read_connect_token
from live_views.runtime import Mount, mounting
from live_views.socket.limits import ConnectionSlot, take_connection_slot
from live_views.socket.processing import RequestProcessing
from live_views.socket.refusal import Refused, refused_by
from live_views.socket.request import build_request, session_and_user
from live_views.socket.state import PageState
from live_views.views import LiveViewMixin

__all__ = ["Mounted", "Refused", "dispatch_mount", "mount"]


@dataclass
class Mounted:
    view: LiveViewMixin
    request: HttpRequest
    target: ConnectTarget
    state: PageState
    slot: ConnectionSlot
    processing: RequestProcessing


def mount(scope: Mapping[str, Any], token: str) -> Mounted:
    """The page a socket asks for, or Refused with the close code that says why not."""
    session, user = session_and_user(scope)
    try:
        target = read_connect_token(
            token,
            session_key=getattr(session, "session_key", None),
            user_pk=getattr(user, "pk", None),
        )
    except TokenError as exc:
        raise Refused(exc.close_code, str(exc)) from None
    slot = take_connection_slot(scope, session, user)
    if slot is None:
        raise Refused(wire.CLOSE_TOO_MANY, "too many connections for one session")
    try:
        request = build_request(scope, target, session, user)
        processing = RequestProcessing(request, target.path)
        state = PageState(target.page_id)
        view = processing.run(lambda: dispatch_mount(request, target.path, state=state))
    except BaseException:
        slot.release()
        raise
    return Mounted(view, request, target, state, slot, processing)


def dispatch_mount(
    request: HttpRequest,
    path: str,
    page: LiveViewMixin | None = None,
    state: PageState | None = None,
) -> LiveViewMixin:
    """Run the URL callable of ``path`` for ``request``; the live view it dispatches to (or
    ``page``, re-checked) is returned with the context its ``get()`` built. Called inside the
    page's request processing (``RequestProcessing.run``): the middleware has run."""
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(path)
    except Resolver404:
        raise Refused(wire.CLOSE_NOT_FOUND, f"no URL matches {path!r}") from None
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, LiveViewMixin)):
        raise Refused(wire.CLOSE_NOT_FOUND, f"{path!r} is not a live view")
    if page is not None:
        page.live_runtime.context = None
    mount = Mount(page=page, state=state)
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
    if view is None or response.status_code != 200 or view.live_runtime.context is None:
        raise Refused(wire.CLOSE_FORBIDDEN, f"the view answered {response.status_code}")
    return view
