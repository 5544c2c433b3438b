"""sample_site as a showcase: a home page linking every demo, each showing its own source."""

from __future__ import annotations

import html
import re
import urllib.request

import pytest

from tests.live_server import LiveServer

LINK_RE = re.compile(r'<li><a href="(/[^"]*)">([^<]+)</a>: (.*?)</li>', re.DOTALL)


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        yield server


def fetch(server, path):
    with urllib.request.urlopen(server.url(path), timeout=10) as response:
        return response.status, response.geturl(), response.read().decode()


def demo_links(server):
    _, _, body = fetch(server, "/")
    return LINK_RE.findall(body)


def test_the_home_page_links_every_demo_with_a_line_of_explanation(server):
    links = demo_links(server)

    paths = {path for path, _, _ in links}
    assert {"/counter/", "/private/", "/todos/", "/signup/", "/contacts/"} <= paths
    for path, title, explanation in links:
        assert title.strip()
        assert len(re.sub(r"<[^>]+>", "", explanation).strip()) > 20, (
            f"{path}: say in a line what the demo shows"
        )


def test_every_demo_shows_its_view_and_template_source(server):
    for path, _title, _ in demo_links(server):
        status, final_url, body = fetch(server, path)
        assert status == 200, path
        if "/login/" in final_url:
            continue  # the private counter asks for a login first
        source = html.unescape(body)
        assert re.search(r"class \w+\((Live|LoginRequired)", source), f"{path}: no view source"
        assert "{% extends" in source or "{% load live_views %}" in source, path
        # The source is text on the page, never markup.
        assert "<pre><code>class " in body


def test_the_source_is_not_sent_again_by_live_updates(server):
    _, _, body = fetch(server, "/counter/")
    # Everything outside liveblocks is rendered once, by the page load.
    block = re.search(r'<div id="lv-counter".*?</div>', body, re.DOTALL).group(0)
    assert "class CounterView" not in block
