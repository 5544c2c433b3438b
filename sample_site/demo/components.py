"""Live components of the demo: reusable parts with their own state and events."""

from __future__ import annotations

from typing import Any

from live_views import LiveComponent, live_event


class LikeButton(LiveComponent):
    """A like button with its own state. On a live page it also tells the page (``self.parent``);
    on an ordinary page (the home page) it is live on its own and ``self.parent`` is None."""

    template_name = "demo/like_button.html"
    liked = False
    likes = 0

    def mount(self, likes: int = 0) -> None:
        self.likes = likes

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(liked=self.liked, likes=self.likes, **kwargs)

    @live_event
    def toggle(self) -> None:
        self.liked = not self.liked
        self.likes += 1 if self.liked else -1
        if self.parent is not None:
            self.parent.liked += 1 if self.liked else -1
