"""live_patch() and the browser's Back/Forward, through the real ASGI application.

CatalogView (tests/testapp/navigation_views.py) lists fruits filtered by ?q=, four a page by
Django's own ?page= pagination; its dispatch() refuses ?secret=1.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.http import QueryDict
from django.test import RequestFactory, override_settings

from live_views.runtime import query_string
from live_views.socket.protocol import MAX_QUERY
from tests.live_helpers import send_raw
from tests.testapp.navigation_views import CatalogView

_ITEM_RE = re.compile(r"<li>(\w+)</li>")


def shown(page) -> tuple[list[str], str, str]:
    """The fruits, the pagination line and the query the page's list block shows."""
    block = page.block("list")
    page_line = re.search(r'<p id="page">(.*?)</p>', block).group(1)
    query = re.search(r'<p id="query">(.*?)</p>', block).group(1)
    return _ITEM_RE.findall(block), page_line, query


# -- live_patch ---------------------------------------------------------------------------------


def test_live_patch_pushes_the_new_query_and_renders_it(live_client):
    page = live_client.live("/catalog/")
    assert shown(page) == (["apple", "apricot", "banana", "blackberry"], "page 1 of 5", "")

    reply = page.send("goto", page=2)

    assert reply["patch"] == {"search": "?page=2", "replace": False}
    assert shown(page) == (["blueberry", "cherry", "date", "fig"], "page 2 of 5", "page=2")
    assert page.history == ["/catalog/", "/catalog/?page=2"]
    assert page.url == "/catalog/?page=2"


def test_a_filter_and_its_pages_travel_together(live_client):
    page = live_client.live("/catalog/")
    page.send("search", q="an")
    assert shown(page) == (["banana", "mango", "orange"], "page 1 of 1", "q=an")
    page.send("search", q="e")
    page.send("goto", page=2)
    assert page.url == "/catalog/?q=e&page=2"
    assert shown(page)[1:] == ("page 2 of 3", "q=e&amp;page=2")
    page.send("search", q="")  # None values are left out: back to the whole list
    assert page.url == "/catalog/"


def test_replace_rewrites_the_current_entry(live_client):
    page = live_client.live("/catalog/")
    page.send("goto", page=2)
    reply = page.send("goto", page=3, replace=True)
    assert reply["patch"] == {"search": "?page=3", "replace": True}
    assert page.history == ["/catalog/", "/catalog/?page=3"]


def test_a_patch_runs_get_once(live_client):
    page = live_client.live("/catalog/")
    before = CatalogView.gets
    page.send("goto", page=2)
    assert CatalogView.gets == before + 1


def test_a_patch_to_a_query_the_view_refuses_fails_the_event(live_client, caplog):
    page = live_client.live("/catalog/?page=2")
    with caplog.at_level(logging.WARNING, logger="live_views"):
        reply = page.send("patch_to", query="secret=1&page=1")
    assert reply["error"]["code"] == "patch_refused"
    assert (
        reply["error"]["message"] == "'patch_to': the view refused the query of its live_patch()."
    )
    assert "Traceback" not in caplog.text  # the view's refusal, not the server's failure
    with override_settings(DEBUG=True):
        reply = page.send("patch_to", query="secret=1&page=1")
    assert reply["error"]["message"] == (
        "'patch_to': the view refused the query of its live_patch(). Why: permission denied."
    )
    assert "patch" not in reply
    assert page.url == "/catalog/?page=2"
    # The page still answers, for the query it had.
    page.send("save")
    assert shown(page)[1:] == ("page 2 of 5", "page=2")


def test_a_patch_to_another_path_is_refused_with_a_clear_error(live_client):
    page = live_client.live("/catalog/")
    with pytest.raises(ValueError, match=r"live_patch\(\) changes the page's query only") as raised:
        page.send("patch_to", query="/admin/?page=2")
    assert page.errors[-1]["code"] == "server_error"
    assert "return redirect(url)" in str(raised.value)
    assert page.url == "/catalog/"


