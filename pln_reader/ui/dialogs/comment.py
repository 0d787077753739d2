"""Change the comment of a highlight (its passage stays: it quotes the article)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from ._base import Dialog, plain


class CommentDialog(Dialog[str | None]):
    """The highlight's passage, read-only, over its comment; Enter gives back the comment
    ("" removes it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, passage: str, comment: str | None) -> None:
        super().__init__()
        self._passage = passage
        self._comment = comment or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Comment on the highlight", classes="dialog-title -with-subject")
            yield Static(plain(self._passage[:300], multiline=True), classes="dialog-subject")
            yield Input(self._comment, id="comment", placeholder="your comment (blank: none)")
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#comment", Input).focus()

    def action_submit(self) -> None:
        """Dismiss with the comment as typed, stripped."""
        self.dismiss(self.query_one("#comment", Input).value.strip())
