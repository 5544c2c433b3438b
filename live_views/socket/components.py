"""The page's live components on its socket: find the one an event is for (by the address the
server gave it, never by anything that names code), and say which to re-render after it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

from live_views.components import LiveComponent, journal
from live_views.components.host import ComponentHost
from live_views.components.renders import Key
from live_views.pubsub.topics import topics_of
from live_views.render.collector import BlockCollector
from live_views.runtime import PageToken
from live_views.socket.protocol import FrameError
from live_views.socket.state import PageState, state_names
from live_views.streams import PageStreams


def host_of(view: Any) -> ComponentHost | None:
    # Only ever a ComponentHost (components/host.py, socket/component_mount.py) or None. The
    # functions every event calls read it inline, as here: most pages have no host, and a call
    # to learn so cost each of them as much as the rest of its work.
    host: ComponentHost | None = view.live_runtime.components
    return host


def event_component(view: Any, address: str, ref: int | None) -> tuple[Key, LiveComponent]:
    """The component of this page that ``address`` names; an unknown_component error otherwise
    (a tampered address, or one of another page, or of a component no longer shown)."""
    host = host_of(view)
    found = host.find(address) if host is not None else None
    if found is None:
        raise FrameError("unknown_component", "No such component on this page.", ref)
    return found


def rerender_only(view: Any, key: Key, *, page_changed: bool) -> None:
    """The next render re-renders this component (and the components in it) only; the others
    are shown as they last rendered. Unless the page changed (its handler used
    ``self.parent``), the render does not walk the page's liveblocks either: it is a targeted
    render of the component's root (or of the page blocks the handler named with the parent's
    ``live_target()`` and the root), whose cost does not grow with the other components."""
    host = host_of(view)
    if host is None:
        return
    host.rerender = frozenset({key})
    runtime = view.live_runtime
    if page_changed and runtime.targets is None:
        return  # every page liveblock renders; the other components hand over their last render
    runtime.targets = (runtime.targets or frozenset()) | {host.target_root(key)}


def render_sent_updates(view: Any, *, page_changed: Callable[[], bool]) -> None:
    """After a handler that called ``live_send_update()``: when it changed nothing else of the
    page (no attribute of the view set, no block named, no stream changed), the render is of
    the updated components only, as Phoenix renders a component after ``send_update`` without
    its parent; otherwise they render with what the handler changed (``sent_targets``)."""
    host: ComponentHost | None = view.live_runtime.components
    if host is None or not host.sent:
        return
    runtime = view.live_runtime
    # Asked last: comparing the view's attributes is the costly part, and most events send none.
    if runtime.targets is None and not runtime.streams.pending and not page_changed():
        runtime.targets = frozenset()  # the components' roots join in sent_targets()
        host.rerender = (host.rerender or frozenset()) | frozenset(host.sent)


def sent_targets(view: Any, targets: frozenset[str] | None) -> frozenset[str] | None:
    """A targeted render also renders the components sent an update: their roots (or those of
    the components they are in) join the blocks it renders."""
    host: ComponentHost | None = view.live_runtime.components
    if targets is None or host is None or not host.sent:
        return targets
    return targets | {host.target_root(key) for key in host.sent}


def sent_updates_start(view: Any) -> None:
    """An event starts: the updates applied before it stand, whatever becomes of it."""
    host: ComponentHost | None = view.live_runtime.components
    if host is not None:
        host.sent.event_started()


def forget_sent_updates(view: Any) -> None:
    """The handler, or the render after it, failed: what it sent goes with what else it did,
    and the components whose ``update()`` it reached are as they were."""
    host = host_of(view)
    if host is not None:
        host.sent.undo()


def share_csrf_token(view: Any, token: PageToken) -> None:
    """The page's components write the token its liveblocks write (socket/csrf.py)."""
    view.live_runtime.csrf = token
    host = host_of(view)
    if host is not None:  # a component's own socket: its host is there from the start
        host.csrf.page = token


def render_all(view: Any) -> None:
    """The next render renders every component of the page whole (the page's CSRF token
    changed: each block that holds it must be sent again)."""
    host = host_of(view)
    if host is not None:
        host.rerender = None
        for component in host.mounted.values():
            component.live_runtime.targets = None


class ComponentStates:
    """Where a page's components keep their ``live_state``, by address. An object with slots
    rather than a closure: every socket's page has one (docs/benchmarks.md, memory)."""

    __slots__ = ("page_id", "restoring")

    def __init__(self, page_id: str) -> None:
        self.page_id = page_id
        self.restoring = True  # until the page's first render on this socket is over

    def __call__(self, address: str) -> PageState:
        return PageState(f"{self.page_id}.{address}")


def keep_state(view: Any, page_id: str) -> None:
    """Components with ``live_state`` keep it as the page keeps its own: in the state cache,
    under the page id of its token and the component's address. The page's component host is
    made when its first component renders, not here: most pages never have one."""

    state_of = ComponentStates(page_id)
    view.live_runtime.component_states = state_of
    host = host_of(view)
    if host is not None:
        host.state_of = state_of


def keeps_state(view: Any) -> bool:
    """Whether the page may have state in the state cache: its own ``live_state``, or that of
    a component it shows or showed."""
    return bool(state_names(view)) or host_of(view) is not None


