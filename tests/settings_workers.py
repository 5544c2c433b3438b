"""The test project as real worker processes serve it (tests/test_http_workers.py): the
page-state views, HTTP only, and page state in a file-based cache that the workers share, as
workers behind a load balancer share one cache."""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403
from tests.settings import LIVE_VIEWS

ROOT_URLCONF = "tests.state_urls"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["LIVE_VIEWS_TEST_CACHE_DIR"],
    }
}
LIVE_VIEWS = {**LIVE_VIEWS, "TRANSPORT": "http"}
