"""Hostile input: what a client that is not our JS (or a cross-site page) can send, and what it
gets back. Every attack leaves the page working: the next good event counts on."""

from __future__ import annotations

import json
import logging
import time
import zlib
from typing import Any

import pytest
from channels.routing import get_default_application
from django.core import signing

from live_views.connect.tokens import TOKEN_VERSION, session_binding
from live_views.testing import LiveClient, LiveRefused
from tests.live_helpers import (
    BROWSER_HEADERS,
    SOCKET,
    TrackingLiveClient,
    assert_count_continues,
    count,
    days_ago,
    mint_token,
    refusal_code,
    send_raw,
    token_of,
)

TOKEN_SALT = "live_views.connect"


@pytest.fixture
def counter(live_client):
    """A counter page at 2, so an attack that resets or bumps the count shows."""
    page = live_client.live("/counter/")
    page.send("increment", amount=2)
    assert count(page) == 2
    return page


def url(token: str) -> str:
    return f"{SOCKET}?t={token}"


def retoken(token: str, **changes: object) -> str:
    """The token with its payload changed and the old signature kept: a forgery. Django's
    signing compresses a payload (a leading ".") when that makes it shorter, which the random
    page id in it now and then does: the forgery is written the same way."""
    payload_b64, rest = token.split(":", 1)
    compressed = payload_b64.startswith(".")
    data = signing.b64_decode(payload_b64.removeprefix(".").encode())
    payload = json.loads(zlib.decompress(data) if compressed else data)
    payload.update(changes)
    data = json.dumps(payload, separators=(",", ":")).encode()
    forged = signing.b64_encode(zlib.compress(data) if compressed else data).decode()
    return f"{'.' if compressed else ''}{forged}:{rest}"


def assert_error(reply: dict | None, code: str | set[str], *fragments: str) -> dict:
    assert reply is not None, "the server closed the socket instead of answering"
    assert "error" in reply, reply
    codes = {code} if isinstance(code, str) else code
    assert reply["error"]["code"] in codes, reply
    for fragment in fragments:
        assert fragment in reply["error"]["message"], reply
    assert "content" not in reply
    return reply["error"]


# -- connect tokens ------------------------------------------------------------------------------


def test_a_minted_token_mounts_the_page(live_client):
    # The helper mints tokens exactly as a page load does: the refusals below are not an
    # artefact of minting.
    page_html = live_client.get("/counter/").content.decode()
    page = live_client.open_socket(url(mint_token("/counter/")), page_html, headers=BROWSER_HEADERS)
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
    assert reply is not None
    assert reply["joined"] is True
    assert "lv-counter" in reply["content"]


@pytest.mark.parametrize("socket_url", [SOCKET, f"{SOCKET}?t=", f"{SOCKET}?x=1"])
def test_missing_token_is_refused_4400(live_client, socket_url):
    assert refusal_code(live_client, socket_url) == 4400


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a:b:c",
        "%00%ff",
        "x" * 5000,
        signing.dumps({"v": 1, "p": "/counter/", "q": "", "b": ""}),  # Django's default salt
        signing.dumps({"v": 1, "p": "/counter/", "q": "", "b": ""}, salt="other.salt"),
    ],
    ids=["garbage", "colons", "bytes", "long", "default-salt", "other-salt"],
)
def test_bad_token_is_refused_4400(live_client, token):
    assert refusal_code(live_client, url(token)) == 4400


def test_token_with_wrong_field_types_is_refused_4400(live_client):
    payload = {"v": TOKEN_VERSION, "p": ["/counter/"], "q": "", "b": "", "i": "page"}
    token = signing.dumps(payload, salt=TOKEN_SALT)
    assert refusal_code(live_client, url(token)) == 4400


def test_tampered_signature_is_refused_4400(live_client):
    token = mint_token("/counter/")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert refusal_code(live_client, url(flipped)) == 4400


def test_token_for_one_query_cannot_be_replayed_for_another(live_client):
    page = live_client.live("/guarded/?key=open")
    assert_count_continues(page, 0)
    token = token_of(live_client.get("/guarded/?key=open").content.decode())
    assert refusal_code(live_client, url(retoken(token, q="key=other"))) == 4400
    assert refusal_code(live_client, url(retoken(token, p="/counter/"))) == 4400


def test_view_access_check_runs_again_at_mount(live_client):
    # Even a genuinely signed token does not skip the view's own dispatch() check.
    assert refusal_code(live_client, url(mint_token("/guarded/", "key=shut"))) == 4403
    assert refusal_code(live_client, url(mint_token("/guarded/"))) == 4403


