"""Search results: a link per row, with the fields that matched and a passage with the words marked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.message import Message

from ...core.models import Link, SearchHit
from .links_table import LinksTable

MATCH_STYLE = "bold reverse"
"""The matched words: reverse video reads without colour too."""


def marked(pieces: Sequence[tuple[str, bool]], style: str = "") -> Text:
    """Text pieces with the matched ones in :data:`MATCH_STYLE`."""
    text = Text(no_wrap=True, overflow="ellipsis", end="", style=style)
    for piece, matched in pieces:
        text.append(piece, style=MATCH_STYLE if matched else "")
    return text


def snippet_text(hit: SearchHit) -> Text:
    """``note: …the words around equity…`` with the matched words marked."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    if hit.snippet_field:
        text.append(f"{hit.snippet_field}: ", style="dim italic")
    text.append_text(marked(hit.snippet))
    return text


class SearchResults(LinksTable):
    """A :class:`LinksTable` of two-line rows; posts :class:`LeaveTop` on Up from the first row."""

    ROW_HEIGHT = 2

    class LeaveTop(Message):
        """Up was pressed on the first result (the screen gives the query box the focus)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.hits: dict[int, SearchHit] = {}

    def show_hits(self, hits: Sequence[SearchHit], *, complete: bool = True,
                  now: datetime | None = None) -> None:
        self.hits = {h.link.id: h for h in hits}
        self.show([h.link for h in hits], complete=complete, now=now)

    def append_hits(self, hits: Sequence[SearchHit], *, complete: bool) -> None:
        """The next page of results, below the ones shown."""
        known = {k.id for k in self.links}
        hits = [h for h in hits if h.link.id not in known]  # a write between pages may move one
        self.hits.update({h.link.id: h for h in hits})
        self.append([h.link for h in hits], complete=complete)

    def _widths(self, width: int) -> tuple[int, int]:
        title, from_width = super()._widths(width)
        if not from_width:
            return title, 0
        return title + from_width - 12, 12  # the passage needs the room more than the source

    def _row(self, link: Link) -> list[Text]:
        row = super()._row(link)
        hit = self.hits.get(link.id)
        if hit is not None:
            title = marked(hit.title, row[1].style) if hit.title else row[1]
            title.append("\n")
            title.append_text(snippet_text(hit))
            row[1] = title
        return row

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.LeaveTop())
            return
        super().action_cursor_up()
