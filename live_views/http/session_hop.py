"""``GET live/session/?ticket=…``: the browser takes the session key a live handler's
``login()`` gave its session (``live_views/socket/session_hop.py``).

The route checks that a page of this site sent the browser here (``Sec-Fetch-Site``), and the
ticket (``live_views/connect/session_ticket.py``): its signature and age,
that this browser's session cookie is the one it was issued to, that it was not redeemed
already (its nonce is still in the new session, and this request is the first to claim it in
``STATE_CACHE``: two requests at once both find the nonce before either has saved the session
without it), and that it goes on to this site. Then it makes the new session the request's, so
``SessionMiddleware`` sets its cookie exactly as after a login over HTTP (name, domain, path,
flags and expiry), rotates the CSRF token as ``login()`` does (for a logged-in session: an
anonymous one keeps it), and redirects. An anonymous first session's ticket met with a session
cookie of the browser's own (another of its pages gave it one since) goes on in that session.
Anything else is refused and changes nothing.

A ticket for the first session of a browser that held none (``session_ticket.FIRST``: a live
event wrote into the session of a visitor without a cookie) is fetched by the page's JS in the
background, the page staying as it is: the route answers 204, and keeps the CSRF token (the
page's forms and uploads hold it; no privilege changes hands). Such a ticket fits any browser
without a session cookie, and its session is its maker's: opened in another browser, it would
have that browser share its maker's session (session fixation: what the one adds to a cart,
the other sees). So it is taken only from a fetch that sends ``X-Live-Session``, which no page
of another site can send without the browser first asking this site (CORS), and which a link,
an image or a form of this site's own pages cannot send at all; where the browser says what
asked (``Sec-Fetch-Mode``, ``Sec-Fetch-Dest``), that must be a script's fetch too.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.middleware.csrf import rotate_token
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from live_views.conf import conf
from live_views.connect import session_ticket
from live_views.connect.session_ticket import TicketError
from live_views.http.reply import no_store

logger = logging.getLogger("live_views")


@require_GET
def redeem_ticket(request: HttpRequest) -> HttpResponse:
    if not hasattr(request, "session"):
        return _refused(
            HttpResponseBadRequest,
            "The session route needs django.contrib.sessions' SessionMiddleware in MIDDLEWARE.",
        )
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site not in (None, "same-origin"):
        # The page's own JS navigates here. A ticket of a browser that had no session cookie
        # matches any browser without one: from a link on another site, it would log that
        # browser in to the account of whoever kept the ticket (login CSRF). A browser that
        # sends no Sec-Fetch-Site (older than 2023) is not told apart.
        return _refused(
            HttpResponseForbidden,
            f"This session ticket was opened from elsewhere (Sec-Fetch-Site: {fetch_site}), "
            "not from a page of this site: log in again on the site.",
        )
    try:
        ticket = session_ticket.read(request.GET.get("ticket", ""))
    except TicketError as exc:
        return _refused(HttpResponseBadRequest, str(exc))
    if ticket.kind == session_ticket.FIRST and not _fetched_by_the_page(request):
        return _refused(
            HttpResponseForbidden,
            "This session ticket is taken by the page's own script, not by a link or a form.",
        )
    if ticket.kind != session_ticket.FIRST and "X-Live-Session" in request.headers:
        # A login's ticket taken in the background would leave the page showing the user who
        # was: the browser loads the page anew through it.
        return _refused(
            HttpResponseForbidden, "This session ticket is for the browser to go through."
        )
    if not session_ticket.goes_on_here(request, ticket.next_url):
        return _refused(
            HttpResponseBadRequest,
            f"This session ticket goes on to {ticket.next_url!r}, which is not on this site.",
        )
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if cookie and constant_time_compare(cookie, ticket.session_key):
        # The browser holds the new key already: the HTTP transport's answer to the event
        # carried it, through this same middleware. Claimed all the same: another browser
        # redeeming it at this very moment finds it used.
        _claim(ticket.nonce)
        request.session.pop(session_ticket.NONCE_KEY, None)
    else:
        session = import_module(settings.SESSION_ENGINE).SessionStore(ticket.session_key)
        if not ticket.issued_to(cookie):
            if cookie and ticket.issued_to("") and not _logged_in(session):
                # An anonymous first session (a time zone, a cart) written by a page opened
                # before the browser had a session, which another of its pages gave it since:
                # the browser keeps the one it holds, and goes back to the page.
                return _gone_on(ticket)
            return _refused(
                HttpResponseForbidden, gettext("This session ticket is for another browser.")
            )
        held = session.get(session_ticket.NONCE_KEY, "")
        if not constant_time_compare(held, ticket.nonce) or not _claim(ticket.nonce):
            return _refused(
                HttpResponseForbidden,
                gettext(
                    "This session ticket was used already, or its session has ended: log in again."
                ),
            )
        # Modified, so SessionMiddleware saves it and sets its cookie; the old session is gone.
        del session[session_ticket.NONCE_KEY]
        request.session = session
    if _logged_in(request.session):
        # As login() does: CsrfViewMiddleware sets the new CSRF cookie. Not for an anonymous
        # session: the forms the visitor's other tabs show would be refused.
        rotate_token(request)
    return _gone_on(ticket)


def _gone_on(ticket: session_ticket.SessionTicket) -> HttpResponse:
    if ticket.kind == session_ticket.FIRST:
        return no_store(HttpResponse(status=204))  # fetched by the page, which stays
    return no_store(HttpResponseRedirect(ticket.next_url))


def _logged_in(session: Any) -> bool:
    return session.get(SESSION_KEY) is not None


def _fetched_by_the_page(request: HttpRequest) -> bool:
    """Whether a script of this site's pages asked, with ``fetch()`` (see the module's doc)."""
    headers = request.headers
    return (
        headers.get("X-Live-Session") == "1"
        and headers.get("Sec-Fetch-Mode", "cors") in ("cors", "same-origin")
        and headers.get("Sec-Fetch-Dest", "empty") == "empty"
    )


def _claim(nonce: str) -> bool:
    """Whether this request is the first to redeem the ticket of ``nonce``. The session's nonce
    is read, then deleted when the session is saved: two requests in between would both pass.
    ``cache.add()`` is atomic (Redis, Memcached, the database cache; the local-memory cache in
    one process), so only one of them may. A cache that cannot answer leaves the session's
    nonce alone to judge, as before: better a login than none."""
    # Kept twice the ticket's life: past its expiry even on machines whose clocks differ.
    timeout = 2 * session_ticket.MAX_AGE
    try:
        return bool(
            caches[conf.STATE_CACHE].add(f"{session_ticket.SALT}:{nonce}", True, timeout=timeout)
        )
    except Exception:
        logger.exception("live_views: could not claim a session ticket in STATE_CACHE")
        return True


def _refused(response_class: Any, message: str) -> HttpResponse:
    response: HttpResponse = response_class(message, content_type="text/plain; charset=utf-8")
    return no_store(response)
