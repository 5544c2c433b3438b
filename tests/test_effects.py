"""BrowserEffects (live_views/connect/effects.py): what a view asks the browser for, checked
when asked and sent once."""

from __future__ import annotations

import pytest
from django.test import override_settings

from live_views.connect import effects, wire
from live_views.connect.effects import BrowserEffects


def test_take_returns_the_frame_keys_and_forgets_them():
    asked = BrowserEffects()
    asked.push("a", 1)
    asked.push("b", {"x": [1, 2]})
    asked.title, asked.focus, asked.scroll, asked.navigate = "T", "#f", "#s", "/next/"
    assert asked.take() == {
        wire.PUSH: [["a", 1], ["b", {"x": [1, 2]}]],
        wire.TITLE: "T",
        wire.FOCUS: "#f",
        wire.SCROLL: "#s",
        wire.NAVIGATE: "/next/",
    }
    assert asked.take() == {}


def test_a_payload_is_copied_when_pushed():
    payload = {"points": [1]}
    asked = BrowserEffects()
    asked.push("chart:data", payload)
    payload["points"].append(2)
    assert asked.take()[wire.PUSH] == [["chart:data", {"points": [1]}]]


@override_settings(LIVE_VIEWS={"MAX_PUSH_BYTES": 1024})
def test_the_size_limit_is_named_with_the_size():
    with pytest.raises(ValueError, match="MAX_PUSH_BYTES") as raised:
        BrowserEffects().push("big", "x" * 2000)
    assert str(raised.value) == (
        "live_push_event('big'): the payload is 2,002 bytes as JSON, over "
        "LIVE_VIEWS['MAX_PUSH_BYTES'] (1,024). Send less (a page of data, or only what "
        "changed), or raise the setting."
    )


@pytest.mark.parametrize("payload", [{1, 2}, float("nan"), object(), b"bytes"])
def test_a_payload_json_cannot_hold_is_refused(payload):
    with pytest.raises(TypeError, match="must be JSON"):
        BrowserEffects().push("x", payload)


@pytest.mark.parametrize("name", ["", "a b", "<x>", 3, None, "x" * 65])
def test_bad_names_are_refused(name):
    with pytest.raises(ValueError, match="live_push_event"):
        BrowserEffects().push(name, None)


def test_pushes_in_one_frame_are_bounded():
    asked = BrowserEffects()
    for n in range(effects.MAX_PUSHES):
        asked.push("n", n)
    with pytest.raises(ValueError, match="send one event with a list"):
        asked.push("n", 0)


@pytest.mark.parametrize("url", ["/", "/a/?b=1#c", "/café/"])
def test_paths_on_the_site_may_be_navigated_to(url):
    assert effects.page_url(url) == url


@pytest.mark.parametrize(
    "url", ["", "a/", "//x.example/", "/\\x.example", "http://x.example/", "/a b", "javascript:x"]
)
def test_other_urls_are_refused(url):
    with pytest.raises(ValueError, match="path on this site"):
        effects.page_url(url)


def test_titles_are_text_and_bounded():
    assert effects.title(42) == "42"
    with pytest.raises(ValueError, match="at most"):
        effects.title("x" * (effects.MAX_TITLE + 1))


def test_a_reset_forms_server_state_goes_when_its_frame_is_taken_not_before():
    forgotten: list[str] = []
    asked = BrowserEffects()
    asked.reset_form("a", lambda: forgotten.append("a"))
    asked.reset_form("a", lambda: forgotten.append("a again"))  # one reset, one forget
    asked.reset_form("b")
    assert forgotten == []
    assert asked.take()[wire.RESET].count("data-live-form") == 2
    assert forgotten == ["a"]
    assert asked.take() == {}
    assert forgotten == ["a"]


def test_a_pages_reset_is_its_own_live_forms_not_those_of_its_components():
    asked = BrowserEffects()
    asked.reset_form(None)
    asked.reset_form("a")
    assert asked.take()[wire.RESET].split(",") == [
        "[data-live-form]:not([data-live-component] *)",
        '[data-live-component="a"] [data-live-form]:not([data-live-component="a"] '
        "[data-live-component] *)",
    ]


def test_a_failed_handler_drops_the_forget_with_the_reset():
    forgotten: list[str] = []
    asked = BrowserEffects()
    asked.reset_form("a", lambda: forgotten.append("a"))
    asked.clear()
    assert asked.take() == {}
    assert forgotten == []


def test_leaving_the_page_forgets_the_reset_forms_state_and_sends_nothing_later():
    forgotten: list[str] = []
    asked = BrowserEffects()
    asked.reset_form("a", lambda: forgotten.append("a"))
    asked.push("saved", {})
    asked.leave()
    assert forgotten == ["a"]
    assert asked.take() == {}  # the next frame the page sends (if it is still open)
    assert forgotten == ["a"]


def test_a_cancelled_upload_is_hidden_until_its_frame_is_taken_then_forgotten():
    forgotten: list[str] = []
    asked = BrowserEffects()
    asked.upload_cancelled("a", "files", "r1", lambda: forgotten.append("r1"))
    asked.upload_cancelled("a", "files", "r2", lambda: forgotten.append("r2"))
    assert asked.cancelled_uploads("a") == {("files", "r1"), ("files", "r2")}
    assert asked.cancelled_uploads(None) == frozenset()  # the page's own form holds its own
    assert forgotten == []
    [[name, payload]] = asked.take()[wire.PUSH]
    assert (name, payload["refs"]) == (wire.UPLOAD_CANCELLED, ["r1", "r2"])
    assert forgotten == ["r1", "r2"]
    assert asked.cancelled_uploads("a") == frozenset()


def test_a_failed_handler_drops_the_cancelled_upload_with_its_push():
    forgotten: list[str] = []
    asked = BrowserEffects()
    asked.upload_cancelled(None, "files", "r1", lambda: forgotten.append("r1"))
    asked.clear()
    assert asked.cancelled_uploads(None) == frozenset()
    assert asked.take() == {}
    assert forgotten == []


def test_a_cancel_with_no_room_for_its_push_takes_nothing_out():
    forgotten: list[str] = []
    asked = BrowserEffects()
    for n in range(effects.MAX_PUSHES):
        asked.push("n", n)
    with pytest.raises(ValueError, match="send one event with a list"):
        asked.upload_cancelled(None, "files", "r1", lambda: forgotten.append("r1"))
    assert asked.cancelled_uploads(None) == frozenset()  # the form still holds it
    asked.take()
    assert forgotten == []
