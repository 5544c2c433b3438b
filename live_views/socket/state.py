"""Page state: the attributes a view names in ``live_state`` outlive the page's socket.

After each event that succeeded they are saved as JSON to Django's cache (``STATE_CACHE``), under
the page id carried by the page's signed connect token; when the page mounts again (a reconnect,
a server restart, another worker) they are set on the fresh instance before its ``get()`` runs.
The browser never holds or sends them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.cache import caches

from live_views.conf import conf

logger = logging.getLogger("live_views")

_SCALARS = (str, int, float, bool, type(None))
_MAX_DEPTH = 64
_MISSING = object()


class PageStateError(TypeError):
    """A ``live_state`` attribute holds a value that would not come back as it was saved."""


def state_names(view: object) -> tuple[str, ...]:
    return tuple(getattr(view, "live_state", ()) or ())


class PageState:
    """One page's saved ``live_state``: a cache entry keyed by the page id."""

    __slots__ = ("page_id", "saved")  # one per open page (docs/benchmarks.md, memory)

    def __init__(self, page_id: str) -> None:
        self.page_id = page_id  # the page's own string: the key is made when the cache is used
        self.saved: str | None = None  # what the cache holds, as far as this page knows

    @property
    def key(self) -> str:
        return f"live_views.socket.state:{self.page_id}"

    def restore(self, view: object) -> bool:
        """Set the saved attributes on a freshly mounted instance; False when there were none
        to set (nothing saved, or the cache could not be read)."""
        names = state_names(view)
        if not names:
            return False
        try:
            raw = caches[conf.STATE_CACHE].get(self.key)
        except Exception:
            # Better a page that mounts with its initial state than one that cannot mount.
            logger.exception("live_views: could not read the page state of %s", _qualname(view))
            return False
        values = _decode(raw, view)
        if values is None:
            return False
        for name in names:
            if name in values:
                setattr(view, name, values[name])
        self.saved = raw
        return True

    def encode(self, view: object) -> str | None:
        """The state to save, as JSON; raises PageStateError for a value JSON cannot hold.

        Called before the event's reply is rendered, so a bad value fails that event (and the
        developer hears of it at once) instead of silently vanishing on the next reconnect.
        """
        names = state_names(view)
        if not names:
            return None
        values: dict[str, Any] = {}
        for name in names:
            value = getattr(view, name, _MISSING)
            if value is _MISSING:
                continue
            problem = _json_problem(value, f"self.{name}", 0)
            if problem is not None:
                raise PageStateError(
                    f"{type(view).__qualname__}.live_state names {name!r}, but {problem}: page "
                    "state is saved as JSON. Keep it to str, int, float, bool, None, and lists "
                    "and str-keyed dicts of them (store a row's pk rather than the row, a date's "
                    f"isoformat() rather than the date), or take {name!r} out of live_state."
                )
            values[name] = value
        return json.dumps({"view": _qualname(view), "state": values}, sort_keys=True)

    def save(self, encoded: str | None) -> None:
        if encoded is None or encoded == self.saved:
            return  # unchanged: no cache write for events that leave the state as it was
        try:
            # A page's token expires after TOKEN_MAX_AGE; its state is no use beyond that.
            caches[conf.STATE_CACHE].set(self.key, encoded, timeout=conf.TOKEN_MAX_AGE)
        except Exception:
            logger.exception("live_views: could not save the page state (key %s)", self.key)
            return
        self.saved = encoded

    def forget(self) -> None:
        """Delete the saved state: what it held must not come back (a component its page no
        longer shows mounts afresh when shown again)."""
        try:
            caches[conf.STATE_CACHE].delete(self.key)
        except Exception:
            logger.exception("live_views: could not delete the page state (key %s)", self.key)
            return
        self.saved = None


def _decode(raw: Any, view: object) -> dict[str, Any] | None:
    if not isinstance(raw, str):
        return None
    try:
        saved = json.loads(raw)
    except ValueError:
        return None
    # The page's URL may route to another view since the state was saved (a deploy): ignore it.
    if not isinstance(saved, dict) or saved.get("view") != _qualname(view):
        return None
    values = saved.get("state")
    return values if isinstance(values, dict) else None


def _json_problem(value: Any, where: str, depth: int) -> str | None:
    """What keeps ``value`` from coming back from JSON as it is, or None."""
    if depth > _MAX_DEPTH:
        return f"{where} is nested more than {_MAX_DEPTH} levels deep"
    if type(value) in _SCALARS:  # exact types: a subclass would come back as its base
        return None
    if type(value) is list:
        for index, item in enumerate(value):
            problem = _json_problem(item, f"{where}[{index}]", depth + 1)
            if problem is not None:
                return problem
        return None
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"{where} has the {type(key).__name__} key {key!r} (JSON keys are str)"
            problem = _json_problem(item, f"{where}[{key!r}]", depth + 1)
            if problem is not None:
                return problem
        return None
    return f"{where} is a {type(value).__name__}"


def _qualname(view: object) -> str:
    return f"{type(view).__module__}.{type(view).__qualname__}"
