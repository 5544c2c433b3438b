"""The likes demo: one live component, a like button, used three times on a live page."""

from __future__ import annotations

from typing import Any

from live_views import LiveTemplateView

POSTS = [
    ("htmx", "htmx 4 is out", 12),
    ("channels", "Channels and the ASGI event loop", 7),
    ("phoenix", "What Phoenix LiveView taught us", 31),
]


class LikesView(LiveTemplateView):
    """Each post's like button is a ``LikeButton`` component (demo/components.py) with its own
    state and ``toggle`` event; a click re-renders that button only, and the page's count,
    which the button updates through ``self.parent``."""

    template_name = "demo/likes.html"
    liked = 0  # how many posts this visitor likes

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        posts = [{"slug": s, "title": t, "likes": n} for s, t, n in POSTS]
        return super().get_context_data(posts=posts, liked=self.liked, **kwargs)
