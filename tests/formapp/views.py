from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy

from live_views import LiveCreateView, LiveFormView, LiveListView, LiveUpdateView, live_event
from tests.formapp.forms import EmailChangeForm, EventForm, SignupForm
from tests.todoapp.models import Board, Task


class SignupView(LiveFormView):
    template_name = "formapp/signup.html"
    form_class = SignupForm
    success_url = reverse_lazy("formapp:welcome")

    def form_valid(self, form: SignupForm) -> HttpResponse:
        User.objects.create_user(
            form.cleaned_data["username"],
            form.cleaned_data["email"],
            form.cleaned_data["password"],
        )
        return super().form_valid(form)


class ThanksInPlaceView(SignupView):
    """form_valid() answers with a page of its own, as an HTTP-only form view may."""

    def form_valid(self, form: SignupForm) -> HttpResponse:
        super().form_valid(form)
        return HttpResponse("<p>Thanks!</p>")


class EventView(LiveFormView):
    template_name = "formapp/signup.html"
    form_class = EventForm
    success_url = "/forms/welcome/"


class EmailChangeView(LiveFormView):
    template_name = "formapp/signup.html"
    form_class = EmailChangeForm
    success_url = "/forms/welcome/"


class PrefixedSignupView(SignupView):
    prefix = "signup"


class LongPrefixedSignupView(SignupView):
    prefix = "signup" * 100  # its fields' ids are longer than a frame's CSS selector may be


def welcome(request: Any) -> HttpResponse:
    return HttpResponse("Welcome aboard")


class BoardListView(LiveListView):
    model = Board
    template_name = "formapp/board_list.html"

    @live_event
    def delete(self, board: Board) -> None:
        board.delete()


class BoardCreateView(LiveCreateView):
    model = Board
    fields = ["name"]
    template_name = "formapp/board_form.html"
    success_url = reverse_lazy("formapp:boards")


class BoardCreateAnotherView(BoardCreateView):
    """The admin's "Save and add another": the button pressed is in request.POST."""

    def get_success_url(self) -> str:
        if self.request.method == "POST" and "_addanother" in self.request.POST:
            return reverse("formapp:board_create_another")
        return super().get_success_url()


class BoardAddInPlaceView(BoardCreateView):
    """Saves the board as CreateView does (self.object), then stays for the next one."""

    reset_first = False  # reset_form() before the save: docs/howto/forms.md allows either order

    def form_valid(self, form: Any) -> HttpResponse:
        if self.reset_first:
            self.reset_form()
        self.object = form.save()
        if not self.reset_first:
            self.reset_form()
        return self.render_to_response(self.get_context_data())


class BoardResetFirstView(BoardAddInPlaceView):
    reset_first = True


class BoardUpdateView(LiveUpdateView):
    model = Board
    fields = ["name"]
    template_name = "formapp/board_form.html"
    success_url = reverse_lazy("formapp:boards")

    @live_event
    def claim(self) -> None:
        self.object.owner = self.request.user
        self.object.save()


TaskFormSet = forms.inlineformset_factory(Board, Task, fields=["title"], extra=2)


class BoardWithTasksView(LiveCreateView):
    """A form and an inline formset, as docs/howto/forms.md builds them."""

    model = Board
    fields = ["name"]
    template_name = "formapp/board_tasks.html"
    success_url = reverse_lazy("formapp:boards")

    def get_tasks(self) -> Any:
        # request.POST over HTTP; on the socket, what the browser last sent.
        data = self.get_form_kwargs().get("data")
        return TaskFormSet(data, instance=self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("tasks", self.get_tasks())
        return super().get_context_data(**kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        tasks = self.get_tasks()
        if not tasks.is_valid():
            return self.form_invalid(form)
        self.object = form.save()
        tasks.instance = self.object
        tasks.save()
        return HttpResponseRedirect(self.get_success_url())
