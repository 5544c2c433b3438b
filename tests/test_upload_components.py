"""File fields in live form components, through the real ASGI app and the upload route: each
component's files upload live, keyed by its address, and reach its own form on submit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from live_views.testing.uploads import upload_headers
from live_views.uploads.store import uploads_root
from tests.live_helpers import TrackingLiveClient
from tests.upload_fixtures import leftovers
from tests.uploadapp import components
from tests.uploadapp.models import Document

PAGE = "/uploads/components/"


@pytest.fixture
def live_client(live_db: None, media: Path) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()
    yield live
    live.close()


def field_errors(component, name: str) -> str:
    block = component.block("field", name)
    return html.unescape(re.sub(r"<[^>]+>", " ", block)) if "errorlist" in block else ""


def send_raw(http: Client, page_html: str, field: str, content: bytes, component: str | None):
    """An upload as a browser could forge it: any component address, or none."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = upload_headers(page_html, field, "a.txt", len(content), "send", False, None)
    if component is not None:
        headers["X-Live-Upload-Component"] = component
    return http.post(
        "/live/upload/", {"file": SimpleUploadedFile("a.txt", content)}, headers=headers
    )


# -- the markup ------------------------------------------------------------------------------


def test_a_components_file_input_uploads_live_and_its_form_posts_multipart(live_client):
    page = live_client.live(PAGE)
    first = page.component("first")

    form_tag = re.search(r"<form[^>]*>", first.html).group(0)
    assert 'enctype="multipart/form-data"' in form_tag
    file_input = re.search(r'<input[^>]*type="file"[^>]*>', first.html).group(0)
    assert 'data-live-upload="/live/upload/"' in file_input
    assert 'hx-trigger="live:uploaded"' in file_input


# -- upload, validate, submit ----------------------------------------------------------------


def test_a_file_uploaded_to_a_component_is_saved_by_its_form_valid(live_client, media):
    page = live_client.live(PAGE)
    first = page.component("first")

    answer = first.upload("file", "notes.txt", b"hello")
    assert answer == {
        "status": 200,
        "ok": True,
        "name": "notes.txt",
        "size": 5,
        "ref": answer["ref"],
    }
    first.validate("file", title="Report")
    assert field_errors(first, "file") == ""
    assert "Ready to submit" in first.block("status")
    first.submit("submit", title="Report")

    document = Document.objects.get()
    assert document.title == "Report"
    assert document.file.name.startswith("documents/notes")
    assert Path(document.file.path).read_bytes() == b"hello"
    assert "Saved documents/notes" in first.block("saved")
    assert leftovers(media) == []  # moved into MEDIA_ROOT, the pending record gone
    assert page.errors == []


def test_two_components_with_the_same_field_name_keep_their_files_apart(live_client, media):
    page = live_client.live(PAGE)
    first, second = page.component("first"), page.component("second")

    assert first.upload("file", "one.txt", b"one")["status"] == 200
    second.validate("file", title="Second")
    assert "required" in field_errors(second, "file")  # the first's file is not the second's
    second.submit("submit", title="Second")
    assert Document.objects.count() == 0

    assert second.upload("file", "two.txt", b"two")["status"] == 200
    second.submit("submit", title="Second")
    first.submit("submit", title="First")

    saved = {d.title: Path(d.file.path).read_bytes() for d in Document.objects.all()}
    assert saved == {"First": b"one", "Second": b"two"}
    assert leftovers(media) == []


def test_several_files_reach_the_components_cleaned_data_and_request_files(live_client, media):
    components.RECEIVED.clear()
    contact = live_client.live(PAGE).component("contact")

    assert contact.upload("attachments", "a.txt", b"alpha")["status"] == 200
    assert contact.upload("attachments", "b.txt", b"beta", append=True)["status"] == 200
    contact.submit("submit", subject="Hello")

    assert components.RECEIVED == [
        {
            "subject": "Hello",
            "files": {"a.txt": b"alpha", "b.txt": b"beta"},
            "request_files": ["a.txt", "b.txt"],
        }
    ]
    assert leftovers(media) == []


def test_an_invalid_submit_keeps_the_components_uploads_for_the_next(live_client):
    first = live_client.live(PAGE).component("first")
    first.upload("file", "notes.txt", b"hello")

    first.submit("submit", title="")
    assert "required" in field_errors(first, "title")
    first.submit("submit", title="Report")

    assert Document.objects.get().file.name.startswith("documents/notes")


def test_reset_form_from_another_event_forgets_the_components_uploads(live_client, media):
    components.RECEIVED.clear()
    page = live_client.live(PAGE)
    contact, first = page.component("contact"), page.component("first")
    assert contact.upload("attachments", "old.txt", b"old")["status"] == 200
    assert first.upload("file", "kept.txt", b"kept")["status"] == 200

    contact.send("clear")  # not the submit: the user starts over
    assert "reset" in page.frames[-1]  # the browser empties the file input...
    contact.submit("submit", subject="Fresh")

    # ... and the server forgot its file: the later submit does not attach it.
    assert components.RECEIVED == [{"subject": "Fresh", "files": {}, "request_files": []}]
    first.submit("submit", title="Kept")  # another form's files are its own, still there
    assert Path(Document.objects.get().file.path).read_bytes() == b"kept"
    assert leftovers(media) == []
    assert page.errors == []


