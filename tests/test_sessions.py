"""Session life: logging out, a password change, deactivation or an expired session ends that
user's open sockets (4401, and the page reloads once); a user whose permission is revoked stops
receiving the view's updates (4403). Everyone else carries on."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from live_views import broadcast
from live_views.pubsub.publish import publish
from live_views.testing import LivePage, LiveRefused
from tests.live_helpers import (
    TrackingLiveClient,
    assert_count_continues,
    count,
)
from tests.testapp import session_views


@pytest.fixture
def clients(live_db) -> Iterator[Any]:
    made: list[TrackingLiveClient] = []

    def make(user: Any = None) -> TrackingLiveClient:
        client = TrackingLiveClient()
        if user is not None:
            client.force_login(user)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def users(live_db, django_user_model):
    view_user = Permission.objects.get(codename="view_user", content_type__app_label="auth")
    made = []
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_user(name, password="pw")
        user.user_permissions.add(view_user)
        made.append(user)
    return made


@pytest.fixture
def report() -> Iterator[dict[str, int]]:
    yield session_views.REPORT
    session_views.REPORT["total"] = 0


@pytest.fixture
def travel(monkeypatch):
    """Move the clock Django (sessions included) reads forward by ``seconds``."""
    real_now = timezone.now
    offset = datetime.timedelta()

    def now() -> datetime.datetime:
        return real_now() + offset

    def move(seconds: float) -> None:
        nonlocal offset
        offset += datetime.timedelta(seconds=seconds)

    monkeypatch.setattr(timezone, "now", now)
    return move


def closed_with(page: LivePage) -> int | None:
    """Wait for the server to close ``page``; it must send no update on the way."""
    while (frame := page.receive(timeout=5)) is not None:
        assert "content" not in frame, f"the page got an update before closing: {frame!r}"
    return page.close_code


def total(page: LivePage) -> str:
    return page.block("report")


# -- logout -------------------------------------------------------------------------------------


def test_logging_out_closes_that_sessions_pages_4401(clients, users):
    alice, bob = users
    laptop, phone = clients(alice), clients(alice)
    laptop_pages = [laptop.live("/private/"), laptop.live("/counter/")]
    for page in laptop_pages:
        page.send("increment", amount=3)
    htmls = [page.html for page in laptop_pages]
    phone_page, bobs_page = phone.live("/private/"), clients(bob).live("/private/")
    visitors_page = clients().live("/counter/")

    assert laptop.http.post("/logout/").status_code == 302

    for page, html in zip(laptop_pages, htmls, strict=True):
        assert closed_with(page) == 4401
        assert page.html == html
        assert count(page) == 3
    # Alice's other session, Bob and a visitor notice nothing.
    for page in (phone_page, bobs_page, visitors_page):
        assert_count_continues(page, 0)


# -- password changes and deactivation -------------------------------------------------------------


def test_a_password_change_elsewhere_closes_every_session_of_that_user(clients, users):
    alice, bob = users
    laptop, phone = clients(alice), clients(alice)
    alices_pages = [laptop.live("/private/"), phone.live("/private/"), phone.live("/counter/")]
    bobs_page = clients(bob).live("/private/")

    alice.set_password("a new one")  # an admin, a reset link, a management command
    alice.save()

    for page in alices_pages:
        assert closed_with(page) == 4401
    assert_count_continues(bobs_page, 0)
    assert phone.get("/private/").status_code == 302  # logged out over HTTP too


def test_changing_ones_own_password_keeps_that_browser_logged_in(clients, users):
    alice, bob = users
    laptop, phone = clients(alice), clients(alice)
    laptop_page, phone_page = laptop.live("/private/"), phone.live("/private/")
    bobs_page = clients(bob).live("/private/")

    assert laptop.http.post("/password/", {"password": "a new one"}).status_code == 200

    # Every open page of Alice's closes: the laptop's session moved to a new key, the phone's
    # ended. The laptop's reload (4401) then connects again; the phone must log in again.
    assert closed_with(laptop_page) == 4401
    assert closed_with(phone_page) == 4401
    assert_count_continues(laptop.live("/private/"), 0)
    assert phone.get("/private/").status_code == 302
    assert_count_continues(bobs_page, 0)


def test_a_deactivated_user_is_disconnected(clients, users):
    alice, bob = users
    alices_page, bobs_page = clients(alice).live("/private/"), clients(bob).live("/private/")

    alice.is_active = False
    alice.save()

    assert closed_with(alices_page) == 4401
    assert_count_continues(bobs_page, 0)


def test_saving_a_user_without_new_credentials_disconnects_no_one(clients, users):
    alice, _ = users
    page = clients(alice).live("/private/")
    # Session messages leave through the one publish path (live_views.pubsub.publish.publish).
    with mock.patch("live_views.pubsub.publish.publish", wraps=publish) as notify:
        alice.first_name = "Alice"
        alice.save()
        clients(alice)  # another login: Django saves last_login
        alice.set_password("pw")
        alice.save(update_fields=["first_name"])  # the new password was not written
    assert notify.call_count == 0
    assert_count_continues(page, 0)


def test_a_rolled_back_password_change_disconnects_no_one(clients, users):
    alice, _ = users
    page = clients(alice).live("/private/")
    # Session messages leave through the one publish path (live_views.pubsub.publish.publish).
    with mock.patch("live_views.pubsub.publish.publish", wraps=publish) as notify:
        change_password_then_fail(alice)
    assert notify.call_count == 0
    assert_count_continues(page, 0)


@pytest.fixture
def members(live_db, settings) -> Iterator[list[Any]]:
    """Users of a model with a UUID key (tests.todoapp.models.Member) as the project's user
    model, with our signals connected to it as ready() connects them to the project's."""
    from django.db.models.signals import post_init, post_save

    from live_views.pubsub import sessions
    from tests.todoapp.models import Member

    settings.AUTH_USER_MODEL = "todoapp.Member"  # Django's auth backend follows (test signal)
    sessions.connect()
    made = []
    for email in ("alice@example.com", "bob@example.com"):
        member = Member(pk=uuid.uuid4(), email=email)
        member.set_password("pw")
        member.save()
        made.append(member)
    yield made
    post_init.disconnect(sender=Member, dispatch_uid="live_views.user_init")
    post_save.disconnect(sender=Member, dispatch_uid="live_views.user_saved")


