"""Live file uploads: a message with attachments. Each chosen file uploads at once (with
progress) by HTTP, the form validates live, and the submit gives form_valid() the files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.storage import default_storage
from django.core.validators import FileExtensionValidator
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from live_views import LiveFormView, live_event


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for an input that takes several files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean  # not super() in the comprehension: its own scope
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            single(None, initial)  # "This field is required." when it is
            return []
        return [single(item, initial) for item in files]


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=80)
    attachments = MultipleFileField(
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg", "txt"])],
        help_text="PDF, PNG, JPEG or text; up to 10 MB each.",
    )


class AttachmentsView(LiveFormView):
    """The "Send" button goes to the sent page; "Send, then write another" stays: reset_form()
    shows the form empty again, its file input included, and the page lists what was sent."""

    template_name = "demo/attachments.html"
    form_class = MessageForm
    sent: tuple[str, ...] = ()  # this page's messages sent with "Send, then write another"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(sent=self.sent, **kwargs)

    @live_event
    def remove_all(self) -> None:
        """The "Remove all" button: the server forgets the files, and the browser drops them
        from the input after this update, as it does for each file's own Remove button."""
        for file in self.get_form().files.getlist("attachments"):
            self.cancel_upload("attachments", file.ref)

    def form_valid(self, form: MessageForm) -> HttpResponse:
        # Saved through the storage (which picks a safe, free name), as over HTTP.
        self.saved = [
            default_storage.save(f"attachments/{f.name}", f)
            for f in form.cleaned_data["attachments"]
        ]
        if self.request.POST.get("action") != "another":
            return super().form_valid(form)
        names = ", ".join(name.rsplit("/", 1)[-1] for name in self.saved)
        self.sent = (*self.sent, f"{form.cleaned_data['subject']}: {names}")
        self.reset_form()
        return self.render_to_response(self.get_context_data())

    def get_success_url(self) -> str:
        # The query, not the session: an anonymous visitor's socket cannot set a session cookie.
        query = urlencode({"subject": self.request_subject(), "file": self.saved}, doseq=True)
        return f"{reverse('attachments_sent')}?{query}"

    def request_subject(self) -> str:
        form_data = self.live_form_data or self.request.POST
        return str(form_data.get("subject", ""))


class SentView(TemplateView):
    template_name = "demo/attachments_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.request.GET
        sent = {"subject": query.get("subject", ""), "files": query.getlist("file")}
        return super().get_context_data(sent=sent, **kwargs)