@pytest.mark.parametrize("path", ["/plain/", "/nope/", "/items/abc/", "/live/ws/", ""])
def test_token_for_a_path_that_is_no_live_view_is_refused_4404(live_client, path):
    payload = {"v": TOKEN_VERSION, "p": path, "q": "", "b": _anonymous_binding(), "i": "page"}
    token = signing.dumps(payload, salt=TOKEN_SALT)
    assert refusal_code(live_client, url(token)) == 4404


@pytest.mark.parametrize("path", ["/plain/", "/nope/"])
def test_made_token_for_a_path_that_is_no_live_view_is_refused_4404(live_client, path):
    assert refusal_code(live_client, url(mint_token(path))) == 4404


def _anonymous_binding() -> str:
    return session_binding(None, None)


def test_expired_token_is_refused_4410(live_client):
    token = mint_token("/counter/", at=days_ago(2))
    assert refusal_code(live_client, url(token)) == 4410


def test_token_max_age_setting_is_honoured(live_client, settings):
    token = mint_token("/counter/", at=time.time() - 120)
    settings.LIVE_VIEWS = {"TOKEN_MAX_AGE": 60}
    assert refusal_code(live_client, url(token)) == 4410
    settings.LIVE_VIEWS = {"TOKEN_MAX_AGE": 600}
    page = live_client.open_socket(url(token), live_client.get("/counter/").content.decode())
    assert send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})["joined"] is True


@pytest.mark.parametrize("version", [0, 1, TOKEN_VERSION + 1, "2", None])
def test_token_from_another_version_is_refused_4410(live_client, version):
    payload = {"v": version, "p": "/counter/", "q": "", "b": _anonymous_binding()}
    assert refusal_code(live_client, url(signing.dumps(payload, salt=TOKEN_SALT))) == 4410


def test_token_whose_payload_is_not_an_object_is_refused_4410(live_client):
    # Only another version of live_views could have signed it: the page reloads for a new one.
    token = signing.dumps(["/counter/"], salt=TOKEN_SALT)
    assert refusal_code(live_client, url(token)) == 4410


# -- sessions and users --------------------------------------------------------------------------


@pytest.fixture
def users(live_db, django_user_model):
    return (
        django_user_model.objects.create_user("alice", password="pw"),
        django_user_model.objects.create_user("bob", password="pw"),
    )


def test_token_of_another_user_is_refused_4403(users):
    alice, bob = users
    alice_client, bob_client = TrackingLiveClient(), TrackingLiveClient()
    try:
        alice_client.force_login(alice)
        bob_client.force_login(bob)
        alice_token = token_of(alice_client.get("/private/").content.decode())
        bob_page = bob_client.live("/private/")
        # Bob's browser (his cookies, a good Origin) presents Alice's token.
        code = _code_with_cookies(bob_client, url(alice_token))
        assert code == 4403
        assert_count_continues(bob_page, 0)
    finally:
        alice_client.close()
        bob_client.close()


def _code_with_cookies(client: LiveClient, socket_url: str) -> int | None:
    page = client.open_socket(socket_url)  # browser-like headers with the client's cookies
    assert page.receive(timeout=5) is None
    return page.close_code


@pytest.mark.parametrize("path", ["/private/", "/decorated/"])
def test_logged_in_token_on_an_anonymous_socket_is_refused_4401(live_client, users, path):
    # A stolen token, or the tab of a user who has since logged out: the token is bound to a
    # session this socket does not have, so it is refused before the view runs. 4401 (not 4403)
    # because the page was rendered for a logged-in user and this socket has none: the page
    # reloads and the view sends the visitor to log in. Nothing mounts either way.
    alice, _ = users
    live_client.force_login(alice)
    token = token_of(live_client.get(path).content.decode())
    assert refusal_code(live_client, url(token)) == 4401  # no cookie at all
    live_client.http.logout()
    assert _code_with_cookies(live_client, url(token)) == 4401


def test_logged_in_token_on_another_users_socket_is_refused_4403(live_client, users):
    alice, bob = users
    live_client.force_login(alice)
    token = token_of(live_client.get("/private/").content.decode())
    live_client.force_login(bob)
    assert _code_with_cookies(live_client, url(token)) == 4403


def test_anonymous_token_is_refused_after_logging_in(live_client, users):
    # Logging in rotates the session key, so a page loaded before is bound to the old one.
    alice, _ = users
    token = token_of(live_client.get("/counter/").content.decode())
    live_client.force_login(alice)
    assert _code_with_cookies(live_client, url(token)) == 4403


