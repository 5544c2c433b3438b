"""``LiveClient.close()`` closes the pages the test left open, as closing the browser would:
their server side ends, and no task of theirs is left pending when the client's loop stops."""

from __future__ import annotations

from pathlib import Path

from live_views.testing import LiveClient
from tests.upload_fixtures import leftovers


def test_closing_the_client_closes_the_pages_left_open(live_db: None, media: Path) -> None:
    client = LiveClient()
    page = client.live("/uploads/document/")  # no `with`, and never page.close()
    page.upload("file", "notes.txt", b"hello")
    assert any(name.endswith(".data") for name in leftovers(media))

    client.close()

    # The page's socket closed on the server: its pending uploads went with it.
    assert leftovers(media) == []
    assert page.close_code == 1000


def test_a_page_closed_by_the_test_is_not_closed_again(live_db: None, media: Path) -> None:
    client = LiveClient()
    with client.live("/counter/") as page:
        page.send("increment")
    client.close()  # nothing left to close: no second disconnect of the page
    assert page.close_code == 1000
