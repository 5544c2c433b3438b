"""What a page's handler sees of each HTTP frame's own request, and what it gives back to it.

A page keeps the request it was mounted with for as long as it is open (socket/page.py). Over
HTTP each frame is a request of its own, through the project's ``SessionMiddleware`` and
``CsrfViewMiddleware``, and the page's handler sees what that request read, as a plain view
would: the session as stored now (what another tab or a page load saved since the page was
mounted is there, and the page's event saves no stale copy back over it), and the browser's CSRF
secret. What the handler changes goes back the same way: the frame's ``SessionMiddleware`` saves
the session (the page does not save it too, then or after the frame, unless its work changes it
again: ``socket/frame_session.py``) and sets its cookie (a login's new key; a browser's first
session, which its pages' tokens, made for no session, go on in: ``connect/sessionless.py``), its
``CsrfViewMiddleware`` sets the cookie of a new CSRF secret (``rotate_token()``, which
``login()`` calls), and the answer's ``X-Live-Csrf`` header gives the page's JS the token its
next frames send.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from live_views.connect import sessionless
from live_views.socket.frame_session import FrameSession
from live_views.socket.page import LivePage

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

CSRF_HEADER = "X-Live-Csrf"
# The page's new CSRF token, kept on the frame's request for its answer (as CsrfViewMiddleware
# keeps the secret in META).
RENEWED_TOKEN = "LIVE_VIEWS_CSRF_TOKEN"  # noqa: S105 (a META key)


def take_frame_request(page: LivePage, request: HttpRequest) -> None:
    """Before the frame: the page's request holds the frame's session and CSRF secret."""
    session = getattr(request, "session", None)
    held = getattr(page.request, "session", None)
    if session is not None and held is not None and session is not held:
        if session.session_key:
            # The browser's session, which its token was checked against (or which the HTTP
            # transport gave it: connect/sessionless.py).
            page.request.session = session
        elif not held.session_key:
            # The browser holds no session, nor does the page yet: what the page's copy holds
            # (its work's changes since the last frame) and what the handler writes are saved
            # by this frame's middleware, which gives the browser its cookie.
            request.session = session = held
        # Else the browser did not keep the cookie an answer set (its settings refuse it):
        # the page keeps its own copy, and saves it itself, as a socket's page does.
    if page.frame_session is None:
        page.frame_session = FrameSession()
    page.frame_session.begin(session)
    secret = request.META.get("CSRF_COOKIE")
    if secret is not None:
        page.request.META["CSRF_COOKIE"] = secret
    cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if cookie is not None:
        # The page's own CsrfViewMiddleware (its processing, around each unit of work) reads
        # the secret again from the cookie: with the one the page was mounted with, the event
        # after a handler's rotate_token() (a login()) handed the old secret back to the browser.
        page.request.COOKIES[settings.CSRF_COOKIE_NAME] = cookie


def give_back(page: LivePage, request: HttpRequest) -> None:
    """After the frame: a session the browser takes with its answer, and a new CSRF secret the
    handler gave the page, are the frame's: its ``SessionMiddleware`` saves the one and sets its
    cookie, its ``CsrfViewMiddleware`` sets the other's, and its answer says the page's token."""
    session = getattr(request, "session", None)
    if session is not None and _first_session(session, request):
        # Its pages' tokens, bound to no session, are still this browser's.
        sessionless.mark(session)
    if page.frame_session is not None:
        # Its SessionMiddleware saves the session after this: the page's work reads it again
        # only once the request is over (socket/frame_session.py).
        _when_over(request, page.frame_session.end())
    secret = page.request.META.get("CSRF_COOKIE")
    if secret is None or secret == request.META.get("CSRF_COOKIE"):
        return
    request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    request.META[RENEWED_TOKEN] = page.csrf.value(page.request)


def _when_over(request: HttpRequest, over: Callable[[], None]) -> None:
    """Call ``over`` once ``request`` is over: its answer sent, every middleware having run,
    whatever answer it gave. Django's handler puts the request's ``close()`` among the closers
    of the answer it sends (a middleware's too, when one replaced the view's), and the server
    closes that answer once it is sent, from whichever thread or context: WSGI servers from the
    view's thread, Django's ASGI handler (uvicorn, daphne) from its request's task, whose
    context never held the view's changes, its AsyncClient from another thread. A
    threading.local missed the last, a context-local the one before, and the page's next work
    waited REQUEST_OVER_WAIT (2 s) for an end it never heard of."""
    close = request.close

    def closed() -> None:
        try:
            close()
        finally:
            over()

    request.close = closed  # type: ignore[method-assign]


def _first_session(session: SessionBase, request: HttpRequest) -> bool:
    """Whether the frame's SessionMiddleware gives a browser that holds no session cookie its
    first session (its own test: it saves a session that is changed, or every one, unless empty)."""
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    saved = session.modified or settings.SESSION_SAVE_EVERY_REQUEST
    return saved and not session.is_empty()


def with_token(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    token = request.META.get(RENEWED_TOKEN)
    if token is not None:
        response[CSRF_HEADER] = token
    return response