def take_saved_states(view: Any) -> None:
    """Another copy of the page answered it since this one did (socket/holder.py): each
    component it holds takes the ``live_state`` saved since; one whose saved state is gone (that
    copy stopped showing it) mounts afresh in the next render, as it did there; and one that
    copy mounted and this one never held gets its saved state back when it mounts."""
    states = view.live_runtime.component_states
    if isinstance(states, ComponentStates):
        states.restoring = True  # until the next render of the whole page is over
    host = host_of(view)
    if host is None:
        return
    for key, store in list(host.states.items()):
        if not isinstance(store, PageState):
            continue
        had_state = store.saved is not None
        if not store.restore(host.mounted[key]) and had_state:
            host.drop(key, forget=False)  # forgotten there already


def refill_streams(view: Any) -> None:
    """The page's streams, and its components', are sent whole from their next declaration
    (``PageStreams.forget_shown``)."""
    view.live_runtime.streams.forget_shown()
    host = host_of(view)
    if host is not None:
        for component in host.mounted.values():
            component.live_runtime.streams.forget_shown()


def state_saver(view: Any, key: Key, component: LiveComponent) -> Callable[[], None] | None:
    """After a component's event: its ``live_state``, encoded now (a value JSON cannot hold
    fails the event), and what saves it once the reply is rendered."""
    host = host_of(view)
    if host is None:
        return None
    states = host.states
    store = states.get(key)
    if not isinstance(store, PageState):
        return None
    encoded = store.encode(component)
    kept: PageState = store

    def save() -> None:
        # Not when the reply's render dropped it (its handler hid it through self.parent):
        # that render forgot its state, which must stay forgotten.
        if states.get(key) is kept:
            kept.save(encoded)

    return save


def changed_topics(view: Any) -> tuple[set[str], set[str]]:
    """The topics the page's components started and stopped following since the last call
    (their live_subscriptions): those of the components mounted since, and those no component
    it still shows follows. A page whose components come and go (the rows of a feed) follows
    the rows it shows, not every row it ever showed."""
    host: ComponentHost | None = view.live_runtime.components
    if host is None or not (host.new_components or host.dropped_components):
        return set(), set()
    # Read before anything changes: subscriptions that raise fail the render, which is undone
    # (components/journal.py) with the host as it was.
    follows = [
        (key, frozenset(topics_of(component.get_live_subscriptions())))
        for key, component in host.new_components
        if host.mounted.get(key) is component  # (not dropped again since)
    ]
    fresh, host.new_components = host.new_components, []
    gone, host.dropped_components = host.dropped_components, []
    counts = host.topic_counts  # how many of the shown components follow each topic
    started: set[str] = set()
    stopped: set[str] = set()

    def unfollow(key: Key) -> None:
        for topic in host.followed.pop(key, ()):
            counts[topic] -= 1
            if not counts[topic]:
                del counts[topic]
                stopped.add(topic)

    for key in gone:
        unfollow(key)
    for key, _ in fresh:
        unfollow(key)  # (mounted anew: what it followed before no longer counts)
    for key, topics in follows:
        host.followed[key] = topics
        for topic in topics:
            if not counts[topic]:
                started.add(topic)
            counts[topic] += 1
    return started - stopped, stopped - started


def followed_topics(view: Any) -> Collection[str]:
    """The topics the components the page shows now follow."""
    host = host_of(view)
    return host.topic_counts.keys() if host is not None else ()


def _declared_streams(view: Any) -> Iterator[PageStreams]:
    """The streams of the page and of the components it shows, each that declared any: the
    page's first, so a page with streams of its own reads no component."""
    runtime = view.live_runtime
    if runtime.streams.streams:
        yield runtime.streams
    host = runtime.components
    if isinstance(host, ComponentHost):
        for component in host.mounted.values():
            if component.live_runtime.streams.streams:
                yield component.live_runtime.streams


def page_streams(view: Any) -> list[PageStreams]:
    """The streams of the page and of the components it shows: a broadcast's rows go to each
    (one that declared none is left out)."""
    return list(_declared_streams(view))


def has_streams(view: Any) -> bool:
    """``page_streams(view)`` is not empty: asked of every page of a shared fan-out, so it stops
    at the first one found, and makes no list (nor generator: most pages show no component)."""
    if view.live_runtime.streams.streams:
        return True
    return has_components(view) and next(_declared_streams(view), None) is not None


def has_components(view: Any) -> bool:
    """Whether the page shows live components: their state is the page's own (what its
    user's events set, a half-typed form), which a render made for no one cannot show."""
    host = host_of(view)
    return host is not None and bool(host.mounted)


def stream_models(view: Any) -> frozenset[str]:
    """The labels of the models whose broadcast rows the streams of the page and of its
    components insert."""
    return frozenset().union(*(streams.source_models() for streams in page_streams(view)))


def begin_render(view: Any) -> None:
    """A render of the page starts (see ``render_over``)."""
    host: ComponentHost | None = view.live_runtime.components
    if host is not None:
        journal.begin_render(host)


def render_over(view: Any, *, failed: bool) -> None:
    """The page's render is over; one that failed, its frame never sent, is undone: the
    components it dropped are the page's again, those it mounted are gone
    (components/journal.py)."""
    host: ComponentHost | None = view.live_runtime.components
    if host is not None:
        journal.render_over(host, failed=failed)


def end_render(view: Any, collector: BlockCollector | None) -> None:
    """A render of the page finished (or failed): forget components it no longer showed."""
    host: ComponentHost | None = view.live_runtime.components
    if host is not None:
        host.end_render(collector)
    states = view.live_runtime.component_states
    if collector is not None and states is not None and states.restoring:
        states.restoring = False