@pytest.mark.parametrize("spelling", [lambda key: str(key).upper(), lambda key: key.hex])
def test_a_password_change_through_a_uuid_key_given_as_text_closes_the_users_pages(
    clients, members, spelling
):
    from tests.todoapp.models import Member

    alice, bob = members
    alices_page, bobs_page = clients(alice).live("/counter/"), clients(bob).live("/counter/")

    # Saved through the key as a form or an API gave it, not as the auth backend loaded it.
    same_alice = Member(pk=spelling(alice.pk), password=alice.password)
    same_alice.set_password("a new one")
    same_alice.save(update_fields=["password"])

    assert closed_with(alices_page) == 4401
    assert_count_continues(bobs_page, 0)


def test_a_users_topic_is_one_whichever_way_the_uuid_key_is_spelled(members):
    from live_views.pubsub.sessions import user_topic

    key = members[0].pk
    spellings = {user_topic(key), user_topic(str(key).upper()), user_topic(key.hex)}
    assert spellings == {f"live_views.user:{key}"}


def change_password_then_fail(user: Any) -> None:
    try:
        with transaction.atomic():
            user.set_password("a new one")
            user.save()
            raise RuntimeError("the form failed after all")
    except RuntimeError:
        pass


# -- session expiry --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expiry",
    [300, timezone.now() + datetime.timedelta(minutes=5)],
    ids=["five-idle-minutes", "an-expiry-date"],
)
def test_an_expired_session_refuses_the_next_event_4401(clients, users, travel, expiry):
    alice, bob = users
    alices, bobs = clients(alice), clients(bob)
    session = alices.http.session
    session.set_expiry(expiry)
    session.save()
    alices_page, bobs_page = alices.live("/private/"), bobs.live("/private/")
    assert_count_continues(alices_page, 0)
    html = alices_page.html

    travel(10 * 60)

    alices_page.send_frame({"event": "increment", "args": {"amount": 5}, "ref": 9})
    assert closed_with(alices_page) == 4401
    assert alices_page.html == html
    assert count(alices_page) == 1
    # Bob's two-week session is read again (a minute has passed) and holds.
    assert_count_continues(bobs_page, 0)


