"""Background work: ``self.live_async("report", build_report, year)`` runs slow work (an API
call, a report) off the event loop while the page keeps answering its events.

The view's attribute ``report`` becomes an ``AsyncResult`` at once (``loading``), so the blocks
that read it show a loading state; when the work ends, the result or the error is set on it and
the page re-renders, in the page's own turn like any event (live_views/socket/jobs.py runs it).
The work may call ``report_progress(value)`` as it goes: the page re-renders with
``report.progress`` set (coalesced: a burst of reports renders once). When the page goes away the
work is cancelled: an async function is cancelled, and a sync one's next ``report_progress()``
raises ``LiveAsyncCancelled``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import timezone, translation
from django.utils.translation import gettext


class LiveAsyncCancelled(Exception):
    """Raised by ``report_progress()`` in work whose page went away."""


@dataclass
class AsyncResult:
    """What the page shows of one piece of background work."""

    loading: bool = True
    result: Any = None
    error: str | None = None  # a message fit for the page (the exception is logged)
    progress: Any = None  # the work's last report_progress(value)

    @property
    def ok(self) -> bool:
        return not self.loading and self.error is None

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass
class Job:
    name: str
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    shown: AsyncResult  # the object the view's attribute holds
    cancelled: threading.Event = field(default_factory=threading.Event)
    # Set from the work's thread, read in the page's turn: the latest report wins.
    progress: Any = None
    on_progress: Callable[[Job], None] | None = None
    # What was active where live_async() was called (the page's middleware had activated it):
    # the work runs outside the page's request processing, but in its language and time zone.
    language: str | None = field(default_factory=translation.get_language)
    time_zone: tzinfo = field(default_factory=timezone.get_current_timezone)

    @contextmanager
    def activated(self) -> Iterator[None]:
        with timezone.override(self.time_zone):
            if self.language is None:  # translations deactivated where live_async() was called
                yield
                return
            with translation.override(self.language):
                yield

    # What the page shows in the work's place when it fails: the visitor reads it, so in the
    # page's language (made only on failure: no cost to work that succeeds).
    def not_finished(self) -> str:
        with self.activated():
            return gettext("The server could not finish '%(name)s'.") % {"name": self.name}

    def not_shown(self) -> str:
        with self.activated():
            return gettext("The server could not show '%(name)s'.") % {"name": self.name}

    def report(self, value: Any) -> None:
        if self.cancelled.is_set():
            raise LiveAsyncCancelled(f"the page of {self.name!r} went away")
        self.progress = value
        if self.on_progress is not None:
            self.on_progress(self)


class PageJobs:
    """Work a page's handlers asked for, not yet started (the socket starts it after the
    event's frame is sent)."""

    __slots__ = ("pending",)  # one per open page (docs/benchmarks.md, memory)

    def __init__(self) -> None:
        self.pending: list[Job] = []

    def take(self) -> list[Job]:
        taken, self.pending = self.pending, []
        return taken

    def forget_pending(self) -> None:
        self.pending = []


current_job: ContextVar[Job | None] = ContextVar("live_views_job", default=None)


def report_progress(value: Any) -> None:
    """From work started by ``live_async()``: show ``value`` as its ``progress`` (a fraction, a
    count, a message). Outside such work it does nothing."""
    job = current_job.get()
    if job is not None:
        job.report(value)


class _Runtime(Protocol):
    connected: bool
    jobs: PageJobs


class LiveAsyncMixin:
    """``live_async()`` for live views (mixed into ``LiveViewMixin``)."""

    if TYPE_CHECKING:

        @property
        def live_runtime(self) -> _Runtime: ...

    def live_async(self, name: str, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        """Run ``func(*args, **kwargs)`` in the background (a sync function in a worker
        thread, an async one on the event loop, as is an awaitable a sync one returns) and
        show it as ``self.<name>``, an ``AsyncResult``: ``loading`` until it ends, then
        ``result`` or ``error``. Starting
        work under a name that still runs cancels the earlier one. In the page's own GET
        (before it is live) the work does not run: the page shows it loading, and the live
        page's mount starts it (socket/jobs.py on a socket, http/jobs.py on the HTTP transport)."""
        if not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"live_async({name!r}): the name must be a public attribute name.")
        if callable(getattr(type(self), name, None)):
            raise ValueError(
                f"live_async({name!r}): {type(self).__qualname__}.{name} is a method; pick an "
                "attribute name for the result."
            )
        shown = AsyncResult()
        setattr(self, name, shown)
        if self.live_runtime.connected:
            self.live_runtime.jobs.pending.append(Job(name, func, args, kwargs, shown))