# -- origins -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://testserver.evil.example",
        "http://evil.example/testserver",
        "http://testserver:8080",
        "null",
        "file://",
        "ws://testserver",
        "testserver",
        "",
        # Not URLs at all (urlsplit() raises on them): a client that is no browser.
        "http://[::1",
        "http://[testserver]",
        "http://testserver]",
    ],
)
def test_foreign_origin_is_refused_4403(origin):
    client = TrackingLiveClient(origin=origin)
    try:
        with pytest.raises(LiveRefused) as refused:
            client.live("/counter/")
        assert refused.value.code == 4403
    finally:
        client.close()


def test_a_refused_origin_is_logged_with_why_and_what_would_let_it_in(caplog):
    # A port forward of the developer's own (a codespace) looks the same as an attack: the log
    # names the Host the server received and the settings, the page learns nothing more.
    client = TrackingLiveClient(origin="http://app.example.dev")
    try:
        with pytest.raises(LiveRefused):
            client.live("/counter/")
    finally:
        client.close()
    assert (
        "refused a socket from origin 'http://app.example.dev': the server received the Host "
        "'testserver', not the origin's; a proxy or port forward of yours should pass the "
        "browser's Host on"
    ) in caplog.text


def test_missing_origin_is_refused_4403(live_client):
    page_html = live_client.get("/counter/").content.decode()
    assert (
        refusal_code(live_client, url(token_of(page_html)), headers=[(b"host", b"testserver")])
        == 4403
    )


def test_same_origin_with_a_port_is_admitted(live_client):
    headers = [(b"host", b"localhost:8000"), (b"origin", b"http://localhost:8000")]
    page_html = live_client.get("/counter/").content.decode()
    page = live_client.open_socket(url(mint_token("/counter/")), page_html, headers=headers)
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
    assert reply is not None
    assert reply["joined"] is True
    assert_count_continues(page, 0)


def test_forged_host_matching_a_foreign_origin_is_refused_4403(live_client):
    page_html = live_client.get("/counter/").content.decode()
    headers = [(b"host", b"evil.example"), (b"origin", b"http://evil.example")]
    assert refusal_code(live_client, url(token_of(page_html)), headers=headers) == 4403


def test_origin_check_comes_before_the_token(live_client):
    headers = [(b"host", b"testserver"), (b"origin", b"https://evil.example")]
    assert refusal_code(live_client, url("garbage"), headers=headers) == 4403


def over(scheme: str) -> Any:
    """The project's ASGI application, as served to the browser over ``scheme`` (ws or wss)."""
    application = get_default_application()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        return await application({**scope, "scheme": scheme}, receive, send)

    return app


def origin_code(origin: str, scheme: str = "ws", host: str = "testserver", **headers: str) -> int:
    """0 when a socket from ``origin`` joins the page, else the code it was closed with."""
    client = TrackingLiveClient(application=over(scheme))
    try:
        page_html = client.get("/counter/").content.decode()
        sent = [(b"host", host.encode()), (b"origin", origin.encode())]
        sent += [(name.encode(), value.encode()) for name, value in headers.items()]
        page = client.open_socket(url(token_of(page_html)), page_html, headers=sent)
        reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
        if reply is None:
            return page.close_code or -1
        assert reply["joined"] is True
        assert_count_continues(page, 0)
        return 0
    finally:
        client.close()


@pytest.mark.parametrize(
    ("origin", "scheme", "host"),
    [
        ("https://testserver", "ws", "testserver"),  # an https origin for an http page
        ("https://testserver:80", "ws", "testserver"),
        ("http://testserver", "wss", "testserver"),  # an http origin for an https page
        ("http://testserver:443", "wss", "testserver:443"),
        ("https://testserver:8443", "wss", "testserver:8000"),
    ],
)
def test_an_origin_with_another_scheme_or_port_is_refused_4403(origin, scheme, host):
    assert origin_code(origin, scheme, host) == 4403


@pytest.mark.parametrize(
    ("origin", "scheme", "host"),
    [
        ("http://testserver", "ws", "testserver"),
        ("http://testserver", "ws", "testserver:80"),  # the default port, said or not
        ("https://testserver", "wss", "testserver"),
        ("https://testserver", "wss", "testserver:443"),
        ("https://testserver:8443", "wss", "testserver:8443"),
    ],
)
def test_the_pages_own_scheme_host_and_port_are_admitted(origin, scheme, host):
    assert origin_code(origin, scheme, host) == 0


