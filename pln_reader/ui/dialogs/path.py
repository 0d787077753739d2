"""Ask for a file path (prefilled, editable): where the weekly list is written."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from ._base import Dialog, plain


class PathDialog(Dialog[Path | None]):
    """A one-line path; Enter (or ctrl+s) gives it back with ``~`` expanded."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Write", id="dialog_save")]

    def __init__(self, title: str, initial: Path) -> None:
        super().__init__()
        self._title = title
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self._title), classes="dialog-title")
            yield Input(str(self._initial), id="path")
            yield self.error_line()
            yield self.buttons("Write")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def action_submit(self) -> None:
        """Dismiss with the path, unless it is blank or a directory."""
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.show_error("give a file to write")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.show_error(f"{path} is a directory: give a file name")
            return
        self.dismiss(path)
