"""``{% csrf_token %}`` in a liveblock, on the socket.

Django masks the CSRF secret with a fresh random mask on every render (so that compression
cannot leak it, BREACH), which would make a block holding a form differ on every render and be
sent again each time. A page's socket renders one masked token for as long as it is open:
valid for the browser's CSRF cookie (``CsrfViewMiddleware`` read it from the socket's cookies),
masked afresh for every page load and every reconnect, as one HTTP response's token is. The
page's components write the same token (components/host.py). When a handler gives the browser a
new CSRF secret (``login()`` rotates it), the token follows it, and the page's next render sends
every block that holds it again (socket/page.py).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import lazy

from live_views.components.csrf import page_csrf_token


class PageCsrfToken:
    __slots__ = ("secret", "token")  # one per open page (docs/benchmarks.md, memory)

    def __init__(self) -> None:
        self.secret: str | None = None
        self.token: str | None = None

    def value(self, request: HttpRequest) -> str:
        secret = request.META.get("CSRF_COOKIE")
        if self.token is None or secret != self.secret:  # first use, or rotated (a login)
            # The browser's cookie, should no middleware have read it into the request.
            self.token = page_csrf_token(request)
            self.secret = request.META.get("CSRF_COOKIE")
            # A socket cannot set the cookie: nothing for CsrfViewMiddleware to do afterwards.
            request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        return self.token

    def renewed(self, request: HttpRequest) -> bool:
        """Whether the secret changed since a render wrote the token (a handler's login())."""
        return self.token is not None and request.META.get("CSRF_COOKIE") != self.secret

    def context_value(self, request: HttpRequest) -> Any:
        """For the render context: computed only if a block renders ``{% csrf_token %}``."""
        return _lazy_value(self, request)


def _value(token: PageCsrfToken, request: HttpRequest) -> str:
    return token.value(request)


# lazy() builds a class each time it is called: once per process, not once per render.
_lazy_value = lazy(_value, str)
