"""Frame fuzzer: what a client that is not our JS can send, on both transports.

Not a test, and not part of `make bench`: a tool for an adversarial pass (about 3 minutes). It
starts the sample site under uvicorn (DEBUG off, a CSP nonce on every page, a private SQLite
file and cache, budgets raised so that one socket can send thousands of frames: the budgets
themselves are tested in tests/test_limits.py), then sends, for every kind of frame in
docs/protocol.md, the frame with each value (and the frame itself) replaced by a structurally
wrong one: every JSON type, NaN and huge numbers, lone surrogates and NUL, deep nesting, keys
added and duplicated, names of methods that are not events, component addresses of other pages.
Over the socket and over the HTTP transport, plus tokens (tampered, expired, another user's),
origins (foreign, malformed), HTTP form and header oddities and the upload route's headers.

Each answer must be an error frame with one of the protocol's codes (or a documented close code
or status), a refused frame must leave the page's state as it was (a counter probe after each
one), and the page must go on working. At the end the server's log is searched for tracebacks:
an unhandled exception is a bug. Prints what it found and exits 1 if anything.

    .venv/bin/python bench/fuzz_frames.py              # everything
    .venv/bin/python bench/fuzz_frames.py socket http  # parts: socket join raw tokens http uploads
    .venv/bin/python bench/fuzz_frames.py --source DIR # another checkout (e.g. `git archive`)

Left out on purpose: a form body declaring charset=utf-16, which Django's CSRF middleware answers
with a 500 and a traceback for every POST view (not ours to fix).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from sample_server import SampleServer
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = """
from sample_site.settings import *  # noqa: F403

LIVE_VIEWS = {**LIVE_VIEWS, "EVENT_RATE": 100000, "EVENT_BURST": 100000,  # noqa: F405
              "MAX_CONNECTIONS_PER_SESSION": 1000}
"""
SETUP = """
from django.contrib.auth.models import User
from demo.models import Contact
User.objects.create_user("ann", password="ann-password-1")
User.objects.create_user("bob", password="bob-password-1")
Contact.objects.create(name="C", email="c@example.com")
"""
REF = "ref"
ERROR_CODES = {"bad_frame", "unknown_event", "bad_arguments", "unknown_component"}
HOLE = "\u2063HOLE\u2063"  # where a wrong value goes in a frame's JSON text
BAD_VALUES = [
    "null", "true", "false", "0", "-0", "-0.0", "1.5", "1e309", "-1e309", "1e-400", "NaN",
    "Infinity", "-Infinity", "9007199254740993", "18446744073709551616", "9" * 4000, "9" * 5000,
    "1E4000", '""', '"x"', '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"\\udc00\\ud800"',
    '"\\ufeff"', '"\\u202e"', '"\\ud83d\\ude00"', '"' + "x" * 15000 + '"', "[]", "[1,[2]]",
    '["\\ud800"]', "[NaN]", "{}", '{"a":{"b":1}}', '{"__proto__":1}', "[" * 20000 + "]" * 20000,
    '{"a":' * 5000 + "1" + "}" * 5000, '"__init__"', '"__class__"', '"dispatch"', '"get"',
    '"_private"', '"setup"', '"render_to_response"', '"increment.__globals__"', '"live_state"',
    '"ffffffffffffffff"', '"demo.components.LikeButton"', '"%ff%fe"', '"1e999999999"', '"sNaN"',
]  # fmt: skip
ODD_KEYS = ["__class__", "\\ud800", "\\u0000", "", "join", "event", "params", "component", "ref"]
COUNT = re.compile(r'<output id="count">(-?\d+)</output>')
CONNECT = re.compile(r'hx-ws:connect="[^"]*\?t=([^"&]+)"')
CSRF = re.compile(r'data-live-csrf="([^"]*)"')
NONCE = re.compile(r'data-live-root[^>]*\snonce="([^"]*)"')
BLOCK = re.compile(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"')
ADDRESS = re.compile(r'data-live-component="([0-9a-f]{16})"')
LIVE_FRAME = re.compile(r'<script id="live-frame" type="application/json">(.*?)</script>', re.S)

findings: list[str] = []
counts = {"frames": 0, "refused": 0, "accepted": 0}


def found(text: str) -> None:
    findings.append(text)
    print("FOUND:", text[:300], flush=True)


class Answer:
    def __init__(self, status: int, headers: dict[str, str], text: str) -> None:
        self.status, self.headers, self.text = status, headers, text

    def frame(self) -> dict[str, Any] | None:
        match = LIVE_FRAME.search(self.text)
        return json.loads(match.group(1)) if match else None


class Browser:
    """A browser's cookies and requests, over http.client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Cookie": self.cookie_header(), **(headers or {})}
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            conn.close()
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        headers = {key.lower(): value for key, value in response.getheaders()}
        return Answer(response.status, headers, text)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict[str, str], headers: dict[str, str]) -> Answer:
        body = urlencode(fields).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, {**form, **headers})

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def log_in(self, username: str, password: str) -> Browser:
        page = self.get("/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
        assert self.post_form("/login/", fields, {}).status == 302
        return self


class Page:
    def __init__(self, browser: Browser, path: str) -> None:
        self.browser, self.path = browser, path
        answer = browser.get(path)
        assert answer.status == 200, (path, answer.status)
        self.html = answer.text
        self.tokens = CONNECT.findall(self.html)
        csrf, nonce = CSRF.search(self.html), NONCE.search(self.html)
        self.csrf = csrf[1] if csrf else ""
        self.nonce = nonce[1] if nonce else None
        self.blocks = dict(BLOCK.findall(self.html))
        self.components = ADDRESS.findall(self.html)

    def http(self, text: str, **fields: str) -> Answer:
        data = {"token": self.tokens[0], "frame": text, "search": "", **fields}
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf, "Origin": self.browser.origin}
        return self.browser.post_form("/live/http/", data, headers)


