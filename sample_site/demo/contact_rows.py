"""The contact rows demo: a table whose rows are live components, each edited in place."""

from __future__ import annotations

from typing import Any

from demo.models import Contact
from live_views import LiveTemplateView


class ContactRowsView(LiveTemplateView):
    """Each row is a ``ContactRow`` component (demo/components.py): its own state (view or edit
    mode, the form as typed) and its own events. An event of one row renders that row only;
    a save also changes ``saved`` here, through ``self.parent``, and the summary follows."""

    template_name = "demo/contact_rows.html"
    saved = 0  # contacts saved from this page

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contacts = Contact.objects.all()
        return super().get_context_data(contacts=contacts, saved=self.saved, **kwargs)
