"""The page's Content-Security-Policy nonce, on its socket.

A ``<script nonce="{{ csp_nonce }}">`` in a liveblock must carry the nonce of the page's own CSP
header, or the browser will not run it once the block is swapped in. The nonce never travels in
readable form: browsers hide ``nonce`` attributes from CSS and ``getAttribute()`` so injected
styles cannot steal them, and a connect token is readable by anyone who can read the page. So
``{% live_connect %}`` puts the nonce in the root element's own (hidden) ``nonce`` attribute and
only a keyed digest of it in the signed token; the browser's join sends the nonce back, and the
socket uses it only when it matches the digest.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac


def nonce_digest(nonce: str) -> str:
    return salted_hmac("live_views.csp_nonce", nonce, algorithm="sha256").hexdigest()[:32]


def page_nonce(context: Any) -> str | None:
    """The nonce a template renders with: the ``csp_nonce`` context variable (Django 6's ``csp``
    context processor), else ``request.csp_nonce`` (django-csp), else ``request._csp_nonce``
    (Django 6's middleware without the context processor)."""
    nonce = context.get("csp_nonce")
    # The ``request`` context processor's variable, else the request a RequestContext holds
    # (render(), TemplateResponse) whether or not that processor is installed.
    request = context.get("request") or getattr(context, "request", None)
    for fallback in ("csp_nonce", "_csp_nonce"):
        if nonce is None:
            nonce = getattr(request, fallback, None)
    if nonce is None:
        return None
    # Not truthiness: Django 6's LazyNonce is false until first read, and reading it here (str)
    # is what makes its middleware put it in the header.
    return str(nonce) or None


def adopt_nonce(request: HttpRequest, claimed: str | None, digest: str | None) -> bool:
    """Give the socket's request the page's nonce, if the browser sent the one the token
    vouches for. Templates then render ``{{ csp_nonce }}`` / ``{{ request.csp_nonce }}`` as
    they did for the page."""
    if not (claimed and digest and constant_time_compare(nonce_digest(claimed), digest)):
        return False
    # django-csp and Django 6 read request.csp_nonce; Django 6's context processor reads
    # request._csp_nonce.
    request.csp_nonce = claimed  # type: ignore[attr-defined]
    request._csp_nonce = claimed  # type: ignore[attr-defined]
    return True