def test_the_scheme_behind_a_tls_proxy_comes_from_secure_proxy_ssl_header(settings):
    forwarded = {"x-forwarded-proto": "https"}
    # Without the setting, the header is anyone's to send: the socket's own scheme counts.
    assert origin_code("https://testserver", "ws", **forwarded) == 4403
    assert origin_code("http://testserver", "ws", **forwarded) == 0

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_code("https://testserver", "ws", **forwarded) == 0
    assert origin_code("http://testserver", "ws", **forwarded) == 4403
    assert origin_code("https://testserver", "ws", **{"x-forwarded-proto": "http"}) == 4403
    assert origin_code("http://testserver", "ws") == 0  # no header: the socket's own scheme


def test_allowed_origins_setting_admits_only_the_listed_origins(settings):
    settings.LIVE_VIEWS = {"ALLOWED_ORIGINS": ["https://app.example.com"]}
    good = TrackingLiveClient(origin="https://app.example.com")
    bad = TrackingLiveClient(origin="https://app.example.com.evil.example")
    try:
        page = good.live("/counter/")
        assert_count_continues(page, 0)
        with pytest.raises(LiveRefused) as refused:
            bad.live("/counter/")
        assert refused.value.code == 4403
    finally:
        good.close()
        bad.close()


# -- event names: only @live_event methods are callable -------------------------------------------

HOSTILE_NAMES = [
    "dispatch",
    "__init__",
    "__class__",
    "__dict__",
    "_private",
    "_restore",
    "setup",
    "get",
    "post",
    "http_method_not_allowed",
    "options",
    "render_to_response",
    "get_context_data",
    "refresh_live_context",
    "not_an_event",
    "increment.__globals__",
    "increment.__func__",
    "count",
    "template_name",
    "live_events",
    "request",
    "Increment",
    "increment ",
    "increment\x00",
    "x" * 64,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_only_live_events_can_be_called(counter, name, caplog):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        reply = counter.send(name)
    error = assert_error(reply, "unknown_event", "No live event named")
    assert repr(name) in error["message"]
    assert reply["ref"] == 2
    assert "refused unknown event" in caplog.text
    assert count(counter) == 2
    assert_count_continues(counter, 2)


def test_a_huge_event_name_is_refused_without_echoing_it(counter):
    reply = send_raw(counter, {"event": "y" * 10_000, "args": {}, "ref": 9})
    error = assert_error(reply, "unknown_event")
    assert len(error["message"]) < 200
    assert_count_continues(counter, 2)


def test_a_huge_event_name_is_logged_like_any_unknown_event(counter, caplog):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        send_raw(counter, {"event": "y" * 10_000, "args": {}, "ref": 9})
    assert "refused unknown event" in caplog.text
    assert "y" * 10_000 not in caplog.text


@pytest.mark.parametrize("name", ["", None, 42, True, ["increment"], {"name": "increment"}])
def test_event_that_is_not_a_name_is_a_bad_frame(counter, name):
    reply = send_raw(counter, {"event": name, "args": {}})
    assert_error(reply, "bad_frame", "event")
    assert_count_continues(counter, 2)


# -- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [
        "abc",
        "1e3",
        "0x10",
        "1_000",
        "",
        "9" * 25,
        1.5,
        True,
        None,
        [1],
        [],
        ["1", "2"],
        10**30,
        -(10**30),
        2**63,
    ],
    ids=repr,
)
def test_value_that_is_no_int_is_refused(counter, amount):
    reply = counter.send("increment", amount=amount)
    assert reply["ref"] == 2
    assert_error(reply, "bad_arguments", "'increment'", "'amount'")
    assert count(counter) == 2
    assert_count_continues(counter, 2)


@pytest.mark.parametrize("amount", ["abc", "1.5", "", ["1", "2"]])
def test_form_value_that_is_no_int_is_refused(counter, amount):
    reply = counter.submit("increment", amount=amount)
    assert_error(reply, "bad_arguments", "'amount'")
    assert_count_continues(counter, 2)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_refused(counter, literal):
    # JSON has no NaN or Infinity; json.loads would accept them (and 1e400 overflows to inf).
    reply = send_raw(
        counter, f'{{"event": "increment", "args": {{"amount": {literal}}}, "ref": 7}}'
    )
    assert_error(reply, "bad_frame", "'amount'", "finite")
    assert reply["ref"] == 7
    assert_count_continues(counter, 2)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "[NaN]"])
