"""live_views/pubsub/topics.py: what a page can listen to, and the channel-layer groups the topics
map to (built on the server only)."""

from __future__ import annotations

import re
import uuid

import pytest
from channels.layers import InMemoryChannelLayer
from django.contrib.auth import get_user_model
from django.test.utils import isolate_apps

from live_views.pubsub.topics import group_name, instance_topic, model_topic, topic_of, topics_of
from tests.todoapp.models import Album, Board, Tag, Task


def test_a_model_topic_is_its_lower_case_label():
    assert model_topic(Task) == "todoapp.task"
    assert model_topic(get_user_model()) == "auth.user"


def test_an_instance_topic_is_the_label_and_the_key():
    assert instance_topic(Board, 12) == "todoapp.board:12"
    assert instance_topic(Board, "12") == "todoapp.board:12"


def test_a_row_topic_spells_the_key_as_a_loaded_row_holds_it():
    key = uuid.uuid4()
    for given in (key, str(key).upper(), key.hex, f"{{{key}}}", key.int):
        assert instance_topic(Album, given) == f"todoapp.album:{key}"
    assert topic_of(Album(pk=str(key).upper())) == topic_of(Album(pk=key))
    assert instance_topic(Board, "05") == "todoapp.board:5"


def test_a_key_its_field_refuses_is_spelled_as_given():
    # A save never fails for its topic: such a key fails (or not) in the database instead.
    assert instance_topic(Album, "not-a-uuid") == "todoapp.album:not-a-uuid"
    assert instance_topic(Board, "five") == "todoapp.board:five"


def test_topic_of_each_kind_of_subscription():
    assert topic_of(Tag) == "todoapp.tag"
    assert topic_of(Tag(pk=4)) == "todoapp.tag:4"
    assert topic_of("news") == "news"


@isolate_apps("tests.todoapp")
def test_a_proxy_instance_follows_its_concrete_row():
    class TaskProxy(Task):
        class Meta:
            proxy = True
            app_label = "todoapp"

    # A save through either class publishes the concrete model's row topic.
    assert topic_of(TaskProxy(pk=2)) == topic_of(Task(pk=2)) == "todoapp.task:2"


@isolate_apps("tests.todoapp")
def test_a_proxy_model_is_followed_as_its_concrete_model():
    class TaskProxy(Task):
        class Meta:
            proxy = True
            app_label = "todoapp"

    assert topic_of(TaskProxy) == topic_of(Task) == "todoapp.task"


@pytest.mark.parametrize("wrong", [3, None, b"news", Task.objects.none(), [Task], object()])
def test_anything_else_is_refused_naming_it(wrong):
    with pytest.raises(TypeError, match=re.escape(f"Cannot subscribe to {wrong!r}")):
        topic_of(wrong)


def test_topics_of_is_sorted_without_duplicates():
    assert topics_of([Task, "news", Task(pk=1), Task, "news"]) == [
        "news",
        "todoapp.task",
        "todoapp.task:1",
    ]
    assert topics_of([]) == []


def test_group_names_are_valid_for_channels_whatever_the_topic():
    layer = InMemoryChannelLayer()
    for topic in ["news", "ü ö !", "a" * 1000, "todoapp.board:1", ""]:
        name = group_name(topic)
        assert re.fullmatch(r"lv\.[0-9a-f]{24}", name), name
        assert layer.require_valid_group_name(name)


def test_group_names_are_stable_and_distinct():
    assert group_name("todoapp.board:1") == group_name("todoapp.board:1")
    assert group_name("todoapp.board:1") != group_name("todoapp.board:11")
    assert "news" not in group_name("news")
