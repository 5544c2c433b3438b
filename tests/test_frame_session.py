"""Which saves of an HTTP page's session its frames' SessionMiddleware makes
(live_views/socket/frame_session.py), so the page makes no other, and when the page's work
between frames takes the session as its own again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.sessions.backends.db import SessionStore

from live_views.socket import frame_session
from live_views.socket.frame_session import FrameSession

pytestmark = pytest.mark.django_db


def frame_that_changed_it() -> tuple[FrameSession, SessionStore]:
    session = SessionStore()
    session.save()
    frame = FrameSession()
    frame.begin(session)
    session["cart"] = [1]
    assert frame.saves(session)  # during the frame: its middleware saves it afterwards
    frame.end()
    return frame, session


def test_after_its_frame_the_page_saves_the_session_only_once_its_work_changed_it():
    frame, session = frame_that_changed_it()
    assert session.modified  # left for the frame's middleware to read
    assert frame.saves(session)
    session["cart"].append(2)  # in place: the copy the frame wrote does not change with it
    assert not frame.saves(session)
    assert frame.wrote(session)  # the page saved it; the flag stays the middleware's
    assert frame.saves(session)


def test_another_session_object_is_the_pages_own_to_save():
    frame, session = frame_that_changed_it()
    other = SessionStore(session.session_key)
    other["cart"] = [1]
    assert not frame.saves(other)
    assert not frame.wrote(other)


def test_a_session_the_browser_holds_no_key_for_waits_for_the_next_frame():
    frame = FrameSession()
    session = SessionStore()
    session["cart"] = [1]
    assert frame.saves(session)


# -- the page's work between frames ---------------------------------------------------------------


def stored_session() -> SessionStore:
    """A session as a request reads it (its cookie names one in the store)."""
    saved = SessionStore()
    saved.save()
    return SessionStore(saved.session_key)


def frame_answered(frame: FrameSession, session: SessionStore) -> Callable[[], None]:
    """One frame whose handler changed ``session``; returns what says its request is over."""
    frame.begin(session)
    session["cart"] = [*session.get("cart", []), 1]
    return frame.end()


def over_in(seconds: float, over: Callable[[], None]) -> None:
    threading.Timer(seconds, over).start()  # the frame's request, ending in its own thread


def test_the_pages_work_waits_for_the_frames_request_then_the_session_is_its_own():
    session = stored_session()
    frame = FrameSession()
    started = time.monotonic()  # before the timer starts: its 0.2 s count from then
    over_in(0.2, frame_answered(frame, session))
    frame.settle()
    assert time.monotonic() - started >= 0.2
    # Its middleware saved it as it is: read again and saved by the page from now on.
    assert not session.modified
    session["cart"].append(2)
    session.modified = True
    assert not frame.saves(session)
    assert not frame.wrote(session)  # the page's save: it clears the flag itself


def test_a_session_its_frames_middleware_does_not_write_is_the_pages_at_once(monkeypatch):
    monkeypatch.setattr(frame_session, "REQUEST_OVER_WAIT", 5.0)
    session = stored_session()
    frame = FrameSession()
    frame.begin(session)
    frame.end()  # the handler left the session as it was
    started = time.monotonic()
    frame.settle()
    assert time.monotonic() - started < 1.0


def test_what_the_page_changed_since_its_frame_is_still_its_own_to_save():
    session = stored_session()
    frame = FrameSession()
    frame_answered(frame, session)()
    session["cart"].append(2)  # the page's work, while the frame's middleware still ran
    frame.settle()
    assert session.modified
    assert not frame.saves(session)


def test_the_end_of_an_earlier_frames_request_says_nothing_of_the_next_frame(monkeypatch):
    monkeypatch.setattr(frame_session, "REQUEST_OVER_WAIT", 0.3)
    session = stored_session()
    frame = FrameSession()
    first = frame_answered(frame, session)
    frame_answered(frame, session)
    first()
    started = time.monotonic()
    frame.settle()  # waits for the second frame's request, which never says it is over
    assert time.monotonic() - started >= 0.3
