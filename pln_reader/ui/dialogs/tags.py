"""Edit the tags of a link: one line, tags apart by spaces or commas."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from ._base import Dialog, plain


def parse_tags(text: str) -> list[str]:
    """Tags from what was typed: apart by spaces or commas, a leading # dropped, each once."""
    seen: dict[str, str] = {}
    for word in re.split(r"[\s,]+", text):
        tag = word.strip().lstrip("#")
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())


class TagDialog(Dialog[list[str] | None]):
    """The link's tags, editable; Enter (or ctrl+s) gives back the tags it should have now."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, title: str, tags: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._tags = list(tags)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Tags of", classes="dialog-title -with-subject")
            yield Static(plain(self._title), classes="dialog-subject")
            yield Input(" ".join(self._tags), id="tags", placeholder="tags apart by spaces or commas")
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tags", Input).focus()

    def action_submit(self) -> None:
        """Dismiss with the tags typed (none: every tag removed)."""
        self.dismiss(parse_tags(self.query_one("#tags", Input).value))
