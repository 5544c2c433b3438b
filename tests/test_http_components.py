"""Live components on a page that is not live, over the HTTP transport: each component's root
has the transport's attributes, and its own token drives its own HTTP page (the stand-in page
its socket would have, socket/component_mount.py)."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from django.test import Client

from live_views.http.pages import close_all, open_pages
from tests.live_helpers import until
from tests.test_components import following_news
from tests.test_http_endpoint import HTMX, URL, Page, frame_of, shown

ROOT = re.compile(
    r'<div hx-ws:connect="[^"]*\?t=([^"]+)" data-live-root data-live-standalone[^>]*>'
)


pytestmark = pytest.mark.usefixtures("no_http_pages")


class Component:
    """One live component's root on a plain page, and the frames it sends over HTTP."""

    def __init__(self, http: Client, root: re.Match[str], address: str) -> None:
        self.http = http
        self.root = root[0]
        self.token = html_lib.unescape(root[1])
        self.csrf = html_lib.unescape(re.search(r'data-live-csrf="([^"]+)"', self.root)[1])
        self.address = address
        self.ref = 0

    def send(self, frame: dict):
        data = {"token": self.token, "frame": json.dumps(frame)}
        return self.http.post(URL, data, headers={**HTMX, "X-CSRFToken": self.csrf})

    def event(self, name: str, **args):
        self.ref += 1
        frame = {"event": name, "args": args, "component": self.address, "ref": self.ref}
        return self.send(frame)


def components(http: Client, path: str) -> list[Component]:
    page = http.get(path).content.decode()
    addresses = re.findall(r'data-live-component="([^"]+)"', page)
    return [
        Component(http, root, a) for root, a in zip(ROOT.finditer(page), addresses, strict=True)
    ]


def test_each_component_of_a_plain_page_is_live_over_http_on_its_own(http_browser):
    a, b = components(http_browser, "/plain-steppers/")
    assert 'data-live-transport="websocket" data-live-http="/live/http/"' in a.root
    for component in (a, b):
        joined = component.send({"join": {"version": "", "blocks": {}}})
        assert frame_of(joined)["joined"] is True
    reply = a.event("inc", by=2)
    assert '<span class="value">7</span>' in shown(reply)
    assert frame_of(reply)["ref"] == 1
    assert '<span class="value">1</span>' in shown(b.event("inc"))
    # Each keeps its own state between requests, as each would on its own socket.
    assert '<span class="value">8</span>' in shown(a.event("inc"))
    assert open_pages() == 2


def test_a_components_token_serves_that_component_only(http_browser):
    a, b = components(http_browser, "/plain-steppers/")
    a.send({"join": {"version": "", "blocks": {}}})
    a.address = b.address  # b's address through a's token
    assert frame_of(a.event("inc"))["error"]["code"] == "unknown_component"


def test_on_http_only_the_component_roots_never_dial_a_socket(http_browser, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "TRANSPORT": "http"}
    for component in components(http_browser, "/plain-steppers/"):
        assert 'data-live-transport="http"' in component.root
        assert 'hx-trigger="live:socket"' in component.root


def test_a_page_on_http_stops_following_what_a_component_it_no_longer_shows_followed(
    http_browser,
):
    def following_soon(count: int) -> bool:
        # The page follows its topics on the loop its process keeps for HTTP pages.
        return until(lambda: following_news() == count, f'{count} channel(s) hearing "news"')

    page = Page(http_browser, "/hidable-news/")
    page.join()
    assert following_soon(1)
    assert "headline" not in shown(page.event("hide"))
    assert following_soon(0)
    assert "nothing yet" in shown(page.event("show"))
    assert following_soon(1)


@pytest.mark.urls("tests.state_urls")
def test_a_component_its_page_hid_over_http_mounts_fresh_and_one_shown_keeps_its_state(
    http_browser,
):
    page = Page(http_browser, "/hidable-kept/")
    page.join()
    address = re.search(r'data-live-component="([^"]+)"', page.html)[1]

    def inc(by: int) -> str:
        page.ref += 1
        frame = {"event": "inc", "args": {"by": by}, "component": address, "ref": page.ref}
        return shown(page.send(frame))

    assert '<span class="value">5</span>' in inc(4)
    close_all()  # another worker, a restart: the page still shows it, so it keeps its state
    assert '<span class="value">7</span>' in inc(2)

    assert 'class="value"' not in shown(page.event("hide"))
    assert '<span class="value">1</span>' in shown(page.event("show"))

    inc(4)
    page.event("hide")
    close_all()  # hidden, then mounted again from the token: still gone once shown again
    assert '<span class="value">1</span>' in shown(page.event("show"))
