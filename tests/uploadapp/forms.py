from __future__ import annotations

from typing import Any

from django import forms

from tests.uploadapp.models import Document


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented field for a multiple selection: cleans each file, returns the list."""

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


class ContactForm(forms.Form):
    subject = forms.CharField(max_length=50)
    attachments = MultipleFileField(required=False)


class DocumentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Document
        fields = ["title", "file"]
