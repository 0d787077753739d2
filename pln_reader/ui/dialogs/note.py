"""Write or edit a note about a link."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static, TextArea

from ._base import Dialog, plain

EMPTY_NOTE = "a note needs some text"


class NoteDialog(Dialog[str | None]):
    """A multi-line note about the link titled ``title``; ctrl+s saves the stripped text."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, title: str, *, initial: str = "") -> None:
        super().__init__()
        self._title = title
        self._initial = initial

    def compose(self) -> ComposeResult:
        # Plain text on purpose: Markdown highlighting needs tree-sitter, an extra dependency.
        with Vertical(classes="dialog-box"):
            yield Static("Note on", classes="dialog-title -with-subject")
            yield Static(plain(self._title), id="subject", classes="dialog-subject")
            yield TextArea(self._initial, id="text", soft_wrap=True, classes="dialog-text")
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one("#text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_cancel(self) -> None:
        """Close without saving; typed text is only thrown away after asking."""
        if self.query_one("#text", TextArea).text.strip() == self._initial.strip():
            self.dismiss(None)
            return
        from .confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard this note?", yes="Discard", no="Keep writing"),
                             answered)

    def action_submit(self) -> None:
        """Dismiss with the note's text, unless it is blank."""
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            self.show_error(EMPTY_NOTE)
            self.query_one("#text", TextArea).focus()
            return
        self.dismiss(text)

