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


def page_csrf_token(request: HttpRequest) -> str:
    if "CSRF_COOKIE" not in request.META and not settings.CSRF_USE_SESSIONS:
        cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        if len(cookie) == CSRF_SECRET_LENGTH and set(cookie) <= _ALLOWED:
            request.META["CSRF_COOKIE"] = cookie
    return get_token(request)
