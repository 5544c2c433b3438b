"""live_views.testing in a test that holds a transaction open (pytest-django's django_db mark
without transaction=True, a TestCase): the page's socket works in threads of its own, which that
transaction hides its rows from and, on SQLite, locks its tables against."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from live_views.testing import LiveClient, close_socket_db_connections
from tests.todoapp.models import Board


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's table lock")
@pytest.mark.django_db  # not transaction=True: the mistake this test makes on purpose
def test_a_test_that_holds_a_transaction_is_told_to_mark_it_transactional():
    # The test's open transaction locks the table the page's mount reads in its own thread:
    # SQLite says only "database table is locked", which names neither cause nor fix.
    Board.objects.create(name="Mine")
    client = LiveClient()
    try:
        with pytest.raises(OperationalError) as caught:
            client.live("/forms/boards/")
    finally:
        client.close()
        close_socket_db_connections()
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    assert "mark the test @pytest.mark.django_db(transaction=True)" in notes
    assert "TransactionTestCase" in notes
