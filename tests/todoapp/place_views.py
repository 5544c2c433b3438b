"""Views and URLs for tests/test_topic_inheritance.py: pages of a multi-table child
(``Restaurant(Place)``), whose name is a column of its place row, and of a child of two parents
(``Review(Article, Book)``), whose title is a column of its book's work row."""

from __future__ import annotations

from typing import Any

from django.urls import path

from live_views import LiveDetailView, LiveListView, LiveTemplateView
from tests.todoapp.models import Book, Place, Restaurant, Review


class RestaurantView(LiveDetailView):
    """Follows one restaurant (the row it loaded)."""

    model = Restaurant
    template_name = "todoapp/restaurant.html"


class RestaurantListView(LiveListView):
    """Follows the restaurant model."""

    model = Restaurant
    template_name = "todoapp/restaurants.html"


class PlaceStreamView(LiveTemplateView):
    """Every place, as a stream that the broadcasts of saved rows keep current."""

    template_name = "todoapp/place_stream.html"
    stream_model: type[Place] = Place

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("places", self.stream_model.objects.order_by("pk"))
        return super().get_context_data(**kwargs)

    def get_live_subscriptions(self) -> list[Any]:
        return [self.stream_model]


class RestaurantStreamView(PlaceStreamView):
    """Every restaurant, likewise."""

    stream_model = Restaurant


class ReviewView(LiveDetailView):
    """Follows one review (the row it loaded, by its article's key)."""

    model = Review
    template_name = "todoapp/review.html"


class ReviewListView(LiveListView):
    """Follows the review model."""

    model = Review
    template_name = "todoapp/reviews.html"


class ReviewStreamView(PlaceStreamView):
    """Every review, as a stream (its items' keys are the reviews' keys)."""

    template_name = "todoapp/review_stream.html"
    stream_model = Review


class BookStreamView(PlaceStreamView):
    """Every book, as a stream (its items' keys are the books' keys, not their reviews')."""

    template_name = "todoapp/review_stream.html"
    stream_model = Book


urlpatterns = [
    path("restaurants/<int:pk>/", RestaurantView.as_view()),
    path("restaurants/", RestaurantListView.as_view()),
    path("place-stream/", PlaceStreamView.as_view()),
    path("restaurant-stream/", RestaurantStreamView.as_view()),
    path("reviews/<int:pk>/", ReviewView.as_view()),
    path("reviews/", ReviewListView.as_view()),
    path("review-stream/", ReviewStreamView.as_view()),
    path("book-stream/", BookStreamView.as_view()),
]
