"""What one visitor may hold in pending uploads over all its pages (MAX_UPLOAD_BYTES_PER_VISITOR).

A security review: every page load is a new page id with room for 20 files per field, kept for
an hour when no socket ever closes; a script that loaded the page and uploaded without opening
the socket put 200 MB on disk in 1.5 s, anonymously, and nothing refused it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from live_views.testing import close_thread_db_connections
from live_views.testing.uploads import upload_headers
from live_views.uploads.quota import sweep_ledgers
from live_views.uploads.store import ledgers_root, sweep, uploads_root
from tests.live_helpers import TrackingLiveClient, until

URL = "/live/upload/"
PAGE = "/uploads/document/"
FILE = b"x" * 5000


@pytest.fixture(autouse=True)
def limits(settings) -> None:
    settings.LIVE_VIEWS = {"MAX_UPLOAD_BYTES": 5000, "MAX_UPLOAD_BYTES_PER_VISITOR": 12500}


@pytest.fixture
def live_client(live_db: None, media: Path) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()
    yield live
    live.close()


def loaded(http: Client) -> str:
    response = http.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def send(http: Client, page_html: str, name: str = "a.txt", content: bytes = FILE, step="send"):
    headers = upload_headers(page_html, "file", name, len(content), step, False, None)
    if step != "send":
        return http.post(URL, headers=headers)
    return http.post(URL, {"file": SimpleUploadedFile(name, content)}, headers=headers)


def held_on_disk(media: Path) -> int:
    return sum(p.stat().st_size for p in (media / "tmp").rglob("*.data"))


def test_a_visitor_that_never_submits_fills_its_room_and_no_more(live_client, media):
    # Each upload to a page loaded anew, as the script did: one file each.
    assert send(live_client.http, loaded(live_client.http)).status_code == 200
    assert send(live_client.http, loaded(live_client.http)).status_code == 200
    refused = send(live_client.http, loaded(live_client.http), name="third.txt")

    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error == (
        "third.txt does not fit: your files waiting to be sent take 9.8\xa0KB, and together "
        "they may take at most 12.2\xa0KB. Send the form, or remove files, first."
    )
    assert held_on_disk(media) == 10000


def test_the_check_before_sending_refuses_without_a_byte_sent(live_client, media):
    for _ in range(2):
        send(live_client.http, loaded(live_client.http))
    answer = send(live_client.http, loaded(live_client.http), step="check")
    assert answer.status_code == 422
    assert "does not fit" in answer.json()["errors"][0]


def test_another_visitor_has_room_of_its_own(live_client, media):
    for _ in range(2):
        send(live_client.http, loaded(live_client.http))
    other = Client()
    other.force_login(User.objects.create_user("bea"))
    assert send(other, loaded(other)).status_code == 200
    assert held_on_disk(media) == 15000


def test_choosing_another_file_for_a_field_counts_the_new_one_only(live_client, media):
    send(live_client.http, loaded(live_client.http))
    page_html = loaded(live_client.http)
    send(live_client.http, page_html)
    # The field's file is replaced: 10,000 bytes held before, 10,000 after.
    assert send(live_client.http, page_html, name="again.txt").status_code == 200
    assert held_on_disk(media) == 10000


def test_a_page_that_closes_gives_its_room_back(live_client, media):
    page = live_client.live(PAGE)
    assert page.upload("file", "a.txt", FILE)["status"] == 200
    send(live_client.http, loaded(live_client.http))
    assert send(live_client.http, loaded(live_client.http)).status_code == 422
    [ledger] = ledgers_root().iterdir()
    assert len(list(ledger.iterdir())) == 2  # the two pages holding the visitor's files

    page.close()  # the socket's close deletes the page's pending uploads

    until(lambda: len(list(ledger.iterdir())) == 1, "the closed page's ledger entry gone")
    assert send(live_client.http, loaded(live_client.http)).status_code == 200


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_sweep_forgets_ledgers_of_visitors_whose_pages_are_gone(live_client, media):
    send(live_client.http, loaded(live_client.http))
    [ledger] = ledgers_root().iterdir()
    for page in uploads_root().iterdir():
        age(page, 3601)
    age(ledger, 3601)
    sweep()
    sweep_ledgers()
    assert list(ledgers_root().iterdir()) == []


def test_a_ledger_of_pages_kept_alive_still_counts(live_client, media):
    # A review: refused uploads touch a page, which the sweep then keeps; the ledger, swept by
    # its own age, had forgotten the page's files, and the visitor had its room back.
    for _ in range(2):
        send(live_client.http, loaded(live_client.http))
    [ledger] = ledgers_root().iterdir()
    age(ledger, 3601)
    sweep_ledgers()
    assert send(live_client.http, loaded(live_client.http)).status_code == 422


def test_uploads_at_once_never_take_more_than_the_room(live_client, media):
    # A review: the room was counted, then the file kept; twelve threads all got in.
    pages = [loaded(live_client.http) for _ in range(12)]
    barrier = threading.Barrier(12)
    statuses: list[int] = []

    def upload(page_html: str) -> None:
        http = Client()
        http.cookies = live_client.http.cookies
        barrier.wait()
        statuses.append(send(http, page_html).status_code)
        close_thread_db_connections()

    threads = [threading.Thread(target=upload, args=(page,)) for page in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 12
    assert set(statuses) <= {200, 422}  # at once past the room, all may be refused: never more
    assert statuses.count(200) <= 2
    assert held_on_disk(media) <= 12500
    assert not list(ledgers_root().glob("*/*.claim"))  # every claim released


def test_tiny_files_count_as_the_disk_block_each_takes(live_client, media, settings):
    # Counted by their size, one-byte files would cost next to nothing: a script that loaded
    # the page and sent one, again and again, would run the disk out of inodes, not bytes.
    settings.LIVE_VIEWS = {"MAX_UPLOAD_BYTES": 5000, "MAX_UPLOAD_BYTES_PER_VISITOR": 3 * 4096}
    answers = [
        send(live_client.http, loaded(live_client.http), content=b"x").status_code for _ in range(4)
    ]
    assert answers == [200, 200, 200, 422]
    assert len(list((media / "tmp").rglob("*.data"))) == 3


def test_a_limit_that_is_no_positive_integer_is_a_check_error(settings):
    settings.LIVE_VIEWS = {"MAX_UPLOAD_BYTES_PER_VISITOR": 0}
    with pytest.raises(SystemCheckError, match=r"live_views\.E044"):
        call_command("check")
