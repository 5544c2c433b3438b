"""The upload route refuses what a browser of another page, session or site could send, and
leaves nothing on disk from a refused, oversized or interrupted upload."""

from __future__ import annotations

import asyncio
import io
import json
import os
import time
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from live_views.every import Every
from live_views.testing.uploads import page_token, upload_headers
from live_views.uploads import endpoint
from live_views.uploads.endpoint import receive_upload
from live_views.uploads.store import PageUploads, sweep, uploads_root
from tests.live_helpers import TrackingLiveClient
from tests.upload_fixtures import leftovers
from tests.uploadapp.models import Document

URL = "/live/upload/"


@pytest.fixture
def live_client(live_db: None, media: Path) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()
    yield live
    live.close()


def post(http: Client, page_html: str, field: str, name: str, content: bytes, **kw):
    headers = upload_headers(page_html, field, name, len(content), "send", False, None)
    headers.update(kw.pop("headers", {}))
    return http.post(URL, {"file": SimpleUploadedFile(name, content)} | kw, headers=headers)


def loaded(http: Client, path: str = "/uploads/document/") -> str:
    response = http.get(path)
    assert response.status_code == 200
    return response.content.decode()


# -- who may upload -----------------------------------------------------------------------------


def test_an_upload_without_the_pages_token_is_refused(live_client, media):
    page_html = loaded(live_client.http)
    headers = upload_headers(page_html, "file", "a.txt", 1, "send", False, None)
    del headers["X-Live-Token"]

    response = live_client.http.post(URL, {"file": io.BytesIO(b"a")}, headers=headers)

    assert response.status_code == 403
    assert leftovers(media) == []


def test_a_tampered_token_is_refused(live_client, media):
    page_html = loaded(live_client.http)
    token = page_token(page_html)

    response = post(
        live_client.http,
        page_html,
        "file",
        "a.txt",
        b"a",
        headers={"X-Live-Token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")},
    )

    assert response.status_code == 403
    assert "token" in response.json()["errors"][0]


def test_another_sessions_upload_with_a_stolen_token_is_refused(live_client, media):
    live_client.http.force_login(User.objects.create_user("victim"))
    victim = loaded(live_client.http)  # the victim's page; its token is bound to their session
    attacker = Client()
    attacker.force_login(User.objects.create_user("attacker"))
    loaded(attacker)

    response = post(attacker, victim, "file", "a.txt", b"a")

    assert response.status_code == 403
    assert leftovers(media) == []


def test_only_the_forms_own_file_fields_take_files(live_client, media):
    page_html = loaded(live_client.http)

    not_a_file = post(live_client.http, page_html, "title", "a.txt", b"a")
    unknown = post(live_client.http, page_html, "avatar", "a.txt", b"a")

    assert not_a_file.status_code == 400
    assert "not a file field" in not_a_file.json()["errors"][0]
    assert unknown.status_code == 400
    assert leftovers(media) == []


def test_a_page_without_a_form_takes_no_files(live_client, media):
    page_html = loaded(live_client.http, "/counter/")

    response = post(live_client.http, page_html, "file", "a.txt", b"a")

    assert response.status_code == 400
    assert "has no form" in response.json()["errors"][0]


def test_the_csrf_check_applies(live_db, media):
    http = Client(enforce_csrf_checks=True)
    page_html = loaded(http)

    refused = post(http, page_html, "file", "a.txt", b"a")
    csrf = http.cookies[django_settings.CSRF_COOKIE_NAME].value
    allowed = post(http, page_html, "file", "a.txt", b"a", headers={"X-CSRFToken": csrf})

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["errors"][0]
    assert allowed.status_code == 200, allowed.content


def test_a_get_is_not_an_upload(live_client):
    assert live_client.http.get(URL).status_code == 405


def test_one_page_cannot_submit_another_pages_uploads(live_client, media):
    first = live_client.live("/uploads/document/")
    second = live_client.live("/uploads/document/")  # same session, another page load

    assert first.upload("file", "mine.txt", b"mine")["status"] == 200
    reply = second.submit("submit", title="Other")

    assert "redirect" not in reply
    assert Document.objects.count() == 0
    assert "required" in second.block("field", "file")


def test_file_names_are_sanitized_before_they_are_stored(live_client, media):
    page = live_client.live("/uploads/document/")

    assert page.upload("file", "../../../etc/notes.txt", b"x")["status"] == 200
    assert "redirect" in page.submit("submit", title="T")

    name = Document.objects.get().file.name
    assert name.startswith("documents/notes")
    assert ".." not in name
    assert (media / "media" / name).exists()


# -- sizes --------------------------------------------------------------------------------------


