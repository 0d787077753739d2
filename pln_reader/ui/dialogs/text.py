"""A read-only page of text (where a challenge is), scrollable; Escape, Enter or q close it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Static

from ._base import Dialog, plain


class TextDialog(Dialog[None]):
    """A title over several lines of plain text (never read as markup, controls removed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="dialog_cancel"),
        Binding("enter", "cancel", "Close", show=False),
        Binding("q", "cancel", "Close", show=False),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self._title), classes="dialog-title")
            with VerticalScroll(id="page", classes="dialog-list"):
                yield Static(plain(self._text, multiline=True), id="page-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", variant="primary", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#page", VerticalScroll).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
