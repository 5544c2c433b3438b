"""File uploads in live form components: two drop boxes on one page, each a LiveFormComponent
with a file field. A chosen file uploads at once, into its own box only; Send gives that box's
form_valid() the file, as a LiveFormView's would."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.storage import default_storage
from django.core.validators import FileExtensionValidator

from live_views import LiveFormComponent, LiveTemplateView


class DropForm(forms.Form):
    note = forms.CharField(max_length=80)
    file = forms.FileField(
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg", "txt"])],
        help_text="PDF, PNG, JPEG or text; up to 10 MB.",
    )


class DropBox(LiveFormComponent):
    template_name = "demo/dropbox.html"
    form_class = DropForm

    def mount(self, title: str) -> None:
        self.title = title
        self.prefix = self.component_id  # two boxes on one page: distinct field ids
        self.received: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # What this box has uploaded and not yet sent: its own files, not the other box's.
        uploads = self.live_uploads
        pending = uploads.files().getlist(f"{self.prefix}-file") if uploads is not None else []
        return super().get_context_data(
            title=self.title, pending=pending, received=self.received, **kwargs
        )

    def form_valid(self, form: forms.BaseForm) -> None:
        upload = form.cleaned_data["file"]
        name = default_storage.save(f"dropboxes/{self.component_id}/{upload.name}", upload)
        self.received.append(f"{form.cleaned_data['note']}: {name.rsplit('/', 1)[-1]}")
        self.reset_form()


class DropBoxesView(LiveTemplateView):
    template_name = "demo/dropboxes.html"
