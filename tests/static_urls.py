"""The test URLconf plus pages that show whether they run stale static files."""

from __future__ import annotations

from django.urls import path

from tests.testapp import static_views
from tests.urls import urlpatterns as base_urlpatterns

urlpatterns = [
    *base_urlpatterns,
    path("stale/", static_views.StaleBannerView.as_view()),
    path("shared-stale/", static_views.SharedStaleBannerView.as_view()),
    path("plain-stale/", static_views.PlainStaleBannerView.as_view()),
]
