"""Removing one file of a live form's selection (Phoenix's cancel_upload), through the real ASGI
app and the upload route: by its ref, from the browser (the route's "cancel" step) or from a
handler (``cancel_upload()``). A ref is the browser's word: one this page does not hold changes
nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

from live_views.connect import wire
from live_views.testing.uploads import upload_headers
from tests.live_helpers import TrackingLiveClient
from tests.test_upload_endpoint import URL, loaded, post
from tests.upload_fixtures import leftovers
from tests.uploadapp import components, views


@pytest.fixture
def live_client(live_db: None, media: Path) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()
    yield live
    live.close()


def chosen(page) -> list[tuple[str, str]]:
    """What ``{% for f in form.attachments|live_uploads %}`` lists: (ref, name)."""
    return re.findall(r'<li data-ref="([^"]+)">([^ <]+) ', page.block("chosen"))


def data_files(media: Path) -> list[str]:
    return [p for p in leftovers(media) if p.endswith(".data")]


def test_a_removed_file_is_forgotten_and_a_submit_does_not_attach_it(live_client, media):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/")
    first = page.upload("attachments", "a.txt", b"alpha")
    second = page.upload("attachments", "b.txt", b"beta", append=True)
    assert first["ref"] != second["ref"]
    assert len(data_files(media)) == 2

    answer = page.cancel_upload("attachments", first["ref"])

    assert answer == {"status": 200, "ok": True}
    assert len(data_files(media)) == 1  # its file is deleted at once
    assert page.submit("submit", subject="Hello")["redirect"] == "/uploads/done/"
    assert views.RECEIVED[0]["files"] == {"b.txt": b"beta"}
    assert views.RECEIVED[0]["request_files"] == ["b.txt"]


def test_the_template_lists_the_fields_files_with_the_refs_a_remove_button_sends(live_client):
    page = live_client.live("/uploads/outbox/")
    first = page.upload("attachments", "a.txt", b"alpha")
    second = page.upload("attachments", "b.txt", b"beta", append=True)
    page.validate("attachments", subject="Hi")
    assert chosen(page) == [(first["ref"], "a.txt"), (second["ref"], "b.txt")]

    page.cancel_upload("attachments", second["ref"])
    page.validate("attachments", subject="Hi")

    assert chosen(page) == [(first["ref"], "a.txt")]


def test_a_ref_this_page_does_not_hold_is_a_clear_error_and_changes_nothing(live_client, media):
    views.RECEIVED.clear()
    other = live_client.live("/uploads/contact/")
    theirs = other.upload("attachments", "theirs.txt", b"other page")["ref"]
    page = live_client.live("/uploads/contact/")
    page.upload("attachments", "mine.txt", b"mine")

    for ref in (theirs, "made-up-ref"):
        answer = page.cancel_upload("attachments", ref)
        assert answer["status"] == 404
        assert answer["errors"] == [
            f"'attachments' has no pending upload {ref!r} on this page: it was submitted, "
            "removed, or never finished uploading."
        ]
    assert len(data_files(media)) == 2  # both pages keep their files
    assert page.submit("submit", subject="Mine")["redirect"] == "/uploads/done/"
    assert other.submit("submit", subject="Theirs")["redirect"] == "/uploads/done/"
    assert [r["files"] for r in views.RECEIVED] == [
        {"mine.txt": b"mine"},
        {"theirs.txt": b"other page"},
    ]


@pytest.mark.parametrize("ref", ["../../etc", "a" * 65, "a b", ""])
def test_a_ref_that_is_no_ref_is_refused_before_anything_is_read(live_client, media, ref):
    page = live_client.live("/uploads/contact/")
    page.upload("attachments", "a.txt", b"alpha")

    answer = page.cancel_upload("attachments", ref)

    assert answer["status"] == 400
    assert "X-Live-Upload-Ref must be 1 to 64 letters, digits" in answer["errors"][0]
    assert len(data_files(media)) == 1


def test_a_handler_removes_a_file_with_cancel_upload(live_client, media):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/outbox/")
    kept = page.upload("attachments", "a.txt", b"alpha")["ref"]
    gone = page.upload("attachments", "b.txt", b"beta", append=True)["ref"]

    assert "push" not in page.send("remove", ref="not-a-ref-of-this-page")
    assert page.block("removed").strip() == "False"
    assert len(data_files(media)) == 2
    frame = page.send("remove", ref=gone)
    assert page.block("removed").strip() == "True"
    # The browser drops it from the page's own file input too (uploads.js hears the push).
    target = '[data-live-form] input[type=file][name="attachments"]:not([data-live-component] *)'
    assert frame["push"] == [[wire.UPLOAD_CANCELLED, {"input": target, "refs": [gone]}]]

    page.submit("submit", subject="Hi")
    assert views.RECEIVED == [{"subject": "Hi", "files": {"a.txt": b"alpha"}}]
    assert kept != gone


def test_the_handlers_own_render_lists_the_file_no_more(live_client, media):
    page = live_client.live("/uploads/outbox/")
    kept = page.upload("attachments", "a.txt", b"alpha")["ref"]
    gone = page.upload("attachments", "b.txt", b"beta", append=True)["ref"]
    page.validate("attachments", subject="Hi")  # the form is bound to its files

    frame = page.send("remove_twice", ref=gone)

    assert page.block("removed").strip() == "False"  # the second call found it gone
    assert frame["push"][0][1]["refs"] == [gone]
    assert chosen(page) == [(kept, "a.txt")]
    assert "b.txt" not in page.block("pending")  # live_uploads.files() leaves it out too
    assert len(data_files(media)) == 1  # deleted with the update that told the browser


@pytest.mark.parametrize(
    ("event", "failure"),
    [("remove_then_fail", "handler failed"), ("remove_then_break_render", "render failed")],
)
def test_a_handler_that_fails_after_cancel_upload_keeps_the_file(
    live_client, media, event, failure
):
    # The browser is never told to drop the file (the failed event's push goes with it), so
    # the server keeps it too: listed, and attached by the submit, as its input still holds it.
    views.RECEIVED.clear()
    page = live_client.live("/uploads/outbox/")
    kept = page.upload("attachments", "a.txt", b"alpha")["ref"]
    cancelled = page.upload("attachments", "b.txt", b"beta", append=True)["ref"]
    page.validate("attachments", subject="Hi")

    with pytest.raises(RuntimeError, match=f"{failure} after cancel_upload"):
        page.send(event, ref=cancelled)

    assert [e["code"] for e in page.errors] == ["server_error"]
    assert "push" not in page.frames[-1]
    assert len(data_files(media)) == 2
    page.validate("attachments", subject="Hi")
    assert chosen(page) == [(kept, "a.txt"), (cancelled, "b.txt")]
    page.submit("submit", subject="Hi")
    assert views.RECEIVED == [{"subject": "Hi", "files": {"a.txt": b"alpha", "b.txt": b"beta"}}]


def test_a_components_handler_that_fails_after_cancel_upload_keeps_the_file(live_client, media):
    components.RECEIVED.clear()
    page = live_client.live("/uploads/components/")
    contact = page.component("contact")
    ref = contact.upload("attachments", "a.txt", b"alpha")["ref"]

    with pytest.raises(RuntimeError, match="handler failed after cancel_upload"):
        contact.send("remove_then_fail", ref=ref)

    assert [e["code"] for e in page.errors] == ["server_error"]
    assert "push" not in page.frames[-1]
    assert len(data_files(media)) == 1
    contact.submit("submit", subject="Hi")
    assert components.RECEIVED[0]["files"] == {"a.txt": b"alpha"}


def test_a_components_file_is_removed_by_its_own_ref_only(live_client, media):
    page = live_client.live("/uploads/components/")
    first, second = page.component("first"), page.component("second")
    mine = first.upload("file", "one.txt", b"one")["ref"]
    second.upload("file", "two.txt", b"two")

    # Another form's ref, same page and field name: not this form's file.
    assert second.cancel_upload("file", mine)["status"] == 404
    assert len(data_files(media)) == 2
    assert first.cancel_upload("file", mine) == {"status": 200, "ok": True}

    first.validate("file", title="First")
    assert "required" in first.block("field", "file")
    assert len(data_files(media)) == 1  # the second's stays


def test_remove_all_forgets_every_file_and_tells_the_browser_in_one_push(live_client, media):
    page = live_client.live("/uploads/outbox/")
    refs = [
        page.upload("attachments", name, b"x", append=bool(i))["ref"]
        for i, name in enumerate(["a.txt", "b.txt", "c.txt"])
    ]
    page.validate("attachments", subject="Hi")  # the form is bound to its files

    frame = page.send("remove_all")

    assert data_files(media) == []
    [(name, payload)] = frame["push"]  # one per input, not one per file
    assert (name, payload["refs"]) == (wire.UPLOAD_CANCELLED, refs)
    page.validate("attachments", subject="Hi")
    assert chosen(page) == []


def test_a_components_handler_has_the_browser_drop_the_file_from_its_own_input(live_client, media):
    page = live_client.live("/uploads/components/")
    contact = page.component("contact")
    ref = contact.upload("attachments", "a.txt", b"alpha")["ref"]

    frame = contact.send("remove", ref=ref)

    assert data_files(media) == []
    # Its own form's input, not a field of that name in the page's form or another component's.
    own = f'[data-live-component="{contact.address}"]'
    target = (
        f'{own} [data-live-form] input[type=file][name="attachments"]'
        f":not({own} [data-live-component] *)"
    )
    assert frame["push"] == [[wire.UPLOAD_CANCELLED, {"input": target, "refs": [ref]}]]


def test_a_cancel_needs_the_csrf_token_and_the_pages_session(live_db, media):
    # A state-changing request: without Django's CSRF token, or from another visitor's session
    # with this page's token, it is refused and the file stays.
    http = Client(enforce_csrf_checks=True)
    http.force_login(User.objects.create_user("ann", password="pw-for-ann"))
    page_html = loaded(http, "/uploads/contact/")
    csrf = http.cookies[django_settings.CSRF_COOKIE_NAME].value
    sent = post(http, page_html, "attachments", "a.txt", b"a", headers={"X-CSRFToken": csrf})
    assert sent.status_code == 200, sent.content

    def cancel(client: Client, token: str | None):
        headers = upload_headers(page_html, "attachments", "", 0, "cancel", False, token)
        return client.post(URL, headers={**headers, "X-Live-Upload-Ref": sent.json()["ref"]})

    no_token = cancel(http, None)
    stranger = Client(enforce_csrf_checks=True)
    loaded(stranger, "/uploads/contact/")  # a session and a CSRF token of its own
    theirs = stranger.cookies[django_settings.CSRF_COOKIE_NAME].value
    other_session = cancel(stranger, theirs)

    assert no_token.status_code == 403
    assert "CSRF" in no_token.json()["errors"][0]
    assert other_session.status_code == 403
    assert "token was refused" in other_session.json()["errors"][0]
    assert len(data_files(media)) == 1
    assert cancel(http, csrf).status_code == 200
    assert data_files(media) == []
