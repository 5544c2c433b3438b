"""The likes demo: one live component, a like button, used three times on a live page."""

from __future__ import annotations

from typing import Any

from demo.components import LikeButton
from live_views import LiveTemplateView, live_event

POSTS = [
    ("htmx", "htmx 4 is out", 12),
    ("channels", "Channels and the ASGI event loop", 7),
    ("phoenix", "What Phoenix LiveView taught us", 31),
]


class LikesView(LiveTemplateView):
    """Each post's like button is a ``LikeButton`` component (demo/components.py) with its own
    state and ``toggle`` event; a click re-renders that button only, and the page's count,
    which the button updates through ``self.parent``. "Unlike all" is the page's event: it tells
    each button with ``live_send_update()``, and only the buttons it changed and the count are
    sent."""

    template_name = "demo/likes.html"
    liked = 0  # how many posts this visitor likes

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        posts = [{"slug": s, "title": t, "likes": n} for s, t, n in POSTS]
        return super().get_context_data(posts=posts, liked=self.liked, **kwargs)

    @live_event
    def unlike_all(self) -> None:
        for slug, _title, _likes in POSTS:
            self.live_send_update(LikeButton, slug, liked=False)
        self.liked = 0
        # The count changed too: that block and the buttons render, not the rest of the page.
        self.live_target("summary")