@pytest.mark.parametrize("where", ["args", "form"])
def test_non_finite_literals_never_reach_a_str_argument(live_client, literal, where):
    # Coerced to str, NaN used to become the text "nan" (a todo titled "nan").
    page = live_client.live("/echo/?text=before")
    reply = send_raw(page, f'{{"event": "say", "{where}": {{"text": {literal}}}, "ref": 3}}')
    assert_error(reply, "bad_frame", "'text'", "finite")
    assert reply["ref"] == 3
    assert page.block("echo").startswith('<p id="echo-text">before</p>')
    page.send("shout")
    assert page.block("echo").startswith('<p id="echo-text">BEFORE</p>')


def test_non_finite_floats_are_refused_for_float_arguments(live_client):
    page = live_client.live("/typed/")
    frame = (
        '{"event": "typed", "ref": 1, "args": {"n": 1, "x": NaN, "flag": true, "price": "1",'
        ' "day": "2024-01-01", "when": "2024-01-01T00:00:00", "tags": [],'
        ' "ident": "12345678-1234-5678-1234-567812345678"}}'
    )
    assert_error(send_raw(page, frame), "bad_frame", "'x'", "finite")
    assert "<p>" not in page.block("seen")


def test_integer_too_big_for_a_float_is_bad_arguments(live_client, caplog):
    page = live_client.live("/typed/")
    frame = (
        '{"event": "typed", "ref": 1, "args": {"n": 1, "x": 1%s, "flag": true, "price": "1",'
        ' "day": "2024-01-01", "when": "2024-01-01T00:00:00", "tags": [],'
        ' "ident": "12345678-1234-5678-1234-567812345678"}}' % ("0" * 400)
    )
    with caplog.at_level(logging.ERROR, logger="live_views"):
        assert_error(send_raw(page, frame), "bad_arguments", "'x'")
    assert "Traceback" not in caplog.text


def test_integer_with_thousands_of_digits_is_refused(counter):
    reply = send_raw(counter, '{"event": "increment", "args": {"amount": ' + "7" * 5000 + "}}")
    assert_error(reply, "bad_frame")
    assert_count_continues(counter, 2)


@pytest.mark.parametrize(
    "args",
    [
        {"amount": {"a": 1}},
        {"amount": [{"a": 1}]},
        {"amount": [[1]]},
        {"amount": {"__class__": "x"}},
        ["amount", 1],
        "amount=1",
        7,
    ],
    ids=repr,
)
def test_nested_or_malformed_args_are_a_bad_frame(counter, args):
    reply = send_raw(counter, {"event": "increment", "args": args})
    assert_error(reply, "bad_frame", "args")
    assert_count_continues(counter, 2)


@pytest.mark.parametrize(
    "args",
    [
        {"_connector": "OR"},
        {"self": 1},
        {"bogus": 1},
        {"amount": 1, "kwargs": "x"},
        {"amount": 1, "__class__": "x"},
    ],
    ids=repr,
)
def test_unknown_argument_is_refused_by_name(counter, args):
    reply = counter.send("increment", **args)
    unknown = next(name for name in args if name != "amount")
    assert_error(reply, "bad_arguments", repr(unknown), "expected amount")
    assert_count_continues(counter, 2)


def test_unknown_form_fields_are_ignored(counter):
    # A form carries fields for other handlers: they never fill (or break) this one.
    reply = counter.submit("increment", _connector="OR", self="x", bogus="1", amount="5")
    assert "error" not in reply
    assert count(counter) == 7


def test_missing_required_argument_is_refused(live_client):
    page = live_client.live("/rows/")
    assert_error(page.send("bump"), "bad_arguments", "missing", "'row'")
    assert_error(page.send("bump", row="two"), "bad_arguments", "'row'")
    page.send("bump", row=2)
    assert '<td class="value">1</td>' in page.block("row", 2)


def test_too_many_values_is_a_bad_frame(counter):
    args = {f"a{i}": i for i in range(501)}
    assert_error(send_raw(counter, {"event": "increment", "args": args}), "bad_frame")
    form = {f"f{i}": "x" for i in range(501)}
    assert_error(send_raw(counter, {"event": "increment", "form": form}), "bad_frame")
    assert_count_continues(counter, 2)


def test_too_long_a_list_is_refused(live_client):
    page = live_client.live("/typed/")
    reply = page.submit(
        "typed",
        n="1",
        x="1",
        flag="1",
        price="1",
        day="2024-01-01",
        when="2024-01-01T00:00:00",
        ident="12345678-1234-5678-1234-567812345678",
        tags=["1"] * 1001,
    )
    assert_error(reply, "bad_arguments", "'tags'", "too many")


