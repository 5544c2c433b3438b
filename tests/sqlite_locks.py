"""Tests whose threads share the test's SQLite database (tests/settings.py: in memory, shared
by every connection of the process) may ask its statements to wait for each other's locks."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

# How long a statement waits for another thread's table lock: SQLite's own busy timeout.
LOCK_WAIT = 5.0


@pytest.fixture
def sqlite_waits_for_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement that meets another thread's lock on its table waits for it, on the test's
    SQLite database too. Its shared in-memory cache refuses at once ("database table is
    locked") a write while another connection reads the table (or a read while another writes
    it), where a database file (or PostgreSQL) waits: an HTTP page's refresh, in a thread of
    its own, saving the session while the test's next request read it, failed at random. The
    refused statement did nothing: it runs again once the lock is gone."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    execute = SQLiteCursorWrapper.execute

    def waiting(self: SQLiteCursorWrapper, query: str, params: Any = None) -> Any:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                return execute(self, query, params)
            except sqlite3.OperationalError as exc:
                if "table is locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.002)

    monkeypatch.setattr(SQLiteCursorWrapper, "execute", waiting)
