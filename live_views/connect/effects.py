"""What a view asks the browser to do once its update is swapped in: events for the page's JS
(``live_push_event``), focus, the document's title, scrolling, going to another live page,
resetting a live form (``reset_form``, a page's or a live component's) or dropping a file from its
file input (``cancel_upload``), and with those, the server-side work that goes with them
(forgetting that form's pending uploads, or that file, or what a component no longer shown kept).

A view collects them on ``view.live_runtime.effects`` (its live components share it) while a
handler, a mount or a refresh runs; the next frame the page sends carries them
(``BrowserEffects.take``), and a handler that fails drops them with the rest of its changes.
One that redirects ends the page: its frame carries none, and the server-side work is done then
(``BrowserEffects.leave``).
Payloads are checked when they are pushed, so a value JSON cannot hold, or one over
``MAX_PUSH_BYTES``, fails in the handler that pushed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from live_views.conf import conf
from live_views.connect import wire

MAX_PUSH_NAME = 64
MAX_SELECTOR = 500
MAX_TITLE = 1000
MAX_PUSHES = 100  # in one frame
_PUSH_NAME_RE = re.compile(r"[A-Za-z0-9_.:-]+")


@dataclass(slots=True)  # one per open page (docs/benchmarks.md, memory)
class BrowserEffects:
    # [name, payload], in push order; made at the first push (most pages never push).
    pushes: list[list[Any]] | None = None
    focus: str | None = None
    title: str | None = None
    scroll: str | None = None
    navigate: str | None = None
    # CSS selector (a list) of the forms the browser resets after the swap.
    reset: str | None = None
    # What the server forgets of those forms (their pending uploads) and of the cancelled files
    # when the frame is sent: not before (form_valid() may still save the files), and not if
    # the handler fails, whose frame never tells the browser to let them go.
    forget: list[Callable[[], object]] | None = None
    # The files cancel_upload() took out of a form until then, as (form address, field, ref):
    # its form no longer lists them, though they are still on disk.
    cancelled: set[tuple[str | None, str, str]] | None = None
    # The live forms (by address; None: the page's own) whose valid submit used their pending
    # uploads up: the forms no longer hold them, though they are on disk until ``forget``.
    used_up: set[str | None] | None = None

    def push(self, name: str, payload: Any) -> None:
        if not isinstance(name, str) or not _PUSH_NAME_RE.fullmatch(name):
            raise ValueError(
                f"live_push_event() takes an event name of letters, digits and _.:- (such as "
                f'"chart:data"), not {name!r}.'
            )
        if len(name) > MAX_PUSH_NAME:
            raise ValueError(
                f"live_push_event({name[:40]!r}…): names are {MAX_PUSH_NAME} long at most."
            )
        if self.pushes is None:
            self.pushes = []
        elif len(self.pushes) >= MAX_PUSHES:
            raise ValueError(
                f"live_push_event({name!r}): {MAX_PUSHES} events are already waiting for this "
                "update; send one event with a list instead."
            )
        # A copy: the frame says what the payload was when pushed, not when it is sent.
        self.pushes.append(
            [name, json.loads(encoded_payload(f"live_push_event({name!r})", payload))]
        )

    def take(self) -> dict[str, Any]:
        """The frame keys for what was asked since the last take, and forget it. The reset
        forms' server-side state and the cancelled files go now, with the frame that resets or
        drops them in the browser."""
        self._forget_let_go()
        frame: dict[str, Any] = {}
        if self.pushes:
            frame[wire.PUSH] = self.pushes
        for key, value in (
            (wire.TITLE, self.title),
            (wire.FOCUS, self.focus),
            (wire.SCROLL, self.scroll),
            (wire.NAVIGATE, self.navigate),
            (wire.RESET, self.reset),
        ):
            if value is not None:
                frame[key] = value
        self.clear()
        return frame

    def leave(self) -> None:
        """The handler succeeded and sent the browser to another page (a redirect): the reset
        forms' server-side state and the cancelled files go now, and what it asked of this
        page's browser is dropped, so no later frame (a browser that stayed: a download, a
        declined "Leave page?") applies it to what the user does next."""
        self._forget_let_go()
        self.clear()

    def _forget_let_go(self) -> None:
        for forget in self.forget or ():
            forget()

    def clear(self) -> None:
        self.pushes = None
        self.focus = self.title = self.scroll = self.navigate = self.reset = None
        self.forget = None
        self.cancelled = None
        self.used_up = None

    def reset_form(self, address: str | None, forget: Callable[[], None] | None = None) -> None:
        """After the swap, the browser resets the live form of the component at ``address``
        (not one of a component inside it), or with ``None`` the page's own (not one of its
        components): htmx's morph keeps what the user typed in a control, where a reset shows
        the values the server rendered, and empties file inputs. ``forget`` runs when the frame
        is taken: the server drops what the emptied inputs held."""
        form = live_form_selector(address)
        if self.reset is None:
            self.reset = form
        elif form not in self.reset.split(","):
            self.reset += f",{form}"
        else:
            return  # asked already, forget included
        if forget is not None:
            self.forget_with_frame(forget)

    def upload_cancelled(
        self, address: str | None, field: str, ref: str, forget: Callable[[], object]
    ) -> None:
        """After the swap, the browser drops the file ``ref`` from the file input ``field`` of
        that live form, as its remove button would: a handler's ``cancel_upload()`` took it out
        of the form, and the input would still send it (a retry, a later selection's
        progress). The uploads script hears this push; the page shows the input, so it has.
        One push per input, however many files: a "Remove all" stays far below MAX_PUSHES.
        Until the frame is taken the form no longer lists the file (``cancelled_uploads``);
        ``forget`` then deletes it. A handler that fails drops both: the file stays on the
        server and in the input."""
        quoted = field.replace("\\", "\\\\").replace('"', '\\"')
        target = live_form_field(address, f'input[type=file][name="{quoted}"]')
        for name, payload in self.pushes or ():
            if name == wire.UPLOAD_CANCELLED and payload["input"] == target:
                payload["refs"].append(ref)
                break
        else:
            # First, as it may raise (MAX_PUSHES): then the file is not taken out either.
            self.push(wire.UPLOAD_CANCELLED, {"input": target, "refs": [ref]})
        if self.cancelled is None:
            self.cancelled = set()
        self.cancelled.add((address, field, ref))
        self.forget_with_frame(forget)

    def uploads_used(self, address: str | None, forget: Callable[[], object]) -> None:
        """A valid submit of that live form used its pending uploads up: the form holds them
        no more (the rest of the handler and its render), and ``forget`` deletes them when the
        frame is taken, or the browser leaves. A handler that fails, or whose render does,
        drops both: its frame never tells the browser, whose file inputs still hold the
        files, so the server keeps them for the user's next submit."""
        if self.used_up is None:
            self.used_up = set()
        elif address in self.used_up:
            return
        self.used_up.add(address)
        self.forget_with_frame(forget)

    def forget_with_frame(self, forget: Callable[[], object]) -> None:
        """Server-side work that goes when the frame is taken, or the browser leaves: what a
        reset or submitted form, a cancelled file, or a live component the render no longer
        shows kept (pending uploads, saved state). A handler that fails, or whose render does,
        drops it: its frame never tells the browser, which still shows what it showed."""
        self.forget = [*(self.forget or ()), forget]

    def lets_go(self, address: str | None) -> bool:
        """Whether that live form's pending uploads go with the next frame: ``reset_form``,
        or a submit used them up (``uploads_used``)."""
        return self.resets(address) or (self.used_up is not None and address in self.used_up)

    def cancelled_uploads(self, address: str | None) -> frozenset[tuple[str, str]]:
        """The (field, ref) of the files ``upload_cancelled`` took out of that live form since
        the last frame."""
        return frozenset((f, r) for a, f, r in self.cancelled or () if a == address)

    def resets(self, address: str | None) -> bool:
        """Whether the next frame resets that live form (``reset_form``)."""
        return self.reset is not None and live_form_selector(address) in self.reset.split(",")