def test_handler_failure_on_a_bad_value_rolls_back(live_client):
    page = live_client.live("/rows/")
    page.send("bump", row=1)
    with pytest.raises(KeyError):
        page.send("bump", row=99)
    assert page.errors[-1]["code"] == "server_error"
    page.send("bump", row=1)
    assert '<td class="value">2</td>' in page.block("row", 1)


# -- frames ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        '{"event": "increment"',
        "{'event': 'increment'}",
        " ",
        "increment",
        "\x00",
        '{"event": "increment", "args": {"amount": 1}} trailing',
    ],
    ids=repr,
)
def test_malformed_json_is_a_bad_frame(counter, frame):
    assert_error(send_raw(counter, frame), "bad_frame", "JSON")
    assert_count_continues(counter, 2)


@pytest.mark.parametrize("frame", ["[]", '["increment"]', '"increment"', "null", "42", "true"])
def test_frame_that_is_not_an_object_is_a_bad_frame(counter, frame):
    assert_error(send_raw(counter, frame), "bad_frame", "object")
    assert_count_continues(counter, 2)


@pytest.mark.parametrize(
    ("size", "code"),
    [(100, 4400), (64 * 1024, 4400), (64 * 1024 + 1, 4413), (10 * 1024 * 1024, 4413)],
)
def test_a_binary_frame_closes_the_socket_and_other_pages_carry_on(live_client, size, code):
    # Binary frames used to get a bad_frame reply and leave the socket open, whatever their size
    # (twenty 10 MiB frames on one socket grew the server by 50 MB).
    bystander = live_client.live("/counter/")
    bystander.send("increment", amount=2)
    attacker = live_client.live("/counter/")
    event = json.dumps({"event": "increment", "args": {"amount": 5}, "ref": 3}).encode()
    frame = event.ljust(size, b" ")

    assert send_raw(attacker, frame) is None
    assert attacker.close_code == code
    with pytest.raises(LiveRefused):
        attacker.send("increment")
    assert_count_continues(bystander, 2)


@pytest.mark.parametrize(
    "frame",
    [
        "[" * 60_000,
        "{" * 60_000,
        '{"a":' * 10_000,
        '{"event": "increment", "args": {"amount": ' + "[" * 50_000,
    ],
    ids=["arrays", "braces", "objects", "inside-args"],
)
def test_deeply_nested_json_is_a_bad_frame(counter, frame):
    assert_error(send_raw(counter, frame), "bad_frame")
    assert_count_continues(counter, 2)


def test_deeply_nested_json_is_handled_under_a_larger_frame_limit(counter, settings):
    settings.LIVE_VIEWS = {"MAX_FRAME_BYTES": 1024 * 1024}
    assert_error(send_raw(counter, "[" * 100_000), "bad_frame", "nested")
    assert_count_continues(counter, 2)


@pytest.mark.parametrize(
    "frame",
    [
        "[" * 100_000,
        json.dumps({"event": "increment", "args": {"amount": 1}, "form": {"x": "a" * 70_000}}),
        # Under the limit in characters, over it in UTF-8 bytes.
        json.dumps({"event": "increment", "form": {"x": "€" * 30_000}}, ensure_ascii=False),
    ],
    ids=["deep", "ascii", "multibyte"],
)
def test_frame_over_the_size_limit_closes_4413_and_other_pages_carry_on(live_client, frame):
    bystander = live_client.live("/counter/")
    bystander.send("increment", amount=2)
    attacker = live_client.live("/counter/")

    assert send_raw(attacker, frame) is None
    assert attacker.close_code == 4413
    with pytest.raises(LiveRefused):
        attacker.send("increment")

    assert_count_continues(bystander, 2)


def test_frame_at_the_size_limit_is_accepted(counter, settings):
    limit = 64 * 1024
    frame = {"event": "increment", "args": {"amount": 1}, "form": {"pad": ""}, "ref": 5}
    frame["form"]["pad"] = "p" * (limit - len(json.dumps(frame)))
    text = json.dumps(frame)
    assert len(text.encode()) == limit
    reply = send_raw(counter, text)
    assert reply is not None
    assert reply["ref"] == 5
    assert count(counter) == 3


@pytest.mark.parametrize("ref", ["1", 1.5, -1, True, 2**53, 10**30, [1], {"n": 1}], ids=repr)
def test_bad_ref_is_a_bad_frame(counter, ref):
    reply = send_raw(counter, {"event": "increment", "args": {"amount": 5}, "ref": ref})
    error = assert_error(reply, "bad_frame", "'ref'")
    assert "ref" not in reply
    assert error["message"]
    assert count(counter) == 2
    assert_count_continues(counter, 2)


