"""Live forms with file fields, through the real ASGI app and the upload route (live_views.testing):
files upload by HTTP, the form validates live, and the view's own post() saves them."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from live_views.uploads.store import MAX_FILES_PER_FIELD, uploads_root
from tests.live_helpers import TrackingLiveClient
from tests.upload_fixtures import leftovers
from tests.uploadapp import components, views
from tests.uploadapp.models import Document, Profile


def png(width: int = 2, height: int = 2) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def live_client(live_db: None, media: Path) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()
    yield live
    live.close()


def field_errors(page, name: str) -> str:
    return (
        re.sub(r"<[^>]+>", " ", page.block("field", name))
        if "errorlist" in page.block("field", name)
        else ""
    )


# -- the markup ------------------------------------------------------------------------------


def test_a_form_with_file_fields_posts_multipart_and_its_file_inputs_upload_live(live_client):
    body = live_client.get("/uploads/profile/").content.decode()

    form_tag = re.search(r"<form[^>]*>", body).group(0)
    assert 'enctype="multipart/form-data"' in form_tag
    avatar = re.search(r'<input[^>]*type="file"[^>]*>', body).group(0)
    assert 'data-live-upload="/live/upload/"' in avatar
    assert 'hx-trigger="live:uploaded"' in avatar
    assert "data-live-ignore" in avatar


@pytest.mark.parametrize(
    ("auto_id", "expected"), [("id_%s", "id_doc-file"), (False, "lv-upload-doc-file")]
)
def test_a_live_file_input_has_an_id_whatever_the_forms_auto_id(auto_id, expected):
    # It is data-live-ignore, which a morph pairs by id: without one it pairs by tag and place.
    from django import forms

    from live_views.forms import add_validate_triggers

    class DocumentForm(forms.Form):
        file = forms.FileField()

    form = DocumentForm(auto_id=auto_id, prefix="doc")
    add_validate_triggers(form, "input")
    rendered = str(form["file"])
    assert "data-live-ignore" in rendered
    assert f'id="{expected}"' in rendered


def test_a_form_without_file_fields_keeps_the_default_enctype(live_client):
    body = live_client.get("/forms/signup/").content.decode()

    assert "multipart/form-data" not in re.search(r"<form[^>]*>", body).group(0)


# -- 1. a live create view stores the file through the model's storage --------------------------


def test_an_image_uploaded_live_is_saved_by_the_views_own_post(live_client, media):
    page = live_client.live("/uploads/profile/")
    image = png()

    answer = page.upload("avatar", "me.png", image, content_type="image/png")
    ref = answer["ref"]  # what a remove button sends (tests/test_upload_cancel.py)
    assert answer == {"status": 200, "ok": True, "name": "me.png", "size": len(image), "ref": ref}
    page.validate("avatar", name="Ada")
    assert field_errors(page, "avatar") == ""
    reply = page.submit("submit", name="Ada")

    assert reply["redirect"] == "/uploads/done/"
    profile = Profile.objects.get()
    assert profile.avatar.name.startswith("avatars/me")
    assert Path(profile.avatar.path).read_bytes() == image
    assert leftovers(media) == []  # moved into MEDIA_ROOT, the pending record gone


def test_a_live_update_view_replaces_the_file(live_client, media):
    profile = Profile.objects.create(name="Ada")
    page = live_client.live(f"/uploads/profile/{profile.pk}/")

    assert page.upload("avatar", "new.png", png(3, 3))["status"] == 200
    reply = page.submit("submit", name="Ada")

    assert "redirect" in reply, reply
    profile.refresh_from_db()
    assert profile.avatar.name.startswith("avatars/new")


def test_choosing_again_replaces_the_earlier_file(live_client, media):
    page = live_client.live("/uploads/profile/")

    page.upload("avatar", "first.png", png())
    page.upload("avatar", "second.png", png())
    page.submit("submit", name="Ada")

    assert Profile.objects.get().avatar.name.startswith("avatars/second")


def test_several_files_of_a_multiple_input_reach_form_valid_and_request_files(live_client, media):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/")

    assert page.upload("attachments", "a.txt", b"alpha")["status"] == 200
    assert page.upload("attachments", "b.txt", b"beta", append=True)["status"] == 200
    reply = page.submit("submit", subject="Hello")

    assert reply["redirect"] == "/uploads/done/"
    assert views.RECEIVED == [
        {
            "subject": "Hello",
            "files": {"a.txt": b"alpha", "b.txt": b"beta"},
            "request_files": ["a.txt", "b.txt"],
        }
    ]
    assert leftovers(media) == []


def test_a_submit_that_fails_after_post_redirected_keeps_the_uploads(live_client, media):
    # The failed event is undone and its redirect never sent: the browser stays on the page,
    # its input still holding the file, so the server does too, for the user's next submit.
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/notifying/")
    assert page.upload("attachments", "a.txt", b"alpha")["status"] == 200

    with pytest.raises(RuntimeError, match="after post\\(\\) redirected"):
        page.submit("submit", subject=views.FAIL_AFTER_POST)

    assert [e["code"] for e in page.errors] == ["server_error"]
    views.RECEIVED.clear()
    reply = page.submit("submit", subject="Hi")
    assert reply["redirect"] == "/uploads/done/"
    assert views.RECEIVED == [
        {"subject": "Hi", "files": {"a.txt": b"alpha"}, "request_files": ["a.txt"]}
    ]
    assert leftovers(media) == []  # the submit that redirected used them up


def test_an_invalid_submit_keeps_the_uploads_for_the_next_submit(live_client):
    page = live_client.live("/uploads/profile/")
    page.upload("avatar", "me.png", png())

    first = page.submit("submit", name="")
    assert "redirect" not in first
    assert "required" in field_errors(page, "name")
    second = page.submit("submit", name="Ada")

    assert "redirect" in second
    assert Profile.objects.get().avatar.name.startswith("avatars/me")


# -- 3. limits and validators: live field errors, nothing saved ---------------------------------


def test_a_selection_over_the_file_count_is_a_live_field_error_and_saves_nothing(
    live_client, media
):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/")
    for index in range(MAX_FILES_PER_FIELD):
        answer = page.upload("attachments", f"{index}.txt", b"x", append=index > 0)
        assert answer["status"] == 200

    answer = page.upload("attachments", "one-too-many.txt", b"x", append=True)

    assert answer["status"] == 422
    assert f"At most {MAX_FILES_PER_FIELD} files" in answer["errors"][0]
    page.validate("attachments", subject="Hello")
    assert f"At most {MAX_FILES_PER_FIELD} files" in field_errors(page, "attachments")
    assert "Not ready" in page.block("status")
    assert "redirect" not in page.submit("submit", subject="Hello")
    assert views.RECEIVED == []  # not the first 20 of the user's 21 files
    assert not any(p.endswith(".data") for p in leftovers(media))


def test_a_file_over_the_limit_is_refused_before_its_bytes_are_sent(live_client, settings, media):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    page = live_client.live("/uploads/document/")

    answer = page.upload("file", "big.txt", b"x" * 1001)

    assert answer["status"] == 422
    assert "at most 1000" in answer["errors"][0]
    page.validate("file", title="Report")
    assert "at most 1000" in field_errors(page, "file")
    assert "Not ready" in page.block("status")
    page.submit("submit", title="Report")
    assert Document.objects.count() == 0


def test_a_wrong_extension_is_a_live_field_error_and_nothing_is_saved(live_client, media):
    page = live_client.live("/uploads/document/")

    answer = page.upload("file", "evil.exe", b"MZ")

    assert answer["status"] == 422
    assert "extension" in answer["errors"][0]
    page.validate("file", title="Report")
    assert "File extension “exe” is not allowed" in html.unescape(field_errors(page, "file"))
    reply = page.submit("submit", title="Report")
    assert "redirect" not in reply
    assert Document.objects.count() == 0
    assert not any(p.endswith((".data", ".upload.exe")) for p in leftovers(media))


def test_a_file_that_is_not_an_image_is_refused_by_the_image_field(live_client, media):
    page = live_client.live("/uploads/profile/")

    answer = page.upload("avatar", "fake.png", b"not an image at all")

    assert answer["status"] == 422
    assert "image" in answer["errors"][0]
    page.validate("avatar", name="Ada")
    assert "image" in field_errors(page, "avatar")
    assert not any(p.endswith(".data") for p in leftovers(media))


def test_a_good_file_after_a_refused_one_clears_the_error(live_client):
    page = live_client.live("/uploads/document/")
    page.upload("file", "evil.exe", b"MZ")
    page.validate("file", title="Report")
    assert field_errors(page, "file")

    page.upload("file", "notes.txt", b"hello")
    page.validate("file", title="Report")

    assert field_errors(page, "file") == ""
    assert "redirect" in page.submit("submit", title="Report")
    document = Document.objects.get()
    assert document.file.read() == b"hello"
    document.file.close()


# -- 4. reset_form() on the page's own form: the server and the browser start over together ------

OUTBOX = "/uploads/outbox/"
# The page's own live form, not the one of a live component on it (the outbox page has one).
PAGE_FORM = "[data-live-form]:not([data-live-component] *)"


def test_reset_form_after_a_valid_submit_empties_the_form_and_forgets_its_uploads(
    live_client, media
):
    views.RECEIVED.clear()
    page = live_client.live(OUTBOX)
    assert page.upload("attachments", "a.txt", b"alpha")["status"] == 200
    page.validate("subject", subject="Hello")
    assert "Pending: a.txt" in page.block("pending")

    reply = page.submit("submit", subject="Hello")

    assert "redirect" not in reply
    assert reply["reset"] == PAGE_FORM  # the browser resets the form, file inputs included
    assert "Sent: Hello" in page.block("outbox")
    assert "value=" not in re.search(r"<input[^>]*>", page.block("field", "subject")).group(0)
    assert field_errors(page, "subject") == ""  # unbound: no "required" for the empty field
    assert "Pending" not in page.block("pending")
    assert leftovers(media) == []
    # The next submit attaches nothing: the server forgot the files the browser emptied.
    page.submit("submit", subject="Again")
    assert views.RECEIVED == [
        {"subject": "Hello", "files": {"a.txt": b"alpha"}},
        {"subject": "Again", "files": {}},
    ]
    assert page.errors == []


def test_an_invalid_submit_keeps_what_the_user_typed_and_chose(live_client, media, caplog):
    views.RECEIVED.clear()
    page = live_client.live(OUTBOX)
    assert page.upload("attachments", "a.txt", b"alpha")["status"] == 200

    with caplog.at_level("WARNING", logger="live_views"):
        reply = page.submit("submit", subject="x" * 51)

    assert "reset" not in reply
    assert "at most 50 characters" in field_errors(page, "subject")
    assert f'value="{"x" * 51}"' in page.block("field", "subject")
    assert "Pending: a.txt" in page.block("pending")
    assert caplog.text == ""  # form_invalid() rendered the page: nothing was dropped
    page.submit("submit", subject="Fixed")
    assert views.RECEIVED == [{"subject": "Fixed", "files": {"a.txt": b"alpha"}}]
    assert leftovers(media) == []


def test_after_a_reset_the_form_validates_what_the_user_types_next(live_client):
    page = live_client.live(OUTBOX)
    page.submit("submit", subject="Hello")

    page.validate("subject", subject="y" * 51)

    assert "at most 50 characters" in field_errors(page, "subject")
    assert f'value="{"y" * 51}"' in page.block("field", "subject")


def test_reset_form_from_another_event_forgets_the_pages_uploads_not_a_components(
    live_client, media
):
    views.RECEIVED.clear()
    components.RECEIVED.clear()
    page = live_client.live(OUTBOX)
    contact = page.component("contact")
    assert page.upload("attachments", "old.txt", b"old")["status"] == 200
    assert contact.upload("attachments", "kept.txt", b"kept")["status"] == 200
    page.validate("subject", subject="Draft")

    reply = page.send("clear")  # a "Clear" button: the user starts over

    assert reply["reset"] == PAGE_FORM
    assert 'value="Draft"' not in page.block("field", "subject")
    page.submit("submit", subject="Fresh")
    assert views.RECEIVED == [{"subject": "Fresh", "files": {}}]
    contact.submit("submit", subject="Kept")  # the component's form keeps its own files
    assert components.RECEIVED[0]["files"] == {"kept.txt": b"kept"}
    assert leftovers(media) == []
    assert page.errors == []


def test_a_handler_that_fails_after_the_pages_reset_form_keeps_the_uploads(live_client):
    views.RECEIVED.clear()
    page = live_client.live(OUTBOX)
    assert page.upload("attachments", "a.txt", b"alpha")["status"] == 200

    with pytest.raises(RuntimeError, match="after reset_form"):
        page.send("clear_then_fail")  # undone, as the rest of what it changed

    assert [e["code"] for e in page.errors] == ["server_error"]
    assert "reset" not in page.frames[-1]
    page.submit("submit", subject="Hi")
    assert views.RECEIVED == [{"subject": "Hi", "files": {"a.txt": b"alpha"}}]


def test_a_handler_that_resets_then_redirects_forgets_the_uploads_and_sends_no_reset(
    live_client, media
):
    views.RECEIVED.clear()
    page = live_client.live(OUTBOX)
    assert page.upload("attachments", "old.txt", b"old")["status"] == 200
    page.validate("subject", subject="Draft")

    reply = page.send("discard")  # reset_form(), then a redirect to the done page

    assert reply["redirect"] == "/uploads/done/"
    assert "reset" not in reply
    assert leftovers(media) == []  # the handler succeeded: the files it let go are gone now
    # A browser that stays on the page (the redirect was a download, or the user declined to
    # leave) gets no late reset: what the user types and chooses next is kept and submitted.
    assert page.upload("attachments", "new.txt", b"new")["status"] == 200
    reply = page.validate("subject", subject="Still here")
    assert "reset" not in reply
    assert "Pending: new.txt" in page.block("pending")
    page.submit("submit", subject="Still here")
    assert views.RECEIVED == [{"subject": "Still here", "files": {"new.txt": b"new"}}]
    assert page.errors == []


def test_a_create_view_takes_one_document_after_another(live_client, media):
    page = live_client.live("/uploads/documents/")
    assert page.upload("file", "one.txt", b"one")["status"] == 200

    reply = page.submit("submit", title="One")

    assert reply["reset"] == PAGE_FORM
    assert "Sent: documents/one" in page.block("outbox")
    assert 'value="One"' not in page.block("field", "title")
    page.submit("submit", title="Two")  # the file went with the first document
    assert "required" in field_errors(page, "file")
    assert page.upload("file", "two.txt", b"two")["status"] == 200
    page.submit("submit", title="Two")
    saved = {d.title: Path(d.file.path).read_bytes() for d in Document.objects.all()}
    assert saved == {"One": b"one", "Two": b"two"}
    assert leftovers(media) == []


def test_with_js_off_reset_form_renders_the_form_empty_after_the_post(live_client, media):
    views.RECEIVED.clear()
    http = Client()
    http.get(OUTBOX)

    response = http.post(
        OUTBOX, {"subject": "Plain", "attachments": SimpleUploadedFile("p.txt", b"plain")}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Sent: Plain" in body
    assert 'value="Plain"' not in body
    assert views.RECEIVED == [{"subject": "Plain", "files": {"p.txt": b"plain"}}]


# -- 4b. files the browser chose that never reached the server ------------------------------------
# A failed upload (a network error), or an upload script that never loaded: the browser's frame
# names the input (wire.UNSENT). Before, the submit went on without the files: an optional
# field's file was lost unseen, or an older upload of the field was submitted in its place.

UNSENT = "did not upload"


def submit_unsent(page, unsent, **form):
    return page.run(page._page.ask({"event": "submit", "args": {}, "form": form, "unsent": unsent}))


def validate_unsent(page, field, unsent, **form):
    frame = {"event": "validate", "args": {"field": field}, "form": form, "unsent": unsent}
    return page.run(page._page.ask(frame))


def test_a_submit_whose_chosen_files_never_went_up_says_so_instead_of_going_on(live_client):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/")  # attachments are optional

    reply = submit_unsent(page, ["attachments"], subject="Hello")

    assert "redirect" not in reply
    assert views.RECEIVED == []
    assert UNSENT in field_errors(page, "attachments")
    assert "Not ready" in page.block("status")

    # Submitting again, the upload went up this time: the form goes through with the file.
    assert page.upload("attachments", "a.txt", b"alpha")["status"] == 200
    assert page.submit("submit", subject="Hello")["redirect"] == "/uploads/done/"
    assert views.RECEIVED[0]["files"] == {"a.txt": b"alpha"}


def test_an_older_upload_is_not_submitted_for_a_newer_choice_that_never_went_up(live_client):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/")
    assert page.upload("attachments", "old.txt", b"old")["status"] == 200

    reply = submit_unsent(page, ["attachments"], subject="Hello")

    assert "redirect" not in reply
    assert views.RECEIVED == []
    assert UNSENT in field_errors(page, "attachments")


def test_an_upload_that_failed_shows_on_its_field_once_touched(live_client):
    page = live_client.live("/uploads/contact/")

    validate_unsent(page, "subject", ["attachments"], subject="Hi")
    assert field_errors(page, "attachments") == ""  # the user has not been there yet

    validate_unsent(page, "attachments", ["attachments"], subject="Hi")  # its live:uploaded
    assert UNSENT in field_errors(page, "attachments")

    page.validate("attachments", subject="Hi")  # chosen again, and up this time
    assert field_errors(page, "attachments") == ""


def test_a_refused_file_keeps_its_own_reason_and_other_names_are_ignored(live_client):
    views.RECEIVED.clear()
    page = live_client.live("/uploads/contact/")
    for index in range(MAX_FILES_PER_FIELD + 1):
        page.upload("attachments", f"{index}.txt", b"x", append=index > 0)

    submit_unsent(page, ["attachments", "subject", "no-such-field"], subject="Hello")

    errors = field_errors(page, "attachments")
    assert f"At most {MAX_FILES_PER_FIELD} files" in errors
    assert UNSENT not in errors
    assert field_errors(page, "subject") == ""  # not a file field
    assert views.RECEIVED == []
    assert page.errors == []


def test_a_components_submit_whose_files_never_went_up_says_so(live_client):
    components.RECEIVED.clear()
    page = live_client.live(OUTBOX)
    contact = page.component("contact")
    frame = {"event": "submit", "args": {}, "form": {"subject": "Hi"}, "unsent": ["attachments"]}
    frame["component"] = contact.address

    page.run(page._page.ask(frame))

    assert components.RECEIVED == []
    assert UNSENT in contact.block("field", "attachments")
    assert UNSENT not in page.block("field", "attachments")  # the page's own form is not told


# -- 5. JS off: the same form posts multipart over HTTP --------------------------------------------


def test_with_js_off_the_form_posts_its_file_over_http(live_client, media):
    http = Client()
    http.get("/uploads/document/")
    response = http.post(
        "/uploads/document/",
        {"title": "Plain", "file": SimpleUploadedFile("plain.txt", b"plain text")},
    )
    assert response.status_code == 302, response.content
    document = Document.objects.get()
    assert document.file.read() == b"plain text"
    document.file.close()


def test_closing_the_page_deletes_its_pending_uploads(live_client, media):
    page = live_client.live("/uploads/document/")
    page.upload("file", "notes.txt", b"hello")
    assert any(p.endswith(".data") for p in leftovers(media))

    page.close()
    live_client.pages.remove(page)

    assert leftovers(media) == []
    assert not any(uploads_root().iterdir())


def test_emptying_the_input_forgets_the_fields_files_and_refusal(live_client, media):
    from live_views.testing.uploads import upload_headers

    page = live_client.live("/uploads/profile/")
    page.upload("avatar", "fake.png", b"not an image")
    page.validate("avatar", name="Ada")
    assert "image" in field_errors(page, "avatar")

    headers = upload_headers(page.html, "avatar", "", 0, "clear", False, None)
    cleared = live_client.http.post("/live/upload/", headers=headers)
    page.validate("avatar", name="Ada")

    assert cleared.status_code == 200
    assert field_errors(page, "avatar") == ""
    assert "redirect" in page.submit("submit", name="Ada")
    assert Profile.objects.get().avatar.name == ""
