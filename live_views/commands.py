"""What an event handler can ask of the browser besides new HTML (README "JavaScript hooks,
events both ways"): an event for the page's JS, focus, a new title, a scroll, another live page.

Each is sent with the frame that follows (the event's reply, or a broadcast refresh's update) and
applied after its blocks are swapped in. Serving an HTTP request there is no browser listening:
all but ``live_navigate()`` do nothing then, so ``get_context_data()`` may call them freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from live_views.connect import effects

if TYPE_CHECKING:
    from live_views.runtime import LiveRuntime


class LiveCommandsMixin:
    # Events the browser sends on its own every N seconds while the page is visible:
    # {"tick": 5} calls the live event "tick" every 5 seconds (live_views/polling.py).
    live_every: Mapping[str, float] = {}

    if TYPE_CHECKING:

        @property
        def live_runtime(self) -> LiveRuntime: ...

    def live_push_event(self, name: str, payload: Any = None) -> None:
        """Send ``payload`` (JSON, at most ``MAX_PUSH_BYTES``) to the page's JS: to every hook's
        ``handleEvent(name, …)`` and as a ``live:push`` DOM event on the root."""
        if self.live_runtime.connected:
            self.live_runtime.effects.push(name, payload)

    def live_focus(self, selector: str) -> None:
        """Focus the first element matching ``selector`` after the update."""
        checked = effects.selector("live_focus()", selector)
        if self.live_runtime.connected:
            self.live_runtime.effects.focus = checked

    def live_title(self, title: str) -> None:
        """Set the document's title after the update."""
        checked = effects.title(title)
        if self.live_runtime.connected:
            self.live_runtime.effects.title = checked

    def live_scroll_into_view(self, selector: str) -> None:
        """Scroll the first element matching ``selector`` into view after the update."""
        checked = effects.selector("live_scroll_into_view()", selector)
        if self.live_runtime.connected:
            self.live_runtime.effects.scroll = checked

    def live_navigate(self, url: str) -> None:
        """Go to the live page at ``url`` (a path on this site) without a full page load: the
        browser adds a history entry, swaps in the new page's title and body, and its view
        mounts with its own access checks. A page that is not live loads as usual."""
        checked = effects.page_url(url)
        if not self.live_runtime.connected:
            raise RuntimeError(
                f"{type(self).__qualname__}.live_navigate() was called while serving an HTTP "
                "request; it moves a live page from an event handler. Over HTTP, return "
                "redirect(url) instead."
            )
        self.live_runtime.effects.navigate = checked
