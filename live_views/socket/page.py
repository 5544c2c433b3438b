"""``LivePage``: one page's server side for as long as its socket is open.

It holds the live view instance, the page's request, what the browser shows (``BlockDiff``) and
the page's saved state, and answers the socket's messages: join, back/forward, broadcast refresh.
Events go through ``socket/pipeline.py``. Everything here is synchronous and runs in a worker
thread, one hop per message; the consumer owns the socket and calls in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import set_script_prefix

from live_views.connect import wire
from live_views.connect.csp import adopt_nonce
from live_views.polling import every_frame
from live_views.pubsub.topics import group_name, topics_of
from live_views.render.collector import BlockCollector
from live_views.render.diff import BlockDiff
from live_views.socket import (
    component_mount,
    components,
    handover,
    messages,
    navigation,
    sessions,
    shared,
)
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.csrf import PageCsrfToken
from live_views.socket.frame_session import FrameSession
from live_views.socket.holder import PageHolder
from live_views.socket.limits import ConnectionSlot
from live_views.socket.mount import Refused, dispatch_mount, mount
from live_views.socket.own_broadcasts import OwnBroadcasts
from live_views.socket.page_topics import follow_components
from live_views.socket.processing import RequestProcessing
from live_views.socket.protocol import Join
from live_views.socket.sessions import SessionWatch
from live_views.socket.state import PageState
from live_views.version import __version__
from live_views.views import LiveViewMixin

logger = logging.getLogger("live_views")


class LivePage:
    """The live instance of one page and what its browser currently shows."""

    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = (
        "__weakref__",
        "csrf",
        "diff",
        "frame_session",
        "left_groups",
        "nonce_digest",
        "over_http",
        "own_broadcasts",
        "own_topics",
        "page_id",
        "path",
        "processing",
        "request",
        "script_prefix",
        "session_watch",
        "slot",
        "state",
        "topics",
        "topics_changed",
        "view",
        "visitor_headers",
    )

    def __init__(
        self,
        view: LiveViewMixin,
        request: HttpRequest,
        path: str,
        *,
        state: PageState | None = None,
        nonce_digest: str | None = None,
        processing: RequestProcessing | None = None,
    ) -> None:
        self.view = view
        self.request = request
        self.diff = BlockDiff()
        self.script_prefix = request.META.get("SCRIPT_NAME") or "/"
        # The view's own topics, and with them those of the components it shows.
        self.topics = self.own_topics = topics_of(view.get_live_subscriptions())
        self.path = path  # the token's path (path_info can lose its "/" under a script prefix)
        self.session_watch = SessionWatch(request)
        self.slot: ConnectionSlot | None = None
        self.page_id: str | None = None  # the token's
        self.over_http = False  # served by the HTTP transport (live_views/http/), not a socket
        # Over HTTP: the session its frames' SessionMiddleware saves (http/frame_request.py).
        self.frame_session: FrameSession | None = None
        self.state = state
        self.nonce_digest = nonce_digest  # of the page's CSP nonce (live_views.connect.csp)
        # A render changed the topics (socket/page_topics.py): the socket joins them all and
        # leaves ``left_groups``.
        self.topics_changed = False
        self.left_groups: tuple[str, ...] = ()  # (no list per page: most never leave one)
        # The project's middleware around every message (live_views.socket.processing).
        self.processing = processing or RequestProcessing(request, path)
        self.processing.remember_activation = any(
            spec.is_async for spec in type(view).live_events.values()
        )
        self.csrf = PageCsrfToken()
        components.share_csrf_token(view, self.csrf)
        self.visitor_headers: tuple[tuple[str, str], ...] | None = None  # shared.visitor_key()
        # What its events published, once one did (socket/own_broadcasts.py).
        self.own_broadcasts: OwnBroadcasts | None = None

    @classmethod
    def open(cls, scope: Mapping[str, Any], token: str) -> LivePage:
        """The page a socket's token names, mounted; Refused with a close code otherwise."""
        mounted = mount(scope, token, component_mount.open_component)
        page = cls(
            mounted.view,
            mounted.request,
            mounted.target.path,
            state=mounted.state,
            nonce_digest=mounted.target.nonce_digest,
            processing=mounted.processing,
        )
        page.slot = mounted.slot
        page.page_id = mounted.target.page_id
        components.keep_state(page.view, mounted.target.page_id)
        return page

    # -- messages --------------------------------------------------------------------------------

    def join(self, join: Join, *, again: bool = False) -> dict[str, Any]:
        """The browser says which block versions it shows; answer with those that differ.
        ``again``: this page answered the browser's earlier join (over HTTP)."""
        frame: dict[str, Any] = self.processing.run(lambda: self._join(join, again))
        if not self.over_http:
            # What its render changed (the messages it showed) is saved now, as an event's is:
            # left unsaved, the next page load showed them again, and the next event, which
            # does not read a changed session again, saved this copy over what others had.
            # Over HTTP the join's frame saves it.
            self.save_session()
        if not self.over_http and self.page_id is not None:
            handover.socket_joined(self.page_id)  # back from HTTP: that page is let go
            if components.keeps_state(self.view):
                # Another process may still hold the page's HTTP copy: should the page fall
                # back to it, it takes up the state this socket saves (socket/holder.py).
                PageHolder(self.page_id).take()
        return frame

    def _join(self, join: Join, again: bool) -> dict[str, Any]:
        if join.version and join.version != __version__:
            logger.warning(
                "live_views: the page runs JS version %r, the server is %r; reload the page.",
                join.version,
                __version__,
            )
        self.diff.browser_shows(join.blocks, again=again)
        if not join.blocks and settings.DEBUG:
            say_if_blockless(self.view)
        adopt_nonce(self.request, join.nonce, self.nonce_digest)
        if join.search is not None and join.search != navigation.current_query(self.request):
            # A reconnect after live_patch(): render what the address bar shows.
            reload = navigation.follow_browser(self, join.search)
            if reload is not None:
                return {wire.JOINED: True, **reload}
        # Always answered, so the browser (and the test client) knows the page is live.
        fresh = self.view.live_runtime.context is None
        try:
            return {wire.JOINED: True, **every_frame(self.view), **self.render_frame(refresh=fresh)}
        except PermissionDenied:
            # A live component's check_access() refused this user as it mounted.
            raise Refused(wire.CLOSE_FORBIDDEN, "a live component refused the user") from None

    def navigate(self, query: str, ref: int | None, link: bool = False) -> dict[str, Any]:
        """The browser went back or forward to another query of this page, or a
        ``data-live-patch`` link asks for one (``link``)."""
        if not self.over_http:  # over HTTP the frame's own request read it just now
            sessions.reread(self.request)
        return self.processing.run(lambda: self._navigate(query, ref, link))

    def _navigate(self, query: str, ref: int | None, link: bool) -> dict[str, Any]:
        if link:
            frame = navigation.follow_link(self, query, ref)
        else:
            frame = navigation.follow_browser(self, query) or self.render_frame(refresh=False)
        self.save_session()
        return {**frame, wire.REF: ref} if ref is not None else frame

    def refresh(self, rows: ChangedRows | None = None) -> dict[str, Any]:
        """A subscribed topic changed: re-read the view's data and send the blocks that differ,
        and the changed ``rows`` of the page's streams.

        Rendered with this page's own request, user and session, never the writer's, under
        the page's own request processing (its middleware), with the session as stored now, as
        an event's: the page's copy may be from long ago (over HTTP, from its last frame, once
        that frame's request is over: socket/frame_session.py).
        """
        sessions.reread_before_render(self.request, self.frame_session)
        renders = shared.current()
        if renders is not None and refreshed_shared(self.view):
            # Runs the request processing once per visitor and batch, not per page.
            return renders.refresh(self)
        return self.processing.run(lambda: self._refresh(rows))

    def _refresh(self, rows: ChangedRows | None) -> dict[str, Any]:
        try:
            self.recheck_access()
            if rows is not None:
                for streams in components.page_streams(self.view):
                    streams.rows_changed(rows.rows, overflow=rows.overflow)
            frame = self.render_frame(refresh=False)
        except (Http404, PermissionDenied):
            # What the page shows is gone or no longer allowed: a reload shows why.
            return {wire.RELOAD: True}
        # What the render changed (the messages it showed): left unsaved, the next page load
        # showed them again, and the next event, which does not read a changed session again,
        # saved this copy.
        self.save_session()
        return frame

    def recheck_access(self) -> None:
        """Read the user afresh and run the URL callable again, access checks and all, on this
        page's own instance (which rebuilds its context). Refused when they now refuse."""
        renders = shared.current()
        if renders is not None:
            renders.confirm_session(self)  # a broadcast: once per session, not per page
        else:
            self.confirm_session()
        try:
            if isinstance(self.view, component_mount.ComponentSocketView):
                component_mount.recheck_component(self.view, self.path)
            else:
                # The URL as the page's processing resolved it for this unit (it set
                # request.resolver_match before the unit ran): no second look-up.
                match = self.request.resolver_match
                dispatch_mount(self.request, self.path, page=self.view, match=match)
        except Refused as exc:
            if exc.code == wire.CLOSE_NOT_FOUND:
                raise Http404(str(exc)) from None
            raise

    def confirm_session(self) -> None:
        """Read the session from its store; Refused (4401) once it has ended."""
        if not self.session_watch.confirm(self.request):
            raise Refused(wire.CLOSE_LOGIN_REQUIRED, "the session ended")

    # -- rendering -------------------------------------------------------------------------------

    def render_blocks(self, *, refresh: bool) -> BlockCollector:
        view = self.view
        runtime = view.live_runtime
        if refresh or runtime.context is None:
            response = view.refresh_live_context()
            if runtime.context is None:
                raise RuntimeError(
                    f"{qualname(view)}.get() returned {response!r} instead of rendering its "
                    "template; a live view's get() must end in render_to_response()."
                )
        context = runtime.context
        assert context is not None
        if "csrf_token" not in context:
            context["csrf_token"] = self.csrf.context_value(self.request)
        targets, runtime.targets = components.sent_targets(view, runtime.targets), None
        if runtime.streams.pending:
            targets = None  # a stream's container may sit in any block: render them all
        if self.csrf.renewed(self.request):
            # A handler gave the browser a new CSRF secret (login() does): every block holding
            # the token, the page's and its components', renders and is sent again.
            targets = None
            components.render_all(view)
        collector = None
        try:
            collector = self.diff.render(view.get_live_template(), context, self.request, targets)
            return collector
        finally:
            runtime.context = None  # the next render reads fresh data
            runtime.streams.rendered(whole=collector is not None and collector.targets is None)
            components.end_render(view, collector)
            started, stopped = components.changed_topics(view)
            if started or stopped:
                follow_components(self, started, stopped)

    def render_frame(self, *, refresh: bool) -> dict[str, Any]:
        # Until its content is taken, a render that fails leaves the page's components as they
        # were: the browser never hears of it, and still shows the ones it dropped.
        components.begin_render(self.view)
        try:
            collector = self.render_blocks(refresh=refresh)
            messages.finish_render(self.request)
        except BaseException:
            components.render_over(self.view, failed=True)
            raise
        components.render_over(self.view, failed=False)
        content = self.diff.take_changes(collector)
        frame = {wire.CONTENT: content} if content else {}
        return {**frame, **self.view.live_runtime.effects.take()}

    @property
    def groups(self) -> list[str]:
        return [*(group_name(topic) for topic in self.topics), *self.session_watch.groups]

    def prepare_thread(self) -> None:
        # Worker threads are pooled: reverse() must see this page's script prefix.
        set_script_prefix(self.script_prefix)

    def save_session(self) -> None:
        session = getattr(self.request, "session", None)
        if session is None or not session.modified:
            return
        self.processing.session_saved = True
        frame = self.frame_session
        if frame is not None and frame.saves(session):
            # Over HTTP: a frame's SessionMiddleware saves it (and sets its cookie, a new key's
            # included), reading the flag left set; saved here too, it was written twice.
            return
        session.save()
        if frame is not None and frame.wrote(session):
            return  # the flag is its frame's middleware's to read
        # Saved: what the next event changes is its own, as in a new request's session.
        session.modified = False


