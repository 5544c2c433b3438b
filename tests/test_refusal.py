"""What a response that is not the page means for its socket (live_views/socket/refusal.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from live_views.connect import wire
from live_views.socket.refusal import refused_by


def request_of(user) -> HttpRequest:
    request = HttpRequest()
    request.user = user
    return request


@pytest.mark.parametrize(
    ("user", "code"),
    [(AnonymousUser(), wire.CLOSE_LOGIN_REQUIRED), (User(pk=1), wire.CLOSE_FORBIDDEN)],
)
def test_a_redirect_asks_an_anonymous_visitor_to_log_in_and_refuses_a_user(user, code):
    refused = refused_by(HttpResponseRedirect("/login/"), request_of(user), "a middleware")
    assert refused.code == code
    assert str(refused) == "a middleware redirected to '/login/'"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (403, wire.CLOSE_FORBIDDEN),
        (400, wire.CLOSE_FORBIDDEN),
        (404, wire.CLOSE_NOT_FOUND),
        (500, wire.CLOSE_SERVER_ERROR),
        (503, wire.CLOSE_SERVER_ERROR),
    ],
)
def test_other_answers_close_with_the_matching_code(status, code):
    refused = refused_by(HttpResponse(status=status), request_of(AnonymousUser()), "the view")
    assert refused.code == code
    assert str(refused) == f"the view answered {status}"
