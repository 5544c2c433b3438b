from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections

from live_views.http.pages import close_all
from live_views.socket.budgets import forget_owners
from live_views.testing import close_socket_db_connections
from tests.live_helpers import TrackingLiveClient

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(available: bool, what: str) -> None:
    """Fail in CI, skip locally (saying why), when a real component is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but was not found", pytrace=False)
    pytest.skip(f"{what} not found; this test needs it (it fails instead of skipping in CI)")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("LIVE_VIEWS_TEST_DB") == "postgres" and not port_open("127.0.0.1", 5432):
        message = "PostgreSQL is not reachable on 127.0.0.1:5432"
        if IN_CI:
            raise pytest.UsageError(f"{message}; CI needs it for the PostgreSQL run")
        pytest.exit(f"{message}: skipping the PostgreSQL run", returncode=0)


@pytest.fixture(autouse=True)
def _full_owner_budgets() -> None:
    # Owners' budgets are per process; one test's flood from an address must not spend the next
    # test's budget for the same address.
    forget_owners()


@pytest.fixture(autouse=True)
def _socket_thread_left_no_db_connection() -> Iterator[None]:
    """Fail the test that leaves a database connection open in the socket's worker thread.
    The next test that opens a socket without database access would fail instead (the
    worker's close_old_connections() touches that connection): whichever test runs next,
    which depends on the files run together (pytest-django runs database tests first)."""
    yield
    left = SyncToAsync.single_thread_executor.submit(_open_connections).result(timeout=30)
    if left:
        close_socket_db_connections()
        pytest.fail(
            f"the socket's worker thread kept its {', '.join(left)} database connection open: "
            "take the live_db fixture (not the django_db mark), or call "
            "close_socket_db_connections() after the page closes",
            pytrace=False,
        )


def _open_connections() -> list[str]:
    return [c.alias for c in connections.all(initialized_only=True) if c.connection is not None]


@pytest.fixture
def live_client() -> Iterator[TrackingLiveClient]:
    """A live test client that closes the pages it opened (``live_client.pages`` lists them).
    Not named ``client``, which stays pytest-django's ``django.test.Client``
    (test_checks.py, test_debug_hints.py, test_no_upgrade.py use that one); a module whose
    pages use the database defines its own ``live_client`` taking ``live_db``."""
    live_client = TrackingLiveClient()
    yield live_client
    live_client.close()


@pytest.fixture
def live_db(transactional_db: None):
    """Database access for live pages, whose sync work runs in asgiref's worker thread; that
    thread's connections are closed afterwards (see close_socket_db_connections)."""
    yield
    # First the HTTP pages: one still open refreshes for a broadcast that arrives late (another
    # page's save) in that thread, after its connections were closed, and opens one again.
    close_all()
    close_socket_db_connections()


# The browser tests' fixtures (browser, server, page_log, new_context, context, page; each_server
# and each_page, on every server; csp_server and csp_page, under a strict CSP;
# http_transport_server and http_transport_page, on the HTTP transport), for every module that
# drives Chromium. Imported last: they use require() above.
# Async live pages a test opens, closed after it (pages), for test_hub.py and test_topic_*.py.
from tests.async_page_fixtures import pages  # noqa: E402, F401
from tests.browser_fixtures import (  # noqa: E402, F401
    browser,
    context,
    csp_page,
    csp_server,
    each_page,
    each_server,
    http_transport_page,
    http_transport_server,
    new_context,
    page,
    page_log,
    server,
)

# The HTTP transport's fixtures (no_http_pages, http_browser), for tests/test_http_*.py.
from tests.http_fixtures import http_browser, no_http_pages  # noqa: E402, F401

# The flood-control fixtures (clock, cpu, costly, clients), for test_limits.py, test_budgets.py
# and test_http_endpoint.py.
from tests.limit_fixtures import clients, clock, costly, cpu  # noqa: E402, F401

# The request pages' fixture (project_middleware), for test_processing.py and test_datetimes.py.
from tests.processing_fixtures import project_middleware  # noqa: E402, F401

# Statements of the test's threads wait for each other's locks on SQLite (sqlite_waits_for_locks).
from tests.sqlite_locks import sqlite_waits_for_locks  # noqa: E402, F401

# The uploads' fixture (media: MEDIA_ROOT and FILE_UPLOAD_TEMP_DIR in tmp_path), for
# tests/test_upload_*.py.
from tests.upload_fixtures import media  # noqa: E402, F401
