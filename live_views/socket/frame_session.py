"""Over HTTP: which saves of a page's session its frames' ``SessionMiddleware`` makes, so the
page (``LivePage.save_session``) makes no other, and when the page's work between its frames (a
broadcast refresh, background work's render) may read the session again and save it.

The session a frame's handler changes is the frame request's own, and that request's
``SessionMiddleware`` saves it after the answer, reading its ``modified`` flag
(``http/frame_request.py``). The flag stays set once the middleware saved it: the page keeps that
session object until its next frame, and its work in between found it still "modified", and
saved that copy again, over what another request (a tab, a page load) had saved since. The flag
cannot be cleared as the frame ends: its middleware has not read it yet.

The page's work between frames reads the session as stored now, as the socket's does
(``socket/sessions.py``), once the last frame's request is over (``settle``): read before, it
missed what the frame's middleware was about to save, and what that work saved was then written
over with the frame's copy.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings

# Seconds the page's work waits for its last frame's request to be over: that request's answer
# was being sent (its middleware had saved the session already, or is about to).
REQUEST_OVER_WAIT = 2.0


class FrameSession:
    """The session an HTTP page's last frame's middleware saves, and what it held then."""

    __slots__ = ("answering", "over", "session", "written")

    def __init__(self) -> None:
        self.session: Any = None  # until the frame's request is over (then the page's own)
        self.answering = False  # the frame is being answered: its middleware saves the session
        # The session's data as last written (by the frame's middleware, or the page since):
        # what the page need not write again.
        self.written: dict[str, Any] | None = None
        # Set once the frame's request is over: one per frame, so a request that ends late
        # says nothing of the next frame's.
        self.over = threading.Event()

    def begin(self, session: Any) -> None:
        self.session, self.answering, self.written = session, True, None
        self.over = threading.Event()

    def end(self) -> Callable[[], None]:
        """The frame is answered (its middleware is still to run); returns what to call once
        its request is over."""
        self.answering = False
        session = self.session
        if session is not None and session.modified:
            self.written = _data(session)
        elif session is None or not settings.SESSION_SAVE_EVERY_REQUEST:
            self.over.set()  # its middleware writes nothing: the page's work need not wait
        return self.over.set

    def settle(self) -> None:
        """Before the page's own work between frames (in its turn): once the last frame's
        request is over, its session is the page's own, as a socket page's is, to read again
        and to save (a bounded wait: a request that never says it is over, one whose answer
        the server never closes, has long saved the session)."""
        session = self.session
        if session is None:
            return
        self.over.wait(REQUEST_OVER_WAIT)
        if session.modified and self.written is not None and _data(session) == self.written:
            session.modified = False  # its middleware saved it as it is
        self.session = self.written = None

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
