"""A URLconf with live forms that take files but without live_views.urls (live_views.W042)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("uploads/", include("tests.uploadapp.urls"))]
