"""Full-text search (FTS5 over titles, summaries, articles and notes); results open in the reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...core.errors import PlnError
from ..text import plain
from ..widgets.links_table import LinksTable
from .reader import ReaderScreen

if TYPE_CHECKING:
    from ..app import PlnApp

RESULTS = 100


class SearchScreen(Screen[None]):
    """Type words (every word must match; the last may be a prefix), Enter runs the search."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="search_back"),
        Binding("down", "focus_results", "Results", show=False, id="search_results"),
    ]

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search titles, summaries, articles and your notes", id="query")
        yield Static("", id="search-status")
        yield LinksTable(id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    @on(Input.Submitted, "#query")
    def _search(self, event: Input.Submitted) -> None:
        status = self.query_one("#search-status", Static)
        table = self.query_one("#results", LinksTable)
        try:
            found = self.app.library.search(event.value, limit=RESULTS)
        except PlnError as exc:
            status.update(plain(str(exc)))
            return
        table.show(found, complete=True, now=self.app.clock())
        status.update(plain(f"{len(found)} result{'s' if len(found) != 1 else ''} for {event.value}"))
        if found:
            table.focus()

    @on(LinksTable.RowSelected)
    def _open(self) -> None:
        link = self.query_one("#results", LinksTable).current
        if link is not None:
            self.app.push_screen(ReaderScreen(link))

    @on(LinksTable.LinkHighlighted)
    def _ignore(self, event: LinksTable.LinkHighlighted) -> None:
        event.stop()

    def on_screen_resume(self) -> None:
        """Back from the reader: redraw the link read there."""
        table = self.query_one("#results", LinksTable)
        if table.current is not None:
            table.replace_link(self.app.library.get_link(table.current.url))

    def action_focus_results(self) -> None:
        self.query_one("#results", LinksTable).focus()

    def action_back(self) -> None:
        self.dismiss(None)
