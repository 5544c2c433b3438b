"""Multi-table inheritance: a save of a parent row (``Place``) writes columns of the child rows
with its key (``Restaurant``), so the pages of those children hear it, as the pages of a parent
hear its children's saves (live_views/pubsub/topics.py, ``row_relatives``)."""

from __future__ import annotations

import re

import pytest

from tests.async_page_fixtures import open_page, until
from tests.todoapp.models import Place, Restaurant

pytestmark = pytest.mark.urls("tests.todoapp.place_views")

ITEM_RE = re.compile(r'<li id="lv-s-places-([^"]+)">([^<]*)</li>')


@pytest.fixture(params=["todoapp.place", "todoapp.restaurant"])
def listed(request: pytest.FixtureRequest, settings: pytest.FixtureRequest) -> str:
    """Either model of the family in BROADCAST_MODELS: the parent's saves are published."""
    settings.LIVE_VIEWS = {"BROADCAST_MODELS": [request.param]}
    return str(request.param)


async def rename_place(pk: int, name: str) -> None:
    """A save through the parent model: an admin of places, say."""
    place = await Place.objects.aget(pk=pk)
    place.name = name
    await place.asave()


async def test_a_save_of_its_place_reaches_a_restaurants_page(listed, pages):
    restaurant = await Restaurant.objects.acreate(name="Chez A")
    page = await open_page(pages, f"/restaurants/{restaurant.pk}/")
    assert "Chez A" in page.block("restaurant")

    await rename_place(restaurant.pk, "Chez B")

    await until(page, lambda: "Chez B" in page.block("restaurant"), "the new name")


async def test_a_save_of_its_place_reaches_a_page_listing_restaurants(listed, pages):
    restaurant = await Restaurant.objects.acreate(name="Chez A")
    page = await open_page(pages, "/restaurants/")

    await rename_place(restaurant.pk, "Chez B")

    await until(page, lambda: "Chez B" in page.block("restaurants"), "the new name")


async def test_a_save_of_its_place_updates_a_restaurant_in_a_stream(listed, pages):
    restaurant = await Restaurant.objects.acreate(name="Chez A")
    await Place.objects.acreate(name="Park")  # not a restaurant: not in the stream
    page = await open_page(pages, "/restaurant-stream/")
    assert ITEM_RE.findall(page.html) == [(str(restaurant.pk), "Chez A")]

    await rename_place(restaurant.pk, "Chez B")

    await until(page, lambda: "Chez B" in page.html, "the new name")
    assert ITEM_RE.findall(page.html) == [(str(restaurant.pk), "Chez B")]


async def test_a_new_restaurant_and_its_rename_reach_a_stream_of_places(listed, pages):
    park = await Place.objects.acreate(name="Park")
    page = await open_page(pages, "/place-stream/")

    restaurant = await Restaurant.objects.acreate(name="Chez A")
    await until(page, lambda: "Chez A" in page.html, "the new restaurant")
    restaurant.name = "Chez B"
    await restaurant.asave()

    await until(page, lambda: "Chez B" in page.html, "the new name")
    assert ITEM_RE.findall(page.html) == [(str(park.pk), "Park"), (str(restaurant.pk), "Chez B")]
