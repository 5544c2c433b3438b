"""The library's HTTP routes: ``path("", include("live_views.urls"))``.

``live/upload/`` takes a live form's files; ``live/http/`` and ``live/http/push/`` carry a page's
frames and pushes when its websocket cannot open (docs/http-transport.md)."""

from __future__ import annotations

from django.urls import path

from live_views.http.endpoint import push_stream, receive_frame
from live_views.uploads.endpoint import receive_upload

app_name = "live_views"

urlpatterns = [
    path("live/upload/", receive_upload, name="upload"),
    path("live/http/", receive_frame, name="http"),
    path("live/http/push/", push_stream, name="http_push"),
]
