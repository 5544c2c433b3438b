"""Which copy of a page answered it last.

Over HTTP behind a load balancer without sticky sessions, several processes may each hold a
copy of one page (live_views/http/pages.py), and each answers the frames that reach it. Before a
copy answers a frame it claims the page in ``STATE_CACHE``; a copy that finds another's claim
knows that copy answered since: what it holds (its ``live_state``, its components', the blocks
the browser shows) is older than what the browser shows, and it takes the saved state again.
One cache read per frame; a write only when the page changed hands. A broadcast refresh on the
copy that holds the page's push stream claims it too: what it renders reaches the browser.

A socket's page claims it once, when it joins (the HTTP copy a process may still hold must not
take up where it left off after the socket's events).
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import caches

from live_views.conf import conf

logger = logging.getLogger("live_views")


class PageHolder:
    """One copy's claim on its page."""

    __slots__ = ("key", "mine")

    def __init__(self, page_id: str) -> None:
        self.key = f"live_views.socket.holder:{page_id}"
        self.mine = secrets.token_urlsafe(12)  # this copy: no two copies of a page share it

    def claim(self) -> bool:
        """Claim the page for this copy: True when another copy answered it since this one
        last did (or the cache lost the claim: then this copy cannot know, and acts as if)."""
        try:
            holder = caches[conf.STATE_CACHE].get(self.key)
        except Exception:
            # The page goes on as this copy holds it, as it would with sticky sessions.
            logger.exception("live_views: could not read which copy holds %s", self.key)
            return False
        if holder == self.mine:
            return False
        self.take()
        return True

    def take(self) -> None:
        """Claim the page without looking (a socket's page, mounted from the saved state)."""
        try:
            # Of no use once the page's token expired, as its state.
            caches[conf.STATE_CACHE].set(self.key, self.mine, timeout=conf.TOKEN_MAX_AGE)
        except Exception:
            logger.exception("live_views: could not claim %s", self.key)
