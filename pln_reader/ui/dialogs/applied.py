"""Record that a link changed what you did: one line of what you tried."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static, TextArea

from ...core.text import clean_text
from ._base import Dialog, plain
from .results import AppliedEdit

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


class AppliedEditDialog(Dialog[AppliedEdit | None]):
    """Change an applied entry: what was tried (several lines) and when (local time, to the
    minute); ctrl+s, or Enter in the time, saves."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, title: str, text: str, at: datetime) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._at = at

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("What changed because of", classes="dialog-title -with-subject")
            yield Static(plain(self._title), id="subject", classes="dialog-subject")
            yield TextArea(clean_text(self._text, multiline=True) or "", id="text", soft_wrap=True,
                           classes="dialog-text")
            with Horizontal(classes="dialog-row"):
                yield Label("When")
                yield Input(self._at.astimezone().strftime("%Y-%m-%d %H:%M"), id="at",
                            placeholder="YYYY-MM-DD or YYYY-MM-DD HH:MM (local time)")
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one("#text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_submit(self) -> None:
        """Dismiss with the text and the time, unless the text is blank or the time is not one."""
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            self.show_error(EMPTY_APPLIED)
            self.query_one("#text", TextArea).focus()
            return
        typed = self.query_one("#at", Input).value.strip()
        try:
            at = datetime.fromisoformat(typed)
        except ValueError:
            self.show_error(f"{typed or 'nothing'} is not a date like 2026-11-16 or 2026-11-16 09:30")
            self.query_one("#at", Input).focus()
            return
        self.dismiss(AppliedEdit(text, at.astimezone() if at.tzinfo is None else at))