class Socket:
    probes = 0  # counter_probe()'s events so far

    def __init__(self, page: Page, token: str | None = None, origin: str | None = "") -> None:
        self.page = page
        self.close_code: int | None = None
        headers = {"Cookie": page.browser.cookie_header()} if page.browser.cookies else {}
        # Entered by hand, as `with` would: a Socket lives across calls, and close() ends it.
        self.ws: ClientConnection = connect(
            f"ws://127.0.0.1:{page.browser.port}/live/ws/?t={token or page.tokens[0]}",
            origin=page.browser.origin if origin == "" else origin,  # type: ignore[arg-type]
            additional_headers=headers,
            max_size=None,
            open_timeout=10,
        ).__enter__()

    def exchange(self, text: str | bytes, timeout: float = 5) -> dict[str, Any] | None:
        """The server's answer; None once it closed the socket (``close_code``)."""
        try:
            self.ws.send(text)
            return dict(json.loads(self.ws.recv(timeout=timeout)))
        except TimeoutError:
            return {"timeout": True}
        except ConnectionClosed as exc:
            self.close_code = exc.rcvd.code if exc.rcvd else 1006
            return None

    def closed_with(self, timeout: float = 5) -> int | None:
        try:
            self.ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else 1006
        return None

    def join(self) -> dict[str, Any] | None:
        body: dict[str, Any] = {"version": "0.1.0", "blocks": self.page.blocks, "search": ""}
        if self.page.nonce:
            body["nonce"] = self.page.nonce
        return self.exchange(json.dumps({"join": body}))

    def close(self) -> None:
        self.ws.close()


# -- what to send ----------------------------------------------------------------------------------


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from paths(item, (*prefix, key))


def filled(frame: Any, path: tuple[Any, ...], raw: str) -> str:
    """The frame's JSON text with the value at ``path`` replaced by the JSON text ``raw``."""
    if not path:
        return raw
    copy = json.loads(json.dumps(frame))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = HOLE
    return json.dumps(copy, ensure_ascii=False).replace(json.dumps(HOLE, ensure_ascii=False), raw)


