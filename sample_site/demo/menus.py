"""The JS commands demo: a menu, a panel and a notice that open, change and close in the browser
(data-live-js), inside a liveblock the server re-renders without undoing them; a search panel
that opens with the focus in its field and tells the view (focus-first, focus, push); a Copy
button whose event the page's script hears (dispatch); a list whose deleted rows fade out
(data-live-remove); and dialogs the server renders, to rename the list and to ask before clearing
it, which take the focus as they open, keep it in (as the search panel does) and give it back as
they go (data-live-focus-wrap)."""

from __future__ import annotations

from typing import Any

from live_views import LiveTemplateView, live_event

# The list's rows: their ids (note-milk) and what they say.
NOTES = {
    "milk": "Buy milk",
    "call": "Call Ann",
    "plants": "Water the plants",
    "tickets": "Book tickets",
}


class MenusView(LiveTemplateView):
    """The menu's state is the browser's (a click on "Menu" sends nothing); the count is the
    server's. A count that changes re-renders the block around the menu, which stays open. The
    server can still decide: "Open from the server" renders the menu open."""

    template_name = "demo/menus.html"
    count = 0
    opened = False  # rendered open by the server (it changed its mind): the browser follows
    notes: tuple[str, ...] = tuple(NOTES)  # the keys of the rows still listed, in order
    query = ""  # the list shows the notes with it only: the search panel's field
    searches = 0  # how often "Search the list" was clicked: its `push search_opened`
    confirming = False  # "Clear the list" was clicked: its dialog asks
    list_name = "My notes"
    renaming = False  # "Rename" was clicked: its dialog asks for the new name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.query.casefold()
        notes = [(key, NOTES[key]) for key in self.notes if query in NOTES[key].casefold()]
        return super().get_context_data(
            count=self.count,
            opened=self.opened,
            notes=notes,
            query=self.query,
            searches=self.searches,
            confirming=self.confirming,
            list_name=self.list_name,
            renaming=self.renaming,
            **kwargs,
        )

    @live_event
    def increment(self) -> None:
        self.count += 1

    @live_event
    def open_menu(self) -> None:
        self.opened = True

    @live_event
    def delete_note(self, key: str) -> None:
        self.notes = tuple(note for note in self.notes if note != key)

    @live_event
    def restore_notes(self) -> None:
        self.notes = tuple(NOTES)

    @live_event
    def ask_clear(self) -> None:
        # The dialog takes the focus as it opens (data-live-focus-wrap: its autofocus button), so a
        # keyboard user is in it, and Tab keeps them there; it gives the focus back as it goes.
        self.confirming = True

    @live_event
    def clear_notes(self) -> None:
        self.notes = ()
        self._answered()

    @live_event
    def keep_notes(self) -> None:
        self._answered()

    def _answered(self) -> None:
        self.confirming = False

    @live_event
    def ask_rename(self) -> None:
        # As the dialog opens, the focus goes to its field, the first thing in it that takes it
        # (data-live-focus-wrap); as it goes, back to "Rename".
        self.renaming = True

    @live_event
    def rename(self, name: str = "") -> None:
        self.list_name = name.strip()[:40] or self.list_name
        self.renaming = False

    @live_event
    def cancel_rename(self) -> None:
        self.renaming = False

    @live_event
    def search(self, q: str = "") -> None:
        self.query = q.strip()[:100]

    @live_event
    def search_opened(self) -> None:
        # Sent by the button's JS commands (push), which also show the panel and focus its
        # field in the browser: the server learns of it without handling either.
        self.searches += 1
