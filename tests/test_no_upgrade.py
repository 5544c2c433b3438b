"""A socket's handshake whose upgrade a proxy dropped reaches Django as a plain GET of live/ws/:
the operator is told in the log, once in a while, and the browser gets 426, not a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from live_views.every import Every
from live_views.http import no_upgrade


@pytest.fixture(autouse=True)
def fresh_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(no_upgrade, "_warnings", Every(600.0))


def test_the_socket_url_over_plain_http_says_the_upgrade_was_lost(client: Client, caplog) -> None:
    # What nginx sends on when its location has no `proxy_set_header Upgrade`/`Connection`.
    response = client.get("/live/ws/?t=token", headers={"connection": "close"})
    assert response.status_code == 426
    assert response["Upgrade"] == "websocket"
    [record] = [r for r in caplog.records if "without its websocket upgrade" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert 'proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";' in (
        record.getMessage()
    )
    assert "/live/ws/" in record.getMessage()


def test_every_page_of_a_misconfigured_proxy_does_not_log_again(client: Client, caplog) -> None:
    for _ in range(5):
        assert client.get("/live/ws/?t=token").status_code == 426
    assert caplog.text.count("without its websocket upgrade") == 1
