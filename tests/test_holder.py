"""One page answered in turn by two workers over HTTP (a load balancer without sticky sessions):
each worker keeps its own copy of the page (live_views/http/pages.py), the state cache is shared.
A copy that answers after the other worker did takes what that worker saved, for the page and
for its live components (live_views/socket/holder.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from live_views import broadcast
from live_views.http import endpoint, pages
from live_views.testing import LiveClient
from tests.live_helpers import until
from tests.test_http_endpoint import Page, frame_of, in_thread, shown
from tests.test_http_handover import socket_of
from tests.test_http_pushes import long_polls_begun, poll
from tests.testapp import components

pytestmark = [pytest.mark.usefixtures("no_http_pages"), pytest.mark.urls("tests.state_urls")]


class Workers:
    """Each worker's registry of HTTP pages, in one test process: the registry is per process,
    so the worker that answers a request is the registry in place while it runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.registries: dict[str, dict[str, pages.HttpPage]] = {"A": {}, "B": {}, "S": {}}

    def to(self, name: str) -> None:
        self.monkeypatch.setattr(pages, "_pages", self.registries[name])

    def close(self) -> None:
        for registry in self.registries.values():
            self.monkeypatch.setattr(pages, "_pages", registry)
            pages.close_all()


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    found = Workers(monkeypatch)
    found.to("A")
    yield found
    found.close()


class KeptPage(Page):
    """/hidable-kept/: a KeptModal (live_state: value, from 1) shown while the page's
    live_state ``shown`` is true."""

    @property
    def address(self) -> str:
        return re.search(r'data-live-component="([^"]+)"', self.html)[1]

    def inc(self, by: int = 1):
        self.ref += 1
        frame = {"event": "inc", "args": {"by": by}, "component": self.address, "ref": self.ref}
        return self.send(frame)


def value_in(response) -> int | None:
    """The modal's value once the browser applied the reply's swaps, in their order: the last
    swap of the page's "modal" block and what follows it (the modal's own blocks)."""
    text = shown(response)
    text = text[max(text.rfind('id="lv-modal"'), 0) :]
    found = re.findall(r'<span class="value">(\d+)</span>', text)
    return int(found[-1]) if found else None


def test_a_components_live_state_follows_the_page_from_worker_to_worker(http_browser, workers):
    page = KeptPage(http_browser, "/hidable-kept/")
    page.join()
    assert value_in(page.inc(4)) == 5  # worker A
    workers.to("B")
    assert value_in(page.inc(2)) == 7  # B mounts the page from its token and the saved state
    workers.to("A")
    reply = page.inc(1)
    assert value_in(reply) == 8  # not A's own 5 + 1
    # The whole page's blocks come first: the browser showed what B rendered.
    assert 'id="lv-modal"' in shown(reply)
    workers.to("B")
    assert value_in(page.inc(1)) == 9
    assert value_in(page.inc(1)) == 10  # B again: its copy is the newest
    workers.to("A")
    assert value_in(page.inc(10)) == 20


def test_a_component_one_worker_dropped_mounts_afresh_on_a_worker_still_holding_it(
    http_browser, workers
):
    page = KeptPage(http_browser, "/hidable-kept/")
    page.join()
    assert value_in(page.inc(4)) == 5  # worker A holds the modal at 5
    workers.to("B")
    assert value_in(page.event("hide")) is None  # B drops it: its state is forgotten
    assert value_in(page.event("show")) == 1  # and shown again, it starts afresh
    workers.to("A")
    # The page's own live_state went False and back to True: as saved, it is what A saved.
    # Still A's modal at 5 is not the one the browser shows.
    assert value_in(page.inc(1)) == 2


def test_the_pages_own_live_state_follows_it_with_components_present(http_browser, workers):
    page = KeptPage(http_browser, "/hidable-kept/")
    page.join()
    page.inc(4)
    workers.to("B")
    page.event("hide")
    workers.to("A")
    # A's copy still shows the modal; B's hid it. The event is for a component the page no
    # longer shows: A answers as B would.
    reply = page.inc(1)
    assert frame_of(reply)["error"]["code"] == "unknown_component"
    assert value_in(reply) is None
    assert value_in(page.event("show")) == 1


