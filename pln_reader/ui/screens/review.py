"""The list review on screen: sources flagged noisy, idle or broken (mute or remove them), then
each list's funnel and skim time, as `pln review` prints them, then the practice map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.errors import PlnError
from ..text import cell, plain, plain_block
from .source_actions import SourceActionsMixin, SourceUndo

if TYPE_CHECKING:
    from ...core.models import Source
    from ..app import PlnApp

DAYS = (7, 30, 90)
MAP_MARGIN = 5
"""Columns the review body takes from the screen's width: its padding and scroll bar."""
MAP_MIN_WIDTH = 40


class ReviewScreen(SourceActionsMixin, Screen[None]):
    """The review of the last 7, 30 or 90 days (``p`` switches)."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="review_back"),
        Binding("p", "period", "7/30/90 days", id="review_period"),
        Binding("z", "mute_source", "Mute/unmute", id="review_mute"),
        Binding("d", "remove_source", "Remove source", id="review_remove"),
        Binding("u", "undo_source", "Undo", show=False, id="review_undo"),
        Binding("pagedown,J", "scroll_body(1)", "Scroll the review down", show=False, id="review_page_down"),
        Binding("pageup,K", "scroll_body(-1)", "Scroll the review up", show=False, id="review_page_up"),
        Binding("j", "cursor(1)", "Down", show=False, id="review_down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="review_up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.days = DAYS[0]
        self.source_undo: list[SourceUndo] = []
        self.flagged: list[Any] = []
        """The review's sources with a flag (reflect.report.SourceReview)."""
        self._map_width = 0
        """The screen width the map was last drawn for."""

    def compose(self) -> ComposeResult:
        yield Static("", id="review-status")
        yield Static("", id="review-flagged-title", classes="review-section")
        yield DataTable(id="review-sources", cursor_type="row")
        with VerticalScroll(id="review-body"):
            yield Static("", id="review-text")
            # The visitor/resident map of the practice goes here (map_text), under its title.
            yield Static("", id="review-map-title", classes="review-section")
            yield Static("", id="review-map")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("flags", width=14)
        table.add_column("source", width=34)
        table.add_column("links", width=5)
        table.add_column("kept", width=4)
        table.add_column("lists")
        self.reload()
        (table if self.flagged else self.query_one("#review-body")).focus()

    def map_text(self, review: Any) -> str | None:
        """The text of the practice map section, under the review: the visitor/resident map of
        each calendar month the period touches (the latest last, so movement shows), sized to
        the screen's width. None: the section is not shown (the map could not be made)."""
        library = self.app.library
        months = 1 if self.days <= 30 else 3
        try:
            snapshots = library.practice_map(months=months)
        except PlnError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        width = max(MAP_MIN_WIDTH, self.app.size.width - MAP_MARGIN)
        parts = [library.practice_map_legend()]
        for snapshot in snapshots:
            parts += ["", f"{snapshot.label} ({snapshot.period.dates})",
                      library.practice_map_text(snapshot, width=width)]
        return "\n".join(parts)

    def on_resize(self) -> None:
        """The map is drawn for the screen's width: draw it again when that changes."""
        if self.is_mounted and self._map_width != self.app.size.width:
            self._show_map(None)

    def _show_map(self, review: Any) -> None:
        self._map_width = self.app.size.width
        text = self.map_text(review)
        self.query_one("#review-map-title", Static).display = text is not None
        self.query_one("#review-map", Static).display = text is not None
        if text is not None:
            self.query_one("#review-map-title", Static).update(plain(
                "Practice map (visitor: reading only; resident: notes and shares)"))
            self.query_one("#review-map", Static).update(plain_block(text))

    def current_source(self) -> Source | None:
        table = self.query_one(DataTable)
        if not self.flagged or table.cursor_row >= len(self.flagged):
            return None
        try:
            return self.app.library.find_source(str(self.flagged[table.cursor_row].id))
        except PlnError:  # removed meanwhile (by another process)
            self.reload()
            return None

    def reload(self) -> None:
        library = self.app.library
        review = library.review(self.days)
        muted = {s.id for s in library.sources() if not s.active}
        self.flagged = [s for s in review.sources if s.flags or s.id in muted]
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for s in self.flagged:
            flags = list(s.flags) + (["muted"] if s.id in muted else [])
            table.add_row(cell(", ".join(flags), style="bold"), cell(s.label),
                          Text(str(s.brought), justify="right"), Text(str(s.saved + s.shared), justify="right"),
                          cell(", ".join(s.lists) or "-"))
        table.display = bool(self.flagged)
        if self.flagged:
            table.move_cursor(row=min(row, len(self.flagged) - 1))
        count = len(self.flagged)
        self.query_one("#review-flagged-title", Static).update(plain(
            f"Sources flagged: {count}" + (" · z mute · d remove · u undo" if count else
                                           " (none noisy, idle or broken)")))
        self.query_one("#review-text", Static).update(plain_block(library.render_review(review, "text")))
        self._show_map(review)
        self.query_one("#review-status", Static).update(plain(
            f"List review: the last {self.days} days · p 7/30/90 days"))

    def action_period(self) -> None:
        self.days = DAYS[(DAYS.index(self.days) + 1) % len(DAYS)]
        self.reload()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#review-body", VerticalScroll)
        body.scroll_relative(y=pages * max(1, body.size.height - 1), animate=False)

    def action_back(self) -> None:
        self.dismiss(None)
