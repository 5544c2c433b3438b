"""A site whose visitors read French or English (tests/test_translations.py): the upload and
report pages under i18n_patterns (/en/…, /fr/…), and once more without a prefix, where the
language comes from the cookie or Accept-Language."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = [
    *i18n_patterns(
        path("uploads/", include("tests.uploadapp.urls")),
        path("jobs/", include("tests.todoapp.async_views")),
    ),
    path("plain/uploads/", include("tests.uploadapp.urls", namespace="plain-uploads")),
    path("plain/jobs/", include("tests.todoapp.async_views")),
    path("", include("tests.testapp.login_views")),  # the session route's pages
]
