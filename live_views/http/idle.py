"""An HTTP page's idle watch: the page is dropped once idle even if no request comes to its
process again (its tab closed, the process's other pages are on their sockets). Requests sweep
idle pages only when they come; until then an idle page would keep its place under
MAX_CONNECTIONS_PER_SESSION and render on every broadcast."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

# Past the moment the page may be idle: a check right on it would find it just short.
MARGIN = 0.01


class IdleWatch:
    """Checks on ``loop`` (the one the page follows its topics on) when ``idle_in()`` says the
    page may be idle: seconds from now (0 or less: it is), None once it closed. An idle page is
    ``close()``d in a thread: closing waits for work on that loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        idle_in: Callable[[], float | None],
        close: Callable[[], None],
    ) -> None:
        self.loop = loop
        self.idle_in = idle_in
        self.close = close
        self.timer: asyncio.TimerHandle | None = None  # on the loop only

    def start(self) -> None:
        """From any thread."""
        # RuntimeError: the loop closed (a server shutting down); nothing is left to free.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._schedule)

    def stop(self) -> None:
        """From any thread: the page closed."""
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._cancel)

    def _schedule(self) -> None:
        wait = self.idle_in()
        if wait is not None:
            self.timer = self.loop.call_later(max(wait, 0.0) + MARGIN, self._check)

    def _check(self) -> None:
        self.timer = None
        wait = self.idle_in()
        if wait is None:
            return
        if wait > 0:
            self._schedule()  # it was used meanwhile, or a push stream is open
        else:
            self.loop.run_in_executor(None, self.close)

    def _cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
