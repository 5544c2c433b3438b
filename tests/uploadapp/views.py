from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy

from live_views import (
    LiveCreateView,
    LiveFormView,
    LiveTemplateView,
    LiveUpdateView,
    live_event,
)
from tests.uploadapp.forms import ContactForm
from tests.uploadapp.models import Document, Profile

# What the contact form received, for the tests to read: name -> bytes.
RECEIVED: list[dict[str, Any]] = []


class ProfileCreateView(LiveCreateView):
    model = Profile
    fields = ["name", "avatar"]
    template_name = "uploadapp/form.html"
    success_url = reverse_lazy("uploadapp:done")


class ProfileUpdateView(LiveUpdateView):
    model = Profile
    fields = ["name", "avatar"]
    template_name = "uploadapp/form.html"
    success_url = reverse_lazy("uploadapp:done")


class DocumentCreateView(LiveCreateView):
    model = Document
    fields = ["title", "file"]
    template_name = "uploadapp/form.html"
    success_url = reverse_lazy("uploadapp:done")


class ContactView(LiveFormView):
    form_class = ContactForm
    template_name = "uploadapp/form.html"
    success_url = reverse_lazy("uploadapp:done")

    def form_valid(self, form: ContactForm) -> HttpResponse:
        RECEIVED.append(
            {
                "subject": form.cleaned_data["subject"],
                "files": {f.name: f.read() for f in form.cleaned_data["attachments"]},
                "request_files": sorted(f.name for f in self.request.FILES.getlist("attachments")),
            }
        )
        return super().form_valid(form)


class ComponentsView(LiveTemplateView):
    template_name = "uploadapp/components.html"


class HidableComponentView(LiveTemplateView):
    """Shows a form component until the user hides it."""

    template_name = "uploadapp/hidable_component.html"
    shown = True

    @live_event
    def hide(self) -> None:
        self.shown = False

    @live_event
    def show(self) -> None:
        self.shown = True


def done(request: Any) -> HttpResponse:
    return HttpResponse("Saved")


def closable_plain_component(request: Any) -> HttpResponse:
    """A page that is not live, sending its visitor to log in once their session closed it."""
    if request.session.get("plain_closed"):
        return HttpResponseRedirect("/accounts/login/")
    return TemplateResponse(request, "uploadapp/plain_component.html")