def test_a_handler_that_fails_after_live_patch_patches_nothing(live_client):
    page = live_client.live("/catalog/")
    with pytest.raises(RuntimeError, match="failed after live_patch"):
        page.send("patch_then_fail")
    assert page.errors[-1]["code"] == "server_error"
    assert page.history == ["/catalog/"]
    page.send("save")
    assert shown(page)[1:] == ("page 1 of 5", "")


def test_a_patch_to_a_page_that_does_not_exist_fails_the_event(live_client):
    page = live_client.live("/catalog/")
    reply = page.send("goto", page=99)  # ListView answers 404
    assert reply["error"]["code"] == "patch_refused"
    assert page.url == "/catalog/"
    assert shown(page)[1] == "page 1 of 5"


def test_live_patch_over_http_says_what_to_do_instead():
    view = CatalogView()
    view.setup(RequestFactory().get("/catalog/"))
    with pytest.raises(RuntimeError, match=r"return\s+redirect\(url\) instead"):
        view.live_patch({"page": 2})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "a b", "page": 2}, "q=a+b&page=2"),
        ({"q": None, "page": 1}, "page=1"),
        ({"tag": ["x", "y"]}, "tag=x&tag=y"),
        (QueryDict("tag=x&tag=y&q=1"), "tag=x&tag=y&q=1"),
        ("?q=a b&page=2", "q=a+b&page=2"),
        ("q=%3Cscript%3E", "q=%3Cscript%3E"),
        ("", ""),
        ({}, ""),
    ],
)
def test_query_string_normalizes(query, expected):
    assert query_string(query) == expected


@pytest.mark.parametrize("bad", ["/other/?q=1", "https://evil.example/?q=1", "q=1#top"])
def test_query_string_refuses_anything_but_a_query(bad):
    with pytest.raises(ValueError, match="query only"):
        query_string(bad)


# -- back and forward ------------------------------------------------------------------------------


def test_back_and_forward_render_the_earlier_queries(live_client):
    page = live_client.live("/catalog/")
    page.send("goto", page=2)
    page.send("goto", page=3)

    reply = page.back()
    assert "patch" not in reply  # the browser already shows the URL
    assert shown(page)[1:] == ("page 2 of 5", "page=2")
    page.back()
    assert shown(page)[1:] == ("page 1 of 5", "")
    page.forward()
    assert shown(page)[1:] == ("page 2 of 5", "page=2")
    # Events run for the query the browser shows now.
    page.send("goto", page=4)
    assert page.history == ["/catalog/", "/catalog/?page=2", "/catalog/?page=4"]


def test_going_back_to_a_query_the_view_refuses_reloads_and_keeps_the_old_one(live_client):
    page = live_client.live("/catalog/?page=2")
    before = page.html
    reply = send_raw(page, {"params": "?secret=1", "ref": 5})
    assert reply == {"reload": True, "ref": 5}
    assert page.html == before
    page.send("save")
    assert shown(page)[1:] == ("page 2 of 5", "page=2")


def test_going_back_to_a_page_that_no_longer_exists_reloads(live_client):
    page = live_client.live("/catalog/")
    assert send_raw(page, {"params": "?page=99", "ref": 1}) == {"reload": True, "ref": 1}
    assert page.send("goto", page=2)["patch"] == {"search": "?page=2", "replace": False}


# -- data-live-patch links: the test client follows one as the browser does ---------------------


def test_a_patch_link_adds_a_history_entry_and_renders_its_query(live_client):
    page = live_client.live("/catalog/?page=2")

    reply = page.follow_patch("?q=an")  # <a href="?q=an" data-live-patch>

    # As a live_patch() answers: the entry is added once the blocks are in.
    assert reply["patch"] == {"search": "?q=an", "replace": False}
    assert page.history == ["/catalog/?page=2", "/catalog/?q=an"]
    assert shown(page) == (["banana", "mango", "orange"], "page 1 of 1", "q=an")
    page.back()
    assert shown(page)[1:] == ("page 2 of 5", "page=2")
    assert page.errors == []


def test_a_patch_to_a_query_the_view_redirects_fails_the_event_for_an_anonymous_visitor(
    live_client,
):
    # The redirect closed the socket as a login would (4401) and the browser reloaded.
    page = live_client.live("/catalog/?page=2")
    reply = page.send("patch_to", query="old=1")
    assert reply["error"]["code"] == "patch_refused"
    assert page.close_code is None
    assert page.url == "/catalog/?page=2"


