"""Multi-table inheritance: a save of a parent row (``Place``) writes columns of the child rows
with its key (``Restaurant``), so the pages of those children hear it, as the pages of a parent
hear its children's saves (live_views/pubsub/inheritance.py). A child of two parents
(``Review(Article, Book)``) has its first parent's key; its second parent's row (and that one's
parent's, ``Work``) has a key of its own, which the child holds in ``book_ptr``."""

from __future__ import annotations

import re

import pytest

from tests.async_page_fixtures import open_page, until
from tests.todoapp.models import Article, Book, Place, Restaurant, Review, Work

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


# -- a child of two parents ---------------------------------------------------------------------


@pytest.fixture(params=["todoapp.work", "todoapp.book", "todoapp.review"])
def reviews_listed(request: pytest.FixtureRequest, settings: pytest.FixtureRequest) -> str:
    """A model of the second parent's family, or the child, in BROADCAST_MODELS."""
    settings.LIVE_VIEWS = {"BROADCAST_MODELS": [request.param]}
    return str(request.param)


async def two_reviews() -> tuple[Review, Review]:
    """Two reviews whose keys cross: the second's own key is the first one's book's, so a page
    that took a book's key for its review's would show the other review. Keys given, in every
    row of these models a test makes: the tables' own sequences would make them equal as
    often as not, and on PostgreSQL a sequence left behind given keys would repeat them."""
    first = await Review.objects.acreate(article_id=1, work_id=2, headline="A", title="Alpha")
    second = await Review.objects.acreate(article_id=2, work_id=3, headline="B", title="Beta")
    assert (first.pk, first.book_ptr_id, second.pk, second.book_ptr_id) == (1, 2, 2, 3)
    return first, second


async def retitle(model: type[Book] | type[Work], pk: int, title: str) -> None:
    """A save through a second parent (``Book``) or its parent (``Work``), of its own key."""
    row = await model.objects.aget(pk=pk)
    row.title = title
    await row.asave()


@pytest.mark.parametrize("parent", [Book, Work])
async def test_a_save_of_its_second_parents_row_reaches_a_reviews_page(
    reviews_listed, pages, parent
):
    first, _ = await two_reviews()
    page = await open_page(pages, f"/reviews/{first.pk}/")
    assert "Alpha" in page.block("review")

    await retitle(parent, first.book_ptr_id, "Alpha 2")

    await until(page, lambda: "Alpha 2" in page.block("review"), "the new title")


@pytest.mark.parametrize("label", ["todoapp.article", "todoapp.review"])
async def test_a_save_of_its_first_parents_row_reaches_a_reviews_page(settings, pages, label):
    settings.LIVE_VIEWS = {"BROADCAST_MODELS": [label]}
    first, _ = await two_reviews()
    page = await open_page(pages, f"/reviews/{first.pk}/")

    article = await Article.objects.aget(pk=first.pk)
    article.headline = "A2"
    await article.asave()

    await until(page, lambda: "<h1>A2</h1>" in page.block("review"), "the new headline")


async def test_a_save_of_its_book_reaches_a_page_listing_reviews(reviews_listed, pages):
    first, _ = await two_reviews()
    page = await open_page(pages, "/reviews/")

    await retitle(Book, first.book_ptr_id, "Alpha 2")

    await until(page, lambda: "A: Alpha 2" in page.block("reviews"), "the new title")


@pytest.mark.parametrize("parent", [Book, Work])
async def test_a_save_of_its_book_updates_the_review_in_a_stream(reviews_listed, pages, parent):
    first, _ = await two_reviews()
    await Book.objects.acreate(work_id=4, title="Gamma")  # not a review's book: not in the stream
    page = await open_page(pages, "/review-stream/")
    assert ITEM_RE.findall(page.html) == [("1", "Alpha"), ("2", "Beta")]

    await retitle(parent, first.book_ptr_id, "Alpha 2")

    await until(page, lambda: "Alpha 2" in page.html, "the new title")
    assert ITEM_RE.findall(page.html) == [("1", "Alpha 2"), ("2", "Beta")]


async def test_a_save_of_a_review_updates_its_book_in_a_stream_of_books(reviews_listed, pages):
    _, second = await two_reviews()
    page = await open_page(pages, "/book-stream/")
    # The books' keys, not the reviews'.
    assert ITEM_RE.findall(page.html) == [("2", "Alpha"), ("3", "Beta")]

    second.title = "Beta 2"
    await second.asave()

    await until(page, lambda: "Beta 2" in page.html, "the new title")
    assert ITEM_RE.findall(page.html) == [("2", "Alpha"), ("3", "Beta 2")]
