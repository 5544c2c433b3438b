"""HTTP-transport pages: the ``LivePage`` a socket would hold, held instead in a process-wide
registry keyed by the page id of the page's signed token.

A page's plain attributes persist from one request to the next within one process, as they do
for as long as a socket is open. When this process does not hold the page (another worker
answered the page before, the server restarted, the page idled out) it is mounted again from
the token and its saved ``live_state``: exactly what a socket's reconnect does. Every request
checks the token against its own session and user before the registry is read, so a page id
cannot be borrowed by another browser.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.http import HttpRequest

from live_views.background import Job, PageJobs
from live_views.connect import wire
from live_views.connect.csp import adopt_nonce
from live_views.connect.owners import connection_owner
from live_views.connect.sessionless import read_page_token
from live_views.connect.tokens import ConnectTarget
from live_views.every import Every
from live_views.http.frame_request import give_back, take_frame_request
from live_views.http.idle import IdleWatch
from live_views.http.jobs import HttpJobs
from live_views.http.outbox import Outbox
from live_views.http.pushes import PushSubscriber, hosting_loop
from live_views.http.scope import scope_of
from live_views.pubsub import origin
from live_views.pubsub.sender import sender
from live_views.socket import failures, fairness, handover
from live_views.socket.budgets import SocketBudget, owner_budget
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.components import keeps_state, refill_streams, take_saved_states
from live_views.socket.holder import PageHolder
from live_views.socket.jobs import rerender
from live_views.socket.mount import Refused
from live_views.socket.own_broadcasts import event_ended
from live_views.socket.page import LivePage
from live_views.socket.page_topics import take_left_groups
from live_views.socket.pipeline import EventRun, run_event
from live_views.socket.protocol import Event, Join, Params
from live_views.socket.refusal_log import RefusalLog
from live_views.uploads.store import discard_page_uploads

logger = logging.getLogger("live_views")

# Seconds a page is kept with neither a request nor an open push stream: a long-poll comes back
# every LONG_POLL seconds, so only a page whose tab is gone (or that went back to its socket)
# stays idle this long.
IDLE_AFTER = 90.0


class HttpPage:
    """One page over HTTP: its ``LivePage``, its turn (one request or refresh at a time), its
    budget and the frames waiting for its push stream."""

    def __init__(self, page: LivePage, page_id: str, owner: str | None) -> None:
        self.page = page
        self.page_id = page_id
        self.turn = threading.Lock()
        self.budget = SocketBudget()
        self.budget.owner = owner_budget(owner)
        self.outbox = Outbox()
        self.seen = time.monotonic()
        self.streams = 0  # push streams open now
        self.closed = False
        self.joined = False  # the first frame of a page mounted here was its join
        self.holder = PageHolder(page_id)  # this copy's claim, among the workers' copies
        page.over_http = True
        self.subscriber = PushSubscriber(self, hosting_loop())
        self.jobs = HttpJobs(self, self.subscriber.loop)  # its live_async() work
        self.idle_watch = IdleWatch(self.subscriber.loop, self.idle_in, self.close)
        self.refusals = RefusalLog("page")  # as a socket's: bad frames write few log lines

    def answer(
        self, frame: Join | Params | Event, request: HttpRequest, search: str | None = None
    ) -> dict[str, Any]:
        """The reply frame to a join, a back/forward or an event, as the socket would send it.
        ``request``: the frame's own (http/frame_request.py). ``search``: the query the
        browser's address bar shows (without its "?"), if it said."""
        # What the handler saves in the request's own transaction commits after the render. Said
        # here, in the request's thread, for an async handler too: it runs outside the page's
        # middleware, but its saves come back to this thread (a sync one's: socket/pipeline.py).
        with self.turn, origin.request_transactions():
            started = fairness.thread_clock()
            take_frame_request(self.page, request)
            try:
                if self.holder.claim() and self.joined:
                    # Another worker answered the page since this one did: the live_state it
                    # saved (the page's and its components') is newer than this copy's, and the
                    # browser shows what that worker rendered. Take that state, and answer as a
                    # page mounted again would.
                    take_saved_state(self.page)
                    self.joined = False
                return self._answer(frame, search)
            finally:
                give_back(self.page, request)
                self.budget.charge(fairness.thread_clock() - started)
                if self.page.own_broadcasts is not None and (missed := event_ended(self.page)):
                    self.subscriber.missed(missed)
                if self.page.topics_changed:
                    self.page.topics_changed = False
                    self.subscriber.follow(self.page.groups)
                    self.subscriber.unfollow(take_left_groups(self.page))
                self.jobs.start_pending()

    def _answer(self, frame: Join | Params | Event, search: str | None) -> dict[str, Any]:
        page = self.page
        if isinstance(frame, Join):
            again, self.joined = self.joined, True
            return page.join(frame, again=again)
        if not self.joined:
            # Mounted again for this frame (another worker held the page): the browser's blocks
            # may show what that worker rendered, so it is sent the whole page's blocks first, as
            # a reconnecting socket's join would, for the query the address bar shows (after a
            # live_patch() it is not the token's), followed by what the frame changes.
            self.joined = True
            rejoined = page.join(Join(version="", blocks={}, search=search))
            if rejoined.get(wire.RELOAD) is True:
                return rejoined  # the view refuses that query: the browser loads it over HTTP
            reply = self._answer(frame, search)
            content = str(rejoined.get(wire.CONTENT, "")) + str(reply.get(wire.CONTENT, ""))
            return {**reply, wire.CONTENT: content} if content else reply
        if page.session_watch.due():
            page.confirm_session()  # Refused once the session ended
        if isinstance(frame, Params):
            return page.navigate(frame.query, frame.ref, frame.link)
        run = EventRun(page, frame)  # an unknown event or a bad argument: FrameError, here
        if not run.spec.is_async:
            return run.run_sync()
        answered: dict[str, Any] = async_to_sync(run_event)(page, frame, _hop)
        return answered

    def refresh(self, rows: ChangedRows | None) -> None:
        """A followed topic changed (in a worker thread): render and queue what differs."""
        with self.turn:
            if self.closed:
                return
            started = fairness.thread_clock()
            try:
                if self.streams and keeps_state(self.page.view) and self.holder.claim():
                    # The page's push stream is here, its events went to another worker since:
                    # render the state that worker saved, not this copy's, and all of it, as
                    # the browser shows what that worker rendered. (A copy with no stream open
                    # claims nothing: what it renders is read by no one soon.)
                    take_saved_state(self.page)
                    self.page.diff.browser_shows({})
                frame = self.page.refresh(rows)
            except Refused:
                # Queued before the page closes: closing answers the waiting push stream, and
                # a page dropped from the registry has no outbox a later one could read.
                self.session_ended()
                return
            except Exception as exc:
                logger.exception(
                    "live_views: refreshing %s failed", type(self.page.view).__qualname__
                )
                # As on the socket (socket/refresh.py): its browser hears the page is behind.
                self.outbox.put(failures.server_error("The server could not update the page.", exc))
                return
            finally:
                # Charged to the page, never into debt, as a socket's refresh is.
                self.budget.charge(fairness.thread_clock() - started, into_debt=False)
            self.outbox.put(frame)
            self.jobs.start_pending()  # a render's get() may start work

    @property
    def pending_work(self) -> PageJobs:
        return self.page.view.live_runtime.jobs

    def show_work(self, job: Job, value: Any, error: str | None) -> None:
        """Background work ended (in a worker thread): show its outcome, as the socket does."""
        with self.turn:
            if self.closed or not self._showing(job):
                return
            job.shown.loading, job.shown.result, job.shown.error = False, value, error
            if not self._push_render(job.name):
                # A result the page cannot render would fail every later render too.
                job.shown.result, job.shown.error = None, job.not_shown()
                self._push_render(job.name)
            self.jobs.start_pending()

    def show_progress(self, jobs: list[Job]) -> None:
        with self.turn:
            if self.closed:
                return
            shown = [job for job in jobs if self._showing(job) and job.shown.loading]
            for job in shown:
                job.shown.progress = job.progress
            if shown:
                self._push_render(shown[0].name)

    def _showing(self, job: Job) -> bool:
        # Not cancelled (replaced by newer work), and the view still shows this work's result.
        shown = getattr(self.page.view, job.name, None) is job.shown
        return shown and not job.cancelled.is_set()

    def _push_render(self, name: str) -> bool:
        try:
            self.outbox.put(rerender(self.page))
        except Exception:
            logger.exception(
                "live_views: rendering an HTTP page after background work %r failed", name
            )
            return False
        return True

    def session_ended(self) -> None:
        """The page may no longer show (its session ended, or its view now refuses it): it
        reloads, and its view says why (asks to log in, or answers 403)."""
        self.outbox.put({wire.RELOAD: True})
        self.close()

    def check_session(self) -> None:
        with self.turn:
            if self.closed:
                return  # queued before the page closed: nothing to check, nothing to read
            try:
                self.page.confirm_session()
            except Refused:
                self.session_ended()

    def close(self, *, keep_uploads: bool = False) -> None:
        """Drop the page: its slot, topics, work and push streams; and its pending uploads,
        unless the page lives on (``keep_uploads``: it went back to its socket)."""
        if self.closed:
            return
        self.closed = True
        self.jobs.cancel_all()
        self.outbox.close()  # a waiting long-poll answers now, not after LONG_POLL
        with _lock:
            if _pages.get(self.page_id) is self:
                del _pages[self.page_id]
            last = not _pages
        self.subscriber.leave()
        self.idle_watch.stop()
        if last:
            sender.hosts_pages = False  # the in-memory layer is sent to directly again
        if self.page.slot is not None:
            self.page.slot.release()
        if keep_uploads:
            return
        try:
            async_to_sync(discard_page_uploads)(self.page.view.live_runtime.page_id)
        except Exception:
            logger.warning("live_views: could not discard an HTTP page's uploads", exc_info=True)

    @contextlib.contextmanager
    def streaming(self) -> Iterator[None]:
        """A push stream (or long-poll) is open: the page is not idle until IDLE_AFTER after it."""
        self.streams += 1
        try:
            yield
        finally:
            self.streams -= 1
            self.seen = time.monotonic()

    @property
    def idle(self) -> bool:
        return self.streams == 0 and time.monotonic() - self.seen > IDLE_AFTER

    def idle_in(self) -> float | None:
        """Seconds until the page may be idle (0 or less: it is); None once it closed. With a
        push stream open, no sooner than the stream's end plus IDLE_AFTER."""
        if self.closed:
            return None
        return IDLE_AFTER if self.streams else self.seen + IDLE_AFTER - time.monotonic()


