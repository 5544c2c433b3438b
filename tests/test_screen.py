"""live_views/testing/screen.py: what the test client's page shows, frame by frame, as a browser
would: its HTML, errors, redirect and history entries."""

from __future__ import annotations

import pytest

from live_views.render.collector import block_id
from live_views.testing import LivePage
from live_views.testing.screen import PageScreen, ScreenMirror

PAGE = (
    '<body><div id="lv-counter" data-lv-v="00000001"><p>0</p></div>'
    '<ul><li id="lv-row-1" data-lv-v="00000002">one</li>'
    f'<li id="{block_id("row", "a b")}" data-lv-v="00000003">a b</li></ul></body>'
)


def screen(url: str | None = "/catalog/?page=1") -> PageScreen:
    shown = PageScreen(PAGE)
    if url is not None:
        shown.history.append(url)
    return shown


def test_a_new_screen_shows_the_page_as_loaded():
    shown = screen()
    assert shown.html == PAGE
    assert (shown.frames, shown.errors, shown.redirect_url, shown.close_code) == (
        [],
        [],
        None,
        None,
    )
    assert shown.url == "/catalog/?page=1"


def test_a_socket_opened_by_hand_has_no_url():
    assert screen(url=None).url is None


def test_block_reads_a_blocks_inner_html_by_name_and_key():
    shown = screen()
    assert shown.block("counter") == "<p>0</p>"
    assert shown.block("row", 1) == "one"
    assert shown.block("row", "a b") == "a b"  # an unsafe key, hashed as the server does
    with pytest.raises(KeyError, match="lv-missing"):
        shown.block("missing")


def test_content_is_swapped_in_by_block_id_and_every_frame_is_kept():
    shown = screen()
    frame = {
        "content": '<div id="lv-counter" data-lv-v="00000009" hx-swap-oob="outerMorph">'
        "<p>5</p></div>",
        "ref": 1,
    }
    shown.apply(frame)
    assert shown.block("counter") == "<p>5</p>"
    assert shown.block("row", 1) == "one"
    assert shown.frames == [frame]
    assert shown.errors == []


def test_a_block_the_page_does_not_have_is_an_error_in_the_test():
    with pytest.raises(AssertionError, match="lv-ghost"):
        screen().apply({"content": '<div id="lv-ghost" data-lv-v="1">x</div>'})


def test_errors_and_redirects_are_recorded():
    shown = screen()
    error = {"code": "unknown_event", "message": "No live event named 'x'."}
    shown.apply({"error": error, "ref": 2})
    shown.apply({"redirect": "/done/"})
    assert shown.errors == [error]
    assert shown.redirect_url == "/done/"
    assert shown.html == PAGE


def test_a_patch_adds_a_history_entry_on_the_same_path():
    shown = screen()
    shown.apply({"patch": {"search": "?page=2", "replace": False}, "ref": 1})
    assert shown.history == ["/catalog/?page=1", "/catalog/?page=2"]
    assert shown.url == "/catalog/?page=2"


def test_a_replacing_patch_overwrites_the_current_entry():
    shown = screen()
    shown.apply({"patch": {"search": "", "replace": True}})
    assert shown.history == ["/catalog/"]
    assert shown.url == "/catalog/"


def test_a_patch_after_going_back_drops_the_forward_entries():
    shown = screen()
    shown.apply({"patch": {"search": "?page=2", "replace": False}})
    shown.apply({"patch": {"search": "?page=3", "replace": False}})
    assert shown.step_history(-1) == "/catalog/?page=2"
    shown.apply({"patch": {"search": "?q=x", "replace": False}})
    assert shown.history == ["/catalog/?page=1", "/catalog/?page=2", "/catalog/?q=x"]
    assert shown.url == "/catalog/?q=x"


def test_stepping_past_either_end_of_the_history_fails_the_test():
    shown = screen()
    with pytest.raises(AssertionError, match=r"no history entry before '/catalog/\?page=1'"):
        shown.step_history(-1)
    with pytest.raises(AssertionError, match="no history entry after"):
        shown.step_history(1)
    assert shown.url == "/catalog/?page=1"


def test_a_patch_on_a_page_without_history_is_ignored():
    shown = screen(url=None)
    shown.apply({"patch": {"search": "?page=2", "replace": False}})
    assert shown.history == []


# -- the sync page mirrors its async page -------------------------------------------------------


def test_the_sync_page_shows_what_its_async_page_shows(live_client):
    page = live_client.live("/counter/")
    assert isinstance(page, LivePage)
    assert isinstance(page, ScreenMirror)
    page.send("increment", amount=2)
    page.send("no_such_event")
    inner = page._page
    for name in (
        "html",
        "errors",
        "frames",
        "redirect_url",
        "session_ticket_url",
        "close_code",
        "url",
        "history",
    ):
        assert getattr(page, name) == getattr(inner, name), name
    assert page.block("counter") == inner.block("counter")
    assert '<p id="count">2</p>' in page.block("counter")
    assert page.errors[0]["code"] == "unknown_event"
