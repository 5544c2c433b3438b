"""The README's examples beyond the counter and the forms (tests/test_docs.py), each run against
real parts; and no Python or template example of the README goes untested."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings
from django.urls import path
from django.utils.module_loading import import_string

from live_views import LiveListView, LiveTemplateView, live_event
from live_views.checks import check_settings
from live_views.testing import AsyncLiveClient, LiveClient
from tests.conftest import port_open, require
from tests.test_docs import EXAMPLES, README, readme_site
from tests.todoapp.models import Board, Task

TESTS = Path(__file__).resolve().parent


def test_every_python_and_template_example_is_tagged_and_tested():
    blocks = re.findall(r"(<!-- example: (\S+) -->\n)?```(\w*)\n", README)
    untagged = [lang for marker, _, lang in blocks if lang in {"python", "django"} and not marker]
    assert untagged == [], "README code blocks with no <!-- example: NAME --> marker"
    sources = "".join(test.read_text() for test in TESTS.glob("test_docs*.py"))
    untested = sorted(name for name in EXAMPLES if f'EXAMPLES["{name}"]' not in sources)
    assert untested == [], "README examples that no test in tests/test_docs*.py runs"


@dataclass
class Item:
    pk: int
    name: str


class RowsTableView(LiveTemplateView):
    """The README's table of rows, with events that change one row or add one."""

    template_name = "rows.html"

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.items = [Item(1, "apple"), Item(2, "pear")]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(items=self.items, **kwargs)

    @live_event
    def rename(self, pk: int, name: str) -> None:
        self.items[pk - 1].name = name

    @live_event
    def add(self, name: str) -> None:
        self.items.append(Item(len(self.items) + 1, name))


@pytest.fixture
def readme_rows_site(tmp_path: Path) -> Iterator[None]:
    page = (
        "{% load live_views %}<!doctype html><html><head></head><body {% live_connect %}>"
        + EXAMPLES["rows-table"]
        + "</body></html>"
    )
    routes = [path("rows/", RowsTableView.as_view())]
    with readme_site(tmp_path, templates={"rows.html": page}, modules={}, routes=lambda _: routes):
        yield


def test_readme_rows_table_sends_one_row_for_a_changed_row(readme_rows_site):
    client = LiveClient()
    with client.live("/rows/") as page:
        assert '<tbody id="lv-rows"' in page.html
        assert '<tr id="lv-row-1"' in page.html
        assert page.block("row", key=1) == "<td>apple</td>"

        changed = page.send("rename", pk=1, name="quince")["content"]
        assert 'id="lv-row-1"' in changed
        assert 'id="lv-rows"' not in changed  # the table around the row is not resent
        assert 'id="lv-row-2"' not in changed
        assert page.block("row", key=1) == "<td>quince</td>"

        added = page.send("add", name="fig")["content"]
        assert 'id="lv-rows"' in added  # a row added changes the table, sent whole
        assert page.block("row", key=3) == "<td>fig</td>"
    client.close()


def test_readme_broadcast_models_setting_passes_the_checks():
    namespace: dict[str, Any] = {}
    exec(EXAMPLES["broadcast-settings"], namespace)  # noqa: S102 - our README
    with override_settings(LIVE_VIEWS=namespace["LIVE_VIEWS"]):
        # shop is the README's imaginary app: its labels are the only complaint.
        assert [error.id for error in check_settings()] == ["live_views.E015"] * 2
    installed = {"BROADCAST_MODELS": ["todoapp.Task", "todoapp.Board"]}
    with override_settings(LIVE_VIEWS=installed):
        assert check_settings() == []


async def test_readme_broadcast_by_hand_reaches_pages(live_db):
    # The README's Order with its status, played by the test app's Task with its done flag.
    source = (
        EXAMPLES["broadcast-by-hand"]
        .replace('filter(status="new")', "filter(done=False)")
        .replace('update(status="paid")', "update(done=True)")
        .replace("Order", "Task")
    )
    board = await Board.objects.acreate(name="home")
    await Task.objects.acreate(board=board, title="buy milk")
    page = await AsyncLiveClient().live("/todo/tasks/")
    try:
        await sync_to_async(exec)(source, {"Task": Task})
        await page.wait_for_update()
        assert "buy milk (done)" in page.block("tasks")
    finally:
        await page.close()


def test_readme_shared_render_example_declares_a_shared_list_view():
    # The README's Score, played by the test app's Task.
    namespace: dict[str, Any] = {"Score": Task}
    exec(EXAMPLES["shared-render"], namespace)  # noqa: S102 - our README
    scoreboard = namespace["Scoreboard"]
    assert issubclass(scoreboard, LiveListView)
    assert scoreboard.live_shared_render is True
    assert scoreboard().get_live_subscriptions() == [Task]  # it follows its model's saves


async def test_readme_redis_layer_carries_messages():
    require(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
    namespace: dict[str, Any] = {}
    exec(EXAMPLES["redis-layer"], namespace)  # noqa: S102 - our README
    config = namespace["CHANNEL_LAYERS"]["default"]
    layer = import_string(config["BACKEND"])(**config["CONFIG"])
    channel = await layer.new_channel()
    await layer.group_add("readme-redis-example", channel)
    try:
        await layer.group_send("readme-redis-example", {"type": "readme.hello"})
        message = await asyncio.wait_for(layer.receive(channel), 5)
        assert message["type"] == "readme.hello"
    finally:
        await layer.group_discard("readme-redis-example", channel)
        await layer.close_pools()