@pytest.mark.parametrize(
    "frame",
    [
        {"event": "increment", "args": {"amount": {"a": 1}}, "ref": 41},
        {"event": "increment", "args": ["amount"], "ref": 41},
        {"event": "y" * 100, "ref": 41},
        {"event": "", "ref": 41},
        {"event": "increment", "form": {f"f{i}": 1 for i in range(501)}, "ref": 41},
    ],
    ids=["nested-args", "list-args", "long-name", "empty-name", "too-many-values"],
)
def test_error_reply_echoes_a_clean_ref(counter, frame):
    reply = send_raw(counter, frame)
    assert_error(reply, {"bad_frame", "unknown_event"})
    assert reply["ref"] == 41


@pytest.mark.parametrize(
    "join",
    [
        [],
        "x",
        None,
        {"version": 1, "blocks": {}},
        {"version": "0.1.0", "blocks": []},
    ],
    ids=repr,
)
def test_bad_join_is_a_bad_frame(counter, join):
    assert_error(send_raw(counter, {"join": join}), "bad_frame", "join")
    assert_count_continues(counter, 2)


def test_join_ignores_junk_block_versions(live_client):
    page = live_client.live("/counter/", join=False)
    blocks = {"lv-counter": 123, "lv-nope": "x" * 1000, "<script>": "1", "lv-x": None}
    reply = send_raw(page, {"join": {"version": "<b>" * 50, "blocks": blocks}})
    assert reply is not None
    assert reply["joined"] is True
    assert "lv-counter" in reply["content"]  # the junk version is treated as unknown
    assert "<script>" not in reply["content"]
    assert count(page) == 0
    assert_count_continues(page, 0)


# -- handler exceptions ---------------------------------------------------------------------------


def test_handler_exception_is_a_generic_server_error(counter, settings):
    settings.DEBUG = False
    # Raised in the test, as Django's test client raises a view's (where nothing raises it, the
    # server's log has it, for the operator: test_testing_raises.py).
    with pytest.raises(RuntimeError, match="secret internal detail"):
        counter.send("explode")
    reply = counter.frames[-1]  # what the browser was sent
    error = assert_error(reply, "server_error")
    assert reply["ref"] == 2
    assert error["message"] == "The server could not handle 'explode'."
    assert "secret internal detail" not in json.dumps(reply)
    assert "Traceback" not in json.dumps(reply)
    assert "RuntimeError" not in json.dumps(reply)
    assert count(counter) == 2
    assert_count_continues(counter, 2)


def test_handler_exception_in_debug_shows_its_escaped_message(live_client, settings):
    settings.DEBUG = True
    page = live_client.live("/echo/?text=before")
    with pytest.raises(ValueError, match="onerror"):
        page.send("fail", message='<img src=x onerror="alert(1)">&')
    error = assert_error(page.frames[-1], "server_error", "ValueError")
    # No tag can open: shown as HTML, it is text (quotes stay readable, test_pipeline).
    assert '&lt;img src=x onerror="alert(1)"&gt;&amp;' in error["message"]
    assert "<img" not in error["message"]
    assert "Traceback" not in error["message"]
    assert page.block("echo").startswith('<p id="echo-text">before</p>')