def test_a_handler_that_fails_after_reset_form_keeps_the_uploads(live_client, caplog):
    components.RECEIVED.clear()
    page = live_client.live(PAGE)
    contact = page.component("contact")
    assert contact.upload("attachments", "a.txt", b"alpha")["status"] == 200

    with pytest.raises(RuntimeError, match="after reset_form"):
        contact.send("clear_then_fail")  # undone, as the rest of what it changed

    assert [e["code"] for e in page.errors] == ["server_error"]
    assert "reset" not in page.frames[-1]
    contact.submit("submit", subject="Hi")
    assert components.RECEIVED[0]["files"] == {"a.txt": b"alpha"}


@pytest.mark.parametrize(
    ("subject", "failure"),
    [
        (components.FAIL_HANDLER, "form_valid\\(\\) failed"),
        (components.BREAK_RENDER, "render failed after a valid submit"),
    ],
)
def test_a_submit_that_fails_keeps_the_components_uploads(live_client, media, subject, failure):
    # The failed event is undone and its frame never sent: the browser's input still holds
    # the file, so the server does too, and the user's next submit attaches it.
    components.RECEIVED.clear()
    page = live_client.live(PAGE)
    contact = page.component("contact")
    assert contact.upload("attachments", "a.txt", b"alpha")["status"] == 200

    with pytest.raises(RuntimeError, match=failure):
        contact.submit("submit", subject=subject)

    assert [e["code"] for e in page.errors] == ["server_error"]
    components.RECEIVED.clear()
    contact.submit("submit", subject="Hi")
    assert components.RECEIVED == [
        {"subject": "Hi", "files": {"a.txt": b"alpha"}, "request_files": ["a.txt"]}
    ]
    assert leftovers(media) == []


def test_reset_form_before_form_save_in_form_valid_still_saves_the_files(live_client, media):
    page = live_client.live(PAGE)
    component = page.component("reset-first")
    assert component.upload("file", "notes.txt", b"hello")["status"] == 200

    component.submit("submit", title="Report")

    assert Path(Document.objects.get().file.path).read_bytes() == b"hello"
    assert "Saved documents/notes" in component.block("saved")
    assert leftovers(media) == []
    assert page.errors == []


# -- refusals: live field errors of the component, nothing saved -------------------------------


def test_a_wrong_extension_is_a_live_error_of_that_component_only(live_client, media):
    page = live_client.live(PAGE)
    first, second = page.component("first"), page.component("second")

    answer = first.upload("file", "evil.exe", b"MZ")

    assert answer["status"] == 422
    first.validate("file", title="Report")
    assert "File extension “exe” is not allowed" in field_errors(first, "file")
    assert "Not ready" in first.block("status")
    second.validate("title", title="Other")
    assert "exe" not in second.html
    first.submit("submit", title="Report")
    assert Document.objects.count() == 0
    assert not any(p.endswith(".data") for p in leftovers(media))


