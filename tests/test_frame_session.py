"""Which saves of an HTTP page's session its frames' SessionMiddleware makes
(live_views/socket/frame_session.py), so the page makes no other."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore

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