def test_a_patch_link_to_the_query_shown_does_nothing(live_client):
    page = live_client.live("/catalog/?page=2")
    frames = len(page.frames)
    assert page.follow_patch("/catalog/?page=2") == {}
    assert page.history == ["/catalog/?page=2"]
    assert len(page.frames) == frames


@pytest.mark.parametrize(
    ("href", "why"),
    [
        ("?secret=1", "permission denied"),
        ("?page=99", "not found"),
        # An anonymous visitor's redirect closed the socket as a login would (4401), and the
        # browser reloaded the page, where the docs promise patch_refused.
        ("?old=1", "the view redirected to '/catalog/?page=1'"),
    ],
)
def test_a_patch_link_to_a_query_the_view_refuses_fails_and_changes_nothing(
    live_client, caplog, href, why
):
    # It reloaded the page at that URL: the visitor lost the page for Django's 403 or 404
    # page, where a live_patch() to the same query fails its event and keeps the page.
    page = live_client.live("/catalog/?page=2")
    before = page.html

    with override_settings(DEBUG=True), caplog.at_level(logging.WARNING, logger="live_views"):
        reply = page.follow_patch(href)

    assert reply["error"]["code"] == "patch_refused"
    # DEBUG on: what the view answered, without the library's own exception class
    # ("QueryRefused: not found" named a class the developer never wrote or saw).
    assert reply["error"]["message"] == (
        f"The view refused the query of this data-live-patch link. Why: {why}."
    )
    assert "patch" not in reply
    assert "reload" not in reply
    assert page.history == ["/catalog/?page=2"]  # no entry: the address bar is unchanged
    assert page.html == before
    assert (
        f"CatalogView refused the query of a data-live-patch link (patch_refused): {why}"
        in caplog.text
    )
    # The page goes on at its own query: the next link and event render as before.
    page.send("save")
    assert shown(page)[1:] == ("page 2 of 5", "page=2")
    page.follow_patch("?page=3")
    assert page.history == ["/catalog/?page=2", "/catalog/?page=3"]


def test_a_patch_link_whose_render_fails_leaves_the_page_at_its_query(live_client):
    # The view took the query, its template then failed: the browser keeps its address (no
    # patch), so the page must keep its query too, not render the failing one from now on.
    page = live_client.live("/catalog/?page=2")
    with pytest.raises(RuntimeError, match="failed for"):
        page.follow_patch("?broken=1")
    assert page.errors[-1]["code"] == "server_error"
    assert page.history == ["/catalog/?page=2"]

    page.send("save")

    assert shown(page)[1:] == ("page 2 of 5", "page=2")
    page.follow_patch("?page=3")
    assert page.history == ["/catalog/?page=2", "/catalog/?page=3"]


def test_a_refused_patch_link_says_no_more_than_its_code_without_debug(live_client):
    page = live_client.live("/catalog/")
    reply = page.follow_patch("?secret=1")
    assert reply["error"] == {
        "code": "patch_refused",
        "message": "The view refused the query of this data-live-patch link.",
    }


@pytest.mark.parametrize("query", ["?secret=1", "?old=1"])
def test_back_to_a_query_the_view_refuses_still_reloads_it(live_client, query):
    # Back shows that URL in the address bar already: only a load can show what is there
    # (a redirect of the anonymous visitor too: the load follows it).
    page = live_client.live("/catalog/")
    page.send("goto", page=2)
    assert send_raw(page, {"params": query, "ref": 5}) == {"reload": True, "ref": 5}
    assert page.close_code is None


@pytest.mark.parametrize("flag", ["yes", 1, None, {}])
def test_a_params_frame_whose_patch_is_not_a_boolean_is_refused(live_client, flag):
    page = live_client.live("/catalog/?page=2")
    reply = send_raw(page, {"params": "?page=3", "patch": flag, "ref": 4})
    assert reply["error"]["code"] == "bad_frame"
    assert reply["ref"] == 4
    assert shown(page)[1:] == ("page 2 of 5", "page=2")


