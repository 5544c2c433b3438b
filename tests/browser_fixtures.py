"""Real Chromium (Debian's, via Playwright) against sample_site served by uvicorn: the browser
tests' fixtures, found by every test module through tests/conftest.py.

One browser and one server per module (a module may define its own ``server``), a fresh browser
context (cookies, storage) per test. On failure, the test's console messages, page errors and
the server's log for that test are printed.
"""

from __future__ import annotations

import json
import os
import re
import time
from contextlib import contextmanager

import pytest

from tests.conftest import require
from tests.live_server import LiveServer, RunserverServer, WsgiServer

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = sync_playwright = None

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000

CONNECTED = 'body[data-live-state="connected"]'
REFUSED = 'body[data-live-state="refused"]'
LIVE_SOCKET = re.compile(r"/live/ws/")


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(request):
    require(sync_playwright is not None, "Playwright for Python (the `playwright` package)")
    require(os.path.exists(CHROMIUM), f"Debian chromium at {CHROMIUM}")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        timings = {**QUICK_TIMINGS, **getattr(request.module, "LIVE_TIMINGS", {})}
        yield QuickBrowser(browser, timings)
        browser.close()


# A page on the HTTP transport asks a server that did not answer again after 0.5 s, doubling: a
# time the tests would sit out. Their pages set it shorter (docs/howto/http-transport.md), and a
# module's LIVE_TIMINGS sets more: the first try of the socket again (socketRetry, 2 s), in the
# modules about those tries. Not everywhere: a try every 0.4 s is a socket opening beside what
# another module's test does (one such test found a hook's pushEvent() lost during a try).
QUICK_TIMINGS = {"serverRetry": 100}


class QuickBrowser:
    """The browser, whose contexts' pages run with ``timings`` (unless a test's own script set
    one first)."""

    def __init__(self, browser, timings):
        self._browser = browser
        self._script = f"window.liveViews = Object.assign({json.dumps(timings)}, window.liveViews);"

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(self._script)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        yield server


@pytest.fixture(scope="module")
def csp_server():
    """sample_site under a strict script CSP (only scripts with the response's nonce run:
    sample_site/demo/csp.py); one per module that asks for it, as ``server``."""
    with LiveServer(env={"DEMO_CSP": "1"}) as running:
        yield running


class PageLog:
    """What the browser and the server said during one test."""

    def __init__(self, server):
        self.server = server
        self.log_start = len(server.log)
        self.console = []  # every console message, "type: text"
        self.errors = []  # console errors and uncaught page errors
        self.documents = []  # URLs of every document (page load) request

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", self._request)
        return page

    def _console(self, message):
        line = f"{message.type}: {message.text}"
        self.console.append(line)
        if message.type == "error":
            self.errors.append(f"console.{line}")

    def _request(self, request):
        if request.resource_type == "document":
            self.documents.append(request.url)

    def server_log(self):
        return self.server.log[self.log_start :]

    def report(self):
        return "\n".join(
            [
                "--- browser console",
                *self.console,
                "--- page errors and console errors",
                *self.errors,
                "--- document requests",
                *self.documents,
                "--- server log during this test",
                self.server_log(),
            ]
        )


@pytest.fixture
def page_log(server):
    log = PageLog(server)
    yield log
    print(log.report())  # pytest shows it only when the test fails


