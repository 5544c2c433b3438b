"""One event through one page: find the handler, coerce its arguments, look rows up, call it,
render what it changed. Sync and async handlers go through the same steps and differ only at the
call: a sync event takes one worker-thread hop for all of it; an async handler is awaited on the
event loop, with a hop before it only when its rows need the database and one after it to render
(its session is read again before it, in the worker thread: socket/sessions.py).

A handler that raises, or whose render fails, leaves the view as it found it (see ``Snapshot``)
and becomes an error frame in one place, ``EventRun.failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBase

from live_views.arguments import ArgumentError
from live_views.components import LiveComponent
from live_views.components.renders import Key
from live_views.connect import wire
from live_views.datetimes import place_datetimes
from live_views.events import EventSpec
from live_views.pubsub import origin
from live_views.rows import has_rows, resolve_rows
from live_views.runtime import Patch
from live_views.socket import (
    failures,
    messages,
    navigation,
    protocol,
    replies,
    session_hop,
    sessions,
)
from live_views.socket.components import (
    event_component,
    forget_sent_updates,
    render_sent_updates,
    rerender_only,
    sent_updates_start,
    state_saver,
    stream_models,
)
from live_views.socket.mount import Refused
from live_views.socket.own_broadcasts import EventPublishes
from live_views.socket.page import LivePage, qualname, refreshed_shared
from live_views.socket.protocol import Event, FrameError
from live_views.socket.unknown_events import unknown_event_message

logger = logging.getLogger("live_views")

T = TypeVar("T")
Hop = Callable[[Callable[[], T]], Awaitable[T]]


class Snapshot:
    """The view's (and the component's) attributes before a handler ran. Shallow: attributes a
    handler reassigns come back; objects it changed in place do not."""

    def __init__(self, page: LivePage, component: Any = None) -> None:
        self.page = page
        self.objects = [page.view] if component is None else [page.view, component]
        self.attributes = [dict(obj.__dict__) for obj in self.objects]
        sent_updates_start(page.view)
        # The runtime is one object in place: a reset the handler makes is undone from this.
        self.streams = [obj.live_runtime.streams.before_event() for obj in self.objects]
        session = getattr(page.request, "session", None)
        # The session as stored, unchanged by this page so far: what the handler writes into it
        # can be dropped (the key it had: a login's new one is in the store already).
        self.session_key = None if session is None or session.modified else session.session_key

    def view_changed(self) -> bool:
        """Whether an attribute of the view was set, added or deleted since (by identity)."""
        before, now = self.attributes[0], self.page.view.__dict__
        if len(before) != len(now):
            return True
        missing = object()
        return any(now.get(name, missing) is not value for name, value in before.items())

    def restore(self) -> None:
        # First: the event's own component may be one it sent an update to, and is restored
        # to what it was before the handler, not before that update() (after the handler).
        forget_sent_updates(self.page.view)
        for obj, attributes, streams in zip(
            self.objects, self.attributes, self.streams, strict=True
        ):
            obj.__dict__.clear()
            obj.__dict__.update(attributes)
            obj.live_runtime.forget_event(streams)
        messages.discard_new(self.page.request)
        # As a request that fails with a 500, whose session SessionMiddleware does not save:
        # what the handler wrote goes (left changed, the next event saved it).
        sessions.drop_changes(self.page.request, self.session_key)


class EventRun:
    def __init__(self, page: LivePage, event: Event) -> None:
        """Find the handler and coerce its arguments, before any user code runs."""
        self.page = page
        self.ref = event.ref
        # The object whose handler runs: the page's view, or one of its live components.
        self.component: tuple[Key, LiveComponent] | None = None
        self.target: Any = page.view
        if event.component is not None:
            self.component = event_component(page.view, event.component, event.ref)
            self.target = self.component[1]
        view_class = type(self.target)
        spec = view_class.live_events.get(event.name)
        if spec is None:
            message = unknown_event_message(view_class, event.name)
            # The log is the developer's, DEBUG or not (a test run): it may name the method.
            log = unknown_event_message(view_class, event.name, developer=True)
            raise FrameError("unknown_event", message, event.ref, log=log)
        self.spec: EventSpec = spec
        try:
            self.kwargs = spec.signature.bind(event.args, event.form)
        except ArgumentError as exc:
            raise FrameError("bad_arguments", f"Event {event.name!r}: {exc}.", event.ref) from None
        # Most events (a click) carry no arguments: nothing to look up or place, no call to say so.
        self.needs_database = bool(self.kwargs) and has_rows(self.kwargs)
        self.target.live_runtime.unsent = event.unsent  # a live form's handler reads it
        self.snapshot: Snapshot | None = None
        # A handler that changes it (login()) sends the browser to take the new one.
        self.session_key = session_hop.key_of(page.request)
        # Broadcasts the handler publishes, which the page need not hear if its render shows them.
        self.publishes = EventPublishes(page)

    def prepare(self) -> None:
        """Under what the page's middleware activated: place datetime arguments in its time zone
        and look model-typed arguments up in the view's own queryset (a time the zone skips or
        a row the view does not hold is a bad argument, refused before the handler runs), then
        take the snapshot."""
        try:
            if self.kwargs:
                self.kwargs = place_datetimes(self.kwargs)
            if self.needs_database:
                self.kwargs = resolve_rows(self.target, self.kwargs)
        except ArgumentError as exc:
            raise FrameError(
                "bad_arguments", f"Event {self.spec.name!r}: {exc}.", self.ref
            ) from None
        self.snapshot = Snapshot(self.page, None if self.component is None else self.target)
        if self.component is not None:
            self.target.live_runtime.parent_used = False

    @property
    def handler(self) -> Callable[..., Any]:
        handler: Callable[..., Any] = getattr(self.target, self.spec.attribute)
        return handler

    def run_sync(self) -> dict[str, Any]:
        """The whole event of a sync handler, in the caller's one worker-thread hop, inside the
        page's middleware."""
        if not self.page.over_http:  # over HTTP the frame's own request read it just now
            # Before the page's middleware, which may use it too: one that wrote it (the time
            # of the visitor's last request) left it changed, and a changed session is not read
            # again, so the event saved the page's old copy back whole.
            sessions.reread(self.page.request)
        return self.page.processing.run(self._run_sync)

    def _run_sync(self) -> dict[str, Any]:
        try:
            self.prepare()
            # Inside the page's middleware, where the view would run: a transaction open now (a
            # middleware's atomic()) commits once the unit is over, after the render below,
            # which shows what the handler saves in it (pubsub/origin.py).
            with origin.request_transactions(), self.publishes:
                result = self.handler(**self.kwargs)
        except FrameError:
            raise
        except Exception as exc:
            return self.failed(exc)
        return self.finish(result)

    def finish(self, result: Any) -> dict[str, Any]:
        """Render what the handler changed; if that fails, the handler's changes are undone
        too, so one bad event cannot leave the page unable to render."""
        page = self.page
        fresh = page.view.live_runtime.context is None  # the handler did not render itself
        patch = navigation.take_patch(page.view, page.request)
        redirects = isinstance(result, HttpResponseBase) and 300 <= result.status_code < 400
        location = result["Location"] if redirects else None
        if session_hop.moved(page.request, self.session_key) or (
            redirects and session_hop.gives_session_for_messages(page.request)
        ):
            return self.hop(location, patch)
        # Without a redirect, the page takes its first session in the background and stays.
        first = session_hop.gives_first_session(page, self.session_key, location)
        if first and redirects:
            return self.hop(location, patch)
        if redirects:
            self.leave()  # unshown messages wait for the next page
            return {wire.REDIRECT: result["Location"], wire.REF: self.ref}
        if fresh:  # a handler that rendered (form_invalid() does) answers with that render
            replies.warn_unshown(self.spec.name, self.target, result)
        # A broadcast the render below shows passes the page by, and with it the access checks
        # of its refresh: they run here instead (socket/own_broadcasts.py).
        if (
            self.publishes.reaches  # most events publish nothing the page follows
            and fresh
            and patch is None  # a patch runs them for its query (below)
            and self.component is None
            and page.view.live_runtime.targets is None
            and self.publishes.shown_by_whole_render(stream_models(page.view))
        ):
            lost = self.recheck_access()
            if lost is not None:
                return lost
        query = navigation.current_query(page.request)
        try:
            # Before rendering: a live_state value JSON cannot hold fails the event, loudly.
            state = page.state.encode(page.view) if page.state is not None else None
            reply = replies.reply_of(self.spec.name, result)
            save_component = (
                None if self.component is None else state_saver(page.view, *self.component)
            )
            if patch is not None:
                if self.publishes.reaches:
                    page.confirm_session()  # the patch's checks read the user as stored now
                navigation.apply_patch(page, patch)
            elif self.component is not None:
                rerender_only(page.view, self.component[0], page_changed=self.page_changed())
            if patch is None:
                render_sent_updates(page.view, page_changed=self.page_changed)
            # Whether the render below reads the data afresh and renders every block and every
            # component: then it shows what the handler published (socket/own_broadcasts.py).
            whole = (
                fresh
                and page.view.live_runtime.targets is None
                and (self.component is None or patch is not None)
            )
            # A handler that rendered (form_invalid() does) is shown as it rendered.
            frame = page.render_frame(refresh=page.view.live_runtime.context is None)
        except Exception as exc:
            navigation.set_query(page.request, query)
            return self.failed(exc)
        if first:
            frame[wire.SESSION] = session_hop.first_session_url(page)  # saves it
        else:
            page.save_session()
        if page.state is not None:
            page.state.save(state)
        if save_component is not None:
            save_component()
        if patch is not None:
            frame.update(navigation.patch_frame(patch))
        frame.update(reply)
        if self.ref is not None:
            frame[wire.REF] = self.ref
        if whole and self.publishes.by is not None:  # most events publish nothing
            self.publishes.rendered_whole(stream_models(page.view))
        return frame

    def recheck_access(self) -> dict[str, Any] | None:
        """The render is to show what the handler published to the page, whose broadcast then
        passes it by, and with it the access checks that broadcast's refresh runs
        (socket/own_broadcasts.py): they run now, with the user as stored now, and rebuild the
        context the render reads (no second ``get()``). None when they still pass; otherwise
        what that refresh does: Refused when the session ended (4401), a reload frame when
        what the page shows is gone (a 404), and when the view refuses the user, Refused (the
        socket closes, 4403) or, where that refresh reloads a refused page (over HTTP, a shared
        render), a reload frame."""
        page = self.page
        try:
            page.recheck_access()
            return None
        except (Http404, PermissionDenied):
            pass
        except Refused as exc:
            if exc.code == wire.CLOSE_LOGIN_REQUIRED:
                raise  # the session ended: nothing of it is kept
            if not (page.over_http or refreshed_shared(page.view)):
                self.leave()
                raise
        except Exception as exc:  # get() failed, as the render's own would have
            return self.failed(exc)
        self.leave()
        return {wire.RELOAD: True, wire.REF: self.ref}

    def leave(self) -> None:
        """The handler succeeded and the page will not render: the browser leaves it (a
        redirect, a reload, a close). What the handler asked of this page's browser is dropped
        (connect/effects.py), what it put in the session stays there, and the messages it
        added wait for the next page."""
        page = self.page
        page.view.live_runtime.effects.leave()
        messages.finish_render(page.request)
        page.save_session()

    def hop(self, location: str | None, patch: Patch | None) -> dict[str, Any]:
        """The handler gave the session a new key: the browser goes to take it, then on to
        ``location`` or back to the page (live_views/socket/session_hop.py)."""
        try:
            url = session_hop.hop_url(self.page, self.session_key, location, patch)
        except Exception as exc:
            return self.failed(exc)
        self.page.view.live_runtime.effects.leave()  # the browser loads a page anew
        return {wire.REDIRECT: url, wire.REF: self.ref}

    def page_changed(self) -> bool:
        """Whether a component's handler may have changed its page: it used ``self.parent``,
        or the view's attributes are not the ones it had (a reference kept from elsewhere)."""
        if self.snapshot is None or self.target.live_runtime.parent_used:
            return True
        return self.snapshot.view_changed()

    def failed(self, exc: Exception) -> dict[str, Any]:
        """Undo what the handler changed, log it, and tell the page without leaking internals
        (the exception's text only with DEBUG on)."""
        if self.snapshot is not None:
            self.snapshot.restore()
        if isinstance(exc, PermissionDenied | Http404):
            return self.refused(exc)
        failures.report(  # in the socket's context (or the HTTP request's, unwatched)
            exc,
            "live_views: %s.%s raised while handling event %r",
            qualname(self.target),
            self.spec.attribute,
            self.spec.name,
        )
        return failures.server_error(
            f"The server could not handle {self.spec.name!r}.", exc, self.ref
        )

    def refused(self, exc: PermissionDenied | Http404) -> dict[str, Any]:
        """A handler's ``PermissionDenied`` or ``Http404`` (``get_object_or_404()``), or a
        ``live_patch()`` to a query the view refuses: what a view's 403 or 404 is, a refusal
        the page is told of by name, and a warning in the log without a traceback, as Django
        logs those responses. Like any failure, it changes nothing on the page."""
        name = self.spec.name
        if isinstance(exc, navigation.QueryRefused):
            code = "patch_refused"
            message = f"{name!r}: the view refused the query of its live_patch()."
        elif isinstance(exc, PermissionDenied):
            code, message = "forbidden", f"{name!r} was refused: permission denied."
        else:
            code, message = "not_found", f"{name!r} was refused: not found."
        detail = str(exc)
        logger.warning(
            "live_views: %s.%s refused event %r (%s)%s",
            qualname(self.target),
            self.spec.attribute,
            name,
            code,
            f": {detail}" if detail else "",
        )
        if settings.DEBUG and detail:
            if code == "patch_refused":
                message += failures.debug_reason(detail)
            else:
                message += failures.debug_detail(exc, detail)
        return protocol.error_frame(code, message, self.ref)


