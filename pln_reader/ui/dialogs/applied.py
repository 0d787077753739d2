"""Record that a link changed what you did: one line of what you tried."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from ._base import Dialog, plain

EMPTY_APPLIED = "say what you did: an applied entry needs some text"


class AppliedDialog(Dialog[str | None]):
    """What the user tried because of the link titled ``title``; Enter or ctrl+s saves."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("What changed because of", classes="dialog-title -with-subject")
            yield Static(plain(self._title), id="subject", classes="dialog-subject")
            yield Input(id="text", placeholder="Tried two-question starters with Year 9: most recalled the point")
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def action_submit(self) -> None:
        """Dismiss with what was typed, unless it is blank."""
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.show_error(EMPTY_APPLIED)
            self.query_one("#text", Input).focus()
            return
        self.dismiss(text)