def test_a_handler_that_raises_permission_denied_is_refused_by_name(live_client, settings, caplog):
    # As a view's PermissionDenied is a 403, not a 500: a code the page (and a hook's
    # pushEvent) can tell apart, and a warning without a traceback for the operator.
    settings.DEBUG = False
    page = live_client.live("/echo/?text=before")
    with caplog.at_level(logging.WARNING, logger="live_views"):
        reply = page.send("refuse", reason="not yours")
    error = assert_error(reply, "forbidden")
    assert error["message"] == "'refuse' was refused: permission denied."
    assert "not yours" not in json.dumps(reply)
    (record,) = [r for r in caplog.records if r.name == "live_views"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "EchoView.refuse refused event 'refuse' (forbidden): not yours" in record.getMessage()
    assert page.block("echo").startswith('<p id="echo-text">before</p>')  # nothing changed

    settings.DEBUG = True
    error = assert_error(page.send("refuse", reason="<b>not yours</b>"), "forbidden")
    assert error["message"].endswith("PermissionDenied: &lt;b&gt;not yours&lt;/b&gt;")
    assert_error(page.send("refuse_async"), "forbidden")
    assert page.block("echo").startswith('<p id="echo-text">before</p>')


def test_a_handler_whose_row_is_not_found_is_refused_by_name(live_client, settings, live_db):
    # get_object_or_404() in a handler, as in a view: a 404, not a server error.
    settings.DEBUG = False
    page = live_client.live("/echo/?text=before")
    error = assert_error(page.send("look_up", pk=987654), "not_found")
    assert error["message"] == "'look_up' was refused: not found."
    assert page.block("echo").startswith('<p id="echo-text">before</p>')


def test_async_handler_exception_is_a_generic_server_error(live_client, settings):
    settings.DEBUG = False
    page = live_client.live("/echo/?text=before")
    with pytest.raises(ValueError, match="secret internal detail"):
        page.send("fail_async", message="secret internal detail")
    error = assert_error(page.frames[-1], "server_error")
    assert "secret" not in error["message"]
    page.send("say", text="after")
    assert page.block("echo").startswith('<p id="echo-text">after</p>')


# -- escaping -----------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)",
    "</p><img src=x onerror=alert(1)>",
    "{{ request }}{% now 'Y' %}",
    '" hx-on:click="alert(1)',
    "</template><script>alert(1)</script>",
    '<div hx-swap-oob="outerHTML:body">owned</div>',
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_values_from_events_are_escaped(live_client, text):
    page = live_client.live("/echo/")
    reply = page.send("say", text=text)
    assert text not in reply["content"]
    block = page.block("echo")
    escaped = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )
    assert block == f'<p id="echo-text">{escaped}</p><input id="echo-input" value="{escaped}">'


def test_values_from_the_query_string_are_escaped(live_client):
    page = live_client.live("/echo/", {"text": "<script>alert(1)</script>"}, join=False)
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
    assert "<script>alert" not in reply["content"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reply["content"]


def test_escaped_value_in_a_keyed_page_header(live_client):
    page = live_client.live("/rows/")
    page.send("rename", title="<script>alert(1)</script>")
    assert page.block("header") == "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"


def test_text_that_looks_like_a_block_placeholder_is_just_text(live_client):
    # Not from an event: text arguments refuse NUL (below). Text from elsewhere may hold it.
    page = live_client.live("/echo/?text=%00deadbeeflv-echo%00")
    reply = page.send("shout")
    assert "error" not in reply
    assert "LV-ECHO\x00" in page.block("echo")


def test_text_with_a_nul_is_refused_before_the_handler_runs(live_client):
    # As Django's form fields refuse it: PostgreSQL cannot store it, so a handler saving it
    # failed with a server error and a traceback instead of the client's bad_arguments.
    page = live_client.live("/echo/?text=before")
    reply = send_raw(page, '{"event": "say", "args": {"text": "a\\u0000b"}, "ref": 1}')
    assert_error(reply, "bad_arguments", "NUL")
    page.send("shout")
    assert page.block("echo").startswith('<p id="echo-text">BEFORE</p>')


# -- invalid Unicode ------------------------------------------------------------------------------


def test_lone_surrogate_is_refused_before_the_handler_runs(live_client):
    page = live_client.live("/echo/?text=before")
    reply = send_raw(page, '{"event": "say", "args": {"text": "a\\ud800b"}, "ref": 1}')
    assert_error(reply, {"bad_frame", "bad_arguments"})
    page.send("shout")
    assert page.block("echo").startswith('<p id="echo-text">BEFORE</p>')


def test_page_still_works_after_a_render_failure(live_client):
    page = live_client.live("/echo/?text=before")
    reply = send_raw(page, '{"event": "say", "args": {"text": "a\\ud800b"}, "ref": 1}')
    assert reply is not None
    assert "error" in reply
    assert "error" not in page.send("shout")
    assert page.block("echo").startswith('<p id="echo-text">BEFORE</p>')


def test_a_proxy_that_sends_no_forwarded_proto_is_named_in_the_log(settings, caplog):
    # SECURE_PROXY_SSL_HEADER is set, but the proxy's location forwards no X-Forwarded-Proto
    # (a sub-path's own nginx block, say): the log must point at the proxy, not at the setting
    # the project already has.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_code("https://testserver", "ws") == 4403
    assert (
        "the page is https but the socket reached the server as http: SECURE_PROXY_SSL_HEADER "
        "reads X-Forwarded-Proto, which the request did not carry; make the proxy set it "
        "(nginx: proxy_set_header X-Forwarded-Proto $scheme;)"
    ) in caplog.text
    caplog.clear()
    assert origin_code("https://testserver", "ws", **{"x-forwarded-proto": "http"}) == 4403
    assert "X-Forwarded-Proto, which said 'http'" in caplog.text
