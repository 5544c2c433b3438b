"""Drive live views from tests the way a browser does, no browser needed.

The page loads over HTTP through Django's test client; its socket opens through the project's
real ASGI application (``ASGI_APPLICATION``) and the real consumer. Events go out as the bundled
JS sends them, and ``page.html`` is the page with every block update applied.

Tests whose views touch the database through the socket need
``@pytest.mark.django_db(transaction=True)`` (or ``TransactionTestCase``): the socket's work runs
in worker threads with their own database connections, as in production.
"""

from __future__ import annotations

import asyncio
import collections
import html as html_lib
import itertools
import json
import logging
import re
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync
from channels.routing import get_default_application
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.http import HttpResponse
from django.test import AsyncClient, Client
from django.utils.http import urlencode

from live_views.connect import wire
from live_views.pubsub import readers
from live_views.socket import failures
from live_views.testing import uploads
from live_views.testing.communicator import WebsocketCommunicator
from live_views.testing.components import (
    AsyncComponent,
    Component,
    PageComponents,
    standalone_socket_url,
)
from live_views.testing.history import AsyncHistory, History, search_of
from live_views.testing.screen import PageScreen, ScreenMirror
from live_views.version import __version__

__all__ = [
    "AsyncComponent",
    "AsyncLiveClient",
    "AsyncLivePage",
    "Component",
    "LiveClient",
    "LivePage",
    "LiveRefused",
    "close_socket_db_connections",
    "close_thread_db_connections",
]

T = TypeVar("T")
_CONNECT_RE = re.compile(r'hx-ws:connect="([^"]+)"')
_VERSION_RE = re.compile(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"')
_ROOT_NONCE_RE = re.compile(r'data-live-root[^>]*? nonce="([^"]*)"')
DEFAULT_TIMEOUT = 10.0
logger = logging.getLogger("live_views")


class LiveRefused(Exception):
    """The server closed the page's socket; ``code`` is the close code (see docs/protocol.md)
    and ``reason`` the server's sentence for it, if it gave one."""

    def __init__(self, code: int, reason: str = "") -> None:
        said = f": {reason}" if reason else ""
        super().__init__(f"the live socket was closed with code {code}{said}")
        self.code = code
        self.reason = reason


def _cookie_header(cookies: Any) -> bytes:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items()).encode()


_SOCKET_OWN_HEADERS = {"HTTP_HOST", "HTTP_ORIGIN", "HTTP_COOKIE"}


def _default_headers(defaults: Mapping[str, object]) -> list[tuple[bytes, bytes]]:
    """The HTTP client's default headers (``Client(headers=…)``), which a browser would send on
    its socket too: ``Accept-Language`` chooses the page's language there as well."""
    return [
        (key[5:].lower().replace("_", "-").encode(), str(value).encode("latin-1"))
        for key, value in defaults.items()
        if key.startswith("HTTP_") and key not in _SOCKET_OWN_HEADERS
    ]


def _live_page(response: HttpResponse, path: str, component: str | None) -> tuple[str, str]:
    """The socket URL and the HTML of a page load that must have succeeded."""
    if response.status_code != 200:
        raise AssertionError(f"GET {path} answered {response.status_code}, not 200")
    page_html = response.content.decode()
    if component is not None:
        return standalone_socket_url(page_html, component), page_html
    return _socket_url(page_html, path), page_html


def _page_url(path: str, data: Any) -> str:
    if not data:
        return path
    return f"{path.partition('?')[0]}?{urlencode(data, doseq=True)}"


def _server_error(frame: dict[str, Any]) -> bool:
    error = frame.get("error")
    return isinstance(error, dict) and error.get("code") == "server_error"


_LOCKED_NOTE = (
    "live_views.testing: the page's socket works in threads of its own, with their own database "
    "connections. A test that holds a transaction open (pytest-django's django_db mark without "
    "transaction=True, or a TestCase) locks SQLite's tables against them and hides its rows "
    "from them: mark the test @pytest.mark.django_db(transaction=True), or use a "
    "TransactionTestCase."
)


def _raise_what_failed(page: AsyncLivePage) -> None:
    """The browser is told "server_error" (or the socket closes for it); the test gets the
    failure this frame tells of, which the server left to it rather than log it."""
    raised = page._communicator.raised
    if raised:
        _raise_or_log(raised.pop(0), page.raise_request_exception)


