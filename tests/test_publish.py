"""live_views/pubsub/publish.py: a message per topic on the channel layer, after the commit,
bounded in time, and never failing the save that published it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import override_settings
from django.test.utils import isolate_apps

from live_views.pubsub import publish as publish_module
from live_views.pubsub import readers
from live_views.pubsub.publish import model_change_topics, publish, publish_after_commit
from live_views.pubsub.topics import group_name, topic_of
from tests.channel_layers import FlakyLayer, HungLayer, RecordingLayer, layer_settings, send_inline
from tests.todoapp.models import Board, Note, Task

BROADCAST = {"type": "live.broadcast"}


def to(topic: str, message: dict[str, str] = BROADCAST) -> tuple[str, dict[str, str]]:
    """The message as sent to ``topic``'s group: it names the group (each process's hub routes
    it to that group's pages, socket/hub.py)."""
    group = group_name(topic)
    return (group, {**message, "group": group})


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, dict[str, str]]]]:
    send_inline(monkeypatch)
    RecordingLayer.sent = []
    FlakyLayer.reset()
    with override_settings(CHANNEL_LAYERS=layer_settings(FlakyLayer)):
        yield RecordingLayer.sent
    RecordingLayer.sent = []
    FlakyLayer.reset()


def test_publish_sends_one_message_to_each_topics_group(recorded):
    publish(["todoapp.task", "news"])
    assert recorded == [to("todoapp.task"), to("news")]


def test_publish_sends_the_message_it_is_given(recorded):
    publish(iter(["live_views.user:1"]), {"type": "live.session_check"})
    assert recorded == [to("live_views.user:1", {"type": "live.session_check"})]


def test_a_layer_that_fails_once_is_tried_again(recorded):
    FlakyLayer.send_failures = 1
    publish(["news"])
    assert recorded == [to("news")]


def test_a_layer_that_is_down_is_logged_and_the_caller_carries_on(recorded, caplog):
    FlakyLayer.send_failures = 10
    with caplog.at_level("WARNING", logger="live_views"):
        publish(["news"])  # does not raise
    assert recorded == []
    assert "could not broadcast a change to the pages that follow news (they" in caplog.text


def test_a_hung_in_memory_layer_holds_the_caller_for_the_timeout_only(monkeypatch, caplog):
    # Outside the server's worker thread the in-memory layer is sent to in place (its queues
    # wake only their own loops), bounded by PUBLISH_TIMEOUT; a real layer is handed to the
    # background sender (test_sender.py, test_scaleout.py's paused Redis).
    monkeypatch.setattr(publish_module, "PUBLISH_TIMEOUT", 0.2)
    with override_settings(CHANNEL_LAYERS=layer_settings(HungLayer)):
        start = time.monotonic()
        with caplog.at_level("WARNING", logger="live_views"):
            publish(["news"])
            assert publish_module.sender.flush(5)
        elapsed = time.monotonic() - start
    assert elapsed < 2
    assert "could not broadcast" in caplog.text


async def test_the_in_memory_layer_is_not_bounded_by_the_timeout(monkeypatch):
    # It only puts the message on this process's queues: on an event loop too busy to do that
    # within the bound (a fan-out to 10,000 pages), the message still goes out, and no
    # "could not broadcast" is logged for it.
    monkeypatch.setattr(publish_module, "PUBLISH_TIMEOUT", 0.0)
    with override_settings(CHANNEL_LAYERS=layer_settings(InMemoryChannelLayer)):
        layer: Any = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group_name("news"), channel)
        await publish_module._send_bounded(["news"], BROADCAST)
        assert await asyncio.wait_for(layer.receive(channel), 1) == to("news")[1]


