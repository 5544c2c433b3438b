"""Pages a browser opened before it had a session, once the HTTP transport gave it one.

A page's connect token is bound to the session its browser held when the page was rendered
(``connect/tokens.py``). A visitor with no session cookie gets a token bound to none. On the HTTP
transport the first event whose handler writes the session creates that browser's first session,
and the event's answer sets its cookie (``http/frame_request.py``): from then on the browser
sends it with every request, and each of its pages' tokens, bound to no session, was refused as
another session's (its next frame got a 403, its socket closed with 4403).

A session created that way is marked, and accepts the tokens its browser was given before it had
one: bound to no session, for the same user. A token bound to no session is its visitor's only
credential, whatever cookie comes with it (anyone holding it opens its page without one), so the
session reaches nothing through it that the token did not already reach. Every other session
still refuses it, as it refuses another session's token.
"""

from __future__ import annotations

from typing import Any

from live_views.connect.tokens import ConnectTarget, TokenError, TokenForeign, read_connect_token

# In the session: its browser held no session when the HTTP transport's answer gave it this one.
MARK = "_live_views_began_sessionless"


def mark(session: Any) -> None:
    session[MARK] = True


def read_page_token(token: str, *, session: Any, user_pk: Any) -> ConnectTarget:
    """``read_connect_token`` for a request with ``session`` and the user of ``user_pk``: a
    token bound to no session is accepted too, when the HTTP transport gave this session to
    the browser that held none."""
    key = getattr(session, "session_key", None)
    try:
        return read_connect_token(token, session_key=key, user_pk=user_pk)
    except TokenForeign as foreign:
        # Read only when the token is refused: most requests never load the session here.
        if not key or session.get(MARK) is not True:
            raise
        try:
            return read_connect_token(token, session_key=None, user_pk=user_pk)
        except TokenError:
            raise foreign from None
