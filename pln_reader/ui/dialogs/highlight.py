"""Highlight a passage of an article's text, with an optional comment."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Static, TextArea

from ._base import Dialog
from .results import HighlightRequest

EMPTY_PASSAGE = "a highlight needs the passage it quotes"
NOT_IN_ARTICLE = "that passage is not in the article"


def collapse(text: str) -> str:
    """``text`` with runs of whitespace folded to one space, as highlights are stored."""
    return " ".join(text.split())


class HighlightDialog(Dialog[HighlightRequest | None]):
    """Quote a passage that must occur in ``article_text`` (whitespace and case may differ)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, article_text: str, *, passage: str = "") -> None:
        super().__init__()
        self._article = collapse(article_text).casefold()
        self._passage = passage

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static("Highlight a passage", classes="dialog-title")
            yield TextArea(
                self._passage,
                id="passage",
                soft_wrap=True,
                classes="dialog-text",
                placeholder="the passage, as it is in the article",
            )
            with Horizontal(classes="dialog-row"):
                yield Label("Comment")
                yield Input(id="comment", placeholder="optional")
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        target = "#comment" if self._passage.strip() else "#passage"
        self.query_one(target).focus()

    def action_submit(self) -> None:
        """Check the passage is in the article and dismiss with a HighlightRequest."""
        passage = collapse(self.query_one("#passage", TextArea).text)
        error = (
            EMPTY_PASSAGE
            if not passage
            else None
            if passage.casefold() in self._article
            else NOT_IN_ARTICLE
        )
        if error:
            self.show_error(error)
            self.query_one("#passage", TextArea).focus()
            return
        comment = self.query_one("#comment", Input).value.strip() or None
        self.dismiss(HighlightRequest(passage=passage, comment=comment))


