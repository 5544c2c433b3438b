"""A row's topic is spelled from its key as a loaded row holds it: a save through an instance that
holds the key as it was given (an upper-case UUID string, a UUID without hyphens, "5" for 5)
reaches the pages that follow the row they loaded (live_views/pubsub/topics.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest

from tests.async_page_fixtures import open_page, until
from tests.todoapp.models import Album, Photo

pytestmark = pytest.mark.urls("tests.todoapp.key_views")


SPELLINGS: dict[str, Callable[[uuid.UUID], object]] = {
    "upper-case": lambda key: str(key).upper(),
    "no-hyphens": lambda key: key.hex,
    "braces": lambda key: f"{{{key}}}",
    "integer": lambda key: key.int,
}
ITEM_RE = re.compile(r'<li id="lv-s-albums-([^"]+)">([^<]*)</li>')


@pytest.fixture
async def album(live_db: None) -> Album:
    return await Album.objects.acreate(name="summer")


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
async def test_a_child_saved_with_its_parents_key_spelled_otherwise_reaches_the_parents_page(
    album, pages, spelling
):
    page = await open_page(pages, f"/albums/{album.pk}/")

    await Photo.objects.acreate(album_id=spelling(album.pk), title="beach")

    await until(page, lambda: "beach" in page.block("album"), "the new photo")


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
async def test_a_row_saved_with_its_key_spelled_otherwise_reaches_its_page(album, pages, spelling):
    page = await open_page(pages, f"/albums/{album.pk}/")

    await Album(pk=spelling(album.pk), name="winter").asave(force_update=True)

    await until(page, lambda: "winter" in page.block("album"), "the new name")


async def test_a_row_saved_with_its_key_spelled_otherwise_stays_in_a_stream_updated(album, pages):
    page = await open_page(pages, "/albums/")
    assert ITEM_RE.findall(page.html) == [(str(album.pk), "summer")]

    await Album(pk=str(album.pk).upper(), name="winter").asave(force_update=True)

    # Updated in place, as a save through the loaded row does; it was removed from the page.
    await until(page, lambda: ITEM_RE.findall(page.html) != [(str(album.pk), "summer")], "it")
    assert ITEM_RE.findall(page.html) == [(str(album.pk), "winter")]
