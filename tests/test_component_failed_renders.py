"""A render that fails after dropping a live component its page no longer shows: the event is
undone and its frame never sent, so the browser still shows the component, which must still
answer its events (/failing-drops/: tests/testapp/component_views.py)."""

from __future__ import annotations

import re

import pytest
from channels.layers import get_channel_layer

from live_views.pubsub.topics import group_name

FAILURES = {
    "subscriptions": (TypeError, "Cannot subscribe to None"),  # a component it mounted
    "template": (RuntimeError, "template failed"),  # further on, after the drop
}


def value(component) -> str:
    match = re.search(r'<span class="value">(-?\d+)</span>', component.html)
    assert match is not None, component.html
    return match.group(1)


def codes(page) -> list[str]:
    return [error["code"] for error in page.errors]


def following_news() -> int:
    """How many channels of the layer hear "news" (the hub's: one per process that follows)."""
    return len(get_channel_layer().groups.get(group_name("news"), {}))


def unknown(page, address: str) -> bool:
    """Whether the server answers an event for ``address`` with unknown_component."""
    page.send_frame({"event": "inc_own", "args": {}, "component": address, "ref": 9})
    return page.receive().get("error", {}).get("code") == "unknown_component"


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("event", ["inc_own", "inc"])  # its render only; the page's too
def test_a_component_a_failed_page_render_hid_still_answers(live_client, how, event):
    page = live_client.live("/failing-drops/")
    page.component("s").send("inc_own", by=2)
    error, message = FAILURES[how]
    with pytest.raises(error, match=message):
        page.send("hide", how=how)  # the page's render drops the stepper, then fails
    assert codes(page) == ["server_error"]

    page.component("s").send(event)  # the browser still shows it

    assert codes(page) == ["server_error"]  # no unknown_component
    assert value(page.component("s")) == "6"  # with the state it had: 3 + 2 + 1

    address = page.component("s").address
    page.send("hide")  # a render that succeeds drops it
    assert 'class="value">6' not in page.html
    assert unknown(page, address)


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("event", ["inc_own", "inc"])
def test_a_nested_component_a_failed_render_hid_still_answers(live_client, how, event):
    page = live_client.live("/failing-drops/")
    shelf = page.component("shelf")
    page.component("shelved").send("inc_own", by=2)
    error, message = FAILURES[how]
    with pytest.raises(error, match=message):
        shelf.send("close", how=how)  # the shelf's render drops its stepper, then fails
    assert codes(page) == ["server_error"]

    reply = page.component("shelved").send(event)

    assert codes(page) == ["server_error"]
    assert value(page.component("shelved")) == "10"  # 7 + 2 + 1
    assert "\x00" not in reply["content"]
    assert "shelf's template" not in page.html

    address = page.component("shelved").address
    page.component("shelf").send("close")
    assert 'class="value"' not in page.component("shelf").html
    assert unknown(page, address)


def test_a_component_a_failed_render_hid_still_follows_its_topics(live_client):
    page = live_client.live("/failing-drops/")
    assert following_news() == 1  # the Headline beside the stepper follows "news"
    with pytest.raises(TypeError, match="Cannot subscribe to None"):
        page.send("hide", how="subscriptions")
    assert following_news() == 1
    assert "nothing yet" in page.component("news").html

    page.send("hide")  # a render that succeeds drops it: nothing on the page follows "news"

    assert following_news() == 0


def test_a_render_that_fails_once_its_components_followed_their_topics_is_undone(
    live_client, monkeypatch
):
    # The page's render is over, and its components' topics counted, when what it showed of
    # the messages fails to be kept: no frame goes out, so it is undone all the same.
    from live_views.socket import messages

    finish_render = messages.finish_render
    failing = True

    def fails_once(request) -> None:
        nonlocal failing
        if failing:
            failing = False
            raise RuntimeError("the messages could not be kept")
        finish_render(request)

    page = live_client.live("/failing-drops/")
    monkeypatch.setattr(messages, "finish_render", fails_once)
    with pytest.raises(RuntimeError, match="messages could not be kept"):
        page.send("hide")
    assert codes(page) == ["server_error"]

    page.component("s").send("inc_own")
    assert value(page.component("s")) == "4"
    assert following_news() == 1
    page.send("hide")
    assert following_news() == 0


def test_a_component_a_failed_render_mounted_is_gone(live_client):
    page = live_client.live("/failing-drops/")
    with pytest.raises(TypeError, match="Cannot subscribe to None"):
        page.send("hide", how="subscriptions")

    # An event elsewhere, whose render does not reach the stepper's place: the component that
    # failed to subscribe there is not the page's, and no later render reads it again.
    page.component("shelved").send("inc_own")

    assert codes(page) == ["server_error"]
    assert value(page.component("shelved")) == "8"
