"""One CSRF token for every render of a page's components.

Django masks its token afresh on each ``get_token()``; a component's form holding
``{% csrf_token %}`` would then look changed on every render and be resent each time. The host
asks once per page and reuses the answer. On the socket no middleware set ``CSRF_COOKIE``: it is
read from the browser's cookie as ``CsrfViewMiddleware`` would, so the token a socket render
writes still matches the cookie when the form later posts over HTTP (JavaScript off).
"""

from __future__ import annotations

import string

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_SECRET_LENGTH, get_token

_ALLOWED = frozenset(string.ascii_letters + string.digits)
# A render made for many browsers at once (socket/shared.py) must not mint a token: none would
# be valid for any of them. It names, on its request, the text to write instead, which each
# page's frame then holds its own browser's token in place of.
TOKEN_STAND_IN = "live_views_csrf_stand_in"  # noqa: S105 (an attribute name)


def page_csrf_token(request: HttpRequest) -> str:
    stand_in = getattr(request, TOKEN_STAND_IN, None)
    if isinstance(stand_in, str):
        return stand_in
    if "CSRF_COOKIE" not in request.META and not settings.CSRF_USE_SESSIONS:
        cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        if len(cookie) == CSRF_SECRET_LENGTH and set(cookie) <= _ALLOWED:
            request.META["CSRF_COOKIE"] = cookie
    return get_token(request)
