"""The HTTP route live forms upload files to: ``path("", include("live_views.urls"))``."""

from __future__ import annotations

from django.urls import path

from live_views.uploads.endpoint import receive_upload

app_name = "live_views"

urlpatterns = [
    path("live/upload/", receive_upload, name="upload"),
]
