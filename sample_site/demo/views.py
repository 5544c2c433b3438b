from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils import timezone

from demo.forms import SignupForm
from demo.models import Contact, Todo
from live_views import (
    LiveCreateView,
    LiveFormMixin,
    LiveFormView,
    LiveListView,
    LiveTemplateView,
    LiveUpdateView,
    live_event,
)


class CounterView(LiveTemplateView):
    template_name = "demo/counter.html"
    count = 0
    # Page state: the count survives a dropped connection and a server restart (kept in the
    # cache, see CACHES in settings.py); a reload starts a new page at 0.
    live_state = ["count"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def increment(self, amount: int = 1) -> None:
        self.count += amount

    @live_event
    def reset(self) -> None:
        self.count = 0


class PrivateCounterView(LoginRequiredMixin, CounterView):
    """The same counter, for logged-in users only: the socket re-checks LoginRequiredMixin."""

    template_name = "demo/private.html"


class TodoListView(LiveListView):
    """A list every open tab shares: saves broadcast (LIVE_VIEWS["BROADCAST_MODELS"]), and the
    view follows its model automatically, so every tab re-renders the rows that changed."""

    model = Todo
    template_name = "demo/todos.html"

    def get_context_data(self, **kwargs):
        remaining = sum(not todo.done for todo in self.object_list)
        return super().get_context_data(remaining=remaining, **kwargs)

    @live_event
    def add(self, title: str) -> None:
        title = title.strip()
        if title:
            Todo.objects.create(title=title[:200])

    @live_event
    def toggle(self, pk: int) -> None:
        todo = Todo.objects.filter(pk=pk).first()
        if todo is not None:
            todo.done = not todo.done
            todo.save(update_fields=["done"])

    @live_event
    def delete(self, pk: int) -> None:
        # delete() on the instance (not the queryset) so post_delete broadcasts it.
        for todo in Todo.objects.filter(pk=pk):
            todo.delete()


class SignupView(LiveFormView):
    """Errors appear while the user types (only for fields they have touched); the username is
    checked against the database on each pause. Submitting needs no page load; with JS off the
    same form posts over HTTP."""

    template_name = "demo/signup.html"
    form_class = SignupForm
    success_url = reverse_lazy("signup_done")

    def form_valid(self, form: SignupForm) -> HttpResponse:
        data = form.cleaned_data
        User.objects.create_user(data["username"], data["email"], data["password"])
        return super().form_valid(form)


class LiveLoginView(LiveFormMixin, LoginView):
    """Django's own LoginView, live: the form validates and logs in over the websocket. A socket
    cannot set the new session cookie login() makes, so the page then passes through the
    library's session route, which sets it, and comes back logged in. What the session held
    before (the note) is kept, as login() keeps it over HTTP."""

    template_name = "demo/live_login.html"
    form_class = AuthenticationForm
    next_page = reverse_lazy("live_login")
    live_validate_trigger = ""  # no password check while typing: only on submit

    confirm_error = ""

    @live_event
    def keep_note(self, note: str) -> None:
        self.request.session["demo_note"] = note.strip()[:100]

    @live_event
    def confirm_password(self, password: str) -> None:
        """A logged-in user confirms their password before something sensitive. login() again,
        for the same user, keeps the session's key (no page load) but gives the browser a new
        CSRF token: over HTTP the event's answer sets its cookie and tells the page's JS the
        token its next events send."""
        username = self.request.user.get_username()
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            self.confirm_error = "That is not your password."
            return
        login(self.request, user)
        self.request.session["demo_confirmed_at"] = timezone.now().strftime("%H:%M:%S")
        self.confirm_error = ""


class ContactListView(LiveListView):
    """The CRUD's list: follows Contact saves and deletes (BROADCAST_MODELS) in every tab."""

    model = Contact
    template_name = "demo/contact_list.html"

    @live_event
    def delete(self, contact: Contact) -> None:
        # A model-typed argument is looked up in this view's queryset: only listed rows.
        contact.delete()


class ContactCreateView(LiveCreateView):
    model = Contact
    fields = ["name", "email", "phone"]
    template_name = "demo/contact_form.html"
    success_url = reverse_lazy("contacts")


class ContactUpdateView(LiveUpdateView):
    model = Contact
    fields = ["name", "email", "phone"]
    template_name = "demo/contact_form.html"
    success_url = reverse_lazy("contacts")
