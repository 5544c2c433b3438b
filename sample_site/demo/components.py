"""Live components of the demo: reusable parts with their own state and events."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from demo.forms import ContactForm
from demo.models import Contact
from live_views import LiveComponent, LiveFormComponent, live_event


class LikeButton(LiveComponent):
    """A like button with its own state. On a live page it also tells the page (``self.parent``);
    on an ordinary page (the home page) it is live on its own and ``self.parent`` is None."""

    template_name = "demo/like_button.html"
    liked = False
    likes = 0

    def mount(self, likes: int = 0) -> None:
        self.likes = likes

    def update(self, liked: bool | None = None) -> None:
        # From the page's live_send_update() ("Unlike all"); the tag passes no ``liked``, so
        # the page's own renders leave the button as it is.
        if liked is not None and liked != self.liked:
            self.liked = liked
            self.likes += 1 if liked else -1

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(liked=self.liked, likes=self.likes, **kwargs)

    @live_event
    def toggle(self) -> None:
        self.liked = not self.liked
        self.likes += 1 if self.liked else -1
        if self.parent is not None:
            self.parent.liked += 1 if self.liked else -1


class HookedPanel(LiveComponent):
    """A live component whose template holds a data-live-hook element (the hooks demo)."""

    template_name = "demo/hooked_panel.html"
    bumps = 0

    @live_event
    def bump(self, by: int = 1) -> dict[str, int]:
        # Also from the hook's pushEvent() on an ordinary page (/hooks/plain/): its reply.
        self.bumps += by
        return {"bumps": self.bumps}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(bumps=self.bumps, **kwargs)


class ContactRow(LiveFormComponent):
    """One row of the contacts table. Edit turns the row into its contact's form, validated as
    you type; Save writes it and Cancel puts the row back. Each of these re-renders this row
    only: not the other rows, nor the page (its handler leaves ``self.parent`` alone), except
    that a save also counts on the page, through ``self.parent``."""

    template_name = "demo/contact_row.html"
    root_tag = "tr"
    form_class = ContactForm
    editing = False

    def mount(self, contact: Contact) -> None:
        self.contact = contact
        self.prefix = f"contact-{contact.pk}"  # two rows in edit mode: distinct field ids

    def get_form_kwargs(self) -> dict[str, Any]:
        # A copy: a model form writes what it validates into its instance, and the row shows
        # the contact as saved until Save.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.contact)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(contact=self.contact, editing=self.editing, **kwargs)

    @live_event
    def edit(self) -> None:
        self.editing = True

    @live_event
    def cancel(self) -> None:
        self.editing = False
        self.reset_form()

    def form_valid(self, form: forms.BaseForm) -> None:
        assert isinstance(form, ContactForm)
        self.contact = form.save()
        self.editing = False
        self.reset_form()
        if self.parent is not None:
            self.parent.saved += 1
