"""Frames between the bundled JS and the consumer (see docs/protocol.md), validated strictly."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from live_views.connect import wire

MAX_EVENT_NAME = 64
MAX_REF = 2**53
MAX_VALUES = 500  # keys in one frame's args or form
MAX_QUERY = 4096  # characters of a page's query string (a "params" frame, a join's "search")
MAX_NONCE = 128
MAX_FIELD_NAME = 200  # characters of a field's html name the browser reports (an "unsent" one)
_ADDRESS_RE = re.compile(wire.COMPONENT_ADDRESS_PATTERN)
# What a browser's location.search holds: printable ASCII, percent-encoded, no fragment.
_QUERY_RE = re.compile(r"[\x21-\x22\x24-\x7e]*")


class FrameError(ValueError):
    def __init__(
        self, code: str, message: str, ref: int | None = None, *, log: str | None = None
    ) -> None:
        # str() is what the server logs: ``log`` may say more than the page may read.
        super().__init__(log or message)
        self.code = code
        self.message = message
        self.ref = ref  # echoed in the error frame, so the page can match it to its event


@dataclass(frozen=True)
class Join:
    version: str
    blocks: dict[str, str]
    # The query the browser's address bar shows (it may differ from the token's after a
    # live_patch and a reconnect), without its "?"; None when the join did not say.
    search: str | None = None
    nonce: str | None = None  # the page's CSP nonce, as the root element holds it


@dataclass(frozen=True)
class Params:
    """The browser went back or forward to another query of the page (popstate), or a
    ``data-live-patch`` link asks for one (``link``: answered as a ``live_patch()`` is)."""

    query: str  # without its "?"
    ref: int | None
    link: bool = False


@dataclass(frozen=True)
class Event:
    name: str
    ref: int | None
    args: dict[str, Any] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    # The address of the live component the event is for; None: the page's view.
    component: str | None = None
    # Html names of the form's file inputs holding files the server never got (wire.UNSENT).
    unsent: tuple[str, ...] = ()


class _NonFinite:
    """What NaN, Infinity, -Infinity and 1e400 parse to: json.loads accepts them by default,
    JSON itself has no such numbers. Never a scalar, so every place a value is checked refuses
    it as a bad frame (with the frame's ref, which a failed parse could not echo)."""

    def __init__(self, literal: str) -> None:
        self.literal = literal[:20]


def _finite_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _is_scalar(value: Any) -> bool:
    if isinstance(value, str):
        # JSON can spell lone surrogates ("\\ud800"): text that no template could encode.
        return value.isascii() or _encodable(value)
    return value is None or isinstance(value, int | float | bool)


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _is_flat_value(value: Any) -> bool:
    if _is_scalar(value):
        return True
    return isinstance(value, list) and all(_is_scalar(item) for item in value)


def _values(raw: Any, what: str, ref: int | None) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise FrameError("bad_frame", f"'{what}' must be an object, got {type(raw).__name__}", ref)
    if len(raw) > MAX_VALUES:
        raise FrameError("bad_frame", f"'{what}' has more than {MAX_VALUES} values", ref)
    for key, value in raw.items():
        if isinstance(value, _NonFinite) or (
            isinstance(value, list) and any(isinstance(item, _NonFinite) for item in value)
        ):
            raise FrameError(
                "bad_frame",
                f"'{what}.{key[:40]!r}' is not a finite number: JSON has no NaN or Infinity",
                ref,
            )
        if not _is_scalar(key) or not _is_flat_value(value):
            raise FrameError(
                "bad_frame",
                f"'{what}.{key[:40]!r}' must be a string, number, boolean or a list of them",
                ref,
            )
    return raw


# Built once: json.loads()/dumps() with options other than the defaults build a new decoder or
# encoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_NonFinite, parse_float=_finite_float)
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def parse_frame(text: str) -> Join | Params | Event:
    try:
        data = _DECODER.decode(text)
    except RecursionError:
        raise FrameError("bad_frame", "frame is nested too deeply") from None
    except ValueError:
        raise FrameError("bad_frame", "frame is not valid JSON") from None
    if not isinstance(data, dict):
        raise FrameError("bad_frame", "frame must be a JSON object")
    if wire.JOIN in data:
        return _parse_join(data[wire.JOIN])
    if wire.PARAMS in data:
        return _parse_params(data)
    return _parse_event(data)


def _parse_join(raw: Any) -> Join:
    if not isinstance(raw, dict):
        raise FrameError("bad_frame", "'join' must be an object")
    version = raw.get("version", "")
    blocks = raw.get("blocks", {})
    if not isinstance(version, str) or not isinstance(blocks, dict):
        raise FrameError("bad_frame", "'join' needs a version string and a blocks object")
    clean = {k: v for k, v in blocks.items() if isinstance(v, str) and len(v) <= 16}
    # Both optional and lenient: a join that cannot use them still joins, for the token's query
    # and without a nonce.
    search = raw.get("search")
    nonce = raw.get("nonce")
    return Join(
        version=version[:32],
        blocks=clean,
        search=query_of(search) if isinstance(search, str) else None,
        nonce=_nonce(nonce),
    )


def _nonce(raw: Any) -> str | None:
    # _is_scalar: a lone surrogate has no UTF-8, so no HMAC to compare with the token's.
    if isinstance(raw, str) and 0 < len(raw) <= MAX_NONCE and _is_scalar(raw):
        return raw
    return None


def query_of(search: str) -> str | None:
    """``search`` (``location.search``, with or without its "?") as a query string, or None
    when no browser would send it."""
    query = search.removeprefix("?")
    if len(query) > MAX_QUERY or not _QUERY_RE.fullmatch(query):
        return None
    if query.count("&") >= MAX_VALUES:
        return None
    return query


def _parse_params(data: dict[str, Any]) -> Params:
    ref = _ref(data)
    raw = data[wire.PARAMS]
    query = query_of(raw) if isinstance(raw, str) else None
    if query is None:
        raise FrameError(
            "bad_frame",
            f"'params' must be a URL query string (printable ASCII, no '#') of at most "
            f"{MAX_QUERY} characters and {MAX_VALUES} fields",
            ref,
        )
    link = data.get(wire.PATCH, False)
    if not isinstance(link, bool):
        message = f"'{wire.PATCH}' in a 'params' frame must be true or false"
        raise FrameError("bad_frame", message, ref)
    return Params(query=query, ref=ref, link=link)


def _ref(data: dict[str, Any]) -> int | None:
    ref = data.get(wire.REF)
    if ref is not None and (
        isinstance(ref, bool) or not isinstance(ref, int) or not 0 <= ref < MAX_REF
    ):
        raise FrameError("bad_frame", "'ref' must be a non-negative integer")
    return ref


def _parse_event(data: dict[str, Any]) -> Event:
    ref = _ref(data)  # first: every later refusal echoes it
    name = data.get(wire.EVENT)
    if not isinstance(name, str) or not name or not _is_scalar(name):
        raise FrameError("bad_frame", "frame must name an 'event'", ref)
    if len(name) > MAX_EVENT_NAME:
        raise FrameError("unknown_event", f"No live event named {name[:40]!r}…", ref)
    return Event(
        name=name,
        ref=ref,
        args=_values(data.get("args"), "args", ref),
        form=_values(data.get("form"), "form", ref),
        component=_component(data.get(wire.COMPONENT), ref),
        unsent=_unsent(data.get(wire.UNSENT), ref),
    )


def _unsent(raw: Any, ref: int | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    if (
        not isinstance(raw, list)
        or len(raw) > MAX_VALUES
        or not all(
            isinstance(name, str) and len(name) <= MAX_FIELD_NAME and _is_scalar(name)
            for name in raw
        )
    ):
        raise FrameError(
            "bad_frame",
            f"'{wire.UNSENT}' must be a list of at most {MAX_VALUES} field names of at most "
            f"{MAX_FIELD_NAME} characters",
            ref,
        )
    return tuple(raw)


def _component(raw: Any, ref: int | None) -> str | None:
    # An address is a short hex digest the server made; anything else (a class path, say) is
    # refused here, before anything looks it up.
    if raw is None:
        return None
    if not isinstance(raw, str) or not _ADDRESS_RE.fullmatch(raw):
        raise FrameError("unknown_component", "No such component on this page.", ref)
    return raw


class EncodedFrame(dict[str, Any]):
    """A frame sent as it is to many pages (a shared refresh, ``socket/shared.py``): encoded
    once. Never changed after it is made."""

    text: str


def encoded(frame: dict[str, Any]) -> EncodedFrame:
    result = EncodedFrame(frame)
    result.text = encode(frame)
    return result


def encode(frame: dict[str, Any]) -> str:
    if type(frame) is EncodedFrame:
        return frame.text
    return _ENCODER.encode(frame)


def error_frame(code: str, message: str, ref: int | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {wire.ERROR: {"code": code, "message": message}}
    if ref is not None:
        frame[wire.REF] = ref
    return frame
