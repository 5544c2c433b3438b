"""Live pages end to end through the real ASGI application, as a browser drives them."""

from __future__ import annotations

import html
import json
import re
import time
import uuid

import pytest

from live_views.testing import AsyncLiveClient, LiveClient, LiveRefused
from tests.live_helpers import (
    BROWSER_HEADERS,
    SOCKET,
    TrackingLiveClient,
    assert_count_continues,
    count,
    mint_token,
    refusal_code,
    send_raw,
    token_of,
)

BLOCK_ID_RE = re.compile(r'\sid="(lv-[^"]+)"')
OOB = 'hx-swap-oob="outerMorph"'


def block_ids(content: str) -> list[str]:
    return BLOCK_ID_RE.findall(content)


# -- counter ----------------------------------------------------------------------------------


def test_join_is_answered_with_joined(live_client):
    page = live_client.live("/counter/")
    assert page.frames == [{"joined": True}]
    assert page.errors == []
    assert count(page) == 0


def test_increment_sends_only_the_counter_block(live_client):
    page = live_client.live("/counter/")
    reply = page.send("increment", amount=2)

    assert reply["ref"] == 1
    assert block_ids(reply["content"]) == ["lv-counter"]
    assert reply["content"].startswith('<div id="lv-counter" data-lv-v="')
    assert reply["content"].count(OOB) == 1
    assert count(page) == 2
    # Nothing outside the block travels: not the static paragraph, not the input being typed in.
    assert "rendered once" not in reply["content"]
    assert 'id="typing"' not in reply["content"]
    assert '<p id="static">0 rendered once</p>' in page.html


def test_event_that_changes_nothing_gets_a_bare_ack(live_client):
    page = live_client.live("/counter/")
    page.send("increment", amount=3)
    reply = page.send("increment", amount=0)
    assert reply == {"ref": 2}
    assert count(page) == 3


def test_static_text_outside_blocks_is_never_resent(live_client):
    page = live_client.live("/counter/")
    for _ in range(3):
        page.send("increment")
    assert count(page) == 3
    assert all("rendered once" not in frame.get("content", "") for frame in page.frames)
    assert '<p id="static">0 rendered once</p>' in page.html


def test_button_arguments_survive_the_rerender(live_client):
    page = live_client.live("/counter/")
    page.send("increment", amount=2)
    assert 'data-live-event="increment"' in page.block("counter")
    assert 'data-live-args="{&quot;amount&quot;:2}"' in page.block("counter")


def test_stale_page_gets_its_changed_blocks_on_join(live_client):
    response = live_client.get("/counter/")
    page_html = response.content.decode()
    page = live_client.open_socket(f"{SOCKET}?t={token_of(page_html)}", page_html)

    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {"lv-counter": "00000000"}}})
    assert reply is not None
    assert reply["joined"] is True
    assert block_ids(reply["content"]) == ["lv-counter"]
    assert "ref" not in reply
    assert count(page) == 0
    assert_count_continues(page, 0)


