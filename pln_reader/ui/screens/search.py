"""Full-text search (FTS5 over titles, summaries, articles and notes); results open in the reader.

Typed keys always go to the query box, so a query never fires a command: Enter searches and leaves
the focus in the box; Down or Tab moves into the results, Up on the first result or ``/`` comes
back; a letter typed in the results goes to the box too. Escape in the box closes search, in the
results it returns to the box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...core.errors import PlnError
from ...core.text import plural
from ..text import plain
from ..widgets.links_table import LinksTable
from ..widgets.search_results import SearchResults
from .reader import ReaderScreen

if TYPE_CHECKING:
    from ..app import PlnApp

RESULTS = 50
"""The best results shown (their passages are made by FTS5 for these rows only)."""
FIRST_RESULTS_MIN = 10


def first_results(terminal_rows: int) -> int:
    """Results made at first: about a screenful of two-line rows (the rest, up to
    :data:`RESULTS`, come as the cursor nears the end). Ranking every match costs the same
    for one row as for 50; the passages and rows cost per row."""
    return min(RESULTS, max(FIRST_RESULTS_MIN, terminal_rows // 2))
PASS_THROUGH = {"?"}
"""Printable keys the results keep (help); every other character goes to the query box."""


class SearchScreen(Screen[None]):
    """Type words (every word must match; the last may be a prefix), Enter runs the search."""

    app: PlnApp  # type: ignore[assignment]
    KEYS_ARE_TEXT = True
    """Read by the app: q does not quit here."""
    HELP_NOTE = ("Every word must match, the last as a prefix; best first. A common word is "
                 "ranked among its 2,000 newest matches: the best of those are shown.")
    """Said by help (?) above the keys (the number is the store's RANKED_NEWEST: a test
    checks they agree)."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="search_back"),
        Binding("down", "focus_results", "Results", id="search_results"),
        Binding("slash", "focus_query", "Query", id="search_query"),
    ]

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search titles, summaries, articles and your notes", id="query",
                    select_on_focus=False)  # a letter typed in the results adds to the query
        yield Static("type words, enter searches, down goes to the results", id="search-status")
        yield SearchResults(id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self.results.load_more = self._more
        self._query = ""

    @property
    def results(self) -> SearchResults:
        return self.query_one("#results", SearchResults)

    @on(Input.Submitted, "#query")
    def _search(self, event: Input.Submitted) -> None:
        status = self.query_one("#search-status", Static)
        first = first_results(self.app.size.height)
        try:
            found = self.app.library.search_hits(event.value, limit=first)
        except PlnError as exc:
            status.update(plain(str(exc)))
            return
        self._query = event.value
        self.results.show_hits(found, complete=len(found) < first, now=self.app.clock())
        self._update_status()

    def _more(self) -> None:
        """The next results, as the cursor nears the end of those shown (up to RESULTS)."""
        shown = len(self.results.links)
        try:
            found = self.app.library.search_hits(self._query, limit=RESULTS - shown, offset=shown)
        except PlnError:
            found = []
        self.results.append_hits(found, complete=True)
        self._update_status()

    def _update_status(self) -> None:
        count = len(self.results.links)
        more = "+" if not self.results.complete else ""
        hint = ": down for the results" if count else ""
        what = f"{count}{more} results" if more else plural(count, "result")
        self.query_one("#search-status", Static).update(plain(f"{what} for {self._query}{hint}"))

    @on(LinksTable.RowSelected)
    def _open(self) -> None:
        link = self.results.current
        if link is not None:
            self.app.push_screen(ReaderScreen(link))

    @on(LinksTable.LinkHighlighted)
    def _ignore(self, event: LinksTable.LinkHighlighted) -> None:
        event.stop()

    @on(SearchResults.LeaveTop)
    def _leave_top(self) -> None:
        self.action_focus_query()

    def on_key(self, event: events.Key) -> None:
        """A character typed in the results goes to the query box, never to a command."""
        if self.focused is not self.results or not event.is_printable or not event.character:
            return
        if event.character in PASS_THROUGH or event.key == "slash":
            return
        event.stop()
        event.prevent_default()
        self.action_focus_query()
        self.query_one("#query", Input).insert_text_at_cursor(event.character)

    def on_screen_resume(self) -> None:
        """Back from the reader: redraw the link read there."""
        table = self.results
        if table.current is not None:
            table.replace_link(self.app.library.get_link(table.current.url))

    def action_focus_results(self) -> None:
        if self.results.links:
            self.results.focus()

    def action_focus_query(self) -> None:
        box = self.query_one("#query", Input)
        box.focus()
        box.cursor_position = len(box.value)

    def action_back(self) -> None:
        if self.focused is self.results:
            self.action_focus_query()
            return
        self.dismiss(None)
