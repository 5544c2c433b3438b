"""The HTTP transport's test fixtures (tests/test_http_*.py), shared through conftest.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from asgiref.sync import SyncToAsync
from django.test import Client

from live_views.http.pages import close_all
from live_views.testing import close_thread_db_connections


@pytest.fixture
def no_http_pages() -> Iterator[None]:
    """No HTTP page open in this process before the test, nor after it."""
    close_all()
    yield
    close_all()
    close_asgi_thread_connections()


def close_asgi_thread_connections() -> None:
    """Under ASGI (AsyncClient, Django's ASGIHandler) the pages' topics are followed from a
    task made in a request's context, whose thread-sensitive work then runs in a thread of
    asgiref's for that context, never shut down: its SQLite connection, left open, is a
    ResourceWarning on Python 3.13 (an error: pyproject.toml's filterwarnings). Call it while
    the test's loop still runs: the thread goes with the loop's tasks."""
    for executor in list(SyncToAsync.context_to_thread_executor.values()):
        with contextlib.suppress(RuntimeError):  # one shut down meanwhile
            executor.submit(close_thread_db_connections).result()


@pytest.fixture
def http_browser(live_db: None) -> Client:
    """Django's test client, enforcing CSRF as a browser's requests meet it."""
    return Client(enforce_csrf_checks=True)
