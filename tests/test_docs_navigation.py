"""The README's navigation and messages examples run, against the real consumer and database."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import path

from live_views.checks import check_messages
from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, readme_site
from tests.todoapp.models import Board, Task

pytestmark = pytest.mark.django_db(transaction=True)

_TITLE_RE = re.compile(r"<li>([^<]+?) <button")


@pytest.fixture
def readme_tasks_site(tmp_path) -> Iterator[None]:
    source = EXAMPLES["tasks/views.py"].replace("from todo.models", "from tests.todoapp.models")
    with readme_site(
        tmp_path,
        templates={"tasks.html": EXAMPLES["tasks/templates/tasks.html"]},
        modules={"readme_tasks_views": source},
        routes=lambda m: [path("tasks/", m["readme_tasks_views"].TaskListView.as_view())],
        context_processors=[
            "django.template.context_processors.request",
            "django.contrib.messages.context_processors.messages",
        ],
    ):
        yield


def titles(page) -> list[str]:
    return _TITLE_RE.findall(page.block("tasks"))


def test_readme_tasks_search_pages_go_back_and_flash(readme_tasks_site):
    board = Board.objects.create(name="home")
    Task.objects.bulk_create(Task(board=board, title=f"milk {n:02}") for n in range(25))
    Task.objects.create(board=board, title="bread")
    client = LiveClient()
    with client.live("/tasks/") as page:
        assert len(titles(page)) == 20

        page.submit("search", q="milk")
        assert page.url == "/tasks/?q=milk"
        assert len(titles(page)) == 20
        page.send("goto", page=2)
        assert page.url == "/tasks/?q=milk&page=2"
        assert titles(page) == ["milk 20", "milk 21", "milk 22", "milk 23", "milk 24"]
        assert "Next" not in page.block("pages")

        page.back()
        assert titles(page)[0] == "milk 00"
        assert 'value="milk"' in page.block("search")

        task = Task.objects.get(title="milk 01")
        page.send("finish", task=task.pk)
        assert page.block("messages") == '<p class="flash">Done: milk 01</p>'
        task.refresh_from_db()
        assert task.done
        assert page.errors == []
    client.close()


def test_readme_messages_setting_quiets_w030():
    namespace: dict[str, object] = {}
    exec(EXAMPLES["messages-settings"], namespace)  # noqa: S102 - our README
    with override_settings(MESSAGE_STORAGE=namespace["MESSAGE_STORAGE"]):
        assert check_messages() == []
    with override_settings(MESSAGE_STORAGE="django.contrib.messages.storage.cookie.CookieStorage"):
        assert [w.id for w in check_messages()] == ["live_views.W030"]
