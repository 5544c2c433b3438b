"""Broadcasts wait for the commit of the database that was written, not the default one's: a
logout for the database the sessions are stored in (a router may put them in another), a save or
``broadcast(using=...)`` for theirs (live_views/pubsub/sessions.py, live_views/pubsub/publish.py).

The "other" database exists for this module only (tests/settings.py)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest

from live_views import broadcast
from live_views.testing import LiveClient, LivePage
from tests.live_helpers import TrackingLiveClient
from tests.todoapp import views as todo_views
from tests.todoapp.models import Board

pytestmark = [
    pytest.mark.urls("tests.todoapp.broadcast_views"),
    pytest.mark.django_db(transaction=True, databases=["default", "other"]),
]

QUIET = 0.5  # how long a page must hear nothing to count as not told
WAIT = 5.0


class SessionsInOther:
    """A router that keeps the sessions in the "other" database."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return "other" if model._meta.app_label == "sessions" else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self.db_for_read(model)


@pytest.fixture
def sessions_in_other(settings: Any) -> None:
    settings.DATABASE_ROUTERS = [f"{__name__}.SessionsInOther"]


@pytest.fixture
def live_client(live_db: None) -> Iterator[LiveClient]:
    made = TrackingLiveClient(timeout=WAIT)
    yield made
    made.close()


@pytest.fixture
def alice(live_db: None, django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.fixture
def news() -> Iterator[dict[str, str]]:
    saved = dict(todo_views.NEWS)
    yield todo_views.NEWS
    todo_views.NEWS.clear()
    todo_views.NEWS.update(saved)


def boards_page(client: LiveClient, user: Any) -> LivePage:
    client.force_login(user)
    return client.live("/todo/boards/")


def her_request(client: LiveClient, user: Any) -> HttpRequest:
    """A request of the client's session, as the logout view would get it."""
    request = HttpRequest()
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(client.http.cookies[settings.SESSION_COOKIE_NAME].value)
    request.user = user
    return request


def closed_with(page: LivePage) -> int | None:
    while page.receive(timeout=WAIT) is not None:
        pass
    return page.close_code


def assert_not_told(page: LivePage) -> None:
    with pytest.raises(TimeoutError):
        page.receive(timeout=QUIET)
    assert page.close_code is None


def renders(page: LivePage) -> int:
    return int(page.block("renders").strip())


# -- a logout waits for the commit of the sessions' database --------------------------------------


def test_a_logout_closes_the_pages_though_the_default_databases_transaction_rolls_back(
    sessions_in_other, live_client, alice
):
    page = boards_page(live_client, alice)
    request = her_request(live_client, alice)
    assert Session.objects.using("other").filter(pk=request.session.session_key).exists()

    with transaction.atomic():  # the view's transaction (ATOMIC_REQUESTS), which then fails
        logout(request)
        transaction.set_rollback(True)

    # The session's row is gone from its own database: its pages close.
    assert not Session.objects.using("other").exists()
    assert closed_with(page) == 4401


def test_a_logout_rolled_back_in_the_sessions_database_closes_nothing(
    sessions_in_other, live_client, alice
):
    page = boards_page(live_client, alice)
    request = her_request(live_client, alice)

    with transaction.atomic(using="other"):
        logout(request)
        transaction.set_rollback(True, using="other")

    assert Session.objects.using("other").exists()  # still logged in
    assert_not_told(page)


def test_a_logout_of_sessions_kept_out_of_the_database_waits_for_no_transaction(
    settings, live_client, alice
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    page = boards_page(live_client, alice)
    request = her_request(live_client, alice)

    with transaction.atomic():
        logout(request)
        transaction.set_rollback(True)

    assert closed_with(page) == 4401


# -- saves and broadcast(using=...) wait for the commit of their own database -------------------


def test_a_save_in_another_database_is_told_when_that_database_commits(live_client, alice):
    page = boards_page(live_client, alice)
    before = renders(page)

    with transaction.atomic(using="other"):
        Board.objects.using("other").create(name="archived")
        assert_not_told(page)

    page.wait_for_update()
    assert renders(page) == before + 1


def test_a_save_rolled_back_in_another_database_is_told_to_nobody(live_client, alice):
    page = boards_page(live_client, alice)

    with transaction.atomic(using="other"):
        Board.objects.using("other").create(name="never")
        transaction.set_rollback(True, using="other")

    assert_not_told(page)


def test_broadcast_using_another_database_waits_for_its_commit(live_client, news):
    page = live_client.live("/todo/news/")

    with transaction.atomic(using="other"):
        broadcast("news", using="other")
        transaction.set_rollback(True, using="other")
    assert_not_told(page)

    with transaction.atomic(using="other"):
        news["headline"] = "merged"
        broadcast("news", using="other")
        assert_not_told(page)

    page.wait_for_update()
    assert "merged" in page.html
