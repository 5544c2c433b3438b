"""The ticket that gives a browser the new session key a live handler's ``login()`` made.

A socket cannot set a cookie, so the page sends its browser to the session route of
``live_views.urls`` with this ticket, and that route's response sets the cookie as
``SessionMiddleware`` sets it after a login over HTTP (``live_views/http/session_hop.py``).

The ticket is signed and timestamped (``TimestampSigner``, a salt of its own, ``MAX_AGE``) and
holds:

- ``k``: the new session key, encrypted with a key derived from ``SECRET_KEY`` (an HMAC-SHA256
  keystream over a random nonce; the signature covers it). The ticket travels in a URL, which
  access logs and the browser's history keep: whoever reads it there cannot use the key.
- ``n``: that nonce, also kept in the new session until the ticket is redeemed: a ticket is
  redeemed once.
- ``o``: keyed hashes of the session cookie the browser held when the handler ran: only that
  browser may redeem it.
- ``u``: the URL to go on to.
- ``t``: its kind. ``"first"``: the first session of a browser that held none, fetched by the
  page's JS in the background (no privilege changes hands, so the route keeps the CSRF token and
  answers 204). Absent: a hop the browser navigates through (``login()``, a redirect), which
  rotates the CSRF token as ``login()`` does, then redirects; tickets made before kinds were
  are of this kind, as what they were made for. Signed with the rest: a ticket cannot change
  kind, and an unknown kind is not valid.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext

SALT = "live_views.session_ticket"
MAX_AGE = 60  # seconds: the browser redeems it as soon as the frame arrives
# The new session's key holding the nonce of its one unredeemed ticket.
NONCE_KEY = "_live_views_session_ticket"

_KEYSTREAM_SALT = f"{SALT}.keystream"
_COOKIE_SALT = f"{SALT}.cookie"
_MAX_TICKET = 4096  # characters; a ticket is a few hundred

# Kinds of ticket (``t``).
HOP = "hop"
FIRST = "first"


class TicketError(Exception):
    """A ticket that cannot be redeemed; the message says why, for the visitor (translated)."""


@dataclass(frozen=True)
class SessionTicket:
    session_key: str
    nonce: str
    cookie_digests: tuple[str, ...]
    next_url: str
    kind: str = HOP

    def issued_to(self, cookie: str) -> bool:
        """Whether a browser whose session cookie is ``cookie`` ("": none) may redeem it."""
        digest = cookie_digest(cookie)
        return any(constant_time_compare(digest, held) for held in self.cookie_digests)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def cookie_digest(cookie: str) -> str:
    return salted_hmac(_COOKIE_SALT, cookie, algorithm="sha256").hexdigest()


def issue(
    session_key: str, nonce: str, cookies: Iterable[str], next_url: str, kind: str = HOP
) -> str:
    """A ticket of ``kind`` for the browser holding one of ``cookies`` to take ``session_key``."""
    sealed = _xor(session_key.encode(), _keystream(nonce, len(session_key.encode())))
    payload = {
        "k": base64.urlsafe_b64encode(sealed).decode(),
        "n": nonce,
        "o": sorted({cookie_digest(cookie) for cookie in cookies}),
        "u": next_url,
    }
    if kind != HOP:
        payload["t"] = kind
    return signing.TimestampSigner(salt=SALT).sign_object(payload)


def read(ticket: str) -> SessionTicket:
    """The ticket's contents; TicketError when it was altered, is too old or is not one."""
    if not ticket or len(ticket) > _MAX_TICKET:
        raise TicketError(gettext("No session ticket."))
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(ticket, max_age=MAX_AGE)
    except signing.SignatureExpired:
        expired = ngettext(
            "This session ticket expired (it is good for %(seconds)d second): log in again.",
            "This session ticket expired (it is good for %(seconds)d seconds): log in again.",
            MAX_AGE,
        )
        raise TicketError(expired % {"seconds": MAX_AGE}) from None
    except signing.BadSignature:
        raise TicketError(gettext("This session ticket is not valid.")) from None
    try:
        nonce, digests, next_url = payload["n"], payload["o"], payload["u"]
        kind = payload.get("t", HOP)
        sealed = base64.urlsafe_b64decode(payload["k"])
        session_key = _xor(sealed, _keystream(nonce, len(sealed))).decode()
    except (KeyError, TypeError, ValueError):
        # Signed by us, so only a ticket of another version of this library.
        raise TicketError(gettext("This session ticket is not valid.")) from None
    if kind not in (HOP, FIRST) or not all(
        isinstance(value, str) for value in (nonce, next_url, *digests)
    ):
        raise TicketError(gettext("This session ticket is not valid."))
    return SessionTicket(session_key, nonce, tuple(digests), next_url, kind)


def _keystream(nonce: str, length: int) -> bytes:
    # HMAC-SHA256 as a pseudo-random function in counter mode: a fresh nonce per ticket.
    blocks = []
    for counter in range(-(-length // 32)):
        blocks.append(salted_hmac(_KEYSTREAM_SALT, f"{nonce}:{counter}", algorithm="sha256"))
    return b"".join(block.digest() for block in blocks)[:length]


def _xor(data: bytes, keystream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, keystream, strict=True))


def goes_on_here(request: HttpRequest, url: str) -> bool:
    """Whether a ticket may go on to ``url``: a page of the site ``request`` came to, over
    HTTPS when it did. The route refuses a ticket that goes elsewhere, so the socket asks the
    same before it makes one (``socket/session_hop.py``)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={host}, require_https=request.is_secure()
    )
