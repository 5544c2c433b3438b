"""What a handler asks of the browser besides HTML (live_views/commands.py), through the real
ASGI application: EffectsView and PollingView in tests/testapp/effects_views.py."""

from __future__ import annotations

import asyncio

import pytest
from django.test import RequestFactory, override_settings

from live_views import abroadcast
from live_views.testing import AsyncLiveClient
from tests.testapp.effects_views import EffectsView


def test_a_push_reaches_the_page_with_the_handlers_reply(live_client):
    page = live_client.live("/effects/")
    frame = page.send("add", amount=2)
    # The event's own push first, then the one get_context_data() made for the render.
    assert frame["push"] == [["chart:data", [1, 2.5, None, "x"]], ["count", {"count": 2}]]
    assert frame["reply"] == {"count": 2}
    assert '<p id="count">2</p>' in page.block("counter")


def test_a_push_made_while_mounting_rides_the_join_reply(live_client):
    page = live_client.live("/effects/")
    assert page.frames[0]["push"] == [["count", {"count": 0}]]


def test_title_focus_and_scroll_ride_the_frame(live_client):
    frame = live_client.live("/effects/").send("retitle", title="Three <new> things")
    assert frame["title"] == "Three <new> things"
    assert frame["focus"] == "#name"
    assert frame["scroll"] == "#bottom"


def test_live_navigate_sends_the_path(live_client):
    assert live_client.live("/effects/").send("go")["navigate"] == "/counter/"


def test_effects_are_sent_once(live_client):
    page = live_client.live("/effects/")
    page.send("retitle", title="once")
    frame = page.send("add")
    assert "title" not in frame
    assert "focus" not in frame
    assert "scroll" not in frame


def test_an_oversized_push_fails_the_event_and_names_the_limit(live_client, settings):
    settings.DEBUG = True
    page = live_client.live("/effects/")
    with pytest.raises(ValueError, match="MAX_PUSH_BYTES"):
        page.send("huge")
    frame = page.frames[-1]
    assert frame["error"]["code"] == "server_error"
    assert "MAX_PUSH_BYTES" in frame["error"]["message"]
    assert "push" not in frame
    # The handler's changes went with it.
    assert page.send("add")["reply"] == {"count": 1}


def test_the_limit_is_a_setting(live_client):
    with override_settings(LIVE_VIEWS={"MAX_PUSH_BYTES": 400_000}):
        frame = live_client.live("/effects/").send("huge")
    assert frame["push"][0][0] == "big"


def test_a_payload_json_cannot_hold_fails_the_event(live_client, settings):
    settings.DEBUG = True
    page = live_client.live("/effects/")
    with pytest.raises(TypeError, match="must be JSON"):
        page.send("unserializable")
    assert "must be JSON" in page.errors[-1]["message"]


def test_a_reply_json_cannot_hold_fails_the_event(live_client, settings):
    settings.DEBUG = True
    page = live_client.live("/effects/")
    with pytest.raises(TypeError, match="the payload must be JSON"):
        page.send("bad_reply")
    assert "The reply of 'bad_reply': the payload must be JSON" in page.errors[-1]["message"]


def test_over_http_pushes_are_dropped_and_navigate_refuses():
    view = EffectsView()
    view.setup(RequestFactory().get("/effects/"))
    view.live_push_event("x", 1)
    view.live_title("t")
    assert view.live_runtime.effects.take() == {}
    with pytest.raises(RuntimeError, match="return redirect"):
        view.live_navigate("/counter/")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda v: v.live_push_event("has space", 1), "letters, digits"),
        (lambda v: v.live_focus(""), "CSS selector"),
        (lambda v: v.live_scroll_into_view(3), "CSS selector"),
        (lambda v: v.live_navigate("https://evil.example/"), "path on this site"),
        (lambda v: v.live_navigate("//evil.example/"), "path on this site"),
        (lambda v: v.live_navigate("javascript:alert(1)"), "path on this site"),
    ],
)
def test_bad_arguments_are_clear_errors(call, message):
    view = EffectsView()
    view.live_runtime.connected = True
    with pytest.raises(ValueError, match=message):
        call(view)


@pytest.mark.django_db(transaction=True)
async def test_a_broadcast_refresh_carries_the_views_pushes():
    client = AsyncLiveClient(timeout=5)
    page = await client.live("/effects/")
    await page.send("add", amount=3)
    await abroadcast("effects")
    frame = await asyncio.wait_for(page.receive(), 5)
    assert frame is not None
    assert frame["push"] == [["count", {"count": 3}]]
    await page.close()


async def test_the_join_reply_says_what_to_poll_and_ticks_run_the_event():
    client = AsyncLiveClient(timeout=5)
    page = await client.live("/effects/poll/")
    assert page.frames[0]["every"] == {"tick": 0.5}
    await page.send("tick")
    assert '<p id="count">1</p>' in page.block("counter")
    await page.close()


def test_a_page_without_live_every_polls_nothing(live_client):
    assert "every" not in live_client.live("/effects/").frames[0]
