"""Every note and highlight, newest first, filtered by list, tag and date: edit, delete, or
jump to the link in the reader."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.errors import PlnError
from ...core.models import Annotation
from ..dialogs.notes_filter import NotesFilter
from ..text import cell, plain, plain_block

if TYPE_CHECKING:
    from ..app import PlnApp


class NotesScreen(Screen[None]):
    """A table of annotations over the whole text of the one under the cursor."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="notes_back"),
        Binding("enter,l", "open_link", "Open link", id="notes_open"),
        Binding("e", "edit", "Edit", id="notes_edit"),
        Binding("d", "delete", "Delete", id="notes_delete"),
        Binding("f", "filter", "Filter", id="notes_filter"),
        Binding("j", "cursor(1)", "Down", show=False, id="notes_down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="notes_up"),
    ]

    def __init__(self, notes_filter: NotesFilter | None = None) -> None:
        super().__init__()
        self.notes_filter = notes_filter or NotesFilter()
        self.items: list[Annotation] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="notes-status")
        yield DataTable(id="notes-table", cursor_type="row")
        yield Static("", id="notes-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("made", width=10)
        table.add_column("kind", width=9)
        table.add_column("link", width=28)
        table.add_column("text")
        self.reload()
        table.focus()

    @property
    def current(self) -> Annotation | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def reload(self) -> None:
        f = self.notes_filter
        since = None
        if f.since is not None:  # the day starts at local midnight
            since = datetime.combine(f.since, time(0)).astimezone()
        try:
            self.items = self.app.library.annotations(list_name=f.list_name, tag=f.tag, since=since)
        except PlnError as exc:  # the list was deleted meanwhile
            self.notify(str(exc), severity="error", markup=False)
            self.notes_filter = NotesFilter()
            self.items = self.app.library.annotations()
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for a in self.items:
            first = (a.body.strip().splitlines() or [""])[0]
            table.add_row(cell(a.created_at.astimezone().strftime("%Y-%m-%d")), cell(a.kind),
                          cell(a.link_title or a.link_url), cell(first))
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1))
        count = len(self.items)
        self.query_one("#notes-status", Static).update(plain(
            f"Notes and highlights: {count} · showing {self.notes_filter.describe()} · f filter"))
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:  # enter on a row (the table takes the key before the screen)
        self.action_open_link()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        a = self.current
        detail = self.query_one("#notes-detail", Static)
        if a is None:
            detail.update(plain("No notes or highlights here: n on a link writes a note, "
                                "h in the reader highlights a passage."))
            return
        quote = "> " if a.kind == "highlight" else ""
        lines = [a.link_title or a.link_url, a.link_url, "", quote + a.body]
        if a.comment:
            lines += ["", f"({a.comment})"]
        if a.tags:
            lines += ["", "tags: " + ", ".join(a.tags)]
        detail.update(plain_block("\n".join(lines)))

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_open_link(self) -> None:
        from .reader import ReaderScreen

        a = self.current
        if a is None:
            return
        try:
            link = self.app.library.get_link(a.link_url)
        except PlnError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.push_screen(ReaderScreen(link), lambda _: self.reload())

    def action_edit(self) -> None:
        a = self.current
        if a is None:
            return
        title = a.link_title or a.link_url
        if a.kind == "highlight":
            from ..dialogs.comment import CommentDialog

            def commented(comment: str | None) -> None:
                if comment is not None:
                    self._edited(a.id, None, comment)

            self.app.push_screen(CommentDialog(a.body, a.comment), commented)
            return
        from ..dialogs.note import NoteDialog

        def done(text: str | None) -> None:
            if text:
                self._edited(a.id, text, None)

        self.app.push_screen(NoteDialog(title, initial=a.body), done)

    def _edited(self, annotation_id: int, text: str | None, comment: str | None) -> None:
        try:
            self.app.library.edit_annotation(annotation_id, text=text, comment=comment)
        except PlnError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("saved")
        self.reload()

    def action_delete(self) -> None:
        from ..dialogs.confirm import ConfirmDialog

        a = self.current
        if a is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.library.delete_annotation(a.id)
            except PlnError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"{a.kind} deleted", markup=False)
            self.reload()

        first = (a.body.strip().splitlines() or [""])[0][:60]
        self.app.push_screen(ConfirmDialog(f"Delete this {a.kind} on {a.link_title or a.link_url}?\n"
                                           f"{first}", yes="Delete", no="Keep"), confirmed)

    def action_filter(self) -> None:
        from ..dialogs.notes_filter import NotesFilterDialog

        def chosen(new: NotesFilter | None) -> None:
            if new is not None:
                self.notes_filter = new
                self.reload()

        names = [t.name for t in self.app.library.lists()]
        self.app.push_screen(NotesFilterDialog(names, self.notes_filter), chosen)

    def action_back(self) -> None:
        self.dismiss(None)
