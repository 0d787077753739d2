"""A yes/no question."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from ._base import Dialog, plain


class ConfirmDialog(Dialog[bool]):
    """Ask a question: y or the Yes button give True; n, No or Escape give False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes", id="confirm_yes"),
        Binding("n", "deny", "No", id="confirm_no"),
    ]
    CANCEL_RESULT = False

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                plain(self._question, multiline=True), id="question", classes="dialog-question"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain(self._yes), variant="primary", id="yes")
                yield Button(plain(self._no), id="no")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_confirm(self) -> None:
        """Answer yes."""
        self.dismiss(True)

    def action_deny(self) -> None:
        """Answer no."""
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
