"""live_views/socket/mount.py: a socket's token becomes a mounted page (the URL's own callable run
as a GET would run it), or a refusal with the close code that says why (docs/protocol.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import Client, override_settings
from django.urls import include, path

from live_views.runtime import mounting
from live_views.socket.limits import open_connections
from live_views.socket.mount import Refused, dispatch_mount, mount
from live_views.testing import LiveClient, LiveRefused
from tests.live_helpers import SOCKET, mint_token, refusal_code, token_of
from tests.testapp.views import CounterView
from tests.todoapp.models import Board

pytestmark = pytest.mark.urls("tests.test_mount")
ADDRESS = "10.1.2.3"
OWNER = f"address:{ADDRESS}"


class SocketRedirectView(CounterView):
    """Loads over HTTP; on the socket it sends the visitor elsewhere (as an access check that
    redirects would)."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if self.live_connected:
            return redirect("/elsewhere/")
        return super().get(request, *args, **kwargs)


class NoContentView(CounterView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if self.live_connected:
            return HttpResponse(status=204)
        return super().get(request, *args, **kwargs)


class BrokenView(CounterView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if self.live_connected:
            raise RuntimeError("the view's own bug")
        return super().get(request, *args, **kwargs)


class QueryView(CounterView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        SEEN.append({"GET": self.request.GET.dict(), "kwargs": dict(self.kwargs)})
        return super().get_context_data(**kwargs)


SEEN: list[dict[str, Any]] = []

urlpatterns = [
    path("socket-redirect/", SocketRedirectView.as_view()),
    path("no-content/", NoContentView.as_view()),
    path("broken/", BrokenView.as_view()),
    path("query/<int:n>/", QueryView.as_view()),
    path("", include("tests.urls")),
]


def scope(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "websocket",
        "path": "/live/ws/",
        "headers": [(b"host", b"testserver"), (b"origin", b"http://testserver")],
        "client": (ADDRESS, 40000),
    }
    return {**base, **extra}


def refusal(path: str, query: str = "") -> Refused:
    with pytest.raises(Refused) as caught:
        mount(scope(), mint_token(path, query))
    return caught.value


# -- mount() ------------------------------------------------------------------------------------


def test_a_good_token_mounts_the_live_instance_with_its_request_and_context():
    SEEN.clear()
    mounted = mount(scope(), mint_token("/query/7/", "page=2"))
    try:
        assert isinstance(mounted.view, QueryView)
        assert mounted.view.live_connected
        assert mounted.view.live_runtime.context is not None
        assert mounted.view.request is mounted.request
        assert mounted.request.get_full_path() == "/query/7/?page=2"
        assert SEEN == [{"GET": {"page": "2"}, "kwargs": {"n": 7}}]
        assert mounted.target.path == "/query/7/"
        assert mounted.state.key.endswith(mounted.target.page_id)  # its saved state
        assert open_connections(OWNER) == 1
    finally:
        mounted.slot.release()
    assert open_connections(OWNER) == 0


def test_mounting_leaves_no_mount_in_progress():
    mounted = mount(scope(), mint_token("/counter/"))
    mounted.slot.release()
    assert mounting.get() is None


@pytest.mark.parametrize(
    ("token", "code"), [("garbage", 4400), (mint_token("/counter/", at=0), 4410)]
)
def test_a_bad_or_expired_token_is_refused_before_a_slot_is_taken(token, code):
    with pytest.raises(Refused) as caught:
        mount(scope(), token)
    assert caught.value.code == code
    assert open_connections(OWNER) == 0


@pytest.mark.parametrize(
    ("path", "code", "reason"),
    [
        ("/nowhere/", 4404, "no URL matches '/nowhere/'"),
        ("/plain/", 4404, "'/plain/' is not a live view"),
        ("/guarded/", 4403, "permission denied"),
        ("/private/", 4401, "the view redirected to '/login/?next=/private/'"),
        ("/decorated/", 4401, "the view redirected to '/login/?next=/decorated/'"),
        ("/socket-redirect/", 4401, "the view redirected to '/elsewhere/'"),
        ("/no-content/", 4403, "the view answered 204"),
    ],
)
def test_each_refusal_has_its_close_code_and_reason(path, code, reason):
    refused = refusal(path)
    assert (refused.code, str(refused)) == (code, reason)


@pytest.mark.parametrize("path", ["/guarded/", "/no-content/", "/nowhere/", "/socket-redirect/"])
def test_a_refused_mount_gives_its_connection_slot_back(path):
    refusal(path)
    assert open_connections(OWNER) == 0


def test_a_view_that_raises_gives_its_slot_back_and_the_error_goes_up():
    with pytest.raises(RuntimeError, match="the view's own bug"):
        mount(scope(), mint_token("/broken/"))
    assert open_connections(OWNER) == 0


@override_settings(LIVE_VIEWS={"MAX_CONNECTIONS_PER_SESSION": 1})
def test_one_socket_too_many_is_refused_4429():
    first = mount(scope(), mint_token("/counter/"))
    try:
        refused = refusal("/counter/")
        assert refused.code == 4429
        assert open_connections(OWNER) == 1
    finally:
        first.slot.release()
    second = mount(scope(), mint_token("/counter/"))
    second.slot.release()


# -- dispatch_mount() with the page's own instance (a broadcast's access re-check) --------------


def test_a_recheck_runs_the_url_callable_on_the_pages_own_instance():
    mounted = mount(scope(), mint_token("/counter/"))
    mounted.slot.release()
    view = mounted.view
    view.count = 5  # the page's state: a fresh instance would have 0
    view.live_runtime.context = None

    again = dispatch_mount(mounted.request, "/counter/", page=view)

    assert again is view
    assert view.live_runtime.context is not None
    assert view.live_runtime.context["count"] == 5


def test_a_recheck_that_the_view_now_refuses_is_refused():
    mounted = mount(scope(), mint_token("/counter/"))
    mounted.slot.release()
    with pytest.raises(Refused) as caught:
        dispatch_mount(mounted.request, "/guarded/", page=mounted.view)
    assert caught.value.code == 4403


# -- through the socket -------------------------------------------------------------------------


def test_a_redirect_closes_an_anonymous_page_4401_to_make_it_log_in(live_client):
    with pytest.raises(LiveRefused) as refused:
        live_client.live("/socket-redirect/")
    assert refused.value.code == 4401


@pytest.mark.django_db(transaction=True)
def test_a_redirect_closes_a_logged_in_page_4403(live_client):
    live_client.force_login(get_user_model().objects.create_user("ann", password="pw"))
    with pytest.raises(LiveRefused) as refused:
        live_client.live("/socket-redirect/")
    assert refused.value.code == 4403
    # Why, as the server says it in the close frame (a browser's developer tools show it too).
    assert refused.value.reason == "the view redirected to '/elsewhere/'"
    assert str(refused.value).endswith("code 4403: the view redirected to '/elsewhere/'")


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_object_is_gone_before_the_socket_opens_is_refused_4404(live_client):
    board = Board.objects.create(name="gone soon")
    response = live_client.get(f"/todo/boards/{board.pk}/")
    assert response.status_code == 200
    board.delete()
    token = token_of(response.content.decode())
    assert refusal_code(live_client, f"{SOCKET}?t={token}") == 4404


def test_a_view_that_raises_on_mount_closes_1011(live_client):
    with pytest.raises(RuntimeError, match="the view's own bug"):
        live_client.live("/broken/")  # raised in the test, as Django's test client raises it
    browser = LiveClient(Client(raise_request_exception=False))
    with pytest.raises(LiveRefused) as refused:
        browser.live("/broken/")
    browser.close()
    assert refused.value.code == 1011


@pytest.mark.django_db(transaction=True)
@override_settings(LIVE_VIEWS={"MAX_CONNECTIONS_PER_SESSION": 1})
def test_refused_sockets_do_not_use_up_a_users_connections(live_client):
    user = get_user_model().objects.create_user("ann", password="pw")
    live_client.force_login(user)
    for _ in range(3):
        with pytest.raises(LiveRefused):
            live_client.live("/socket-redirect/")
    page = live_client.live("/counter/")
    assert page.frames == [{"joined": True}]
    with pytest.raises(LiveRefused) as refused:
        live_client.live("/counter/")
    assert refused.value.code == 4429


def test_a_long_refusal_reason_fits_a_close_frame():
    from live_views.socket.consumer import close_reason

    # The WebSocket protocol gives a close frame's reason at most 123 bytes.
    reason = close_reason("the view redirected to '/" + "é" * 200 + "'")
    assert len(reason.encode("utf-8")) <= 123
    assert reason.startswith("the view redirected to '/éé")
    assert reason.endswith("...")
    assert close_reason("permission denied") == "permission denied"
