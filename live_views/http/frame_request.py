"""What a page's handler sees of each HTTP frame's own request, and what it gives back to it.

A page keeps the request it was mounted with for as long as it is open (socket/page.py). Over
HTTP each frame is a request of its own, through the project's ``SessionMiddleware`` and
``CsrfViewMiddleware``, and the page's handler sees what that request read, as a plain view
would: the session as stored now (what another tab or a page load saved since the page was
mounted is there, and the page's event saves no stale copy back over it), and the browser's CSRF
secret. What the handler changes goes back the same way: the frame's ``SessionMiddleware`` saves
the session (the page does not save it too: ``LivePage.save_session``) and sets its cookie (a
login's new key), its ``CsrfViewMiddleware`` sets the cookie of a new CSRF secret
(``rotate_token()``, which ``login()`` calls), and the answer's ``X-Live-Csrf`` header gives the
page's JS the token its next frames send.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from live_views.socket.page import LivePage

CSRF_HEADER = "X-Live-Csrf"
# The page's new CSRF token, kept on the frame's request for its answer (as CsrfViewMiddleware
# keeps the secret in META).
RENEWED_TOKEN = "LIVE_VIEWS_CSRF_TOKEN"  # noqa: S105 (a META key)


def take_frame_request(page: LivePage, request: HttpRequest) -> None:
    """Before the frame: the page's request holds the frame's session and CSRF secret."""
    session = getattr(request, "session", None)
    held = getattr(page.request, "session", None)
    # The same session: the frame's token was checked against its key. A page whose browser
    # holds no session cookie keeps the copy it has (no other request can read or write it):
    # a session its frame created would set a cookie its token, bound to none, is refused with.
    key = getattr(session, "session_key", None)
    if session is not None and held is not None and key and key == held.session_key:
        page.request.session = session
    # Which the frame's SessionMiddleware saves after the answer: also the page's own session
    # when the page was mounted by this very request.
    page.frame_session = session
    secret = request.META.get("CSRF_COOKIE")
    if secret is not None:
        page.request.META["CSRF_COOKIE"] = secret


def give_back(page: LivePage, request: HttpRequest) -> None:
    """After the frame: a new CSRF secret the handler gave the page is the frame's, so its
    ``CsrfViewMiddleware`` sets the browser's cookie, and its answer says the page's token."""
    page.frame_session = None  # what the page's work saves from now on, it saves itself
    secret = page.request.META.get("CSRF_COOKIE")
    if secret is None or secret == request.META.get("CSRF_COOKIE"):
        return
    request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    request.META[RENEWED_TOKEN] = page.csrf.value(page.request)


def with_token(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    token = request.META.get(RENEWED_TOKEN)
    if token is not None:
        response[CSRF_HEADER] = token
    return response
