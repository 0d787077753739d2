"""The sources whose last fetch failed, with the reason for each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Static

from ._base import Dialog, plain


class FailuresDialog(Dialog[None]):
    """A read-only, scrollable list of (label, reason) pairs; Escape, Enter or q close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="dialog_cancel"),
        Binding("enter", "cancel", "Close", show=False),
        Binding("q", "cancel", "Close", show=False),
    ]

    def __init__(self, failures: Sequence[tuple[str, str]], *, title: str | None = None,
                 empty: str = "no failed sources") -> None:
        super().__init__()
        self._failures = list(failures)
        self._title = title
        """Another list of (label, detail) pairs to show the same way (a source's posts, the
        setup checks)."""
        self._empty = empty

    def compose(self) -> ComposeResult:
        count = len(self._failures)
        title = self._title or (f"Failed sources and warnings ({count})" if count else "Failed sources")
        with Vertical(classes="dialog-box"):
            yield Static(plain(title), classes="dialog-title")
            with VerticalScroll(id="failures", classes="dialog-list"):
                if not self._failures:
                    yield Static(plain(self._empty), classes="dialog-empty")
                for label, reason in self._failures:
                    yield Static(plain(label), classes="failure-label")
                    yield Static(plain(reason, multiline=True), classes="failure-reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", variant="primary", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#failures", VerticalScroll).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