def test_a_patch_link_to_another_path_is_a_page_load_the_test_client_does_not_follow(live_client):
    page = live_client.live("/catalog/")
    with pytest.raises(AssertionError, match=r"'/other/\?q=an' is not a query of /catalog/"):
        page.follow_patch("/other/?q=an")
    assert page.history == ["/catalog/"]


def test_the_same_query_again_changes_nothing(live_client):
    page = live_client.live("/catalog/?page=2")
    assert send_raw(page, {"params": "?page=2", "ref": 9}) == {"ref": 9}


@pytest.mark.parametrize(
    "params",
    [
        None,
        3,
        ["?page=2"],
        {"page": "2"},
        "?page=2#top",
        "?q=caf\u00e9",
        "?q=a b",
        "?" + "a" * (MAX_QUERY + 1),
        "&".join(["a=1"] * 600),
    ],
)
def test_a_bad_params_frame_is_refused_and_changes_nothing(live_client, params):
    page = live_client.live("/catalog/?page=2")
    before = page.html
    reply = send_raw(page, {"params": params, "ref": 3})
    assert reply["error"]["code"] == "bad_frame"
    assert reply["ref"] == 3
    assert page.html == before
    page.send("save")
    assert shown(page)[1:] == ("page 2 of 5", "page=2")


def test_params_frames_count_against_the_event_rate(live_client, clock):
    with override_settings(LIVE_VIEWS={"EVENT_RATE": 1, "EVENT_BURST": 3}):
        page = live_client.live("/catalog/")  # the join takes one
        codes = [
            send_raw(page, {"params": f"?page={n}", "ref": n}).get("error", {}).get("code")
            for n in (2, 3, 4)
        ]
    assert codes == [None, None, "rate_limited"]
    assert shown(page)[1] == "page 3 of 5"


# -- reconnecting ---------------------------------------------------------------------------------


def test_a_reconnect_renders_the_query_the_address_bar_shows(live_client):
    page = live_client.live("/catalog/")
    page.send("search", q="e")
    page.send("goto", page=2)
    page.reconnect()  # the token still says "/catalog/"; the join says "?q=e&page=2"
    assert shown(page)[1:] == ("page 2 of 3", "q=e&amp;page=2")
    page.send("goto", page=3)
    assert page.url == "/catalog/?q=e&page=3"


def test_a_join_whose_query_the_view_refuses_reloads(live_client):
    page = live_client.live("/catalog/?page=2", join=False)
    page.send_frame({"join": {"version": "0.1.0", "blocks": {}, "search": "?secret=1"}})
    assert page.receive() == {"joined": True, "reload": True}


def test_a_join_with_an_unusable_query_renders_the_token_query(live_client):
    page = live_client.live("/catalog/?page=2", join=False)
    page.send_frame({"join": {"blocks": {}, "search": "?" + "x" * (MAX_QUERY + 5)}})
    frame = page.receive()
    assert frame["joined"] is True
    assert shown(page)[1:] == ("page 2 of 5", "page=2")


def test_a_patch_to_the_query_shown_adds_no_history_entry(live_client):
    page = live_client.live("/catalog/?page=2")
    reply = page.send("goto", page=2)
    assert "patch" not in reply
    assert page.history == ["/catalog/?page=2"]


@pytest.mark.parametrize(
    "loaded",
    [
        "/catalog/?q=%65&note=a%20b",  # a link made with Django's |urlencode filter
        "/catalog/?q=e&note=a+b",
    ],
)
def test_a_patch_to_the_query_shown_however_its_url_was_spelled_adds_no_entry(live_client, loaded):
    page = live_client.live(loaded)
    reply = page.send("patch_to", query="q=e&note=a b")
    assert "patch" not in reply  # Back would seem to do nothing
    assert page.history == [loaded]


def test_an_async_handler_patches_too(live_client):
    page = live_client.live("/catalog/")
    reply = page.send("goto_later", page=3)
    assert reply["patch"] == {"search": "?page=3", "replace": False}
    assert shown(page)[1:] == ("page 3 of 5", "page=3")