def test_a_page_worker_b_saved_and_then_a_socket_changed_is_taken_up_again(http_browser, workers):
    page = Page(http_browser, "/state/counter/")
    page.join()
    page.event("increment", amount=1)  # A: 1
    workers.to("B")
    page.event("increment", amount=1)  # B: 2
    page.event("note", text="b")
    workers.to("A")
    reply = page.event("increment", amount=1)
    assert '<p id="count">3</p>' in shown(reply)
    assert "<li>b</li>" in shown(reply)


def test_a_page_back_on_http_takes_up_what_its_socket_on_another_process_saved(live_db, workers):
    live = LiveClient(Client(enforce_csrf_checks=True), timeout=5)
    page = KeptPage(live.http, "/hidable-kept/")
    page.join()
    assert value_in(page.inc(4)) == 5  # worker A, over HTTP
    workers.to("S")  # the socket's process, which does not hold the page's HTTP copy
    socket = live.open_socket(socket_of(page), page.html)
    try:
        socket.send_frame({"join": {"version": "", "blocks": {}}})
        assert socket.receive()["joined"] is True
        socket.send_frame({"event": "inc", "args": {"by": 2}, "component": page.address})
        assert '<span class="value">7</span>' in socket.receive()["content"]
    finally:
        socket.close()
        live.close()
    workers.to("A")  # the socket dropped: back on HTTP, to A, which still holds its copy
    assert value_in(page.inc(1)) == 8


def test_a_broadcast_renders_on_the_push_streams_worker_what_the_events_worker_saved(
    http_browser, workers, monkeypatch
):
    monkeypatch.setattr(endpoint, "LONG_POLL", 5.0)
    page = KeptPage(http_browser, "/news-kept/")
    page.join()
    assert value_in(page.inc(4)) == 5  # worker A, which the page's long-poll reaches
    workers.to("B")
    assert value_in(page.inc(2)) == 7  # its events reach worker B
    workers.to("A")
    waiting = in_thread(ThreadPoolExecutor(1), poll, page)
    until(lambda: long_polls_begun() == 1, "the long-poll waits on A")
    monkeypatch.setattr(components, "HEADLINES", ["old news", "fresh news"])
    broadcast("news")
    pushed = "".join(frame.get("content", "") for frame in waiting.result(5))
    assert "fresh news" in pushed
    assert '<span class="value">7</span>' in pushed  # not A's own 5
    workers.to("B")
    # The page's blocks went out from A since: B sends them all again, with the event's.
    reply = page.inc(1)
    assert value_in(reply) == 8
    assert 'id="lv-modal"' in shown(reply)


class CountingCache(LocMemCache):
    """Django's local-memory cache, counting the calls made to it."""

    calls: list[str] = []

    def get(self, key, default=None, version=None):
        self.calls.append("get")
        return super().get(key, default, version)

    def set(self, key, value, timeout=None, version=None):
        self.calls.append("set")
        super().set(key, value, timeout, version)

    def delete(self, key, version=None):
        self.calls.append("delete")
        return super().delete(key, version)


@pytest.fixture
def counted(settings) -> list[str]:
    settings.CACHES = {
        **settings.CACHES,
        "counted": {"BACKEND": f"{__name__}.CountingCache", "LOCATION": "counted"},
    }
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "STATE_CACHE": "counted"}
    CountingCache.calls = []
    return CountingCache.calls


def test_an_event_on_the_worker_holding_the_page_costs_one_cache_read(
    http_browser, workers, counted
):
    page = KeptPage(http_browser, "/hidable-kept/")
    page.join()
    page.inc(1)
    page.inc(1)
    counted.clear()
    page.inc(1)  # the component's state changes: one read, one write
    assert counted == ["get", "set"]
    counted.clear()
    page.inc(0)  # nothing changes: the read only
    assert counted == ["get"]
    workers.to("B")
    counted.clear()
    page.inc(1)
    # B mounts the page: its state, the claim (a read and a write), the component's state,
    # then the component's new state.
    assert counted == ["get", "get", "set", "get", "set"]
    workers.to("A")
    counted.clear()
    page.inc(1)
    # A takes the page back: the claim, the page's state, the component's, its new state.
    assert counted == ["get", "set", "get", "get", "set"]
