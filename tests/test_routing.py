"""Sub-path deployments: the socket is found under FORCE_SCRIPT_NAME or the ASGI root_path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from channels.routing import get_default_application
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.urls import set_script_prefix

from live_views import __version__
from tests.live_helpers import BROWSER_HEADERS, TrackingLiveClient, mint_token

_CONNECT_RE = re.compile(r'hx-ws:connect="([^"?]+)\?')


@pytest.fixture
def live_client() -> Iterator[TrackingLiveClient]:
    live_client = TrackingLiveClient()
    yield live_client
    live_client.close()
    set_script_prefix("/")


def served_under(prefix: str) -> None:
    # Django's WSGI/ASGI handlers set the script prefix from FORCE_SCRIPT_NAME for each request;
    # the test client's handler does not.
    set_script_prefix(prefix)


@override_settings(FORCE_SCRIPT_NAME="/shop")
def test_a_page_under_force_script_name_connects_and_patches(live_client):
    served_under("/shop/")
    page = live_client.live("/catalog/")
    assert _CONNECT_RE.search(page.html).group(1) == "/shop/live/ws/"
    reply = page.send("goto", page=2)
    assert reply["patch"] == {"search": "?page=2", "replace": False}
    assert "page 2 of 5" in page.block("list")


@override_settings(FORCE_SCRIPT_NAME="/shop/eu/")
def test_a_nested_script_name_works_too(live_client):
    served_under("/shop/eu/")
    page = live_client.live("/catalog/")
    assert _CONNECT_RE.search(page.html).group(1) == "/shop/eu/live/ws/"
    assert "page 2 of 5" in (page.send("goto", page=2)["content"])


@pytest.mark.asyncio
async def test_a_socket_under_the_asgi_root_path_connects():
    # What `uvicorn --root-path /shop` behind a proxy that strips /shop hands the application.
    communicator = WebsocketCommunicator(
        get_default_application(),
        "/shop/live/ws/?t=" + mint_token("/catalog/", "page=2"),
        headers=BROWSER_HEADERS,
    )
    communicator.scope["root_path"] = "/shop"
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_to(
        text_data=json.dumps({"join": {"version": __version__, "blocks": {}}})
    )
    joined = json.loads(await communicator.receive_from())
    assert joined["joined"] is True
    assert "page 2 of 5" in joined["content"]
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_another_prefix_finds_no_socket():
    communicator = WebsocketCommunicator(
        get_default_application(), "/elsewhere/live/ws/?t=x", headers=BROWSER_HEADERS
    )
    with pytest.raises(ValueError, match="No route found"):
        await communicator.connect()