def _raise_or_log(failure: failures.Failure, raise_it: bool) -> None:
    exc, traceback, message = failure
    if raise_it:
        # SQLite says only "database table is locked": the usual cause is the test's own
        # transaction, which the message names nowhere.
        locked = isinstance(exc, OperationalError) and "is locked" in str(exc)
        if locked and _LOCKED_NOTE not in getattr(exc, "__notes__", ()):
            exc.add_note(_LOCKED_NOTE)
        raise exc.with_traceback(traceback)
    # A client told not to raise (or a page closed before it heard of it): the log has it.
    logger.error("%s", message, exc_info=(type(exc), exc, traceback))


def _log_left(raised: failures.Raised) -> None:
    """Log the failures the test never read the frame of: the server left them to the test."""
    while raised:
        _raise_or_log(raised.pop(0), raise_it=False)


def _refuse_unsendable(event: str, values: Mapping[str, Any]) -> None:
    # json.dumps() would say only "Object of type Task is not JSON serializable"; a browser
    # sends a row as its key, which a handler argument typed with the model is looked up from.
    for name, value in values.items():
        try:
            json.dumps(value, cls=DjangoJSONEncoder)
        except TypeError:
            kind = type(value).__name__
            if isinstance(value, Model):
                fix = f"pass its key ({name}={name}.pk): a handler argument typed {kind} is "
                fix += "looked up from it"
            else:
                fix = "pass what a browser can send: a key, a string, a number, a date, a list"
            raise TypeError(
                f"event {event!r}: the argument {name!r} is a {kind}, which no browser can "
                f"send. {fix[0].upper()}{fix[1:]}."
            ) from None


def _socket_url(page_html: str, path: str) -> str:
    match = _CONNECT_RE.search(page_html)
    if match is None:
        raise AssertionError(f"{path} has no {{% live_connect %}}: it is not a live page")
    return html_lib.unescape(match.group(1))


