"""The sources of a list (or of every list): remove, mute or move them to another list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.models import Source
from ..text import age, cell, plain
from .source_actions import SourceActionsMixin, SourceUndo

if TYPE_CHECKING:
    from ..app import PlnApp


def status_of(source: Source) -> str:
    if not source.active:
        return "muted"
    return {"not_modified": "ok", "error": "failing", "never": "not fetched"}.get(source.status, source.status)


class SourcesScreen(SourceActionsMixin, Screen[None]):
    """One row per source: its lists, entries, status; the keys act on the row under the cursor."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="sources_back"),
        Binding("d", "remove_source", "Remove source", id="sources_remove"),
        Binding("m", "move_source", "Move to list", id="sources_move"),
        Binding("z", "mute_source", "Mute/unmute", id="sources_mute"),
        Binding("u", "undo_source", "Undo", show=False, id="sources_undo"),
        Binding("p", "posts", "Posts", show=False, id="sources_posts"),
        Binding("j", "cursor(1)", "Down", show=False, id="sources_down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="sources_up"),
    ]

    def __init__(self, list_name: str | None = None) -> None:
        super().__init__()
        self.list_name = list_name
        self.from_list = list_name
        self.source_undo: list[SourceUndo] = []
        self.items: list[Source] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="sources-status")
        yield DataTable(id="sources-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("status", width=11)
        table.add_column("source", width=38)
        table.add_column("entries", width=7)
        table.add_column("fetched", width=7)
        table.add_column("lists")
        self.reload()
        table.focus()

    def current_source(self) -> Source | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def reload(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.items = self.app.library.sources(list_name=self.list_name)
        table.clear()
        now = self.app.clock()
        for s in self.items:
            table.add_row(cell(status_of(s), style="bold" if s.status == "error" or not s.active else ""),
                          cell(s.label), Text(str(s.entries), justify="right"),
                          cell(age(s.last_success, now) or "never"), cell(", ".join(s.lists) or "-"))
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1))
        where = f"list {self.list_name}" if self.list_name else "every list"
        count = len(self.items)
        self.query_one("#sources-status", Static).update(plain(
            f"Sources of {where}: {count} source{'s' if count != 1 else ''} · "
            "d remove · m move · z mute · u undo"))

    def action_posts(self) -> None:
        """The source's latest posts or entries, also social posts that share no link."""
        from ..dialogs.failures import FailuresDialog

        source = self.current_source()
        if source is None:
            return
        now = self.app.clock()
        rows = []
        for e in self.app.library.source_posts(str(source.id), limit=30):
            who = " ".join(x for x in (e.author, e.sharer_handle) if x) or e.source
            text = "\n".join((e.post_text or e.title or "").splitlines()[:4])
            rows.append((f"{age(e.published, now) or '-'}  {who}", f"{text}\n{e.url or '(no link)'}"))
        self.app.push_screen(FailuresDialog(rows, title=f"Latest posts of {source.label}",
                                            empty="no posts stored for this source yet: r refreshes"))

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_back(self) -> None:
        self.dismiss(None)