def test_a_body_larger_than_the_limit_is_refused_from_its_content_length_unread(
    live_client, media, settings
):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    page_html = loaded(live_client.http)
    request = _raw_request(live_client.http, page_html, length=10_000_000, stream=_Unreadable())

    response = receive_upload(request)

    assert response.status_code == 413
    assert leftovers(media) == [] or all("rejected" in p for p in leftovers(media))


def test_a_file_larger_than_it_claimed_is_cut_off_while_streaming(live_client, media, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    page_html = loaded(live_client.http)
    headers = upload_headers(page_html, "file", "a.txt", 10, "send", False, None)

    response = live_client.http.post(URL, {"file": io.BytesIO(b"x" * 5000)}, headers=headers)

    assert response.status_code == 413
    assert not any(p.endswith((".data", ".upload")) for p in leftovers(media))


def test_an_interrupted_upload_leaves_no_file(live_client, media):
    page_html = loaded(live_client.http)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + b"x" * 200_000
    )
    request = _raw_request(
        live_client.http, page_html, length=len(body) + 1000, stream=_Breaks(body), boundary="B"
    )

    response = receive_upload(request)

    assert response.status_code == 400
    assert "interrupted" in json.loads(response.content)["errors"][0]
    assert leftovers(media) == []


def test_a_single_file_field_takes_no_second_file(live_client, media):
    page = live_client.live("/uploads/document/")

    answer = page.upload("file", "b.txt", b"b", append=True)

    assert answer["status"] == 400


# -- cleanup ------------------------------------------------------------------------------------


def test_uploads_older_than_upload_max_age_are_swept(media, settings, db):
    settings.LIVE_VIEWS = {"UPLOAD_MAX_AGE": 60}
    old, fresh = PageUploads("old-page"), PageUploads("fresh-page")
    for uploads in (old, fresh):
        uploads.reject("file", ["x"])  # any record creates the page's directory
    past = time.time() - 120
    os.utime(old.directory, (past, past))

    assert sweep() == 1

    assert not old.directory.exists()
    assert fresh.directory.exists()
    assert sorted(p.name for p in uploads_root().iterdir()) == [fresh.directory.name]


def test_upload_requests_sweep_old_uploads_at_most_once_a_minute(
    live_client, media, settings, monkeypatch
):
    settings.LIVE_VIEWS = {"UPLOAD_MAX_AGE": 60}
    monkeypatch.setattr(endpoint, "_sweeps", Every(endpoint.SWEEP_EVERY))  # a process just started
    old, older = PageUploads("old-page"), PageUploads("older-page")
    past = time.time() - 120
    for uploads in (old, older):
        uploads.reject("file", ["x"])
    os.utime(old.directory, (past, past))
    page_html = loaded(live_client.http)

    assert post(live_client.http, page_html, "file", "a.txt", b"a").status_code == 200
    assert not old.directory.exists()

    os.utime(older.directory, (past, past))
    assert post(live_client.http, page_html, "file", "b.txt", b"b").status_code == 200
    assert older.directory.exists()  # swept a moment ago: not again before a minute has passed

    monkeypatch.setattr(endpoint._sweeps, "_last", time.monotonic() - endpoint.SWEEP_EVERY)
    assert post(live_client.http, page_html, "file", "c.txt", b"c").status_code == 200
    assert not older.directory.exists()


# -- raw requests -------------------------------------------------------------------------------


class _Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    readinto = None  # type: ignore[assignment]


class _Breaks(io.RawIOBase):
    """A body that stops mid-file: the client went away."""

    def __init__(self, body: bytes) -> None:
        self.body = io.BytesIO(body)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.body.read(size)
        if not chunk:
            raise OSError("connection reset by peer")
        return chunk


def _raw_request(http: Client, page_html: str, *, length: int, stream, boundary: str = "B"):
    headers = upload_headers(page_html, "file", "a.txt", 10, "send", False, None)
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    request = RequestFactory().post(
        URL, content_type=f"multipart/form-data; boundary={boundary}", **meta
    )
    request.META["CONTENT_LENGTH"] = str(length)
    request.META["wsgi.input"] = stream
    from django.core.handlers.wsgi import LimitedStream

    request._stream = LimitedStream(stream, length)
    request._read_started = False
    engine = import_module(django_settings.SESSION_ENGINE)
    cookie = http.cookies.get(django_settings.SESSION_COOKIE_NAME)
    request.session = engine.SessionStore(cookie.value if cookie else None)
    request.user = AnonymousUser()
    request._dont_enforce_csrf_checks = True
    return request