_SAID_BLOCKLESS: set[type] = set()


def say_if_blockless(view: LiveViewMixin) -> None:
    """With DEBUG on, once per view class: a page with live events and no liveblock runs them,
    and nothing on it re-renders. Without a word, a first page's click seemed to do nothing."""
    view_class = type(view)
    if not getattr(view_class, "live_events", None) or view_class in _SAID_BLOCKLESS:
        return
    _SAID_BLOCKLESS.add(view_class)
    logger.warning(
        "live_views: the page of %s shows no {%% liveblock %%}: its live events run, but nothing "
        "on it re-renders (only liveblocks do). Wrap what they change in "
        "{%% liveblock name %%}…{%% endliveblock %%}.",
        qualname(view),
    )


def refreshed_shared(view: LiveViewMixin) -> bool:
    """Whether the page's broadcast refreshes are the batch's one render (socket/shared.py),
    which refuses a user who lost access with a reload, not a close. A page with streams (its
    own or its components') renders the changed rows for itself (live_views.streams), and one
    with live components renders for itself too: the batch's render mounted components of its
    own, so each page's showed their fresh state (a star its user set, a half-typed form gone),
    and the page's own components, never updated, showed stale rows again at their next event."""
    return (
        shared.is_shared(view)
        and not components.has_streams(view)
        and not components.has_components(view)
    )


def qualname(view: object) -> str:
    return f"{type(view).__module__}.{type(view).__qualname__}"