async def run_event(page: LivePage, event: Event, hop: Hop[Any]) -> dict[str, Any]:
    """Run ``event`` on ``page``; ``hop`` runs sync work in a worker thread."""
    run = EventRun(page, event)
    if not run.spec.is_async:
        reply: dict[str, Any] = await hop(run.run_sync)
        return reply
    processing = page.processing
    try:
        if not page.over_http:  # over HTTP the frame's own request read it just now
            await sessions.areread(page.request, hop)
        in_a_hop = (
            run.needs_database or not processing.remember_activation or processing.session_saved
        )
        if in_a_hop:
            # A component's async handler on a page with none of its own: nothing remembered
            # what the middleware activates yet, so this once prepare runs inside it. So after
            # the page saved its session, where the middleware may read a language or zone.
            processing.remember_activation = True
            await hop(lambda: processing.run(run.prepare))
        else:
            page.prepare_thread()  # reverse() in the handler, on the event loop
        # On the event loop, between two units: under what the middleware last activated.
        with processing.activated():
            if not in_a_hop:
                run.prepare()  # its datetimes in the time zone the handler sees
            with run.publishes:
                result = await run.handler(**run.kwargs)
    except FrameError:
        raise
    except Exception as exc:
        return run.failed(exc)
    finished: dict[str, Any] = await hop(lambda: processing.run(lambda: run.finish(result)))
    return finished
