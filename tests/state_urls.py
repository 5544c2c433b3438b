"""The test URLconf plus the page-state views; tests/urls.py stays free of live_state, so the
test settings' per-process cache raises no live_views.W022 there."""

from __future__ import annotations

from django.urls import path

from tests.testapp import component_views, state_views
from tests.urls import urlpatterns as base_urlpatterns

urlpatterns = [
    *base_urlpatterns,
    path("state/counter/", state_views.StatefulCounterView.as_view()),
    path("state/unsavable/", state_views.UnsavableStateView.as_view()),
    path("hidable-kept/", component_views.HidableKeptView.as_view()),
    path("news-kept/", component_views.NewsKeptView.as_view()),
]