def test_names_are_percent_decoded(live_client, media):
    page_html = loaded(live_client.http)
    headers = upload_headers(page_html, "file", "naïve.exe", 1, "check", False, None)
    assert headers["X-Live-Upload-Name"] == quote("naïve.exe", safe="")

    response = live_client.http.post(URL, headers=headers)

    assert response.status_code == 422
    assert "exe" in response.json()["errors"][0]


async def _asgi_upload(page_html: str, cookies, chunks: list[bytes], total: int, *, close: bool):
    """POST to the upload route through the project's real ASGI application, body in
    ``chunks``; ``close`` ends with the client going away instead of the last chunk."""
    from asgiref.testing import ApplicationCommunicator

    from tests.asgi import application

    csrf = cookies[django_settings.CSRF_COOKIE_NAME].value
    headers = upload_headers(page_html, "file", "a.txt", 10, "send", False, csrf)
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": URL,
        "raw_path": URL.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"multipart/form-data; boundary=B"),
            (b"content-length", str(total).encode()),
            (b"cookie", cookie.encode()),
            *[(k.lower().encode(), v.encode()) for k, v in headers.items()],
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    for chunk in chunks:
        await communicator.send_input({"type": "http.request", "body": chunk, "more_body": True})
    if close:
        await asyncio.sleep(0.5)  # let the server take in what was sent
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(5)
        return None
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(5)
    await communicator.receive_output(5)
    await communicator.wait(5)
    return start["status"]


@pytest.mark.django_db(transaction=True)
def test_a_client_that_goes_away_mid_upload_leaves_no_file_on_an_asgi_server(media):
    http = Client()
    page_html = loaded(http)
    head = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    # Django's ASGI handler spools the body to an unnamed temporary file (O_TMPFILE on Linux)
    # and closes it when the client goes away, before any view runs.
    status = asyncio.run(
        _asgi_upload(page_html, http.cookies, [head, b"x" * 3_000_000], 10_000_000, close=True)
    )

    assert status is None
    assert leftovers(media) == []

    # The same request, finished: stored. Only the client's leaving stopped the first one.
    tail = b"\r\n--B--\r\n"
    body = [head, b"x" * 3_000_000, tail]
    total = sum(map(len, body))
    assert asyncio.run(_asgi_upload(page_html, http.cookies, body, total, close=False)) == 200
    assert len([p for p in leftovers(media) if p.endswith(".data")]) == 1


# -- the browser's copy of the headers ---------------------------------------------------------


def test_the_js_upload_headers_are_the_routes():
    import shutil
    import subprocess

    from live_views.connect import wire
    from live_views.uploads import endpoint

    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI (CI=true) to compare the JS upload headers")
        pytest.skip("node is not installed: cannot read static/src/upload_protocol.js")
    script = (
        "const p = await import('./src/upload_protocol.js');"
        "console.log(JSON.stringify({...p.UPLOAD_HEADERS, CANCELLED: p.UPLOAD_CANCELLED}));"
    )
    static = Path(__file__).resolve().parent.parent / "static"
    out = subprocess.run(
        [node, "--input-type=module", "-e", script],
        cwd=static,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(out.stdout) == {
        "TOKEN": endpoint.TOKEN_HEADER,
        "FIELD": endpoint.FIELD_HEADER,
        "NAME": endpoint.NAME_HEADER,
        "SIZE": endpoint.SIZE_HEADER,
        "STEP": endpoint.STEP_HEADER,
        "APPEND": endpoint.APPEND_HEADER,
        "COMPONENT": endpoint.COMPONENT_HEADER,
        "REF": endpoint.REF_HEADER,
        "CANCELLED": wire.UPLOAD_CANCELLED,  # the push of a handler's cancel_upload()
    }


def test_a_proxys_413_is_the_fields_error_and_the_operators_warning(
    live_client, media, caplog, monkeypatch
):
    # The browser tells the route when a proxy refused the body (tests/test_browser_uploads.py
    # drives that): the field keeps why, and the log names the limit to raise.
    monkeypatch.setattr(endpoint, "_proxy_warnings", Every(600.0))
    page_html = loaded(live_client.http)
    headers = upload_headers(page_html, "file", "big.pdf", 3_000_000, "too_large", False, None)

    response = live_client.http.post(URL, headers=headers)

    assert response.status_code == 422
    assert response.json() == {"errors": ["This file is larger than the server accepts."]}
    assert (
        "a proxy in front of the server refused an upload of 3000000 bytes (HTTP 413), under "
        "LIVE_VIEWS['MAX_UPLOAD_BYTES'] (10485760): raise the proxy's body limit above it "
        "(nginx: client_max_body_size"
    ) in caplog.text
    assert live_client.http.post(URL, headers=headers).status_code == 422
    assert caplog.text.count("refused an upload of") == 1  # now and then, not per file
