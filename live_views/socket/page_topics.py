"""The topics a page follows: its view's own, and those of the live components it shows now.

A render that mounts components adds theirs; one that drops components takes away the topics
no component it still shows follows (nor the view itself). The socket, or the HTTP page, then
joins the page's groups and leaves those it took away."""

from __future__ import annotations

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


def take_left_groups(page: Following) -> list[str]:
    """The groups the page stopped following since the last call, for its subscriber to leave."""
    left, page.left_groups = page.left_groups, ()
    return list(left)
