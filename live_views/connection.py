"""One page's server side: mount its view, run its events, send only the blocks that changed.

Everything here is synchronous and runs in a worker thread, one hop per message; the consumer
owns the socket and calls in.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve, set_script_prefix
from django.utils.html import escape

from live_views import messages, navigation, protocol
from live_views.arguments import ArgumentError
from live_views.blocks import BlockCollector
from live_views.csp import adopt_nonce
from live_views.events import EventSpec
from live_views.limits import ConnectionSlot, take_connection_slot
from live_views.protocol import Event, FrameError, Join
from live_views.rendering import render_liveblocks
from live_views.rows import has_rows, resolve_rows
from live_views.sessions import SessionWatch
from live_views.socket_request import build_request, session_and_user
from live_views.state import PageState
from live_views.targets import LoopPath, blocks_on_the_way
from live_views.tokens import TokenError, read_connect_token
from live_views.topics import group_name, topics_of
from live_views.unknown_events import unknown_event_message
from live_views.views import LiveViewMixin, _Mount, _mounting

logger = logging.getLogger("live_views")

SWAP = "outerMorph"


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class LiveConnection:
    """The live instance of one page and what its browser currently shows."""

    def __init__(self, view: LiveViewMixin, request: HttpRequest, path: str) -> None:
        self.view = view
        self.request = request
        self.sent: dict[str, str] = {}  # block id -> version the browser has
        # Where the last full render found each block: for targeted renders (targets.py).
        self.paths: dict[str, LoopPath] = {}
        self.parents: dict[str, str | None] = {}
        self.script_prefix = request.META.get("SCRIPT_NAME") or "/"
        self.topics = topics_of(view.get_live_subscriptions())
        self.path = path  # the token's path (path_info can lose its "/" under a script prefix)
        self.session_watch = SessionWatch(request)
        self.slot: ConnectionSlot | None = None
        self.state: PageState | None = None
        self.nonce_digest: str | None = None  # of the page's CSP nonce (live_views.csp)

    # -- mount ---------------------------------------------------------------------------------

    @classmethod
    def mount(cls, scope: Mapping[str, Any], token: str) -> LiveConnection:
        """Check the token, then run the URL callable as a GET would, access checks and all."""
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
            raise Refused(protocol.CLOSE_TOO_MANY, "too many connections for one session")
        try:
            request = build_request(scope, target, session, user)
            set_script_prefix(request.META.get("SCRIPT_NAME") or "/")
            state = PageState(target.page_id)
            view = _dispatch_mount(request, target.path, state=state)
            page = cls(view, request, target.path)
            page.state = state
            page.nonce_digest = target.nonce_digest
        except BaseException:
            slot.release()
            raise
        page.slot = slot
        # Released by the consumer on disconnect, or here if the page is dropped unseen.
        weakref.finalize(page, slot.release)
        return page

    # -- messages --------------------------------------------------------------------------------

    def join(self, join: Join) -> dict[str, Any]:
        """The browser says which block versions it shows; answer with those that differ."""
        if join.version and join.version != _version():
            logger.warning(
                "live_views: the page runs JS version %r, the server is %r; reload the page.",
                join.version,
                _version(),
            )
        self.sent = dict(join.blocks)
        adopt_nonce(self.request, join.nonce, self.nonce_digest)
        if join.search is not None and join.search != navigation.current_query(self.request):
            # A reconnect after live_patch(): render what the address bar shows.
            reload = navigation.follow_browser(self, join.search)
            if reload is not None:
                return {"joined": True, **reload}
        # Always answered, so the browser (and the test client) knows the page is live.
        return {"joined": True, **self._render_frame(refresh=self.view._live_context is None)}

    def navigate(self, query: str, ref: int | None) -> dict[str, Any]:
        """The browser went back or forward to another query of this page."""
        self._prepare_thread()
        frame = navigation.follow_browser(self, query) or self._render_frame(refresh=False)
        self._save_session()
        return {**frame, "ref": ref} if ref is not None else frame

    def lookup(self, event: Event) -> tuple[EventSpec, dict[str, Any]]:
        """Find the handler and coerce its arguments, before any user code runs."""
        spec = type(self.view).live_events.get(event.name)
        if spec is None:
            message = unknown_event_message(type(self.view), event.name)
            raise FrameError("unknown_event", message, event.ref)
        try:
            kwargs = spec.signature.bind(event.args, event.form)
        except ArgumentError as exc:
            raise FrameError("bad_arguments", f"Event {event.name!r}: {exc}.", event.ref) from None
        return spec, kwargs

    def run_event(self, spec: EventSpec, kwargs: dict[str, Any], ref: int | None) -> dict[str, Any]:
        """Call a sync handler, then render; all in the caller's one worker-thread hop."""
        self._prepare_thread()
        try:
            kwargs = self.resolve_rows(spec, kwargs, ref)
        except FrameError:
            raise
        except Exception as exc:
            return self.handler_failed(spec, exc, ref)
        snapshot = self.snapshot()
        try:
            result = getattr(self.view, spec.attribute)(**kwargs)
        except Exception as exc:
            self.restore(snapshot)
            return self.handler_failed(spec, exc, ref)
        return self.after_event(spec, result, ref, snapshot)

    def resolve_rows(
        self, spec: EventSpec, kwargs: dict[str, Any], ref: int | None
    ) -> dict[str, Any]:
        """Look model-typed arguments up in the view's own queryset (needs the database); a
        row it does not hold is a bad argument, refused like those lookup() refuses."""
        if not has_rows(kwargs):
            return kwargs
        try:
            return resolve_rows(self.view, kwargs)
        except ArgumentError as exc:
            raise FrameError("bad_arguments", f"Event {spec.name!r}: {exc}.", ref) from None

    def after_event(
        self, spec: EventSpec, result: Any, ref: int | None, snapshot: dict[str, Any]
    ) -> dict[str, Any]:
        """Render what the handler changed; if that fails, the handler's changes are undone too,
        so one bad event cannot leave the page unable to render."""
        self._prepare_thread()
        patch = navigation.take_patch(self.view, self.request)
        if isinstance(result, HttpResponseBase) and 300 <= result.status_code < 400:
            messages.finish_render(self.request)  # unshown messages wait for the next page
            self._save_session()
            return {"redirect": result["Location"], "ref": ref}
        query = navigation.current_query(self.request)
        try:
            state = self._encode_state()
            if patch is not None:
                navigation.apply_patch(self, patch)
            # A handler that rendered (form_invalid() does) is shown as it rendered.
            frame = self._render_frame(refresh=self.view._live_context is None)
        except Exception as exc:
            navigation.set_query(self.request, query)
            self.restore(snapshot)
            return self.handler_failed(spec, exc, ref)
        self._save_session()
        self._save_state(state)
        if patch is not None:
            frame.update(patch.frame())
        if ref is not None:
            frame["ref"] = ref
        return frame

    def refresh(self) -> dict[str, Any]:
        """A subscribed topic changed: re-read the view's data and send the blocks that differ.

        Rendered with this page's own request, user and session, never the writer's.
        """
        self._prepare_thread()
        try:
            self.recheck_access()
            return self._render_frame(refresh=False)
        except (Http404, PermissionDenied):
            # What the page shows is gone or no longer allowed: a reload shows why.
            return {"reload": True}

    def recheck_access(self) -> None:
        """Read the user afresh and run the URL callable again, access checks and all, on this
        page's own instance (which rebuilds its context). Refused when they now refuse."""
        self.confirm_session()
        self.view._live_context = None
        try:
            _dispatch_mount(self.request, self.path, page=self.view)
        except Refused as exc:
            if exc.code == protocol.CLOSE_NOT_FOUND:
                raise Http404(str(exc)) from None
            raise

    def confirm_session(self) -> None:
        """Read the session from its store; Refused (4401) once it has ended."""
        if not self.session_watch.confirm(self.request):
            raise Refused(protocol.CLOSE_LOGIN_REQUIRED, "the session ended")

    def handler_failed(self, spec: EventSpec, exc: Exception, ref: int | None) -> dict[str, Any]:
        logger.exception(
            "live_views: %s.%s raised while handling event %r",
            _qualname(self.view),
            spec.attribute,
            spec.name,
        )
        message = f"The server could not handle {spec.name!r}."
        if settings.DEBUG:
            message += f" {type(exc).__name__}: {escape(str(exc))}"
        return protocol.error_frame("server_error", message, ref)

    # -- rendering -------------------------------------------------------------------------------

    def render_blocks(self, *, refresh: bool) -> BlockCollector:
        view = self.view
        if refresh or view._live_context is None:
            response = view.refresh_live_context()
            if view._live_context is None:
                raise RuntimeError(
                    f"{_qualname(view)}.get() returned {response!r} instead of rendering its "
                    "template; a live view's get() must end in render_to_response()."
                )
        context = view._live_context
        assert context is not None
        targets: frozenset[str] | None = view.__dict__.pop("_live_targets", None)
        try:
            template = view.get_live_template()
            if targets is not None and targets <= self.paths.keys():
                collector = render_liveblocks(
                    template,
                    context,
                    self.request,
                    targets=targets,
                    paths=self.paths,
                    on_the_way=blocks_on_the_way(targets, self.parents),
                )
                if targets <= collector.blocks.keys():
                    return collector
                # A named block is not where the last render saw it: render the page whole.
            collector = render_liveblocks(template, context, self.request)
            self.paths = collector.paths
            self.parents = {ident: block.parent for ident, block in collector.blocks.items()}
            return collector
        finally:
            view._live_context = None  # the next render reads fresh data

    def _render_frame(self, *, refresh: bool) -> dict[str, Any]:
        collector = self.render_blocks(refresh=refresh)
        messages.finish_render(self.request)
        content = changed_blocks_html(collector, self.sent)
        versions = {ident: block.version for ident, block in collector.blocks.items()}
        if collector.targets is None:
            self.sent = versions
        else:
            self.sent.update(versions)  # the blocks not rendered are as the browser has them
        return {"content": content} if content else {}

    @property
    def groups(self) -> list[str]:
        return [group_name(topic) for topic in self.topics] + self.session_watch.groups

    # -- helpers ---------------------------------------------------------------------------------

    def _prepare_thread(self) -> None:
        # Worker threads are pooled: reverse() must see this page's script prefix.
        set_script_prefix(self.script_prefix)

    def snapshot(self) -> dict[str, Any]:
        # Shallow: attributes a handler reassigns come back; objects changed in place do not.
        return dict(self.view.__dict__)

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.view.__dict__.clear()
        self.view.__dict__.update(snapshot)
        messages.discard_new(self.request)

    def _encode_state(self) -> str | None:
        # Before rendering: a live_state value JSON cannot hold fails the event, loudly.
        return self.state.encode(self.view) if self.state is not None else None

    def _save_state(self, encoded: str | None) -> None:
        if self.state is not None:
            self.state.save(encoded)

    def _save_session(self) -> None:
        session = getattr(self.request, "session", None)
        if session is not None and session.modified:
            session.save()


