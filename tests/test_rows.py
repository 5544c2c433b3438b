"""Model-typed event arguments are looked up inside the view's own queryset."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.todoapp.models import Board, Task

pytestmark = [pytest.mark.urls("tests.todoapp.row_views")]


@pytest.fixture
def tasks(live_db, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    bob = django_user_model.objects.create_user("bob", password="pw")
    public = Board.objects.create(name="public")
    private = Board.objects.create(name="bob's", owner=bob)
    return {
        "alice": alice,
        "bob": bob,
        "mine": Task.objects.create(board=public, title="public task"),
        "bobs": Task.objects.create(board=private, title="bob's secret"),
    }


def test_a_row_of_the_views_queryset_reaches_the_handler(live_client, tasks):
    with live_client.live("/mine/") as page:
        reply = page.send("finish", task=tasks["mine"].pk)
        assert "error" not in reply
        assert "public task (done)" in page.block("tasks")
    assert Task.objects.get(pk=tasks["mine"].pk).done


def test_a_row_outside_the_views_queryset_is_refused_like_a_missing_one(live_client, tasks):
    live_client.force_login(tasks["alice"])
    with live_client.live("/mine/") as page:
        other = page.send("finish", task=tasks["bobs"].pk)
        missing = page.send("finish", task=999_999)
        assert other["error"]["code"] == "bad_arguments"
        assert other["error"]["message"] == missing["error"]["message"]
        assert "no Task with that key here" in other["error"]["message"]
        assert "secret" not in other["error"]["message"]
    assert not Task.objects.get(pk=tasks["bobs"].pk).done


def test_the_owner_may_name_their_own_private_row(live_client, tasks):
    live_client.force_login(tasks["bob"])
    with live_client.live("/mine/") as page:
        page.send("finish", task=tasks["bobs"].pk)
        assert "bob&#x27;s secret (done)" in page.block("tasks")


@pytest.mark.parametrize("value", ["abc", "1.5", True, [1], None, ""])
def test_a_value_that_is_no_primary_key_is_refused(live_client, tasks, value):
    with live_client.live("/mine/") as page:
        reply = page.send("finish", task=value)
        assert reply["error"]["code"] in ("bad_arguments", "bad_frame")
    assert not Task.objects.filter(done=True).exists()


def test_a_lookup_expression_cannot_be_smuggled_in(live_client, tasks):
    with live_client.live("/mine/") as page:
        for value in ({"pk__gt": 0}, {"_connector": "OR"}):
            reply = page.send("finish", task=value)
            assert reply["error"]["code"] == "bad_frame"
    assert not Task.objects.filter(done=True).exists()


def test_a_list_of_rows_must_all_be_visible(live_client, tasks):
    live_client.force_login(tasks["alice"])
    with live_client.live("/mine/") as page:
        reply = page.send("finish_many", tasks=[tasks["mine"].pk, tasks["bobs"].pk])
        assert reply["error"]["code"] == "bad_arguments"
        assert not Task.objects.filter(done=True).exists()
        page.send("finish_many", tasks=[tasks["mine"].pk])
    assert list(Task.objects.filter(done=True)) == [tasks["mine"]]


def test_async_handlers_get_rows_too(live_client, tasks):
    with live_client.live("/mine/") as page:
        page.send("rename", task=tasks["mine"].pk, title="renamed")
        assert "renamed" in page.block("tasks")
        refused = page.send("rename", task=tasks["bobs"].pk, title="pwned")
        assert refused["error"]["code"] == "bad_arguments"
    assert Task.objects.get(pk=tasks["bobs"].pk).title == "bob's secret"


def test_optional_row_accepts_nothing(live_client, tasks):
    with live_client.live("/mine/") as page:
        assert "error" not in page.send("maybe")
        assert "error" not in page.send("maybe", task=None)


def test_a_view_without_a_queryset_for_the_model_refuses_and_says_why(live_client, tasks):
    with live_client.live("/noqs/") as page:
        with pytest.raises(ImproperlyConfigured, match=r"get_live_queryset\(model\)"):
            page.send("finish", task=tasks["mine"].pk)
        assert page.errors[-1]["code"] == "server_error"
        assert "get_live_queryset" not in page.errors[-1]["message"]
    assert Task.objects.filter(pk=tasks["mine"].pk).exists()
