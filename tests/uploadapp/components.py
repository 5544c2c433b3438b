"""Live form components with file fields: two of them on one page keep their files apart."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from live_views import LiveComponent, LiveFormComponent, live_event
from tests.uploadapp.forms import ContactForm, DocumentForm
from tests.uploadapp.models import Document

# What the contact component received, for the tests to read.
RECEIVED: list[dict[str, Any]] = []
# Subjects that make the contact component's valid submit fail: in form_valid(), or after it,
# in the render of what it changed.
FAIL_HANDLER, BREAK_RENDER = "Fail the handler", "Break the render"


class DocumentComponent(LiveFormComponent):
    """A ModelForm with a FileField, saved by form_valid()."""

    template_name = "uploadapp/component_form.html"
    form_class = DocumentForm
    saved = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(saved=self.saved, **kwargs)

    def form_valid(self, form: Any) -> None:
        document = form.save()
        self.saved = f"Saved {document.file.name}"
        self.reset_form()


class ResetFirstDocumentComponent(DocumentComponent):
    """Resets its form before it saves it: the files are still there to save."""

    def form_valid(self, form: Any) -> None:
        self.reset_form()
        document = form.save()
        self.saved = f"Saved {document.file.name}"


class GatedDocumentComponent(DocumentComponent):
    """Refuses a session that closed it (after the page loaded, say)."""

    def check_access(self, request: HttpRequest) -> None:
        if request.session.get("uploads_closed"):
            raise PermissionDenied


class ContactComponent(LiveFormComponent):
    """A multiple file input: every file reaches cleaned_data and request.FILES."""

    template_name = "uploadapp/component_form.html"
    form_class = ContactForm
    broken = False  # a submit of BREAK_RENDER sets it: get_context_data() raises

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.broken:
            raise RuntimeError("the render failed after a valid submit")
        return super().get_context_data(**kwargs)

    def form_valid(self, form: Any) -> None:
        if form.cleaned_data["subject"] == FAIL_HANDLER:
            raise RuntimeError("form_valid() failed")
        self.broken = form.cleaned_data["subject"] == BREAK_RENDER
        RECEIVED.append(
            {
                "subject": form.cleaned_data["subject"],
                "files": {f.name: f.read() for f in form.cleaned_data["attachments"]},
                "request_files": sorted(f.name for f in self.request.FILES.getlist("attachments")),
            }
        )
        self.reset_form()

    @live_event
    def clear(self) -> None:
        """A "Clear" button: the form starts over, the files chosen so far included."""
        self.reset_form()

    @live_event
    def remove(self, ref: str) -> None:
        """A remove button wired to the component's own event: ``cancel_upload()``."""
        self.cancel_upload("attachments", ref)

    @live_event
    def remove_then_fail(self, ref: str) -> None:
        self.cancel_upload("attachments", ref)
        raise RuntimeError("the handler failed after cancel_upload()")

    @live_event
    def clear_then_fail(self) -> None:
        self.reset_form()
        raise RuntimeError("the handler failed after reset_form()")


class DocumentPreview(LiveComponent):
    """Follows the document it shows, and its page gives it none: the render that mounts it
    fails, after the page's render dropped the components it no longer shows."""

    template_name = "uploadapp/document_preview.html"
    document: Document | None = None

    def mount(self, document: Document | None = None) -> None:
        self.document = document

    def get_live_subscriptions(self) -> list[Any]:
        return [self.document]  # None: "Cannot subscribe to None"
