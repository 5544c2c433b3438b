from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy

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


# A subject that makes NotifyingContactView's submit fail after post() redirected.
FAIL_AFTER_POST = "Fail after post()"


class NotifyingContactView(ContactView):
    """Its submit goes on after post(): it tells the team, which fails on FAIL_AFTER_POST."""

    @live_event
    def submit(self, data: QueryDict) -> HttpResponseBase:
        response = super().submit(data)
        if data.get("subject") == FAIL_AFTER_POST:
            raise RuntimeError("telling the team failed after post() redirected")
        return response


class OutboxView(LiveFormView):
    """Stays on the page after a valid submit: the message goes to the outbox, and
    reset_form() shows the form empty for the next one."""

    form_class = ContactForm
    template_name = "uploadapp/outbox.html"
    sent: tuple[str, ...] = ()
    removed: bool | None = None  # what the last remove() answered
    broken = False  # remove_then_break_render() sets it: get_context_data() raises

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.broken:
            raise RuntimeError("the render failed after cancel_upload()")
        uploads = self.live_uploads
        pending = uploads.files().getlist("attachments") if uploads is not None else []
        return super().get_context_data(sent=self.sent, pending=[f.name for f in pending], **kwargs)

    def form_valid(self, form: ContactForm) -> HttpResponse:
        RECEIVED.append(
            {
                "subject": form.cleaned_data["subject"],
                "files": {f.name: f.read() for f in form.cleaned_data["attachments"]},
            }
        )
        self.sent = (*self.sent, form.cleaned_data["subject"])
        self.reset_form()
        return self.render_to_response(self.get_context_data())

    @live_event
    def clear(self) -> None:
        """A "Clear" button: the form starts over, the files chosen so far included."""
        self.reset_form()

    @live_event
    def remove(self, ref: str) -> None:
        """A remove button wired to an event of the view's own: ``cancel_upload()``."""
        self.removed = self.cancel_upload("attachments", ref)

    @live_event
    def remove_all(self) -> None:
        """docs/howto/uploads.md's "Remove all": what ``|live_uploads`` lists, by its refs."""
        for file in self.get_form().files.getlist("attachments"):
            self.cancel_upload("attachments", file.ref)

    @live_event
    def clear_then_fail(self) -> None:
        self.reset_form()
        raise RuntimeError("the handler failed after reset_form()")

    @live_event
    def remove_twice(self, ref: str) -> None:
        self.cancel_upload("attachments", ref)
        self.removed = self.cancel_upload("attachments", ref)  # gone from the form already

    @live_event
    def remove_then_fail(self, ref: str) -> None:
        self.cancel_upload("attachments", ref)
        raise RuntimeError("the handler failed after cancel_upload()")

    @live_event
    def remove_then_break_render(self, ref: str) -> None:
        self.cancel_upload("attachments", ref)
        self.broken = True

    @live_event
    def discard(self) -> HttpResponse:
        """A "Discard" button: the draft and its files go, and so does the user, to the done
        page."""
        self.reset_form()
        return HttpResponseRedirect(reverse("uploadapp:done"))


class DocumentBatchView(LiveCreateView):
    """A create view that takes one document after another on the same page."""

    model = Document
    fields = ["title", "file"]
    template_name = "uploadapp/outbox.html"
    sent: tuple[str, ...] = ()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(sent=self.sent, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        self.sent = (*self.sent, form.save().file.name)  # self.object stays None: a new one next
        self.reset_form()
        return self.render_to_response(self.get_context_data())


class ComponentsView(LiveTemplateView):
    template_name = "uploadapp/components.html"


class HidableComponentView(LiveTemplateView):
    """Shows a form component until the user hides it."""

    template_name = "uploadapp/hidable_component.html"
    shown = True
    previewing = False

    @live_event
    def hide(self) -> None:
        self.shown = False

    @live_event
    def preview(self) -> None:
        """Shows a DocumentPreview in the form's place: its render fails."""
        self.shown, self.previewing = False, True

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
