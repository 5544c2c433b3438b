"""Live pages that log in and out from their handlers, as a live login or sign-up form does
(tests/test_session_hop.py)."""

from __future__ import annotations

import threading
from typing import Any

from django import forms
from django.contrib.auth import alogin, get_user_model, login, logout
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from live_views import AsyncResult, LiveFormMixin, LiveFormView, LiveTemplateView, live_event


class SignInView(LiveTemplateView):
    template_name = "testapp/sign_in.html"
    recalled = "-"

    @live_event
    def sign_in(self, username: str, then: str = "who") -> HttpResponse:
        login(self.request, get_user_model().objects.get(username=username))
        return redirect(then)

    @live_event
    def sign_in_here(self, username: str) -> None:
        login(self.request, get_user_model().objects.get(username=username))

    @live_event
    def sign_in_and_greet(self, username: str) -> None:
        login(self.request, get_user_model().objects.get(username=username))
        self.live_push_event("greet", {"name": username})

    @live_event
    def sign_in_then_page(self, username: str, page: int) -> None:
        login(self.request, get_user_model().objects.get(username=username))
        self.live_patch({"page": page})

    @live_event
    async def sign_in_later(self, username: str) -> HttpResponse:
        user = await get_user_model().objects.aget(username=username)
        await alogin(self.request, user)
        return redirect("who")

    @live_event
    def sign_in_elsewhere(self, username: str) -> HttpResponse:
        login(self.request, get_user_model().objects.get(username=username))
        return redirect("https://elsewhere.example/welcome/")

    @live_event
    def sign_out(self) -> HttpResponse:
        logout(self.request)
        return redirect("who")

    @live_event
    def remember(self, value: str) -> None:
        self.request.session["remembered"] = value

    @live_event
    def remember_and_show(self, value: str) -> None:
        self.request.session["remembered"] = value
        self.recalled = value

    @live_event
    def remember_and_go(self, value: str) -> HttpResponse:
        self.request.session["remembered"] = value
        return redirect("who")

    @live_event
    def remember_then_pay(self, value: str) -> HttpResponse:
        # An anonymous checkout: the order kept in the session, then the payment provider's page.
        self.request.session["remembered"] = value
        return redirect("https://pay.example.com/checkout")

    @live_event
    def keep_key(self) -> None:
        self.request.session.save()  # the same key: nothing for the browser to take

    @live_event
    def forget(self) -> None:
        self.recalled = "-"  # reads nothing of the session

    @live_event
    async def recall(self) -> None:
        self.recalled = self.request.session.get("remembered", "-")

    @live_event
    async def remember_later(self, value: str) -> None:
        self.request.session["remembered"] = value


class SignUpView(LiveFormView):
    """Creates the user, then logs them in, as a sign-up form does."""

    template_name = "testapp/sign_in.html"
    form_class = UserCreationForm

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        user = form.save()  # type: ignore[attr-defined]
        login(self.request, user)
        return redirect("who")


class LiveLoginView(LiveFormMixin, LoginView):
    """Django's own LoginView, live."""

    template_name = "testapp/sign_in.html"
    form_class = AuthenticationForm
    next_page = "who"


# The tests let the work of SessionWorkView finish here.
WORK_RELEASE = threading.Event()


def finish_work(value: str) -> str:
    if not WORK_RELEASE.wait(5):
        raise TimeoutError("the test never released the work")
    return value


class SessionWorkView(LiveTemplateView):
    """Background work whose outcome is shown after an event that changed the session."""

    template_name = "testapp/session_work.html"
    work: AsyncResult | None = None
    tally: AsyncResult | None = None  # its render keeps its outcome in the session

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.tally is not None and self.tally.result:
            self.request.session["tallied"] = self.tally.result
        return super().get_context_data(**kwargs)

    @live_event
    def remember_then_work(self, value: str) -> None:
        self.request.session["remembered"] = value
        self.live_async("work", finish_work, "done")

    @live_event
    def remember_then_tally(self, value: str) -> None:
        self.request.session["remembered"] = value
        self.live_async("tally", finish_work, "tallied")


def who(request: HttpRequest) -> HttpResponse:
    name = request.user.get_username() or "anonymous"
    return HttpResponse(f"{name} {request.session.get('remembered', '-')}")


urlpatterns = [
    path("sign-in/", SignInView.as_view(), name="sign-in"),
    path("sign-up/", SignUpView.as_view(), name="sign-up"),
    path("log-in/", LiveLoginView.as_view(), name="log-in"),
    path("session-work/", SessionWorkView.as_view(), name="session-work"),
    path("who/", who, name="who"),
    path("", include("live_views.urls")),
]
