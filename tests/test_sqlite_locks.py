"""tests/sqlite_locks.py's sqlite_waits_for_locks: on the test's SQLite database, a statement
that meets another thread's table lock waits for it, as on a database file or PostgreSQL,
instead of failing at once ("database table is locked")."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.utils import timezone

from live_views.testing import close_thread_db_connections


@pytest.mark.parametrize("waits", [False, True])
def test_a_write_meeting_another_threads_read_waits_for_it_where_sqlite_waits(
    live_db, request, waits
):
    # What sqlite_waits_for_locks gives test_http_session_renders.py: the session saved by a
    # page's refresh while the test's next request reads it waits for that read, as on
    # PostgreSQL.
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if waits:
        request.getfixturevalue("sqlite_waits_for_locks")
    for n in range(3):
        Session.objects.create(session_key=f"k{n}", session_data="", expire_date=timezone.now())
    outcome: list[object] = []

    def write() -> None:
        try:
            outcome.append(Session.objects.filter(session_key="k0").update(session_data="new"))
        except OperationalError as exc:
            outcome.append(exc)
        finally:
            close_thread_db_connections()  # Django leaves the in-memory one open

    with connection.cursor() as reading:
        reading.execute("SELECT session_key FROM django_session")
        reading.fetchone()  # the read goes on: it holds the table
        writer = threading.Thread(target=write)
        writer.start()
        threading.Event().wait(0.2)
        reading.fetchall()
    writer.join()
    if sqlite and not waits:
        assert "table is locked" in str(outcome[0])
    else:  # PostgreSQL: a read never holds up a write
        assert outcome == [1]
        assert Session.objects.get(session_key="k0").session_data == "new"