def mutations(frame: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(what, frame text): each value replaced by each wrong one, and keys added or repeated."""
    for path in paths(frame):
        where = ".".join(map(str, path)) or "frame"
        for raw in BAD_VALUES:
            yield f"{where}={raw[:24]}", filled(frame, path, raw)
        target: Any = frame
        for key in path:
            target = target[key]
        if isinstance(target, dict):
            body = json.dumps(target)[:-1] + ("," if target else "")
            for key in ODD_KEYS:
                yield f"{where}+{key!r}", filled(frame, path, f'{body}"{key}":1}}')
                yield (
                    f"{where}+{key!r} twice",
                    filled(frame, path, f'{body}"{key}":"a","{key}":NaN}}'),
                )


# -- the socket ------------------------------------------------------------------------------------


Probe = Callable[[Socket], Any]


def counter_probe(sock: Socket) -> int | None:
    """What the counter counted besides the probes: each probe adds one."""
    answer = sock.exchange(json.dumps({"event": "increment", "args": {"amount": 1}, "ref": 1}))
    match = COUNT.search(str((answer or {}).get("content", "")))
    if match is None:
        found(f"the counter stopped working: {answer!r:.200}")
        return None
    sock.probes += 1
    return int(match[1]) - sock.probes


def event_probe(frame: dict[str, Any], allowed: str | None = None) -> Probe:
    def probe(sock: Socket) -> None:
        answer = sock.exchange(json.dumps(frame))
        if answer is None or answer.get("error", {}).get("code", allowed) != allowed:
            found(f"the page stopped working: {frame} -> {answer!r:.200}")

    return probe


def fuzz_socket_frames(
    browser: Browser, path: str, base: dict[str, Any], probe: Probe, *, first: str | None = None
) -> None:
    """Every mutation of ``base`` on one socket of ``path``. ``first``: an event to send after
    the join (one that shows the component ``base`` addresses)."""
    page = Page(browser, path)

    def opened() -> Socket:
        sock = Socket(page)
        assert (sock.join() or {}).get("joined"), path
        if first is not None:
            shown = sock.exchange(json.dumps({"event": first, "ref": 1})) or {}
            page.components = ADDRESS.findall(str(shown.get("content", ""))) or page.components
        return sock

    sock = opened()
    frame = json.loads(json.dumps(base).replace("@COMPONENT@", (page.components or [""])[0]))
    state = probe(sock)
    accepted = 0
    for what, text in mutations(frame):
        if len(text.encode()) > 65536:
            continue
        counts["frames"] += 1
        answer = sock.exchange(text)
        label = f"{path} {what}"
        if answer is None:
            found(f"{label}: the socket closed with {sock.close_code}")
            sock = opened()
            state = probe(sock)
        elif "timeout" in answer:
            if f'"{REF}": null' not in text:  # without a ref, a frame that changed nothing is
                found(f"{label}: no answer in 5 s")  # not answered: nothing to say
        elif "error" in answer:
            counts["refused"] += 1
            if answer["error"].get("code") not in ERROR_CODES or "content" in answer:
                found(f"{label}: {answer!r:.200}")
            now = probe(sock)
            if now != state:
                found(f"{label}: a refused frame changed the page: {state} -> {now}")
                state = now
        else:
            counts["accepted"] += 1
            accepted += 1
            state = probe(sock)  # a frame that still says something valid ran
    sock.close()
    print(f"  socket {path} {next(iter(base))}: {accepted} variants were valid frames", flush=True)


def fuzz_socket(browser: Browser) -> None:
    counter = {"event": "increment", "args": {"amount": 2}, "form": {"note": "x"}, "ref": 7}
    fuzz_socket_frames(browser, "/counter/", counter, counter_probe)
    fuzz_socket_frames(browser, "/counter/", {"params": "?page=2", "ref": 8}, counter_probe)
    bump = {"event": "bump", "args": {"by": 1}, "form": {}, "component": "@COMPONENT@", "ref": 9}
    clicks = event_probe({"event": "click", "args": {"by": 1}, "ref": 3})
    fuzz_socket_frames(browser, "/hooks/", bump, clicks, first="toggle_panel")
    validate = {
        "event": "validate",
        "args": {"field": "username"},
        "form": {"username": "ann", "email": "a@b.c", "password": "x", "password2": ["x", "y"]},
        "unsent": ["file"],
        "ref": 4,
    }
    fuzz_socket_frames(browser, "/signup/", validate, event_probe({"event": "validate", "ref": 2}))
    row = {"event": "delete", "args": {"contact": 999999}, "ref": 5}
    fuzz_socket_frames(browser, "/contacts/", row, event_probe(row, "bad_arguments"))


def fuzz_joins(browser: Browser) -> None:
    page = Page(browser, "/market/")  # a page with a CSP nonce: a join's nonce is checked
    join = {"join": {"version": "0.1.0", "blocks": {"lv-x": "0"}, "search": "", "nonce": "n"}}
    join["join"]["nonce"] = page.nonce or "n"
    for what, text in mutations(join):
        if len(text.encode()) > 65536:
            continue
        counts["frames"] += 1
        sock = Socket(page)
        answer = sock.exchange(text)
        if answer is None or "timeout" in answer:
            found(f"join {what}: {answer} (closed {sock.close_code})")
        elif "error" in answer:
            counts["refused"] += 1
            if answer["error"].get("code") != "bad_frame":
                found(f"join {what}: {answer!r:.200}")
            if not (sock.join() or {}).get("joined"):
                found(f"join {what}: a good join after it failed")
        elif not answer.get("joined"):
            found(f"join {what}: {answer!r:.200}")
        sock.close()


def fuzz_raw(browser: Browser) -> None:
    page = Page(browser, "/counter/")
    sock = Socket(page)
    sock.join()
    before = counter_probe(sock)
    for text in [
        "", " ", "ping", "null", "[]", "1", '"join"', "{}", "{,}", "\x00",
        '{"join": {}, "event": "increment"}', '{"event":"increment","event":"__init__"}',
        '{"event":"increment","args":{"amount":1},"args":{"amount":1,"x":2}}',
        '{"type":"websocket.disconnect"}', '{"type":"live.broadcast"}',
        '{"event":"increment","ref":9007199254740992}', '{"event":"increment","ref":-1}',
        '{"join": {"version": "0.1.0", "blocks": {}}}',  # a second join
    ]:  # fmt: skip
        counts["frames"] += 1
        answer = sock.exchange(text)
        if answer is None or answer.get("error", {}).get("code") not in ERROR_CODES:
            found(f"raw frame {text[:40]!r}: {answer!r:.200} (closed {sock.close_code})")
    if counter_probe(sock) != before:
        found("raw frames changed the counter")
    for payload, code in [(b"{}", 4400), (b"x" * 70000, 4413), ("x" * 70000, 4413)]:
        other = Socket(page)
        other.join()
        if other.exchange(payload) is not None or other.close_code != code:
            found(f"a {type(payload).__name__} frame of {len(payload)}: closed {other.close_code}")


def fuzz_tokens(browser: Browser) -> None:
    ann = Page(Browser(browser.port).log_in("ann", "ann-password-1"), "/counter/")
    bob = Page(Browser(browser.port).log_in("bob", "bob-password-1"), "/counter/")
    token = ann.tokens[0]
    forged = {
        "a changed signature": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "a changed payload": token[:5] + ("x" if token[5] != "x" else "y") + token[6:],
        "half of it": token[: len(token) // 2],
        "no signature": token.split(":")[0],
        "too long": token * 30,
        "junk": quote("%ff\x00\u00e9"),
    }
    for what, bad in forged.items():
        code = Socket(ann, token=bad).closed_with()
        if code != 4400:
            found(f"token with {what}: closed {code}, not 4400")
    if (code := Socket(bob, token=token).closed_with()) != 4403:
        found(f"another user's token: closed {code}, not 4403")
    if (status := bob.http(json.dumps({"event": "increment"}), token=token).status) != 403:
        found(f"another user's token over HTTP: {status}, not 403")
    origins = [
        "http://evil.example", "null", "https://127.0.0.1", None, "http://[::1", "http://[zz]",
        f"http://127.0.0.1:{browser.port}]", f"http://127.0.0.1:{browser.port + 1}",
    ]  # fmt: skip
    for origin in origins:
        if (code := Socket(ann, origin=origin).closed_with()) != 4403:
            found(f"origin {origin!r}: closed {code}, not 4403")
        headers = {"Origin": origin} if origin else {"Sec-Fetch-Site": "cross-site"}
        push = f"/live/http/push/?{urlencode({'token': token, 'wait': '0'})}"
        if (status := ann.browser.get(push, headers).status) != 403:
            found(f"push route with origin {origin!r}: {status}, not 403")


# -- the HTTP transport ----------------------------------------------------------------------------


def fuzz_http(browser: Browser) -> None:
    page = Page(browser, "/counter/")
    page.http(json.dumps({"join": {"version": "0.1.0", "blocks": page.blocks}}))
    probes = [0]

    def count() -> int | None:
        answer = page.http(json.dumps({"event": "increment", "args": {"amount": 1}, "ref": 1}))
        match = COUNT.search(answer.text)
        if answer.status != 200 or match is None:
            found(f"the HTTP page stopped working: {answer.status} {answer.text[:200]}")
            return None
        probes[0] += 1
        return int(match[1]) - probes[0]

    state = count()
    bases: list[dict[str, Any]] = [
        {"event": "increment", "args": {"amount": 2}, "form": {"note": "x"}, "ref": 7},
        {"params": "?page=2", "ref": 8},
        {"join": {"version": "0.1.0", "blocks": {"lv-counter": "0"}, "search": "", "nonce": "n"}},
    ]
    for base in bases:
        for what, text in mutations(base):
            if len(text.encode()) > 65536:
                continue
            counts["frames"] += 1
            answer = page.http(text)
            frame = answer.frame() or {}
            if answer.status >= 500:
                found(f"HTTP {what}: {answer.status} {answer.text[:200]}")
            elif answer.status == 200 and "error" not in frame:
                counts["accepted"] += 1
                state = count()
            else:
                counts["refused"] += 1
                if answer.status not in (400, 413) or frame.get("error", {}).get("code") is None:
                    found(f"HTTP {what}: {answer.status} {answer.text[:200]}")
                if (now := count()) != state:
                    found(f"HTTP {what}: a refused frame changed the page: {state} -> {now}")
                    state = now
    good = json.dumps({"event": "increment", "ref": 1})
    headers = {"HX-Request": "true", "X-CSRFToken": page.csrf, "Origin": browser.origin}
    odd_bodies = {
        "no token": {"frame": good},
        "no frame": {"token": page.tokens[0]},
        "a long token": {"token": "x" * 5000, "frame": good},
        "a long search": {"token": page.tokens[0], "frame": good, "search": "?" + "a" * 10000},
    }
    for what, fields in odd_bodies.items():
        answer = browser.post_form("/live/http/", fields, headers)
        if answer.status >= 500:
            found(f"HTTP body with {what}: {answer.status}")
    odd_headers = {
        "no HX-Request": {"HX-Request": ""},
        "a latin-1 nonce": {"X-Live-Nonce": "\xff\xfe"},
        "a long nonce": {"X-Live-Nonce": "n" * 6000},
        "a JSON body": {"Content-Type": "application/json"},
        "a multipart body": {"Content-Type": "multipart/form-data; boundary=zzz"},
    }
    for what, extra in odd_headers.items():
        body = urlencode({"token": page.tokens[0], "frame": good}).encode("latin-1")
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        answer = browser.request("POST", "/live/http/", body, {**form, **headers, **extra})
        if answer.status >= 500:
            found(f"HTTP frame with {what}: {answer.status}")
    for query in [{"token": "x"}, {}, {"token": page.tokens[0], "wait": "\x00"}]:
        if (status := browser.get(f"/live/http/push/?{urlencode(query)}").status) >= 500:
            found(f"push route with {query}: {status}")
    for fields in [{"token": "x"}, {}]:
        if (status := browser.post_form("/live/http/leave/", fields, headers).status) >= 500:
            found(f"leave route with {fields}: {status}")
    count()


def fuzz_uploads(browser: Browser) -> None:
    page = Page(browser, "/attachments/")
    base = {
        "X-Live-Token": page.tokens[0],
        "X-CSRFToken": page.csrf,
        "X-Live-Upload-Field": "attachments",
        "X-Live-Upload-Name": "a.txt",
        "X-Live-Upload-Size": "5",
    }
    values = [
        None, "", "0", "-1", "1e3", "1_000", "9" * 5000, "%00", "%ED%A0%80", "%ff", "a" * 3000,
        "../../etc/passwd", "x.txt%00.pdf", "\xff\xfe", "check", "send", "clear", "attachments",
        "__class__", "ffffffffffffffff", "1",
    ]  # fmt: skip
    file_part = (
        b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        b"hello\r\n--zz--\r\n"
    )
    headers = [*base, "X-Live-Upload-Step", "X-Live-Upload-Append", "X-Live-Upload-Component"]
    for header in headers:
        for value in values:
            for step in ("check", "send", "clear"):
                sent = {"X-Live-Upload-Step": step, **base, header: value}
                sent = {key: item for key, item in sent.items() if item is not None}
                body = None
                if sent.get("X-Live-Upload-Step") == "send":
                    body = file_part
                    sent["Content-Type"] = "multipart/form-data; boundary=zz"
                counts["frames"] += 1
                answer = browser.request("POST", "/live/upload/", body, sent)
                if answer.status >= 500 or "json" not in answer.headers.get("content-type", ""):
                    found(f"upload with {header}={value!r:.30} ({step}): {answer.status}")


PARTS = {
    "socket": fuzz_socket,
    "join": fuzz_joins,
    "raw": fuzz_raw,
    "tokens": fuzz_tokens,
    "http": fuzz_http,
    "uploads": fuzz_uploads,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", metavar="part", help=", ".join(PARTS))
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    chosen = args.parts or list(PARTS)
    if unknown := [name for name in chosen if name not in PARTS]:
        parser.error(f"no part named {', '.join(unknown)}; the parts: {', '.join(PARTS)}")
    started = time.monotonic()
    site = SampleServer(
        args.source.resolve(), setup=SETUP, settings=SETTINGS, env={"DEMO_CSP": "1"}
    )
    with site as server:
        browser = Browser(server.port)
        for name in chosen:
            print(f"{name}:", flush=True)
            PARTS[name](browser)
        time.sleep(0.5)  # the last answers' log lines
        logged = server.tracebacks()
    print(
        f"{counts['frames']} frames or requests: {counts['refused']} refused, "
        f"{counts['accepted']} still valid; {time.monotonic() - started:.0f} s"
    )
    for line in logged[:20]:
        found(f"the server logged: {line[:200]}")
    print(f"{len(findings)} finding(s)")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
