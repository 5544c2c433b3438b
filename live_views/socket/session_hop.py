"""A handler that gave the page's session a new key (``login()`` cycles it) ends its event by
sending the browser through the session route of ``live_views.urls``, with a ticket
(``live_views/connect/session_ticket.py``): that route's response sets the cookie a socket
cannot set, then goes on to the handler's redirect, or back to the page."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookieStore
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from live_views.connect import session_ticket, sessionless
from live_views.every import Every
from live_views.runtime import Patch
from live_views.socket import messages

if TYPE_CHECKING:
    from live_views.socket.page import LivePage

logger = logging.getLogger("live_views")

# Each visitor's page would say it once: on a busy site without the route, now and then is enough.
_lost_warnings = Every(600.0)


def key_of(request: HttpRequest) -> str | None:
    """The session's key as a handler found it (no I/O: read before it runs)."""
    return getattr(getattr(request, "session", None), "session_key", None)


def moved(request: HttpRequest, before: str | None) -> bool:
    """Whether the handler gave the session a key the browser does not hold: a new one
    (``cycle_key()``), or none yet for a session that holds data again after ``flush()``
    (``login()`` as another user), which saving gives a new one. Cheap when it did not."""
    session: Any = getattr(request, "session", None)
    if session is None:
        return False
    key = session.session_key
    if key == before:
        return False
    return bool(key) or (bool(before) and not session.is_empty())


def gives_session_for_messages(request: HttpRequest) -> bool:
    """A redirecting handler left messages for the next page, and the visitor has no session:
    the session route gives the browser the session they wait in, as ``MessageMiddleware``'s
    response would over HTTP. Without the route, or with sessions in cookies, they are dropped."""
    if not messages.wait_without_session(request):
        return False
    return _route_can_give(request)


def gives_first_session(page: LivePage, before: str | None, location: str | None) -> bool:
    """A visitor who holds no session cookie, whose handler wrote into the session (a time zone,
    a cart): saved by the socket alone, it got a key the browser never learned, and the next
    page load had lost what the handler wrote. The session route gives the browser that
    session, as the HTTP transport's answer does (there its own SessionMiddleware sets the
    cookie: no hop), then goes on to the handler's redirect (``location``). Without the route,
    with sessions in cookies, or when that redirect leaves the site (the route goes on to this
    site only), it is lost, and the log says so (now and then)."""
    session: Any = getattr(page.request, "session", None)
    if (
        before
        or page.frame_session is not None
        or session is None
        or session.session_key
        or not session.modified
        or session.is_empty()
    ):
        return False
    if location is not None and not _on_this_site(page.request, location):
        # A payment provider's page after an anonymous checkout: the route would refuse to go
        # on to it (400), so the handler's redirect goes as it did before this hop existed.
        if _lost_warnings.due():
            logger.warning(
                "live_views: a live event of %s wrote into the session of a visitor who has no "
                "session cookie, then redirected to another site; a socket cannot set the "
                "cookie, so what it wrote is lost. Write it before the visitor leaves the site "
                "(an event that does not redirect, or over HTTP: a form POST).",
                page.request.path,
            )
        return False
    if _route_can_give(page.request):
        sessionless.mark(session)  # the pages it opened before go on in it, as over HTTP
        return True
    if _lost_warnings.due():
        logger.warning(
            "live_views: a live event of %s wrote into the session of a visitor who has no "
            "session cookie; a socket cannot set one, so the next page load will not find what "
            "it wrote. Add path('', include('live_views.urls')) to the URLconf (its session "
            "route gives the browser its session), with a SESSION_ENGINE that stores sessions on "
            "the server.",
            page.request.path,
        )
    return False


def _on_this_site(request: HttpRequest, location: str) -> bool:
    # Where hop_url() would send the ticket: the route refuses it anywhere else.
    return session_ticket.goes_on_here(request, urljoin(request.get_full_path(), location))


def _route_can_give(request: HttpRequest) -> bool:
    # The session route sets a session cookie for a session stored on the server.
    if isinstance(getattr(request, "session", None), SignedCookieStore):
        return False
    try:
        reverse("live_views:session")
    except NoReverseMatch:
        return False
    return True


def hop_url(page: LivePage, before: str | None, location: str | None, patch: Patch | None) -> str:
    """Save the page's session with a ticket's nonce in it, and answer the URL of the session
    route with that ticket, going on to ``location`` (the handler's redirect), else the page's
    URL (as ``patch`` leaves it)."""
    request = page.request
    session: Any = request.session
    if isinstance(session, SignedCookieStore):
        raise ImproperlyConfigured(
            "A live handler changed the session's key (login() and logout() do), but "
            f"SESSION_ENGINE {settings.SESSION_ENGINE!r} keeps the session in the browser's "
            "cookie, which a live page cannot replace. Log in and out over HTTP (a form POST), "
            "or use a session engine that stores sessions on the server (check live_views.W031)."
        )
    try:
        route = reverse("live_views:session")
    except NoReverseMatch:
        raise ImproperlyConfigured(
            "A live handler changed the session's key (login() does): the browser takes the new "
            "key from the session route of live_views.urls, which the URLconf does not "
            "include. Add path('', include('live_views.urls')) to it."
        ) from None
    page_url = request.get_full_path()
    if patch is not None:
        page_url = request.path + (f"?{patch.query}" if patch.query else "")
    next_url = urljoin(page_url, location) if location else page_url
    nonce = session_ticket.new_nonce()
    session[session_ticket.NONCE_KEY] = nonce
    if not session.session_key:
        session.save()  # after flush(): the key the messages below are kept under
    messages.finish_render(request)  # unshown messages wait for the next page
    return _ticketed(page, route, nonce, before, next_url, session_ticket.HOP)


def first_session_url(page: LivePage) -> str:
    """Save the first session ``gives_first_session()`` found, with a ticket's nonce in it, and
    answer the session route's URL with a ticket the page's JS redeems in the background, the
    page staying as it is: it renders what the handler changed, and its socket holds the
    session already (``http/session_hop.py`` says why it asks nothing more)."""
    request = page.request
    nonce = session_ticket.new_nonce()
    request.session[session_ticket.NONCE_KEY] = nonce
    route = reverse("live_views:session")  # gives_first_session() found it
    # The page, as a patch left it: the route checks it is on this site, and goes nowhere.
    page_url = request.get_full_path()
    return _ticketed(page, route, nonce, None, page_url, session_ticket.FIRST)


def _ticketed(
    page: LivePage, route: str, nonce: str, before: str | None, next_url: str, kind: str
) -> str:
    request = page.request
    page.save_session()
    # What the browser's cookie holds: what it sent when the page connected, or the key the
    # session had (the HTTP transport's first answer may have set it since).
    held = {request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""), before or ""}
    page.session_watch.follow(request)
    session: Any = request.session
    ticket = session_ticket.issue(session.session_key, nonce, held, next_url, kind)
    return f"{route}?{urlencode({'ticket': ticket})}"
