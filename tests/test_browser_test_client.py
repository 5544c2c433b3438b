"""The test client's model of a page (live_views/testing/dom.py) against Chromium: each frame
applied by htmx 4 and our glue (the built bundle, and its streams script) in a page with no
server, and by ``apply_swaps()``, shows the same HTML. Frames that do not apply in turn,
mostly: htmx finds every swap's target before the frame's first swap runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import live_views
from live_views.testing.dom import apply_swaps

pytestmark = pytest.mark.browser

BUNDLE = Path(live_views.__file__).parent / "static" / "live_views" / "live_views.min.js"
# Loaded by the glue for a page that shows a stream; a bare htmx.swap() waits for nothing.
STREAMS = BUNDLE.with_name("live_views.streams.min.js")
PAGE = (
    '<div id="lv-chat" data-lv-v="00000001"><h1>Chat</h1>'
    '<ul id="lv-s-m" data-lv-v="00000002" data-live-stream>'
    '<li id="lv-s-m-1">one<i data-live-ignore>tip</i></li>'
    '<li id="lv-s-m-2">two</li><li id="lv-s-m-3">three</li>'
    "</ul></div>"
)


def oob(where: str, item: str = "") -> str:
    return f'<template hx-swap-oob="{where}">{item}</template>'


FRAMES = {
    "an insert of a shown item": oob("afterbegin:#lv-s-m", '<li id="lv-s-m-3">3!</li>'),
    "a delete then an insert (a move)": oob("delete:#lv-s-m-3")
    + oob("afterbegin:#lv-s-m", '<li id="lv-s-m-3">3!</li>'),
    "an insert then a delete of a shown item": oob("beforeend:#lv-s-m", '<li id="lv-s-m-2">2</li>')
    + oob("delete:#lv-s-m-2"),
    "two inserts of a new item": oob("beforeend:#lv-s-m", '<li id="lv-s-m-9">a</li>')
    + oob("afterbegin:#lv-s-m", '<li id="lv-s-m-9">b</li>'),
    "an insert then a delete of a new item": oob("beforeend:#lv-s-m", '<li id="lv-s-m-9">9</li>')
    + oob("delete:#lv-s-m-9"),
    "a delete then an update": oob("delete:#lv-s-m-2")
    + '<li id="lv-s-m-2" hx-swap-oob="outerMorph">back?</li>',
    "a stream replaced whole, then an insert": (
        '<ul id="lv-s-m" data-lv-v="00000007" data-live-stream hx-swap-oob="outerHTML">'
        '<li id="lv-s-m-5">five</li></ul>'
    )
    + oob("beforeend:#lv-s-m", '<li id="lv-s-m-6">six</li>'),
    "the block around the stream morphed, then a delete and an insert": (
        '<div id="lv-chat" data-lv-v="00000009" hx-swap-oob="outerMorph"><h1>Renamed</h1>'
        '<ul id="lv-s-m" data-lv-v="00000002" data-live-stream></ul></div>'
    )
    + oob("delete:#lv-s-m-1")
    + oob("beforeend:#lv-s-m", '<li id="lv-s-m-4">four</li>'),
}


def comparable(html: str) -> str:
    # The glue clears a changed stream's version once hx-ws has swapped a message, which a
    # bare htmx.swap() is not: the versions are tests/test_dom.py's.
    html = html.replace('data-live-stream=""', "data-live-stream")
    html = html.replace('data-live-ignore=""', "data-live-ignore")
    return re.sub(r'(data-lv-v=")[^"]*"', r'\1"', html)


@pytest.fixture(scope="module")
def blank(browser):
    page = browser.new_page()
    yield page
    page.close()


# A widget's element (data-live-ignore) in a block: the browser drew into it (an ignored element
# of its own too, which goes or stays with it: it needs no id).
IGNORING = (
    '<div id="lv-market" data-lv-v="00000001"><p>3 items</p>'
    '<div id="chart" data-live-ignore data-mine="kept"><b class="bar">drawn</b>'
    "<i data-live-ignore>tip</i></div>"
    '<p>after</p><div id="lv-plain" data-lv-v="00000003" data-live-ignore><i>mine</i></div></div>'
)
IGNORING_FRAMES = {
    "the block around an ignored element morphed": (
        '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>8 items</p>'
        '<div id="chart" data-live-ignore data-source="new"></div><p>after, changed</p>'
        '<div id="lv-plain" data-lv-v="00000004" data-live-ignore></div></div>'
    ),
    "the block around an ignored element morphed without it": (
        '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>none</p></div>'
    ),
    "a new element of the ignored element's tag before it": (
        '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>8 items</p>'
        '<div class="note">new</div><div id="chart" data-live-ignore></div><p>after</p>'
        '<div id="lv-plain" data-lv-v="00000004" data-live-ignore></div></div>'
    ),
    "an ignored block morphed": (
        '<div id="lv-plain" data-lv-v="00000004" data-live-ignore hx-swap-oob="outerMorph">'
        "<i>server</i></div>"
    ),
}


def shown_in_chromium(blank, page: str, frame: str, script: str = "") -> str:
    """What Chromium shows after ``frame``, with ``script`` run on the page first."""
    blank.set_content(f"<html><head></head><body data-live-root>{page}</body></html>")
    blank.add_script_tag(content=BUNDLE.read_text())
    blank.add_script_tag(content=STREAMS.read_text())
    if script:
        blank.evaluate(script)
    blank.evaluate(
        "text => htmx.swap({sourceElement: document.body, target: document.body,"
        " swap: 'none', text, transition: false})",
        frame,
    )
    return str(blank.evaluate("document.body.innerHTML"))


@pytest.mark.parametrize("frame", FRAMES.values(), ids=FRAMES.keys())
def test_a_frame_shows_in_the_test_client_what_it_shows_in_chromium(blank, frame):
    shown = shown_in_chromium(blank, PAGE, frame)
    assert comparable(apply_swaps(PAGE, frame)) == comparable(shown)


@pytest.mark.parametrize("frame", IGNORING_FRAMES.values(), ids=IGNORING_FRAMES.keys())
def test_an_ignored_element_shows_in_the_test_client_as_in_chromium(blank, frame):
    shown = shown_in_chromium(blank, IGNORING, frame)
    assert comparable(apply_swaps(IGNORING, frame)) == comparable(shown)


# Without an id, htmx pairs an ignored element with the new markup by tag and place: the same
# frame then shows differently as a widget drew into the element or not, which the test client
# cannot see. It refuses the frame, asking for an id.
WITHOUT_ID = (
    '<div id="lv-market" data-lv-v="00000001"><p>3 items</p><div data-live-ignore></div></div>'
)
NOTE_BEFORE_IT = (
    '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>8 items</p>'
    '<div class="note">new</div><div data-live-ignore></div></div>'
)
DRAW = "document.querySelector('[data-live-ignore]').innerHTML = '<b>drawn</b>'"


def test_an_ignored_element_without_an_id_is_refused_as_chromium_shows_what_scripts_did(blank):
    untouched = comparable(shown_in_chromium(blank, WITHOUT_ID, NOTE_BEFORE_IT))
    drawn = comparable(shown_in_chromium(blank, WITHOUT_ID, NOTE_BEFORE_IT, DRAW))
    assert '<div class="note">new</div>' in untouched
    # The drawn element took the note's place (the note never shows) and came again, empty.
    assert '<div class="note">' not in drawn
    assert drawn.count("<div data-live-ignore>") == 2
    with pytest.raises(AssertionError, match=r"without an id.*Give the element an id"):
        apply_swaps(WITHOUT_ID, NOTE_BEFORE_IT)


def test_an_ignored_element_without_an_id_takes_the_place_of_what_the_server_sent_instead(blank):
    dropped = (
        '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>none</p>'
        '<div class="note">new</div></div>'
    )
    # Untouched by any script, it stays where the server now sends the note: the note never shows.
    shown = comparable(shown_in_chromium(blank, WITHOUT_ID, dropped))
    assert '<div class="note">' not in shown
    assert "<div data-live-ignore></div>" in shown
    with pytest.raises(AssertionError, match="without an id"):
        apply_swaps(WITHOUT_ID, dropped)
