"""Choose which notes, highlights and applied entries the notes screen shows: by list, tag and
date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Select, Static

from ._base import Dialog


@dataclass(frozen=True, slots=True)
class NotesFilter:
    """None in a field: no filter on it."""

    list_name: str | None = None
    tag: str | None = None
    since: date | None = None

    def describe(self) -> str:
        bits = [f"list {self.list_name}" if self.list_name else "",
                f"tag {self.tag}" if self.tag else "",
                f"since {self.since.isoformat()}" if self.since else ""]
        return ", ".join(b for b in bits if b) or "everything"


class NotesFilterDialog(Dialog[NotesFilter | None]):
    """A list (or every list), a tag and a first day; ctrl+s or Enter applies."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Apply", id="dialog_save")]

    def __init__(self, lists: Sequence[str], current: NotesFilter) -> None:
        super().__init__()
        self._lists = list(lists)
        self._current = current

    def compose(self) -> ComposeResult:
        current = self._current
        with Vertical(classes="dialog-box"):
            yield Static("Show notes, highlights and applied entries of", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("List")
                yield Select([(name, name) for name in self._lists], prompt="every list",
                             value=current.list_name if current.list_name in self._lists else Select.NULL,
                             id="list")
            with Horizontal(classes="dialog-row"):
                yield Label("Tag")
                yield Input(current.tag or "", id="tag", placeholder="any tag")
            with Horizontal(classes="dialog-row"):
                yield Label("Since")
                yield Input(current.since.isoformat() if current.since else "", id="since",
                            placeholder="YYYY-MM-DD (blank: any day)")
            yield self.error_line()
            yield self.buttons("Apply")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tag", Input).focus()

    def action_submit(self) -> None:
        """Dismiss with the filter, unless the date is not a date."""
        chosen = self.query_one("#list", Select).value
        tag = self.query_one("#tag", Input).value.strip().lstrip("#") or None
        text = self.query_one("#since", Input).value.strip()
        since = None
        if text:
            try:
                since = date.fromisoformat(text)
            except ValueError:
                self.show_error(f"{text} is not a date like 2026-11-16")
                return
        self.dismiss(NotesFilter(chosen if isinstance(chosen, str) else None, tag, since))