def changed_blocks_html(collector: BlockCollector, sent: Mapping[str, str]) -> str:
    """Out-of-band morphs for each changed block not already inside a changed parent."""
    blocks = collector.blocks
    changed = {ident for ident, block in blocks.items() if sent.get(ident) != block.version}
    parts = []
    for ident in blocks:
        if ident not in changed:
            continue
        parent = blocks[ident].parent
        while parent is not None and parent not in changed:
            parent = blocks[parent].parent
        if parent is None:
            parts.append(collector.expand(ident, swap_oob=SWAP))
    return "".join(parts)


def _dispatch_mount(
    request: HttpRequest,
    path: str,
    page: LiveViewMixin | None = None,
    state: PageState | None = None,
) -> LiveViewMixin:
    try:
        match = resolve(path)
    except Resolver404:
        raise Refused(protocol.CLOSE_NOT_FOUND, f"no URL matches {path!r}") from None
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, LiveViewMixin)):
        raise Refused(protocol.CLOSE_NOT_FOUND, f"{path!r} is not a live view")
    mount = _Mount(page=page, state=state)
    reset = _mounting.set(mount)
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except PermissionDenied:
        raise Refused(protocol.CLOSE_FORBIDDEN, "permission denied") from None
    except Http404:
        raise Refused(protocol.CLOSE_NOT_FOUND, "not found") from None
    finally:
        _mounting.reset(reset)
    view = mount.view
    if 300 <= response.status_code < 400:
        anonymous = not getattr(getattr(request, "user", None), "is_authenticated", False)
        code = protocol.CLOSE_LOGIN_REQUIRED if anonymous else protocol.CLOSE_FORBIDDEN
        raise Refused(code, f"the view redirected to {response.get('Location')!r}")
    if view is None or response.status_code != 200 or view._live_context is None:
        raise Refused(protocol.CLOSE_FORBIDDEN, f"the view answered {response.status_code}")
    return view


def _qualname(view: object) -> str:
    return f"{type(view).__module__}.{type(view).__qualname__}"


def _version() -> str:
    from live_views import __version__

    return __version__
