"""Session life: a page's socket lives no longer than the session it was opened in.

Each page joins a private group for its session and one for its user. A logout is pushed to the
session's pages, which close; a password change (or deactivation) asks the user's pages to read
their session again. An expired session is noticed before the next event, and a broadcast
refresh reads the user afresh before running the view's access checks again.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from live_views.pubsub.sessions import auth_installed, session_topic, user_topic
from live_views.pubsub.topics import group_name

if TYPE_CHECKING:
    from live_views.socket.frame_session import FrameSession

# While events arrive, the session is read from its store again at least this often (seconds):
# an expiry the session's own data cannot show (a store's own timeout, a deleted row) is noticed.
RECHECK_AFTER = 60


class SessionWatch:
    """Whose session a page was opened in, and until when that is known to hold."""

    __slots__ = ("groups", "recheck_at", "session_key", "user_pk")  # one per open page

    session_key: str | None
    user_pk: Any
    # Without a session there is nothing to check again (due() is False).
    recheck_at: datetime | None

    def __init__(self, request: HttpRequest) -> None:
        self.follow(request)
        groups = []
        if self.session_key:
            groups.append(group_name(session_topic(self.session_key)))
        if self.user_pk is not None:
            groups.append(group_name(user_topic(self.user_pk)))
        # A tuple: without a session, the empty one every such page shares.
        self.groups: tuple[str, ...] = tuple(groups)

    def due(self) -> bool:
        """No I/O: whether the session must be read again before the page's next event."""
        return self.recheck_at is not None and timezone.now() >= self.recheck_at

    def confirm(self, request: HttpRequest) -> bool:
        """Read the session from its store (worker thread). False once it has ended or
        belongs to another user; otherwise the request gets the user as stored now, so
        permissions are read afresh."""
        if self.session_key is None:
            return True
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(self.session_key)
        user = _user_of(session)
        if self.user_pk is not None:
            held = getattr(user, "is_authenticated", False) and user.pk == self.user_pk
        else:
            held = session.session_key == self.session_key and not getattr(
                user, "is_authenticated", False
            )
        if held:
            if user is not None:
                request.user = user
            self.recheck_at = self._next_check(session)
            adopt(request, session)
        return held

    def follow(self, request: HttpRequest) -> None:
        """Watch the request's session and user. Again after a handler gave the session a new
        key (a login): a refresh before the browser leaves for the session route must not
        close the page. The socket keeps its groups until it closes."""
        session = getattr(request, "session", None)
        self.session_key = getattr(session, "session_key", None) or None
        user: Any = getattr(request, "user", None)
        self.user_pk = user.pk if getattr(user, "is_authenticated", False) else None
        self.recheck_at = self._next_check(session) if self.session_key else None

    def _next_check(self, session: Any) -> datetime:
        now = timezone.now()
        recheck: datetime = now + timedelta(seconds=RECHECK_AFTER)
        if session is not None and self.session_key:
            # Exact for set_expiry(datetime); for relative expiries, a bound from now.
            recheck = min(recheck, session.get_expiry_date(modification=now))
        return recheck


def adopt(request: HttpRequest, loaded: Any) -> None:
    """The page's session takes the data ``loaded`` (the same session) was just read with, when
    it holds no change of its own: a per-user render that then uses it (the messages a base
    template shows) reads it no more. A copy: a handler that edits a value in place edits its
    own. (A shared render is anonymous: the pages of its batch that skip the read need none.)"""
    own: Any = getattr(request, "session", None)
    cache = loaded.__dict__.get("_session_cache")
    if (
        own is not None
        and own is not loaded
        and cache is not None
        and not own.modified
        and not loaded.modified  # what it holds is as stored
        and own.session_key == loaded.session_key
    ):
        own._session_cache = copy.deepcopy(cache)


def _user_of(session: Any) -> Any:
    if not auth_installed():
        session.keys()  # load it: a session that is gone comes back without its key
        return None
    from django.contrib.auth import get_user

    holder = HttpRequest()
    holder.session = session
    return get_user(holder)


def reread(request: HttpRequest) -> None:
    """Before a sync event, and before each render the socket starts itself (a broadcast
    refresh, background work's render, back/forward), ahead of the page's middleware: the
    page's session is read again from its store when the middleware, the handler or the render
    next uses it, as each HTTP request reads it. A page keeps its request for as long as it is
    open; with the session it read at connect, an event saved that whole copy back, undoing
    what the user's other pages and page loads had saved since (a message another page kept,
    or one a page load showed, came back). A unit that does not use the session reads nothing.
    A session changed and not saved yet is kept as it is. Over HTTP an event's (or back and
    forward's) own request read it (http/frame_request.py); the renders the page makes between
    frames read it again once the last frame's request is over (socket/frame_session.py)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key and not session.modified:
        session.__dict__.pop("_session_cache", None)


def reread_before_render(request: HttpRequest, frame: FrameSession | None) -> None:
    """``reread``, before a render the page starts itself (a broadcast refresh, background
    work's render): over HTTP (``frame``), once its last frame's request is over."""
    if frame is not None:
        frame.settle()
    reread(request)


def drop_changes(request: HttpRequest, key: str | None) -> None:
    """What was written into the session since it was read as stored, under ``key``, goes: the
    next use reads it again (a login's new key stays, it is in the store already)."""
    session = getattr(request, "session", None)
    if session is not None and session.modified and session.session_key == key:
        session.__dict__.pop("_session_cache", None)
        session.modified = False


async def areread(request: HttpRequest, hop: Callable[[Callable[[], Any]], Awaitable[Any]]) -> None:
    """Before an async event: the session is read again now, in the page's worker thread
    (``hop``). The handler runs on the event loop, where reading it when first used (a sync
    read) cannot happen: it raised, or the handler saw (and its save wrote back) the copy the
    page last read. Read with the store's own ``load()``: Django's async session methods of the
    database store read the row without it, past a project's store that overrides it only."""
    reread(request)
    session: Any = getattr(request, "session", None)
    if session is not None and "_session_cache" not in session.__dict__ and session.session_key:
        await hop(session.keys)  # loads it
