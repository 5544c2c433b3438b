"""The key a data-live-key element's event carries (static/src/keys.js) is a form value like
any other: it fills a handler's `key` parameter, is coerced and bounded as any argument, and a
handler without one ignores it. What a tampered page sends there changes nothing else."""

from __future__ import annotations

import pytest

from live_views.testing import LiveClient

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.fixture
def page():
    client = LiveClient()
    with client.live("/echo/") as page:
        yield page
    client.close()


def test_the_key_fills_the_handlers_key_parameter(page):
    page.submit("press", key="Escape")  # the frame of a press of Escape
    assert page.block("echo").startswith('<p id="echo-text">pressed Escape</p>')


def test_a_handler_without_a_key_parameter_ignores_the_key(page):
    page.submit("say", text="hi", key="Escape")
    page.submit("shout", key="Escape")
    assert page.block("echo").startswith('<p id="echo-text">HI</p>')
    assert page.errors == []


def test_a_key_no_keyboard_has_is_just_text_for_the_handler(page):
    page.submit("press", key="<b>Ctrl+Alt+Del</b>" * 100)
    assert page.block("echo").startswith(
        '<p id="echo-text">pressed ' + "&lt;b&gt;Ctrl+Alt+Del&lt;/b&gt;" * 100 + "</p>"
    )
    assert page.errors == []


@pytest.mark.parametrize(
    ("key", "code", "says"),
    [
        (["Escape", "Enter"], "bad_arguments", "argument 'key': expected a string, got list"),
        ("Esc\x00ape", "bad_arguments", "argument 'key': expected text without NUL"),
        ({"k": 1}, "bad_frame", "must be a string, number, boolean or a list of them"),
    ],
)
def test_a_key_that_is_no_text_is_refused_and_changes_nothing(page, key, code, says):
    page.submit("say", text="before")
    page.send_frame({"event": "press", "args": {}, "form": {"key": key}, "ref": 99})
    page.receive()
    assert page.block("echo").startswith('<p id="echo-text">before</p>')
    assert page.errors[-1]["code"] == code
    assert says in page.errors[-1]["message"]
