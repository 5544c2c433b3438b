"""The topics a page follows: its view's own, and those of the live components it shows now.

A render that mounts components adds theirs; one that drops components takes away the topics
no component it still shows follows (nor the view itself). Navigation to another query asks the
view again (its ``get_live_subscriptions()`` may name other rows now). The socket, or the HTTP
page, then joins the page's groups and leaves those it took away."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from live_views.pubsub.topics import group_name


class Following(Protocol):
    """What of a page (socket/page.py's LivePage) says what it follows."""

    own_topics: list[str]
    topics: list[str]
    topics_changed: bool
    left_groups: tuple[str, ...]


def follow_components(page: Following, started: set[str], stopped: set[str]) -> None:
    """The page's components started following ``started`` and stopped following ``stopped``
    (socket/components.py counts them across components)."""
    own = page.own_topics
    left = [topic for topic in page.topics if topic in stopped and topic not in own]
    added = sorted(started.difference(page.topics))
    if left or added:
        page.topics = [*(topic for topic in page.topics if topic not in left), *added]
        page.left_groups += tuple(group_name(topic) for topic in left)
        page.topics_changed = True


def follow_view(page: Following, own: list[str], components: Collection[str]) -> None:
    """The view now follows ``own`` itself (and its components ``components``)."""
    if own == page.own_topics:
        return
    keep = {*own, *components}
    left = [topic for topic in page.topics if topic not in keep]
    added = [topic for topic in own if topic not in page.topics]
    page.own_topics = own
    page.topics = [*(topic for topic in page.topics if topic in keep), *added]
    page.left_groups += tuple(group_name(topic) for topic in left)
    page.topics_changed = True


def take_left_groups(page: Following) -> list[str]:
    """The groups the page stopped following since the last call, for its subscriber to leave."""
    left, page.left_groups = page.left_groups, ()
    return list(left)