def test_a_session_ended_on_the_server_is_noticed_within_a_minute(clients, users, travel):
    alice, bob = users
    alices, bobs = clients(alice), clients(bob)
    alices_page, bobs_page = alices.live("/private/"), bobs.live("/private/")

    Session.objects.filter(session_key=alices.http.session.session_key).delete()

    assert_count_continues(alices_page, 0)  # read at most once a minute
    travel(61)
    alices_page.send_frame({"event": "increment", "args": {}, "ref": 9})
    assert closed_with(alices_page) == 4401
    assert count(alices_page) == 1
    assert_count_continues(bobs_page, 0)


# -- access checks on broadcast --------------------------------------------------------------------


def test_a_user_whose_permission_is_revoked_stops_receiving_updates(clients, users, report):
    alice, bob = users
    alices_page, bobs_page = clients(alice).live("/report/"), clients(bob).live("/report/")
    bobs_page.send("increment", amount=2)
    report["total"] = 1
    broadcast("reports")
    for page in (alices_page, bobs_page):
        page.wait_for_update()
        assert '<p id="total">1</p>' in total(page)

    alice.user_permissions.clear()
    report["total"] = 2
    broadcast("reports")

    assert closed_with(alices_page) == 4403
    assert '<p id="total">1</p>' in total(alices_page)
    bobs_page.wait_for_update()
    assert '<p id="total">2</p>' in total(bobs_page)
    assert count(bobs_page) == 2  # the page's own state survives the re-check
    assert_count_continues(bobs_page, 2)


def test_a_page_whose_own_event_revokes_its_permission_is_closed_as_a_refresh_would(
    clients, users, report
):
    # Its own broadcast passes it by (its render shows the new total): the event runs the
    # checks that broadcast's refresh would have, with the user as stored now (Django caches
    # permissions on the user object the page holds).
    alice, bob = users
    alices_page, bobs_page = clients(alice).live("/report/"), clients(bob).live("/report/")

    with pytest.raises(LiveRefused) as refused:
        alices_page.send("hand_over", total=5)

    assert refused.value.code == 4403
    assert '<p id="total">0</p>' in total(alices_page)
    bobs_page.wait_for_update()
    assert '<p id="total">5</p>' in total(bobs_page)


def test_a_page_whose_own_event_revokes_its_permission_and_patches_is_closed(
    clients, users, report
):
    # live_patch() runs the view's checks for the new query: with the user as stored now.
    alice, _ = users
    alices_page = clients(alice).live("/report/")

    reply = alices_page.send("hand_over_and_go", total=5)

    assert reply["error"]["code"] == "patch_refused"  # the new query is refused: the event fails
    assert closed_with(alices_page) == 4403  # and the refresh for its save closes the page


def test_a_page_whose_session_ended_is_closed_on_the_next_broadcast_4401(clients, users, report):
    alice, bob = users
    alices, bobs = clients(alice), clients(bob)
    alices_page, bobs_page = alices.live("/report/"), bobs.live("/report/")

    Session.objects.filter(session_key=alices.http.session.session_key).delete()
    report["total"] = 7
    broadcast("reports")

    assert closed_with(alices_page) == 4401
    assert '<p id="total">0</p>' in total(alices_page)
    bobs_page.wait_for_update()
    assert '<p id="total">7</p>' in total(bobs_page)


def test_a_permission_granted_after_mount_is_used_on_the_next_broadcast(clients, users, report):
    # The refresh reads the user afresh: the page shows what its user may do now, not what
    # they could when the page connected (Django caches permissions on the user object).
    alice, _ = users
    alices_page = clients(alice).live("/report/")
    assert "you may edit" not in total(alices_page)
    alice.user_permissions.add(
        Permission.objects.get(codename="change_user", content_type__app_label="auth")
    )
    report["total"] = 3
    broadcast("reports")
    alices_page.wait_for_update()
    assert '<p id="total">3</p>' in total(alices_page)
    assert "you may edit" in total(alices_page)


@pytest.mark.urls("tests.testapp.login_views")
def test_a_handler_that_logs_in_leaves_the_browser_logged_in(clients, django_user_model):
    django_user_model.objects.create_user("ann")
    client = clients()
    page = client.live("/sign-in/")
    page.send("sign_in", username="ann")
    # Through the session route, which sets the cookie a socket cannot (test_session_hop.py):
    # the test client passes through it as the browser does.
    assert page.session_ticket_url is not None
    assert page.redirect_url == "/who/"
    assert client.get("/who/").content == b"ann -"
