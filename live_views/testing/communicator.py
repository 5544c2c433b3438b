"""A websocket communicator for the test client, on asgiref's alone.

``channels.testing`` has one, but importing it imports daphne (for its live-server test case),
which a project that serves with uvicorn does not install.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any
from unittest import mock
from urllib.parse import unquote, urlparse

from asgiref.testing import ApplicationCommunicator

from live_views.socket import failures


def _keep_connections() -> None:
    pass


class WebsocketCommunicator(ApplicationCommunicator):
    """One socket to an ASGI application, as channels' ``WebsocketCommunicator`` opens it."""

    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode(),
            "headers": headers,
            "subprotocols": [],
        }
        super().__init__(application, scope)  # type: ignore[no-untyped-call]
        self.raised: failures.Raised = []

    @property
    def future(self) -> asyncio.Task[Any]:
        # As asgiref's: the application starts in a context of its own, not the test's, with
        # only where to note what the page's code raises (the test raises it: testing/).
        if self._future is None:
            context = contextvars.Context()
            # What the page's code raises is noted there (live_views/socket/failures.py).
            context.run(failures.RAISED.set, self.raised)
            self._future = context.run(
                asyncio.create_task,
                self.application(self.scope, self.input_queue.get, self.output_queue.put),
            )
        return self._future

    # As channels' own communicator: a test's database connection (and the transaction a
    # TestCase wraps it in) must survive the consumer's close_old_connections().
    async def send_input(self, message: dict[str, Any]) -> None:
        with mock.patch("channels.db.close_old_connections", _keep_connections):
            await super().send_input(message)  # type: ignore[no-untyped-call]

    async def receive_output(self, timeout: float = 1) -> dict[str, Any]:
        with mock.patch("channels.db.close_old_connections", _keep_connections):
            output: dict[str, Any] = await super().receive_output(timeout)  # type: ignore[no-untyped-call]
        return output

    async def connect(self, timeout: float = 1) -> tuple[bool, int | None]:
        """``(True, None)`` when accepted, ``(False, close code)`` when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)  # type: ignore[no-untyped-call]
