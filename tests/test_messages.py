"""django.contrib.messages added during live events: shown live, or kept for the next page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import path

from live_views.checks import check_messages
from tests.live_helpers import TrackingLiveClient
from tests.testapp.navigation_views import CatalogView

_MESSAGE_RE = re.compile(r'<p class="message[^"]*">([^<]*)</p>')

pytestmark = pytest.mark.django_db(transaction=True)

urlpatterns = [path("catalog/", CatalogView.as_view())]


@pytest.fixture
def logged_in(live_client) -> TrackingLiveClient:
    live_client.force_login(User.objects.create_user("ada"))
    return live_client


def messages_in(html: str) -> list[str]:
    return _MESSAGE_RE.findall(html)


def test_a_message_added_by_an_event_shows_up_live(live_client):
    page = live_client.live("/catalog/")
    assert page.block("messages") == ""
    page.send("save", text="Saved <it>")
    assert page.block("messages") == '<p class="message success">Saved &lt;it&gt;</p>'


def test_a_shown_message_goes_with_the_next_update(live_client):
    page = live_client.live("/catalog/")
    page.send("save")
    page.send("goto", page=2)
    assert page.block("messages") == ""


def test_a_message_shown_live_is_not_shown_again_by_the_next_page_load(logged_in):
    page = logged_in.live("/catalog/")
    page.send("save", text="Saved once")
    assert messages_in(page.block("messages")) == ["Saved once"]
    assert messages_in(logged_in.get("/catalog/").content.decode()) == []


def test_a_message_no_liveblock_shows_waits_for_the_next_page_load(logged_in):
    page = logged_in.live("/quiet/")
    page.send("save")
    assert messages_in(page.html) == []
    assert messages_in(logged_in.get("/catalog/").content.decode()) == ["Saved quietly"]
    assert messages_in(logged_in.get("/catalog/").content.decode()) == []


def test_two_pages_of_one_session_keep_both_their_unshown_messages(logged_in):
    first, second = logged_in.live("/quiet/"), logged_in.live("/quiet/")
    first.send("save")
    second.send("save")
    shown = messages_in(logged_in.get("/catalog/").content.decode())
    assert shown == ["Saved quietly", "Saved quietly"]


def test_a_message_shown_by_a_page_load_is_not_kept_again_by_a_live_page(logged_in):
    page = logged_in.live("/quiet/")
    page.send("save")
    assert messages_in(logged_in.get("/catalog/").content.decode()) == ["Saved quietly"]
    page.send("save")
    assert messages_in(logged_in.get("/catalog/").content.decode()) == ["Saved quietly"]


def test_a_message_before_a_redirect_is_shown_where_the_browser_goes(logged_in):
    page = logged_in.live("/catalog/")
    reply = page.send("save_and_leave")
    assert reply["redirect"] == "/plain/"
    # /plain/ shows no messages: the next page that does, shows it once.
    assert messages_in(logged_in.get("/catalog/").content.decode()) == ["Saved, now elsewhere"]
    assert messages_in(logged_in.get("/catalog/").content.decode()) == []


def test_a_visitor_without_a_session_sees_a_message_added_before_a_redirect(live_client):
    page = live_client.live("/catalog/")
    page.send("save_and_leave")
    # The browser passes through the session route, which sets the cookie a socket cannot;
    # so does the test client.
    assert page.session_ticket_url is not None
    assert page.redirect_url == "/plain/"
    assert messages_in(live_client.get("/catalog/").content.decode()) == ["Saved, now elsewhere"]
    assert messages_in(live_client.get("/catalog/").content.decode()) == []


def test_without_the_session_route_a_visitor_without_a_session_goes_straight_on(live_client):
    with override_settings(ROOT_URLCONF=__name__):  # urlpatterns below: no live_views.urls
        page = live_client.live("/catalog/")
        assert page.send("save_and_leave")["redirect"] == "/plain/"
    assert Session.objects.count() == 0


def test_a_visitor_without_a_session_gets_no_session_for_an_unshown_message(live_client):
    page = live_client.live("/quiet/")
    page.send("save")
    assert Session.objects.count() == 0
    assert messages_in(live_client.get("/quiet/").content.decode()) == []


def test_a_handler_that_fails_leaves_no_message(logged_in):
    page = logged_in.live("/catalog/")
    with pytest.raises(RuntimeError, match="failed after adding a message"):
        page.send("save_then_fail")
    assert page.errors[-1]["code"] == "server_error"
    assert page.block("messages") == ""
    page.send("goto", page=2)
    assert page.block("messages") == ""
    assert messages_in(logged_in.get("/catalog/").content.decode()) == []


def test_each_event_shows_its_own_messages(live_client):
    page = live_client.live("/catalog/")
    page.send("save", text="one")
    page.send("save", text="two")
    assert messages_in(page.block("messages")) == ["two"]


# -- live_views.W030 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "storage",
    [
        "django.contrib.messages.storage.cookie.CookieStorage",
        "django.contrib.messages.storage.fallback.FallbackStorage",
    ],
)
def test_w030_warns_about_storages_that_do_not_read_the_session(storage):
    with override_settings(MESSAGE_STORAGE=storage):
        [warning] = check_messages()
    assert warning.id == "live_views.W030"
    assert storage in warning.msg
    assert "SessionStorage" in warning.hint


def test_w030_is_quiet_for_session_storage_and_without_messages():
    assert check_messages() == []
    cookie = "django.contrib.messages.storage.cookie.CookieStorage"
    with override_settings(
        MESSAGE_STORAGE=cookie,
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
    ):
        assert check_messages() == []
