"""The rows that broadcasts said changed since a page's last refresh, for its streams.

A model save's broadcast names its row (``live_views.pubsub.signals``). Refreshes coalesce, so
the rows of a burst are gathered here, one entry per row, until the refresh that reads them.
The set is bounded: past ``MAX_ROWS`` the page's streams are re-read whole instead.
"""

from __future__ import annotations

from typing import Any

from live_views.pubsub.inheritance import row_labels
from live_views.streams import ROW_ACTIONS, PageStreams, Row


class ChangedRows:
    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("actions", "overflow")

    def __init__(self) -> None:
        self.actions: dict[tuple[str, str], str] = {}
        self.overflow = False

    def __bool__(self) -> bool:
        return bool(self.actions) or self.overflow

    @property
    def rows(self) -> list[Row]:
        """The rows named, each also under the models it is a row of with its key by
        multi-table inheritance (a restaurant's row is its place's): a stream of either model
        shows it. A second parent's row has a key of its own: a broadcast names it apart."""
        rows = dict(self.actions)
        for (label, pk), action in self.actions.items():
            for other in row_labels(label):
                rows.setdefault((other, pk), action)  # a row named itself wins
        return [(label, pk, action) for (label, pk), action in rows.items()]

    def add(self, message: dict[str, Any]) -> None:
        """Note the row a broadcast message names, if it names a well-formed one."""
        row = message.get("row")
        if not (
            isinstance(row, list | tuple)
            and len(row) == 3
            and all(isinstance(part, str) for part in row)
            and row[2] in ROW_ACTIONS
        ):
            return
        if self.overflow:
            return
        label, pk, action = row
        before = self.actions.get((label, pk))
        if before == "c" and action == "u":
            action = "c"  # created then changed: still new to the page
        self.actions[(label, pk)] = action
        if len(self.actions) > PageStreams.MAX_ROWS:
            self.actions.clear()
            self.overflow = True
