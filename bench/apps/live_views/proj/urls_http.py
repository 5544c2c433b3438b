"""proj/urls.py plus the HTTP transport's routes (bench/http_transport.py)."""

from __future__ import annotations

from django.urls import include, path

from proj.urls import urlpatterns as socket_urlpatterns

urlpatterns = [*socket_urlpatterns, path("", include("live_views.urls"))]
