"""Over HTTP: which saves of a page's session its frames' ``SessionMiddleware`` makes, so the
page (``LivePage.save_session``) makes no other.

The session a frame's handler changes is the frame request's own, and that request's
``SessionMiddleware`` saves it after the answer, reading its ``modified`` flag
(``http/frame_request.py``). The flag stays set once the middleware saved it: the page keeps that
session object until its next frame, and its work in between (a ``live_async()`` outcome's
render, a broadcast's) found it still "modified", and saved that copy again, over what another
request (a tab, a page load) had saved since. The flag cannot be cleared as the frame ends: its
middleware has not read it yet.
"""

from __future__ import annotations

import copy
from typing import Any


class FrameSession:
    """The session an HTTP page's last frame's middleware saves, and what it held then."""

    __slots__ = ("answering", "session", "written")

    def __init__(self) -> None:
        self.session: Any = None
        self.answering = False  # the frame is being answered: its middleware saves the session
        # The session's data as last written (by the frame's middleware, or the page since):
        # what the page need not write again.
        self.written: dict[str, Any] | None = None

    def begin(self, session: Any) -> None:
        self.session, self.answering, self.written = session, True, None

    def end(self) -> None:
        self.answering = False
        if self.session is not None and self.session.modified:
            self.written = _data(self.session)

    def saves(self, session: Any) -> bool:
        """Whether the page's modified ``session`` is, or was, saved by a frame's middleware as it
        is now: the page then writes nothing."""
        if not session.session_key:
            # The browser holds no cookie for it: saved by the page, it gets a key the browser
            # never learns. The next frame's middleware saves it, and sets its cookie.
            return True
        if session is not self.session:
            return False
        return self.answering or (self.written is not None and _data(session) == self.written)

    def wrote(self, session: Any) -> bool:
        """The page saved ``session`` (its work changed it since the frame). True when the frame's
        middleware still reads its flag: it is left set, and compared with this data from now on."""
        if session is not self.session:
            return False
        self.written = _data(session)
        return True


def _data(session: Any) -> dict[str, Any]:
    # A copy: a value changed in place (a list appended to) must not change what was written.
    return copy.deepcopy(dict(session.items()))