def take_saved_state(page: LivePage) -> None:
    if page.state is not None:
        page.state.restore(page.view)
    take_saved_states(page.view)
    # The browser's streams hold what the other copy sent them, which this one never saw: as
    # on a reconnect, each is sent whole from what the view declares next, not empty.
    refill_streams(page.view)


async def _hop(work: Any) -> Any:
    # The request's own thread: asgiref runs thread-sensitive work there while it waits.
    return await sync_to_async(work)()


_lock = threading.Lock()
_pages: dict[str, HttpPage] = {}
# The pages whose browser said it left (``release(page_id, joins)``), with the count of joins it
# had made over HTTP then and when. A request of that page sent before the leave and answered
# after it (a push stream's renewal, a closing tab's last frame) mounted the page again, held
# (a place under MAX_CONNECTIONS_PER_SESSION, a render on each broadcast) until it idled out.
_left: dict[str, tuple[int, float]] = {}


class PageLeft(Exception):
    """A request of a page from before its browser's leave: the page is not mounted for it."""


def page_for(request: HttpRequest, token: str) -> HttpPage:
    """The page ``token`` names, for this request's session and user; mounted when this
    process does not hold it. TokenError or Refused (with the socket's close code) otherwise."""
    target = check_token(request, token)
    _sweep()
    with _lock:
        found = _pages.get(target.page_id)
    if found is not None and not found.closed:
        found.seen = time.monotonic()
        return found
    if _sent_before_leaving(target.page_id, request):
        raise PageLeft(f"the page left this server after {joins_of(request)} join(s)")
    scope = scope_of(request)
    page = LivePage.open(scope, token)  # the token again, the slot, the middleware, the view
    # The page's CSP nonce reached the process that answered its join; one that mounts the page
    # again (another worker, a restart, an idle page) has it from the request's header, or the
    # scripts in its blocks would render without it and not run.
    adopt_nonce(page.request, request.headers.get(NONCE_HEADER), page.nonce_digest)
    owner = connection_owner(
        scope, getattr(request, "session", None), getattr(request, "user", None)
    )
    opened = HttpPage(page, target.page_id, owner)
    with _lock:
        found = _pages.setdefault(target.page_id, opened)
    if found is not opened:
        # Two first requests of one page raced: keep the first. This copy lets go of its slot
        # and its subscriber, not of the page's pending uploads: the page it kept holds them.
        opened.close(keep_uploads=True)
        return found
    opened.subscriber.follow(page.groups)
    opened.idle_watch.start()
    return opened


