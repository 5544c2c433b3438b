"""The server log demo: 100,000 lines the server never holds. The page streams 50 lines at a
time as you scroll (htmx's ``intersect`` trigger on a sentinel), and a summary of every line is
counted in the background with a progress bar while the page keeps scrolling."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from live_views import LiveTemplateView, live_event, report_progress

TOTAL = 100_000
LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARNING", "INFO", "ERROR", "INFO", "DEBUG")
WORDS = ("cache", "login", "order", "payment", "report", "session", "upload", "search", "mail")


@dataclass(frozen=True)
class Line:
    number: int
    level: str
    message: str
    starred: bool = False


def line(number: int, starred: bool = False) -> Line:
    """Line ``number`` of the log, computed: the same every time, kept nowhere."""
    level = LEVELS[(number * 7919) % len(LEVELS)]
    word = WORDS[(number * 104729) % len(WORDS)]
    return Line(
        number, level, f"{word} request {number * 31 % 9973} took {number % 997} ms", starred
    )


def lines(start: int, end: int, starred: frozenset[int] = frozenset()) -> Iterator[Line]:
    return (line(n, n in starred) for n in range(start, min(end, TOTAL)))


def count_levels() -> dict[str, int]:
    """Read every line (slowly, as a real report would), reporting progress as it goes."""
    counts: Counter[str] = Counter()
    chunk = TOTAL // 20
    for start in range(0, TOTAL, chunk):
        counts.update(item.level for item in lines(start, start + chunk))
        report_progress((start + chunk) / TOTAL)
        time.sleep(0.05)
    return dict(sorted(counts.items()))


class LogView(LiveTemplateView):
    """``?window=N`` keeps only the last N lines in the browser while you scroll."""

    template_name = "demo/log.html"
    page_size = 50
    shown = page_size  # page state: how many lines the browser was sent
    starred: frozenset[int] = frozenset()
    summary = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        window = self.request.GET.get("window", "")
        self.live_stream(
            "lines",
            lines(0, self.page_size),
            key="number",
            limit=-int(window) if window.isdigit() and int(window) > 0 else None,
        )
        return super().get_context_data(shown=self.shown, total=TOTAL, **kwargs)

    @live_event
    def load_more(self, after: int) -> None:
        if after != self.shown:
            return  # a sentinel that fired twice: those lines are on their way already
        for item in lines(after, after + self.page_size, self.starred):
            self.live_stream_insert("lines", item)
        self.shown = min(after + self.page_size, TOTAL)

    @live_event
    def star(self, number: int) -> None:
        self.starred = self.starred ^ {number}
        # The line is re-rendered where the browser shows it: nothing else is sent.
        self.live_stream_insert("lines", line(number, number in self.starred))

    @live_event
    def to_top(self, number: int) -> None:
        # A move is a delete and an insert: the line leaves its place and arrives at the top.
        self.live_stream_delete("lines", number)
        self.live_stream_insert("lines", line(number, number in self.starred), at=0)

    @live_event
    def hide(self, number: int) -> None:
        self.live_stream_delete("lines", number)

    @live_event
    def summarize(self) -> None:
        self.live_async("summary", count_levels)