def test_a_reading_loop_that_runs_nothing_holds_the_caller_for_a_bound_only(monkeypatch, caplog):
    # A test's save puts onto the in-memory layer on the loop that reads the channel
    # (pubsub/readers.py). A loop stuck in a callback, or stopped after the look-up, must not
    # hold the save for good.
    monkeypatch.setattr(publish_module, "IN_MEMORY_WAIT", 0.2)
    # Sent from here, as in a test with no server: not through the background sender, which
    # a worker-thread loop an earlier test left in this process would pick (seen once in CI,
    # on a loaded machine: the save then waited for nothing and said nothing). HTTP pages
    # hosted in the process change nothing: a loop other than the sender's reads the channel.
    monkeypatch.setattr(publish_module, "server_loop", lambda: None)
    loop, stuck = asyncio.new_event_loop(), threading.Event()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    with override_settings(CHANNEL_LAYERS=layer_settings(InMemoryChannelLayer)):
        layer: Any = get_channel_layer()

        async def follow() -> str:
            channel = await layer.new_channel()
            readers.reading(channel)
            await layer.group_add(group_name("news"), channel)
            return channel

        channel = asyncio.run_coroutine_threadsafe(follow(), loop).result(5)
        loop.call_soon_threadsafe(stuck.wait, 5)
        start = time.monotonic()
        with caplog.at_level("WARNING", logger="live_views"):
            publish(["news"])
        elapsed = time.monotonic() - start
        stuck.set()
        # Once the loop runs again, the message is there all the same.
        received = asyncio.run_coroutine_threadsafe(layer.receive(channel), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()
    assert elapsed < 2
    assert "could not broadcast a change to the pages that follow news (they" in caplog.text
    assert received == to("news")[1]


def test_without_a_channel_layer_publishing_does_nothing(caplog):
    with override_settings(CHANNEL_LAYERS={}), caplog.at_level("WARNING", logger="live_views"):
        publish(["news"])
    assert caplog.text == ""


# -- after the commit ---------------------------------------------------------------------------


def test_outside_a_transaction_publish_after_commit_sends_at_once(recorded, transactional_db):
    publish_after_commit(["news"])
    assert recorded == [to("news")]


def test_inside_a_transaction_nothing_is_sent_before_the_commit(recorded, transactional_db):
    with transaction.atomic():
        publish_after_commit(["news"], message={"type": "live.session_ended"})
        assert recorded == []
    assert recorded == [to("news", {"type": "live.session_ended"})]


def test_a_rolled_back_transaction_sends_nothing(recorded, transactional_db):
    with transaction.atomic():
        publish_after_commit(["news"])
        transaction.set_rollback(True)
    assert recorded == []


# -- what a change is about ---------------------------------------------------------------------


def test_a_rows_topics_are_its_model_itself_and_the_rows_it_points_to():
    task = Task(pk=3, board_id=7, title="t")
    assert model_change_topics(task) == ["todoapp.task", "todoapp.task:3", "todoapp.board:7"]


def test_an_empty_foreign_key_points_nowhere():
    assert model_change_topics(Board(pk=1, name="b")) == ["todoapp.board", "todoapp.board:1"]
    owned = Board(pk=1, name="b", owner=get_user_model()(pk=5))
    assert model_change_topics(owned) == ["todoapp.board", "todoapp.board:1", "auth.user:5"]


def test_a_model_without_foreign_keys_has_two_topics():
    assert model_change_topics(Note(pk=9)) == ["todoapp.note", "todoapp.note:9"]


@isolate_apps("tests.todoapp")
def test_a_parent_named_by_another_field_than_its_key_still_hears_its_children():
    class Shelf(models.Model):
        code = models.CharField(max_length=10, unique=True)

        class Meta:
            app_label = "todoapp"

        def __str__(self) -> str:
            return self.code

    class Book(models.Model):
        shelf = models.ForeignKey(Shelf, to_field="code", on_delete=models.CASCADE)

        class Meta:
            app_label = "todoapp"

        def __str__(self) -> str:
            return f"book {self.pk}"

    shelf = Shelf(pk=7, code="A1")
    book = Book(pk=3, shelf=shelf)
    assert model_change_topics(book) == ["todoapp.book", "todoapp.book:3", topic_of(shelf)]