def component_root(address: str) -> str:
    """The root element of the component at ``address`` (components/host.py renders it)."""
    return f'[data-live-component="{address}"]'


def live_form_selector(address: str | None) -> str:
    """The live form of the component at ``address`` (not one of a component inside it), or
    with ``None`` the page's own (not one of its components)."""
    if address is None:
        return "[data-live-form]:not([data-live-component] *)"
    own = component_root(address)
    return f"{own} [data-live-form]:not({own} [data-live-component] *)"


def live_form_field(address: str | None, field: str) -> str:
    """``field`` (an attribute selector) in the live form of the component at ``address``, or
    with ``None`` in the page's own: not a field of that id or name that another component
    shows, nor one of a component inside the form (its form holds a component's fields too)."""
    if address is None:
        return f"[data-live-form] {field}:not([data-live-component] *)"
    own = component_root(address)
    return f"{own} [data-live-form] {field}:not({own} [data-live-component] *)"


def encoded_payload(what: str, payload: Any) -> str:
    """``payload`` as JSON, or a clear error naming the limit when it is too big."""
    try:
        encoded = json.dumps(
            payload,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
            default=_lazy_text,
        )
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what}: the payload must be JSON (dicts, lists, str, int, float, bool, None): {exc}."
        ) from None
    size = len(encoded.encode())
    limit = conf.MAX_PUSH_BYTES
    if size > limit:
        raise ValueError(
            f"{what}: the payload is {size:,} bytes as JSON, over LIVE_VIEWS['MAX_PUSH_BYTES'] "
            f"({limit:,}). Send less (a page of data, or only what changed), or raise the setting."
        )
    return encoded


def _lazy_text(value: Any) -> str:
    # gettext_lazy() text is a str to Django: translated now, in the language the handler runs
    # in (the page's), not later where the frame is sent.
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def selector(what: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_SELECTOR:
        raise ValueError(
            f'{what} takes a CSS selector (such as "#email") of at most {MAX_SELECTOR} '
            f"characters, not {value!r}."
        )
    return value


def title(value: Any) -> str:
    text = str(value)  # lazy translations too
    if len(text) > MAX_TITLE:
        raise ValueError(f"live_title() takes at most {MAX_TITLE} characters, got {len(text)}.")
    return text


def page_url(value: Any) -> str:
    """A path on this site (``reverse()`` gives one): never another origin or a script URL."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(c) < 0x21 for c in value)
    ):
        raise ValueError(
            f'live_navigate() takes a path on this site such as "/orders/" (reverse() gives '
            f"one), not {value!r}. To leave the site, return redirect(url) from the handler."
        )
    return value
