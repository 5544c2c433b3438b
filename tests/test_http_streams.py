"""Streams on the HTTP transport (live_views/http/pages.py): a page joins again over HTTP once
the server answers after it was away, on the same page this process holds, whose
streams no longer hold their items. Found by a walk-through of the streams guide: on a page
that had fallen back to HTTP, scrolling a feed to 100 rows left 30 a few seconds later."""

from __future__ import annotations

import re

import pytest
from django.urls import include, path

from tests.test_http_endpoint import Page, frame_of, shown
from tests.todoapp.stream_views import MessagesView

urlpatterns = [path("messages/", MessagesView.as_view()), path("", include("live_views.urls"))]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("no_http_pages")]

CONTAINER = 'id="lv-s-messages"'


def items(reply) -> list[str]:
    """The stream items the reply holds, each once (a join also sends the block around the
    stream, with the container inside)."""
    return list(dict.fromkeys(re.findall(r'id="lv-s-messages-(\d+)"', shown(reply))))


def test_a_page_that_joins_again_keeps_the_stream_its_browser_shows(http_browser):
    page = Page(http_browser, "/messages/?n=3")
    first = page.join()
    assert items(first) == ["1", "2", "3"]
    versions = dict(re.findall(r'id="(lv-[a-z-]+)" data-lv-v="([^"]+)"', shown(first)))
    assert items(page.event("add", id=4, text="four")) == ["4"]  # the browser has 4 items

    # Its server was away: the glue joins again, the stream's version cleared by the insert.
    shows = {**versions, "lv-s-messages": ""}
    again = page.send({"join": {"version": "", "blocks": shows}})

    assert frame_of(again)["joined"] is True
    assert CONTAINER not in shown(again)  # was the container, whole and empty
    unchanged = page.send({"join": {"version": "", "blocks": versions}})
    assert CONTAINER not in shown(unchanged)
    assert items(page.event("add", id=5, text="five")) == ["5"]  # the stream goes on


def test_a_page_another_worker_answered_sends_its_stream_whole_not_empty(http_browser, monkeypatch):
    from live_views.http import pages

    page = Page(http_browser, "/messages/?n=3")
    page.join()  # worker A
    page.event("add", id=4, text="four")
    worker_a = pages._pages
    monkeypatch.setattr(pages, "_pages", {})  # worker B, mounting the page again
    page.event("add", id=5, text="five")
    pages.close_all()
    monkeypatch.setattr(pages, "_pages", worker_a)  # A again: the browser shows B's render

    reply = page.event("add", id=6, text="six")

    # As a reconnect does: the stream whole, from what the view declares, then the insert.
    assert CONTAINER in shown(reply)
    assert items(reply) == ["1", "2", "3", "6"]
