"""Views for tests/test_targets.py: long lists whose events name the blocks they change."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import path

from live_views import LiveTemplateView, live_event


class Cell:
    """A value that counts how often a template renders it."""

    renders: ClassVar[int] = 0

    def __init__(self, value: int, key: str = "") -> None:
        self.value = value
        self.key = key

    def __str__(self) -> str:
        Cell.renders += 1
        return str(self.value)


class GridView(LiveTemplateView):
    template_name = "testapp/targets.html"
    size = 1000

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "cells" not in self.__dict__:
            self.cells = [Cell(0) for _ in range(self.size)]
            self.groups = [[Cell(0, f"{g}-{c}") for c in range(3)] for g in range(3)]
        total = sum(cell.value for cell in self.cells)
        return super().get_context_data(cells=self.cells, groups=self.groups, total=total, **kwargs)

    @live_event
    def bump(self, row: int) -> None:
        self.cells[row].value += 1
        self.live_target("row", key=row)

    @live_event
    def bump_everywhere(self, row: int) -> None:
        self.cells[row].value += 1

    @live_event
    def bump_cell(self, group: int, cell: int) -> None:
        self.groups[group][cell].value += 1
        self.live_target("cell", key=f"{group}-{cell}")

    @live_event
    def drop_and_bump_cell(self, group: int, drop: int, cell: int) -> None:
        # The dropped cell moves the others: the named block is no longer where it was.
        cells = self.groups[group]
        target = cells[cell]
        del cells[drop]
        target.value += 1
        self.live_target("cell", key=target.key)

    @live_event
    def target_nothing_known(self) -> None:
        self.cells[0].value += 1
        self.live_target("row", key="no-such-row")


urlpatterns = [path("grid/", GridView.as_view())]