class AsyncLivePage(uploads.AsyncUploading, AsyncHistory, PageComponents, PageScreen):
    """One open live page. Every method is a coroutine; see ``LivePage`` for the sync twin."""

    def __init__(
        self,
        communicator: WebsocketCommunicator,
        html: str,
        timeout: float,
        reopen: Callable[[], Awaitable[WebsocketCommunicator]] | None = None,
    ) -> None:
        super().__init__(html)
        self._communicator = communicator
        self._reopen = reopen
        self._refs = itertools.count(1)
        self.timeout = timeout
        # The AsyncClient that loaded the page: uploads and session tickets go through it.
        self.http: Any = None
        # As Django's test client: what the page's code raised is raised in the test.
        self.raise_request_exception = True

    async def join(self) -> dict[str, Any]:
        join: dict[str, Any] = {
            "version": __version__,
            "blocks": dict(_VERSION_RE.findall(self.html)),
        }
        if self.url is not None:  # as the bundled JS sends location.search
            join["search"] = search_of(self.url)
        nonce = _ROOT_NONCE_RE.search(self.html)
        if nonce is not None:
            join["nonce"] = html_lib.unescape(nonce.group(1))
        await self.send_frame({"join": join})
        return await self._until(lambda frame: "joined" in frame or "error" in frame)

    async def join_or_close(self) -> None:
        # A refused page is closed here: whoever gets LiveRefused never holds the page.
        try:
            await self.join()
        except Exception:  # LiveRefused, or what the view's mount raised
            await self.close()
            raise

    async def send(self, event: str, /, **args: Any) -> dict[str, Any]:
        """Send ``event`` with ``args`` (as ``{% live_on %}`` would) and wait for its reply."""
        return await self.ask({"event": event, "args": args, "form": {}})

    async def submit(self, event: str, /, **form: Any) -> dict[str, Any]:
        """Send ``event`` with ``form`` as a form's values (as a submit or change would)."""
        return await self.ask({"event": event, "args": {}, "form": form})

    async def validate(self, field: str, /, **form: Any) -> dict[str, Any]:
        """A live form's ``field`` was typed in or left, with ``form`` as its values."""
        return await self.ask({"event": "validate", "args": {"field": field}, "form": form})

    async def ask(self, frame: dict[str, Any], *, until_reload: bool = False) -> dict[str, Any]:
        """Send ``frame`` with a fresh ref and wait for its reply (or a reload)."""
        for values in (frame.get("args"), frame.get("form")):
            _refuse_unsendable(str(frame.get("event")), values or {})
        ref = frame["ref"] = next(self._refs)
        await self.send_frame(frame)
        return await self._until(
            lambda reply: reply.get("ref") == ref or (until_reload and "reload" in reply)
        )

    async def send_frame(self, frame: dict[str, Any] | str | bytes) -> None:
        """Send a raw frame (a dict is JSON-encoded): for tests of what a hostile client sends."""
        if isinstance(frame, bytes):
            await self._communicator.send_to(bytes_data=frame)
        else:
            # Dates, times, decimals and UUIDs as {% live_on %} writes them (ISO 8601 strings).
            text = frame if isinstance(frame, str) else json.dumps(frame, cls=DjangoJSONEncoder)
            await self._communicator.send_to(text_data=text)

    async def receive(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next frame from the server, applied to ``html``; None once the socket closed."""
        if self.close_code is not None:
            return None
        communicator = self._communicator
        if communicator.future.done():
            output = await communicator.receive_output(0)  # raises what the app raised
        else:
            # Not receive_output(timeout): it cancels the application when the wait times out.
            waited = timeout or self.timeout
            try:
                output = await asyncio.wait_for(communicator.output_queue.get(), waited)
            except TimeoutError:
                raise TimeoutError(f"no frame from the server within {waited:g} s") from None
        if output["type"] == "websocket.close":
            self.close_code = output.get("code", 1000)
            self.close_reason = output.get("reason") or ""
            if self.close_code == wire.CLOSE_SERVER_ERROR:
                _raise_what_failed(self)  # the page's mount failed
            return None
        frame: dict[str, Any] = json.loads(output["text"])
        self.apply(frame)
        if _server_error(frame):
            _raise_what_failed(self)
        if self.ticket_due is not None and self.http is not None:
            # As the browser: the session route sets the cookie the socket could not.
            self.took_ticket(await self.http.get(self.ticket_due, headers=self.ticket_headers))
        return frame

    async def wait_for_update(self, timeout: float | None = None) -> dict[str, Any]:
        """Wait for the next frame that changes blocks (a broadcast, say). ``TimeoutError``
        when none comes (``pytest.raises(TimeoutError)`` asserts that none does)."""
        try:
            return await self._until(lambda frame: "content" in frame, timeout)
        except TimeoutError as exc:
            errors = [error["message"] for error in self.errors]
            raise TimeoutError(
                f"{exc}: no update. A save made by the test reaches the page only once it "
                "commits: mark the test django_db(transaction=True), or use a "
                "TransactionTestCase." + (f" The page's errors: {errors}" if errors else "")
            ) from None

    async def close(self) -> None:
        if self.close_code is None:
            self.close_code = 1000
            await self._communicator.disconnect()
        else:
            # The server closed it: tell the consumer the socket is gone, as a server would.
            await self._communicator.send_input({"type": "websocket.disconnect", "code": 1000})
            await self._communicator.wait(self.timeout)  # type: ignore[no-untyped-call]
        _log_left(self._communicator.raised)

    async def reconnect(self, *, join: bool = True) -> None:
        """Close the socket and open a new one for the same page load, as the browser does after
        a dropped connection or a server restart; the join then re-syncs ``html``."""
        if self._reopen is None:
            raise RuntimeError("only a page opened by a live client can reconnect")
        await self.close()
        self._communicator = await self._reopen()
        self.close_code = None
        self.close_reason = ""
        if join:
            await self.join_or_close()

    async def _until(self, done: Any, timeout: float | None = None) -> dict[str, Any]:
        while True:
            frame = await self.receive(timeout)
            if frame is None:
                raise LiveRefused(self.close_code or 1000, self.close_reason)
            if done(frame):
                return frame


class AsyncLiveClient:
    """Open live pages from async tests: ``page = await AsyncLiveClient().live("/counter/")``."""

    def __init__(
        self,
        client: AsyncClient | None = None,
        *,
        application: Any = None,
        origin: str = "http://testserver",
        timeout: float = DEFAULT_TIMEOUT,
        redeem_tickets: bool = True,
    ) -> None:
        self.http = client or AsyncClient()
        self.application = application
        self.origin = origin
        self.timeout = timeout
        # False: a page leaves the session route's ticket to the test (tests of that route).
        self.redeem_tickets = redeem_tickets

    async def get(self, path: str, data: Any = None) -> HttpResponse:
        response: Any = await self.http.get(path, data)
        return response  # type: ignore[no-any-return]

    async def live(
        self, path: str, data: Any = None, *, join: bool = True, component: str | None = None
    ) -> AsyncLivePage:
        """Load ``path`` and open its socket; on a page that is not live, the socket of its
        live ``component`` (the id given to ``{% live_component %}``)."""
        url, page_html = _live_page(await self.get(path, data), path, component)
        page = await self.open_socket(url, page_html)
        page.history.append(_page_url(path, data))
        if join:
            await page.join_or_close()
        return page

    async def open_socket(
        self, url: str, page_html: str = "", *, headers: list[tuple[bytes, bytes]] | None = None
    ) -> AsyncLivePage:
        """Open the socket at ``url`` (``headers`` replace the browser-like defaults)."""

        async def connect() -> WebsocketCommunicator:
            return await self._connect(url, headers)

        page = AsyncLivePage(await connect(), page_html, self.timeout, reopen=connect)
        page.raise_request_exception = self.http.raise_request_exception
        page.http = self.http
        page.redeems_tickets = self.redeem_tickets
        return page

    async def _connect(
        self, url: str, headers: list[tuple[bytes, bytes]] | None
    ) -> WebsocketCommunicator:
        if headers is None:  # read on every (re)connect: the cookies may have changed
            headers = [(b"host", b"testserver"), (b"origin", self.origin.encode())]
            if self.http.cookies:
                headers.append((b"cookie", _cookie_header(self.http.cookies)))
            headers += _default_headers(self.http.defaults)
        application = self.application or get_default_application()
        communicator = WebsocketCommunicator(application, url, headers=headers)
        connected, code = await communicator.connect(self.timeout)
        if not connected:
            if communicator.raised:  # the view's mount raised
                _raise_or_log(communicator.raised[-1], self.http.raise_request_exception)
            raise LiveRefused(code or 1006)
        # A page the test never closes (a test that failed, or one that keeps the page it
        # opened) logs what it left when it goes: else no one would, not even the server.
        weakref.finalize(communicator, _log_left, communicator.raised)
        return communicator


class _Loop:
    """An event loop on its own thread, so sync tests can keep sockets open between calls.

    A broadcast that the test's own thread publishes (a save in the test, or in a view that
    ``client.http`` requested) waits here and reaches the pages when the test next talks to
    them: never while the test's request still runs (pubsub/readers.py says why)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.held: collections.deque[readers.Send] = collections.deque()
        self.lock = threading.Lock()
        self.waiting = 0  # calls under way: the test waits on its pages, not on a request
        self.sending: set[asyncio.Task[None]] = set()
        readers.hold_sends(self.loop, self._hold)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        with self.lock:
            self.waiting += 1
        try:
            future = asyncio.run_coroutine_threadsafe(self._after_held(coroutine), self.loop)
            return future.result()
        finally:
            with self.lock:
                self.waiting -= 1

    def _hold(self, send: readers.Send) -> None:
        # One that comes while the test waits on its pages runs now: another client's page
        # published it (its handler's broadcast, sent from that client's loop), and held, it
        # waited for the test's next call while the test waited for the update it brings.
        with self.lock:
            if not self.waiting:
                self.held.append(send)
                return
        self.loop.call_soon_threadsafe(self._send_now, send)

    def _send_now(self, send: readers.Send) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(send(), loop=self.loop)
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)

    async def _after_held(self, coroutine: Coroutine[Any, Any, T]) -> T:
        while self.held:
            await self.held.popleft()()
        return await coroutine

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class LivePage(uploads.Uploading, History, ScreenMirror):
    """One open live page, for sync tests. Use it as a context manager, or call ``close()``."""

    _page: AsyncLivePage

    def __init__(self, page: AsyncLivePage, loop: _Loop, http: Client | None = None) -> None:
        self._page = page
        self._loop = loop
        self.http = http  # the client that loaded the page: uploads use it
        self._closed = False

    def send(self, event: str, /, **args: Any) -> dict[str, Any]:
        return self.run(self._page.send(event, **args))

    def component(self, ident: object) -> Component:
        """The live component placed with ``id=ident`` on this page (``task.pk`` or ``"7"``)."""
        return Component(self, self._page.component(ident))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of this page's async twin on its loop."""
        result = self._loop.run(coroutine)
        if self._page.ticket_due is not None and self.http is not None:
            # As the browser: the session route sets the cookie the socket could not. Through
            # the test's own client, in its thread, as its other requests.
            page = self._page
            page.took_ticket(self.http.get(page.ticket_due, headers=page.ticket_headers))
        return result

    def submit(self, event: str, /, **form: Any) -> dict[str, Any]:
        return self.run(self._page.submit(event, **form))

    def validate(self, field: str, /, **form: Any) -> dict[str, Any]:
        return self.run(self._page.validate(field, **form))

    def send_frame(self, frame: dict[str, Any] | str | bytes) -> None:
        self.run(self._page.send_frame(frame))

    def receive(self, timeout: float | None = None) -> dict[str, Any] | None:
        return self.run(self._page.receive(timeout))

    def wait_for_update(self, timeout: float | None = None) -> dict[str, Any]:
        return self.run(self._page.wait_for_update(timeout))

    def reconnect(self, *, join: bool = True) -> None:
        self.run(self._page.reconnect(join=join))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._loop.run(self._page.close())

    def __enter__(self) -> LivePage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class LiveClient:
    """Open live pages from sync tests: ``with LiveClient().live("/counter/") as page: ...``.

    Wraps a ``django.test.Client`` (``client.http``), so ``force_login`` and cookies work as usual.
    """

    def __init__(
        self,
        client: Client | None = None,
        *,
        application: Any = None,
        origin: str = "http://testserver",
        timeout: float = DEFAULT_TIMEOUT,
        redeem_tickets: bool = True,
    ) -> None:
        self.http = client or Client()
        self.application = application
        self.origin = origin
        self.timeout = timeout
        # False: a page leaves the session route's ticket to the test (tests of that route).
        self.redeem_tickets = redeem_tickets
        self._loop: _Loop | None = None
        self._pages: list[LivePage] = []  # closed by close(), if the test did not

    def force_login(self, user: Any, backend: str | None = None) -> None:
        self.http.force_login(user, backend)

    def get(self, path: str, data: Any = None) -> HttpResponse:
        response: Any = self.http.get(path, data)
        return response  # type: ignore[no-any-return]

    def live(
        self, path: str, data: Any = None, *, join: bool = True, component: str | None = None
    ) -> LivePage:
        """Load ``path`` and open its socket; on a page that is not live, the socket of its
        live ``component`` (the id given to ``{% live_component %}``)."""
        url, page_html = _live_page(self.get(path, data), path, component)
        page = self.open_socket(url, page_html)
        page._page.history.append(_page_url(path, data))
        if join:
            page.run(page._page.join_or_close())
        return page

    def open_socket(
        self, url: str, page_html: str = "", *, headers: list[tuple[bytes, bytes]] | None = None
    ) -> LivePage:
        opener = AsyncLiveClient(
            application=self.application,
            origin=self.origin,
            timeout=self.timeout,
            redeem_tickets=self.redeem_tickets,
        )
        opener.http.cookies = self.http.cookies
        opener.http.raise_request_exception = self.http.raise_request_exception
        # Client(headers={"accept-language": …}); django-stubs types the async client's own
        # defaults as an ASGI scope, the sync client's as a dict of headers.
        opener.http.defaults = self.http.defaults  # type: ignore[assignment]
        page = self._run(opener.open_socket(url, page_html, headers=headers))
        page.http = None  # the sync page's requests go through self.http, in the test's thread
        assert self._loop is not None
        opened = LivePage(page, self._loop, self.http)
        self._pages = [*(p for p in self._pages if not p._closed), opened]
        return opened

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self._loop = _Loop()
        return self._loop.run(coroutine)

    def close(self) -> None:
        """Close every page still open, as the browser's tab closing would (its server side
        ends: pending uploads go, and no task is left behind), then the client's event loop."""
        pages, self._pages = self._pages, []
        for page in pages:
            page.close()
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
        close_socket_db_connections()


def close_socket_db_connections() -> None:
    """Close the database connections the socket's worker thread opened.

    The socket's sync work runs in asgiref's shared worker thread. Django keeps SQLite's
    in-memory test database open there even on close(), and pytest-django then refuses the next
    test's first query in that thread. Called by ``LiveClient.close()``; call it after async
    tests that used the database through a live page.
    """
    SyncToAsync.single_thread_executor.submit(close_thread_db_connections).result()


def close_thread_db_connections() -> None:
    """Close the database connections of the calling thread, SQLite's in-memory test database
    too (Django's own ``close()`` leaves that one open, and Python 3.13 warns of it when the
    thread goes). Call it at the end of a thread your test starts that used the database."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            BaseDatabaseWrapper.close(connection)