@pytest.fixture
def new_context(browser, server, page_log):
    """Factory for fresh browser contexts (closed after the test), e.g. with JS disabled."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=server.base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", page_log.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="module")
def http_transport_server():
    """sample_site under uvicorn with its pages on the HTTP transport (DEMO_TRANSPORT=http)."""
    with LiveServer(env={"DEMO_TRANSPORT": "http"}) as running:
        yield running


@pytest.fixture
def http_transport_page(browser, http_transport_server):
    """A page of http_transport_server, in a context of its own (closed after the test)."""
    context = browser.new_context(base_url=http_transport_server.base_url)
    yield context.new_page()
    context.close()


# -- every server: the socket (uvicorn) and the three that serve the HTTP transport --------------

HTTP_SERVERS = ["asgi-without-socket", "gunicorn", "runserver"]


def http_server(kind: str) -> LiveServer | WsgiServer | RunserverServer:
    """A sample_site server whose pages go over the HTTP transport: WSGI (gunicorn, runserver
    without daphne: no websockets at all) or ASGI with no websocket route."""
    if kind == "gunicorn":
        return WsgiServer(env={"DEMO_TRANSPORT": "http"})
    if kind == "runserver":
        return RunserverServer(env={"DEMO_TRANSPORT": "http"})
    return LiveServer(env={"DEMO_NO_WEBSOCKET": "1"})


@pytest.fixture(scope="module", params=["uvicorn", *HTTP_SERVERS])
def each_server(request):
    if request.param == "uvicorn":
        yield request.getfixturevalue("server")
        return
    with http_server(request.param) as running:
        yield running


@contextmanager
def logged_page(browser, running):
    """(page, log): a page in a fresh browser context on the server ``running``, and what it
    logged (``log.errors``: console errors and uncaught page errors, a script or an ``eval`` a
    CSP refuses among them). The context is closed after; the log is shown if the test fails."""
    log = PageLog(running)
    context = browser.new_context(base_url=running.base_url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield log.watch(context.new_page()), log
    finally:
        context.close()
        print(log.report())  # pytest shows it only when the test fails


@pytest.fixture
def each_page(browser, each_server):
    """A page on ``each_server``, and what it logged (the refused socket of an ASGI server
    without the websocket route is the browser's own console error, not ours)."""
    with logged_page(browser, each_server) as opened:
        yield opened


@pytest.fixture
def csp_page(browser, csp_server):
    """A page on ``csp_server`` (a strict script CSP), and what it logged."""
    with logged_page(browser, csp_server) as opened:
        yield opened


# -- a live page, and whether the browser ever loaded another document -------------------------


def wait_until(page, condition, *, timeout_ms=TIMEOUT_MS, message="timed out"):
    """Until ``condition()`` holds: what Playwright tells the test (routes' callbacks, network
    events) arrives while the test waits on it, a moment after the page did it."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, message
        page.wait_for_timeout(20)


class HeldSockets:
    """The page's live sockets through Playwright, the server's frames to some of them held
    back, as a slow server's would be, until the test lets them through, in the order the
    server sent them. ``hold()`` holds the frames to the sockets open now (one the page opens
    later, another page's, is not held) until ``release()``. ``HeldSockets(page, every=True)``
    holds every socket's from the first, its join's reply included, but the frames to the
    sockets ``let_through(token)`` named."""

    def __init__(self, page, *, every=False):
        self.page = page
        self.every = every
        self.sockets = []  # each socket's route, in the order the page opened them
        self.held: set[int] = set()  # indexes into self.sockets
        self.through: set[str] = set()  # connect tokens
        self.waiting: list[tuple[int, str | bytes]] = []  # in the order the server sent them
        page.route_web_socket(LIVE_SOCKET, self.route)

    @property
    def opened(self):
        """Each socket's URL, in the order the page opened them."""
        return [ws.url for ws in self.sockets]

    def route(self, ws):
        # hx-ws reconnects only once the socket before was closed: its held frames go nowhere.
        self.waiting = [(n, frame) for n, frame in self.waiting if self.sockets[n].url != ws.url]
        number = len(self.sockets)
        self.sockets.append(ws)
        server = ws.connect_to_server()
        server.on_message(lambda frame: self.to_page(number, frame))

    def holds(self, number):
        if any(token in self.sockets[number].url for token in self.through):
            return False
        return self.every or number in self.held

    def to_page(self, number, frame):
        if self.holds(number):
            self.waiting.append((number, frame))
        else:
            self.sockets[number].send(frame)

    def hold(self):
        self.held = set(range(len(self.sockets)))

    def wait_for(self, text):
        """Until a held frame contains ``text`` (the server has answered)."""
        wait_until(self.page, lambda: any(text in str(frame) for _, frame in self.waiting))

    def release(self, count=None):
        """Deliver the first ``count`` held frames (all of them, and stop holding, by default)."""
        if count is None:
            count, self.held, self.every = len(self.waiting), set(), False
        delivered, self.waiting = self.waiting[:count], self.waiting[count:]
        for number, frame in delivered:
            self.sockets[number].send(frame)

    def let_through(self, token):
        """Deliver the frames to the sockets whose URL has ``token`` (the connect token in a
        live root's hx-ws:connect), held and to come."""
        self.through.add(token)
        waiting, self.waiting = self.waiting, []
        for number, frame in waiting:
            self.to_page(number, frame)


def open_live(page, path, wait_until="load"):
    """Goes to the live page at ``path`` and waits for it to connect; marks the document, for
    assert_same_document."""
    page.goto(path, wait_until=wait_until)
    page.wait_for_selector(CONNECTED)
    mark_document(page)


def mark_document(page):
    """Marks the document, for assert_same_document."""
    page.evaluate("window.__marker = 1")  # gone if the document is ever reloaded


def assert_same_document(page):
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def mount_probe(page, click: str = "#hook-push") -> None:
    """A hook the test adds by script, as ``window.probe``, on /hooks/ or /hooks/plain/: its
    element mounts with the next frame the page gets, which a click on ``click`` asks for."""
    page.evaluate(
        """async (click) => {
          liveViews.hooks.Probe = { mounted() { window.probe = this; } };
          const probe = document.createElement("span");
          probe.dataset.liveHook = "Probe";
          document.getElementById("hook-log").after(probe);
          document.querySelector(click).click();
          while (!window.probe) await new Promise((resolve) => setTimeout(resolve, 50));
        }""",
        click,
    )
