"""``Refused``: the socket will not serve the page, and the close code that says why; the HTTP
status that code is where a route answers for the socket."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase

from live_views.connect import wire


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


# What each close code becomes where an HTTP route answers for the socket (its HTTP transport,
# the upload route); a server error (1011) is a 500.
STATUS_OF_CLOSE = {
    wire.CLOSE_BAD_REQUEST: 400,
    wire.CLOSE_LOGIN_REQUIRED: 401,
    wire.CLOSE_FORBIDDEN: 403,
    wire.CLOSE_NOT_FOUND: 404,
    wire.CLOSE_TOKEN_EXPIRED: 410,
    wire.CLOSE_TOO_BIG: 413,
    wire.CLOSE_TOO_MANY: 429,
}


def refused_by(response: HttpResponseBase, request: HttpRequest, who: str) -> Refused:
    """What a response that is not the page means for its socket: a redirect (to log in,
    usually) closes with 4401 for an anonymous visitor, 4403 otherwise; a 404 with 4404."""
    status = response.status_code
    if 300 <= status < 400:
        anonymous = not getattr(getattr(request, "user", None), "is_authenticated", False)
        code = wire.CLOSE_LOGIN_REQUIRED if anonymous else wire.CLOSE_FORBIDDEN
        return Refused(code, f"{who} redirected to {response.get('Location')!r}")
    if status == 404:
        return Refused(wire.CLOSE_NOT_FOUND, f"{who} answered 404")
    if status >= 500:
        return Refused(wire.CLOSE_SERVER_ERROR, f"{who} answered {status}")
    return Refused(wire.CLOSE_FORBIDDEN, f"{who} answered {status}")
