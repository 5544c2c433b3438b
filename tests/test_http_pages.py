"""The registry of HTTP-transport pages (live_views/http/pages.py): two first requests of one
page that race each mount it, one copy is kept, and the page's pending uploads stay its own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from live_views.http.pages import open_pages
from live_views.testing.uploads import upload_headers
from tests.test_http_endpoint import Page, frame_of, in_thread
from tests.uploadapp import views

pytestmark = pytest.mark.usefixtures("no_http_pages")


def test_two_racing_first_requests_keep_the_pages_pending_uploads(http_browser, media, monkeypatch):
    page = Page(http_browser, "/uploads/contact/")
    # Uploaded while the page was on its socket, before it went over to HTTP.
    headers = upload_headers(page.html, "attachments", "a.txt", 5, "send", False, page.csrf)
    file = {"file": SimpleUploadedFile("a.txt", b"alpha")}
    sent = http_browser.post("/live/upload/", file, headers=headers)
    assert sent.status_code == 200, sent.content

    # Both requests mount the page before either keeps it: each finds it held by no one.
    both_mounted, raced = threading.Barrier(2, timeout=10), threading.Event()
    get = views.ContactView.get

    def mount_in_step(view: views.ContactView, request: Any, *args: Any, **kwargs: Any) -> Any:
        if view.live_connected and not raced.is_set():  # the mounts, not the joins' renders
            both_mounted.wait()
            raced.set()
        return get(view, request, *args, **kwargs)

    monkeypatch.setattr(views.ContactView, "get", mount_in_step)
    with ThreadPoolExecutor(2) as pool:
        joins = [in_thread(pool, page.join) for _ in range(2)]
        replies = [join.result(20) for join in joins]
    monkeypatch.setattr(views.ContactView, "get", get)

    assert [reply.status_code for reply in replies] == [200, 200]
    assert open_pages() == 1
    views.RECEIVED.clear()
    submitted = page.send({"event": "submit", "args": {}, "form": {"subject": "Hi"}, "ref": 1})
    assert submitted.status_code == 200
    assert "error" not in frame_of(submitted)
    assert [r["files"] for r in views.RECEIVED] == [{"a.txt": b"alpha"}]
