"""System checks for LIVE_VIEWS["BROADCAST_MODELS"]: E014 (wrong type), E015 (unknown model), and
W025 (a view follows a model whose saves are not broadcast)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import checks
from django.test import override_settings
from django.urls import path

from live_views import LiveTemplateView
from live_views.checks import check_settings, check_subscriptions
from tests.todoapp.models import Task


def broadcast_errors(value: Any) -> list[checks.CheckMessage]:
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": value}):
        return [m for m in check_settings() if m.id in ("live_views.E014", "live_views.E015")]


@pytest.mark.parametrize(
    "value",
    [
        "__all__",
        [],
        (),
        ["todoapp.Task"],
        ("todoapp.Board", "todoapp.Task", "todoapp.Tag"),
        ["todoapp.task", "auth.User", "sessions.Session"],
    ],
)
def test_valid_broadcast_models_pass(value):
    assert broadcast_errors(value) == []


def test_no_broadcast_models_key_passes():
    with override_settings(LIVE_VIEWS={}):
        assert check_settings() == []


@pytest.mark.parametrize(
    "value",
    [
        "todoapp.Task",  # one label, not a list of them
        "all",
        "__ALL__",
        42,
        None,
        {"todoapp.Task": True},
        ["todoapp.Task", 3],
        [["todoapp.Task"]],
    ],
)
def test_a_value_of_the_wrong_type_is_e014(value):
    errors = broadcast_errors(value)
    assert [e.id for e in errors] == ["live_views.E014"]
    error = errors[0]
    assert error.level == checks.ERROR
    assert "BROADCAST_MODELS" in error.msg
    assert repr(value) in error.msg
    assert "__all__" in (error.hint or "")


@pytest.mark.parametrize(
    "label", ["todoapp.Nope", "nope.Task", "todoapp", "", "todoapp.Task.extra", "Task"]
)
def test_an_unknown_model_label_is_e015(label):
    errors = broadcast_errors(["todoapp.Task", label])
    assert [e.id for e in errors] == ["live_views.E015"]
    assert repr(label) in errors[0].msg
    assert errors[0].level == checks.ERROR


def test_each_unknown_label_is_its_own_e015():
    errors = broadcast_errors(["todoapp.Nope", "todoapp.Task", "gone.Model"])
    assert [e.id for e in errors] == ["live_views.E015", "live_views.E015"]
    assert "'todoapp.Nope'" in errors[0].msg
    assert "'gone.Model'" in errors[1].msg


def test_a_wrong_type_is_not_also_reported_as_unknown_labels():
    # A bare string is E014 only, not one E015 per character.
    assert [e.id for e in broadcast_errors("todoapp.Nope")] == ["live_views.E014"]


@pytest.mark.parametrize(
    ("value", "check_id"),
    [(["todoapp.Task", 1], "live_views.E014"), (["todoapp.Nope"], "live_views.E015")],
)
def test_the_broadcast_checks_run_with_djangos_checks(value, check_id):
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": value}):
        found = [m.id for m in checks.run_checks() if (m.id or "").startswith("live_views.")]
    assert found == [check_id]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [None, 42])
def test_a_wrong_typed_setting_never_breaks_a_save(value):
    from tests.todoapp.models import Note

    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": value}):
        Note.objects.create(text="still saved")
    assert Note.objects.filter(text="still saved").exists()


# -- W025: a view follows a model whose saves are not broadcast --------------------------------


class FollowsTasks(LiveTemplateView):
    live_subscriptions = [Task, "a-topic-of-its-own"]


class FollowsAUserRow(LiveTemplateView):
    live_subscriptions = [User(pk=1)]  # a row: its model's saves must be broadcast too


urlpatterns = [
    path("tasks/", FollowsTasks.as_view()),
    path("user/", FollowsAUserRow.as_view()),
    path("plain/", LiveTemplateView.as_view(template_name="x.html")),
]


@pytest.mark.urls(__name__)
def test_w025_a_view_that_follows_a_model_whose_saves_are_not_broadcast():
    # The streams guide's chat, without "chat.Message" in BROADCAST_MODELS: the message was
    # saved, and no page updated, with no warning, console message or log line.
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.Board"]}):
        warnings = check_subscriptions()
    assert [(w.id, w.obj) for w in warnings] == [
        ("live_views.W025", FollowsTasks),
        ("live_views.W025", FollowsAUserRow),
    ]
    assert warnings[0].msg == (
        "FollowsTasks.live_subscriptions follows todoapp.Task, whose saves are not broadcast "
        "(LIVE_VIEWS['BROADCAST_MODELS']): its pages never refresh on them."
    )
    assert "Add 'todoapp.Task' to LIVE_VIEWS['BROADCAST_MODELS']" in warnings[0].hint
    assert "auth.User" in warnings[1].msg


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("value", ["__all__", ["todoapp.Task", "auth.User"]])
def test_w025_models_whose_saves_are_broadcast_pass(value):
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": value}):
        assert check_subscriptions() == []
