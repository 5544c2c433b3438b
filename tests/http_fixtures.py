"""The HTTP transport's test fixtures (tests/test_http_*.py), shared through conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from live_views.http.pages import close_all


@pytest.fixture
def no_http_pages() -> Iterator[None]:
    """No HTTP page open in this process before the test, nor after it."""
    close_all()
    yield
    close_all()


@pytest.fixture
def http_browser(live_db: None) -> Client:
    """Django's test client, enforcing CSRF as a browser's requests meet it."""
    return Client(enforce_csrf_checks=True)