def test_up_to_date_page_gets_no_content_on_join(live_client):
    page = live_client.live("/counter/", join=False)
    versions = dict(re.findall(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"', page.html))
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": versions}})
    assert reply == {"joined": True}


def test_join_from_an_older_script_still_joins_and_warns(live_client, caplog):
    response = live_client.get("/counter/")
    page_html = response.content.decode()
    page = live_client.open_socket(f"{SOCKET}?t={token_of(page_html)}", page_html)
    with caplog.at_level("WARNING", logger="live_views"):
        reply = send_raw(page, {"join": {"version": "0.0.1", "blocks": {}}})
    assert reply is not None
    assert reply["joined"] is True
    assert "lv-counter" in block_ids(reply["content"])
    assert "0.0.1" in caplog.text


def test_events_run_one_at_a_time_in_arrival_order(live_client):
    page = live_client.live("/counter/")
    for ref, amount in enumerate([1, 10, 100], start=1):
        page.send_frame({"event": "increment", "args": {"amount": amount}, "ref": ref})
    replies = [page.receive(timeout=5) for _ in range(3)]
    assert [reply["ref"] for reply in replies] == [1, 2, 3]
    shown = [re.search(r'<p id="count">(\d+)</p>', reply["content"]).group(1) for reply in replies]
    assert shown == ["1", "11", "111"]
    assert count(page) == 111


def test_each_page_has_its_own_state(live_client):
    first = live_client.live("/counter/")
    second = live_client.live("/counter/")
    first.send("increment", amount=5)
    second.send("increment", amount=1)
    assert count(first) == 5
    assert count(second) == 1


def test_event_without_ref_still_updates_the_page(live_client):
    page = live_client.live("/counter/")
    reply = send_raw(page, {"event": "increment", "args": {"amount": 4}})
    assert reply is not None
    assert "ref" not in reply
    assert count(page) == 4


def test_form_values_fill_arguments_and_never_collide_with_reserved_keys(live_client):
    page = live_client.live("/counter/")
    # Form fields named like the frame's own keys stay form fields.
    reply = page.submit("increment", amount="3", event="explode", ref="99", join="x", typing="hi")
    assert reply["ref"] == 1
    assert "error" not in reply
    assert count(page) == 3


# -- handler errors -----------------------------------------------------------------------------


def test_failing_handler_is_rolled_back_and_reported(live_client):
    page = live_client.live("/counter/")
    page.send("increment", amount=2)
    with pytest.raises(RuntimeError, match="secret internal detail"):
        page.send("explode")
    reply = page.frames[-1]
    assert reply["ref"] == 2
    assert reply["error"]["code"] == "server_error"
    assert "content" not in reply
    assert count(page) == 2
    # The detail goes to the test (the server's log, without one: test_testing_raises.py),
    # not to the browser.
    assert "secret internal detail" not in json.dumps(page.frames)
    assert_count_continues(page, 2)


def test_failing_async_handler_is_rolled_back(live_client):
    page = live_client.live("/echo/?text=kept")
    with pytest.raises(ValueError, match="boom"):
        page.send("fail_async", message="boom")
    assert page.errors[-1]["code"] == "server_error"
    assert "content" not in page.frames[-1]
    reply = page.send("say", text="next")
    assert "kept" not in page.block("echo")
    assert "must be rolled back" not in reply["content"]
    assert page.block("echo").startswith('<p id="echo-text">next</p>')


# -- keyed and nested blocks -------------------------------------------------------------------


def test_bumping_a_row_sends_exactly_that_row(live_client):
    page = live_client.live("/rows/")
    reply = page.send("bump", row=2)

    assert block_ids(reply["content"]) == ["lv-row-2"]
    assert reply["content"].count("<tr ") == 1
    assert reply["content"].startswith('<tr id="lv-row-2" data-lv-v="')
    assert reply["content"].endswith("</tr>")
    assert '<td class="value">1</td>' in page.block("row", 2)
    for other in (0, 1, 3, 4):
        assert '<td class="value">0</td>' in page.block("row", other)


def test_renaming_sends_only_the_header(live_client):
    page = live_client.live("/rows/")
    reply = page.send("rename", title="Scores")
    assert block_ids(reply["content"]) == ["lv-header"]
    assert page.block("header") == "<h1>Scores</h1>"


def test_nested_row_bump_sends_only_the_row(live_client):
    page = live_client.live("/nested/")
    reply = page.send("bump", row=2)
    assert block_ids(reply["content"]) == ["lv-row-2"]
    assert reply["content"].count(OOB) == 1
    assert page.block("row", 2) == "<td>Row 2</td><td>1</td>"


def test_nested_add_sends_the_parent_with_its_rows(live_client):
    page = live_client.live("/nested/")
    page.send("bump", row=1)
    reply = page.send("add")

    ids = block_ids(reply["content"])
    assert ids[0] == "lv-table"
    assert ids[1:] == [f"lv-row-{i}" for i in range(6)]
    assert reply["content"].startswith('<tbody id="lv-table"')
    assert reply["content"].count(OOB) == 1  # only the parent is swapped; rows ride inside it
    assert page.block("row", 5) == "<td>Row 5</td><td>0</td>"
    assert page.block("row", 1) == "<td>Row 1</td><td>1</td>"


# -- what reaches the live instance ---------------------------------------------------------------


def test_url_kwargs_reach_the_live_instance(live_client):
    page = live_client.live("/items/5/")
    assert page.block("items") == "<i>5</i><i>6</i><i>7</i>"
    reply = page.send("more")
    assert block_ids(reply["content"]) == ["lv-items"]
    assert page.block("items") == "<i>5</i><i>6</i><i>7</i><i>8</i>"


def test_query_string_reaches_the_live_instance(live_client):
    response = live_client.get("/echo/", {"text": "from the query"})
    page_html = response.content.decode()
    page = live_client.open_socket(f"{SOCKET}?t={token_of(page_html)}", page_html)
    # A join claiming no blocks makes the live instance render everything it shows.
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
    assert reply is not None
    assert '<p id="echo-text">from the query</p>' in reply["content"]


def test_query_string_on_the_socket_url_never_reaches_the_view(live_client):
    response = live_client.get("/echo/", {"text": "signed"})
    page_html = response.content.decode()
    page = live_client.open_socket(f"{SOCKET}?t={token_of(page_html)}&text=forged", page_html)
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
    assert reply is not None
    assert '<p id="echo-text">signed</p>' in reply["content"]
    assert "forged" not in reply["content"]


def test_guarded_view_with_the_right_query_works(live_client):
    page = live_client.live("/guarded/?key=open")
    page.send("increment", amount=2)
    assert count(page) == 2


# -- async handlers and both clients --------------------------------------------------------------


def test_async_handler_from_the_sync_client(live_client):
    page = live_client.live("/async/")
    page.send("add_async", amount=3)
    page.send("increment", amount=2)
    assert count(page) == 5


async def test_async_client_drives_a_page():
    client = AsyncLiveClient()
    page = await client.live("/async/")
    try:
        assert page.frames == [{"joined": True}]
        reply = await page.send("add_async", amount=3)
        assert BLOCK_ID_RE.findall(reply["content"]) == ["lv-counter"]
        await page.send("increment", amount=2)
        assert '<p id="count">5</p>' in page.block("counter")
        reply = await page.send("add_async", amount="x")
        assert reply["error"]["code"] == "bad_arguments"
        await page.send("increment")
        assert '<p id="count">6</p>' in page.block("counter")
    finally:
        await page.close()


async def test_async_client_sees_refusals():
    client = AsyncLiveClient(origin="https://evil.example")
    with pytest.raises(LiveRefused) as refused:
        await client.live("/counter/")
    assert refused.value.code == 4403


async def test_async_pages_are_independent():
    client = AsyncLiveClient()
    first = await client.live("/async/")
    second = await client.live("/async/")
    try:
        await first.send("add_async", amount=7)
        await second.send("add_async", amount=1)
        assert '<p id="count">7</p>' in first.block("counter")
        assert '<p id="count">1</p>' in second.block("counter")
    finally:
        await first.close()
        await second.close()


# -- typed arguments ----------------------------------------------------------------------------


def seen(page) -> dict[str, str]:
    text = html.unescape(page.block("seen"))
    return dict(re.findall(r"<p>(\w+)=(.*?)</p>", text))


def test_form_strings_are_coerced_by_type_hints(live_client):
    page = live_client.live("/typed/")
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    reply = page.submit(
        "typed",
        n="5",
        x="1.5",
        flag="on",
        price="9.99",
        day="2024-01-02",
        when="2024-01-02T03:04:05",
        ident=str(ident),
        tags="7",
        note="",
    )
    assert "error" not in reply, reply
    assert seen(page) == {
        "day": "date:datetime.date(2024, 1, 2)",
        "flag": "bool:True",
        "ident": f"UUID:{ident!r}",
        "n": "int:5",
        "note": "str:''",
        "price": "Decimal:Decimal('9.99')",
        "tags": "list:[7]",
        # Under USE_TZ, aware in the current time zone (TIME_ZONE), as a form would take it.
        "when": "datetime:datetime.datetime(2024, 1, 2, 3, 4, 5, "
        "tzinfo=zoneinfo.ZoneInfo(key='America/Chicago'))",
        "x": "float:1.5",
    }


def test_multi_value_field_becomes_a_list_and_missing_optional_is_none(live_client):
    page = live_client.live("/typed/")
    page.submit(
        "typed",
        n=" 6 ",
        x="2",
        flag="off",
        price="1",
        day="2024-02-03",
        when="2024-02-03T00:00:00+01:00",
        ident="12345678-1234-5678-1234-567812345678",
        tags=["1", "2", "3"],
    )
    values = seen(page)
    assert values["n"] == "int:6"
    assert values["x"] == "float:2.0"
    assert values["flag"] == "bool:False"
    assert values["tags"] == "list:[1, 2, 3]"
    assert values["note"] == "NoneType:None"


def test_optional_int_from_an_empty_field_is_none(live_client):
    page = live_client.live("/echo/")
    page.submit("pick", number="")
    assert page.block("echo").startswith('<p id="echo-text">None</p>')
    page.submit("pick", number="12")
    assert page.block("echo").startswith('<p id="echo-text">12</p>')


def test_explicit_args_take_json_types(live_client):
    page = live_client.live("/typed/")
    reply = page.send(
        "typed",
        n=5,
        x=2,
        flag=True,
        price=3,
        day="2024-01-02",
        when="2024-01-02T03:04:05Z",
        ident="12345678123456781234567812345678",
        tags=[1, "2"],
        note=None,
    )
    assert "error" not in reply, reply
    values = seen(page)
    assert values["x"] == "float:2.0"
    assert values["price"] == "Decimal:Decimal('3')"
    assert values["tags"] == "list:[1, 2]"
    assert values["note"] == "NoneType:None"


def test_a_value_that_does_not_coerce_names_the_argument(live_client):
    page = live_client.live("/typed/")
    reply = page.submit(
        "typed",
        n="5",
        x="1",
        flag="maybe",
        price="1",
        day="2024-01-02",
        when="2024-01-02T03:04:05",
        ident="12345678-1234-5678-1234-567812345678",
        tags="1",
    )
    assert reply["ref"] == 1
    assert reply["error"]["code"] == "bad_arguments"
    assert "'flag'" in reply["error"]["message"]
    assert "'maybe'" in reply["error"]["message"]
    assert seen(page) == {}


# -- logged-in pages ------------------------------------------------------------------------------


@pytest.fixture
def user(live_db, django_user_model):
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.mark.parametrize("path", ["/private/", "/decorated/"])
def test_logged_in_user_can_use_a_login_required_page(live_client, user, path):
    live_client.force_login(user)
    page = live_client.live(path)
    page.send("increment", amount=4)
    assert count(page) == 4


@pytest.mark.usefixtures("live_db")
@pytest.mark.parametrize("path", ["/private/", "/decorated/"])
def test_anonymous_visitor_must_log_in(live_client, path):
    # The token matches this anonymous visitor; the view's own login check refuses at mount.
    assert refusal_code(live_client, f"{SOCKET}?t={mint_token(path)}") == 4401


def test_allowed_origin_setting_lets_another_origin_connect(settings):
    settings.LIVE_VIEWS = {"ALLOWED_ORIGINS": ["https://App.Example.com/"]}
    client = TrackingLiveClient(origin="https://app.example.com")
    try:
        page = client.live("/counter/")
        page.send("increment")
        assert count(page) == 1
    finally:
        client.close()


# -- the test client itself -----------------------------------------------------------------------


def test_live_refused_carries_the_close_code():
    client = TrackingLiveClient(origin="https://evil.example")
    try:
        with pytest.raises(LiveRefused) as refused:
            client.live("/counter/")
    finally:
        client.close()
    assert refused.value.code == 4403
    assert "4403" in str(refused.value)


def test_closing_a_refused_page_is_prompt():
    client = LiveClient(timeout=0.6)
    try:
        page = client.open_socket(f"{SOCKET}?t=bad", headers=BROWSER_HEADERS)
        assert page.receive() is None
        assert page.close_code == 4400
        started = time.monotonic()
        page.close()
        assert time.monotonic() - started < 0.3
    finally:
        client.close()
