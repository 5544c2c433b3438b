"""live_views.testing: a wait that gets nothing says what it waited for, and why a broadcast
may not come. Found by a walk-through of the testing guide: a bare TimeoutError, ten seconds
after a save that the test's transaction had not committed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.live_helpers import TrackingLiveClient


@pytest.fixture
def live_client(live_db):
    live = TrackingLiveClient()
    yield live
    live.close()


def test_receive_says_how_long_it_waited(live_client):
    with live_client.live("/counter/") as page, pytest.raises(TimeoutError) as caught:
        page.receive(timeout=0.2)
    assert str(caught.value) == "no frame from the server within 0.2 s"


def test_an_update_that_never_comes_names_the_likely_cause_and_the_pages_errors(live_db):
    # A client that does not raise the server's exceptions (as Django's test client with
    # raise_request_exception=False): the page's errors are all the test is told of.
    client = TrackingLiveClient(Client(raise_request_exception=False))
    with client.live("/echo/") as page:
        page.send("fail", message="boom")  # a server_error frame, which the test did not check
        with pytest.raises(TimeoutError) as caught:
            page.wait_for_update(timeout=0.2)
    client.close()
    message = str(caught.value)
    assert message.startswith("no frame from the server within 0.2 s: no update. ")
    assert "mark the test django_db(transaction=True), or use a TransactionTestCase" in message
    assert message.endswith("""The page's errors: ["The server could not handle 'fail'."]""")
