"""Views and URLs for tests/test_topic_keys.py: pages of rows with UUID keys, which a save may
spell otherwise than the page's loaded row does."""

from __future__ import annotations

from typing import Any

from django.urls import path

from live_views import LiveDetailView, LiveTemplateView
from tests.todoapp.models import Album


class AlbumView(LiveDetailView):
    """Follows one album (the row it loaded): hears its saves and its photos'."""

    model = Album
    template_name = "todoapp/album.html"


class AlbumStreamView(LiveTemplateView):
    """Every album, as a stream that the broadcasts of saved rows keep current."""

    template_name = "todoapp/album_stream.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("albums", Album.objects.order_by("name"))
        return super().get_context_data(**kwargs)

    def get_live_subscriptions(self) -> list[Any]:
        return [Album]


urlpatterns = [
    path("albums/<uuid:pk>/", AlbumView.as_view()),
    path("albums/", AlbumStreamView.as_view()),
]