def check_token(request: HttpRequest, token: str) -> ConnectTarget:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if not token or len(token) > MAX_TOKEN:
        raise Refused(wire.CLOSE_BAD_REQUEST, "no connect token")
    return read_page_token(token, session=session, user_pk=getattr(user, "pk", None))


def joins_of(request: HttpRequest) -> int | None:
    """The count of joins the page had made over HTTP as it sent ``request`` (http.js sends it
    on each request); None from a client that does not say."""
    value = request.headers.get(JOINS_HEADER, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _sent_before_leaving(page_id: str, request: HttpRequest) -> bool:
    joins = joins_of(request)
    with _lock:
        left = _left.get(page_id)
    return joins is not None and left is not None and joins <= left[0]


MAX_TOKEN = 4096
# The count of the page's joins over HTTP, on each of its requests (static/src/http.js).
JOINS_HEADER = "X-Live-Join"
# The page's CSP nonce (the live root's nonce property), on each of its HTTP requests
# (static/src/http.js); used only when it matches the digest in the page's token.
NONCE_HEADER = "X-Live-Nonce"


_sweeps = Every(10.0)  # seconds: a request looks for idle pages at most this often


def _sweep() -> None:
    if not _sweeps.due():
        return
    now = time.monotonic()
    with _lock:
        idle = [page for page in _pages.values() if page.idle]
        # By then no request of the page's earlier join can still be on its way.
        for page_id in [key for key, (_, when) in _left.items() if now - when > IDLE_AFTER]:
            del _left[page_id]
    for page in idle:
        page.close()


def release(page_id: str, joins: int | None = None) -> None:
    """The page left the HTTP transport (its socket joined, or the browser said so, after
    ``joins`` joins over HTTP): let go of its HTTP page in this process, if any, at once rather
    than when it idles out; and mount it again only for a request of a later join."""
    with _lock:
        found = _pages.get(page_id)
        if joins is not None:
            _left[page_id] = (joins, time.monotonic())
    if found is not None:
        found.close(keep_uploads=True)  # the socket's page takes its pending uploads on


handover.on_socket_join(release)


def open_pages() -> int:
    with _lock:
        return len(_pages)


def close_all() -> None:
    """Drop every HTTP page of this process (tests start from none)."""
    with _lock:
        pages = list(_pages.values())
        _left.clear()
    for page in pages:
        page.close()
    # Also when none was open: a test that asked for the hosting loop alone left it set.
    sender.hosts_pages = False


__all__ = [
    "HttpPage",
    "PageLeft",
    "check_token",
    "close_all",
    "joins_of",
    "open_pages",
    "page_for",
    "release",
]
