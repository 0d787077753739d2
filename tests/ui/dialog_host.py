"""A tiny app that shows one dialog on mount and keeps what it was dismissed with."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from pln_reader.ui.dialogs import DIALOGS_TCSS

NOT_DISMISSED = object()
"""``DialogHost.result`` until the dialog is dismissed."""


class DialogHost(App[None]):
    """Push ``dialog`` on mount; ``result`` is its dismissed value, ``results`` every one."""

    CSS_PATH = DIALOGS_TCSS

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    @property
    def result(self) -> Any:
        """What the dialog was dismissed with, or NOT_DISMISSED."""
        return self.results[-1] if self.results else NOT_DISMISSED

    def compose(self) -> ComposeResult:
        yield Static("host screen", id="host")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)