def test_a_file_over_the_limit_is_refused_before_its_bytes_are_sent(live_client, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    first = live_client.live(PAGE).component("first")

    answer = first.upload("file", "big.txt", b"x" * 1001)

    assert answer["status"] == 422
    assert "at most 1000" in answer["errors"][0]
    first.validate("file", title="Report")
    assert "at most 1000" in field_errors(first, "file")


# -- what a browser could forge --------------------------------------------------------------


def test_an_upload_naming_a_component_the_page_does_not_show_is_refused(live_client, media):
    page = live_client.live(PAGE)

    answer = send_raw(live_client.http, page.html, "file", b"x", "0123456789abcdef")

    assert answer.status_code == 404
    assert "no live component '0123456789abcdef'" in answer.json()["errors"][0]
    assert leftovers(media) == []


def test_an_upload_with_a_malformed_component_address_is_refused(live_client, media):
    page = live_client.live(PAGE)

    answer = send_raw(live_client.http, page.html, "file", b"x", "../../etc")

    assert answer.status_code == 400
    assert "X-Live-Upload-Component" in answer.json()["errors"][0]
    assert leftovers(media) == []


def test_a_components_field_without_its_address_is_not_the_pages(live_client, media):
    page = live_client.live(PAGE)

    answer = send_raw(live_client.http, page.html, "file", b"x", None)

    assert answer.status_code == 400
    assert leftovers(media) == []


def test_an_upload_to_a_component_that_now_refuses_the_user_is_refused(live_client, media):
    session = live_client.http.session
    session["uploads_closed"] = False
    session.save()  # the page's token is bound to this session
    page = live_client.live(PAGE)
    gated = page.component("gated")
    assert gated.upload("file", "a.txt", b"a")["status"] == 200
    session["uploads_closed"] = True
    session.save()

    answer = gated.upload("file", "b.txt", b"b")

    assert answer["status"] == 403
    assert "permission denied" in answer["errors"][0]
    assert len([p for p in leftovers(media) if p.endswith(".data")]) == 1  # a.txt only


# -- the page's life ---------------------------------------------------------------------------


def test_closing_the_page_deletes_its_components_pending_uploads(live_client, media):
    page = live_client.live(PAGE)
    page.component("first").upload("file", "notes.txt", b"hello")
    page.component("contact").upload("attachments", "a.txt", b"alpha")
    assert any(p.endswith(".data") for p in leftovers(media))

    page.close()
    live_client.pages.remove(page)

    assert leftovers(media) == []
    assert not any(uploads_root().iterdir())


def test_a_component_its_page_hid_loses_its_pending_uploads(live_client, media):
    page = live_client.live("/uploads/hidable-component/")
    page.component("first").upload("file", "notes.txt", b"hello")
    assert any(p.endswith(".data") for p in leftovers(media))

    page.send("hide")
    assert leftovers(media) == []  # gone with the component, not kept until the page closes
    page.send("show")  # mounted afresh: its form has no file
    first = page.component("first")
    first.submit("submit", title="Report")

    assert "required" in field_errors(first, "file")
    assert not Document.objects.exists()


def test_a_render_that_fails_after_hiding_a_component_keeps_its_uploads(live_client, media):
    # The failed event is undone and its frame never sent: the browser still shows the form,
    # its input holding the file, so the server keeps it for the form shown again.
    page = live_client.live("/uploads/hidable-component/")
    page.component("first").upload("file", "notes.txt", b"hello")

    with pytest.raises(TypeError, match="Cannot subscribe to None"):
        page.send("preview")  # the form's place goes to a preview whose render fails

    assert [e["code"] for e in page.errors] == ["server_error"]
    page.send("show")  # the page's next render shows the form again
    page.component("first").submit("submit", title="Report")
    assert Path(Document.objects.get().file.path).read_bytes() == b"hello"
    assert leftovers(media) == []


# -- a live component on a page that is not live ---------------------------------------------


def test_a_component_on_a_page_that_is_not_live_uploads_through_its_own_socket(live_client, media):
    page = live_client.live("/uploads/plain-component/", component="plain")
    plain = page.component("plain")

    assert plain.upload("file", "notes.txt", b"hello")["status"] == 200
    plain.validate("file", title="Report")
    assert "Ready to submit" in plain.block("status")
    plain.submit("submit", title="Report")

    assert Path(Document.objects.get().file.path).read_bytes() == b"hello"
    assert leftovers(media) == []


def test_a_plain_pages_component_socket_takes_no_files_for_another_component(live_client, media):
    from live_views.testing.uploads import component_token

    page = live_client.live("/uploads/plain-component/", component="plain")
    plain, other = page.component("plain"), page.component("other")
    # The token of plain's own socket, naming the other component of the page.
    headers = upload_headers(page.html, "file", "a.txt", 1, "check", False, None, other.address)
    headers["X-Live-Token"] = component_token(page.html, plain.address)

    answer = live_client.http.post("/live/upload/", headers=headers)

    assert answer.status_code == 404
    assert "no live component" in answer.json()["errors"][0]


def test_a_plain_page_that_now_sends_its_visitor_to_log_in_refuses_the_upload_with_403(live_client):
    # Its socket would close with 4401 (log in), which the HTTP transport answers with 401 and
    # a reload; the upload route answers a 403, as it does for a live page that redirects.
    session = live_client.http.session
    session["plain_closed"] = False
    session.save()  # the page's token is bound to this session
    page = live_client.live("/uploads/closable-plain-component/", component="plain")
    plain = page.component("plain")
    assert plain.upload("file", "a.txt", b"a")["status"] == 200
    session["plain_closed"] = True
    session.save()

    answer = plain.upload("file", "b.txt", b"b")

    assert answer["status"] == 403
    assert "redirected to '/accounts/login/'" in answer["errors"][0]


def test_closing_a_components_own_socket_deletes_its_pending_uploads(live_client, media):
    page = live_client.live("/uploads/plain-component/", component="plain")
    page.component("plain").upload("file", "notes.txt", b"hello")
    assert any(p.endswith(".data") for p in leftovers(media))

    page.close()
    live_client.pages.remove(page)

    assert leftovers(media) == []


# -- the async test client -------------------------------------------------------------------


async def test_the_async_client_uploads_to_a_component_too(live_db, media):
    from live_views.testing import AsyncLiveClient

    page = await AsyncLiveClient().live(PAGE)
    try:
        first = page.component("first")
        answer = await first.upload("file", "notes.txt", b"hello")
        assert answer["status"] == 200
        await first.submit("submit", title="Async")
    finally:
        await page.close()

    document = await Document.objects.aget()
    assert document.title == "Async"
