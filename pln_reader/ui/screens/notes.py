"""Every note, highlight and applied entry, newest first, filtered by list, tag and date: edit,
delete, or jump to the link in the reader."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.errors import PlnError
from ...core.models import Annotation, Applied
from ..dialogs.notes_filter import NotesFilter
from ..text import cell, plain, plain_block

if TYPE_CHECKING:
    from ..app import PlnApp
    from ..dialogs.results import AppliedEdit


Item = Annotation | Applied
"""A row of the notes screen: a note or highlight, or an applied entry (what a link changed)."""


def kind_of(item: Item) -> str:
    return "applied" if isinstance(item, Applied) else item.kind


def made_at(item: Item) -> datetime:
    """When it was written (an applied entry: when it was tried)."""
    return item.at if isinstance(item, Applied) else item.created_at


def body_of(item: Item) -> str:
    return item.text if isinstance(item, Applied) else item.body


class NotesScreen(Screen[None]):
    """A table of notes, highlights and applied entries over the whole text of the one under the
    cursor."""

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
        self.items: list[Item] = []

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
    def current(self) -> Item | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def reload(self) -> None:
        f = self.notes_filter
        since = None
        if f.since is not None:  # the day starts at local midnight
            since = datetime.combine(f.since, time(0)).astimezone()
        library = self.app.library
        items: list[Item]
        try:
            items = [*library.annotations(list_name=f.list_name, tag=f.tag, since=since),
                     *library.applied(list_name=f.list_name, tag=f.tag, since=since)]
        except PlnError as exc:  # the list was deleted meanwhile
            self.notify(str(exc), severity="error", markup=False)
            self.notes_filter = NotesFilter()
            items = [*library.annotations(), *library.applied()]
        self.items = sorted(items, key=made_at, reverse=True)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for a in self.items:
            first = (body_of(a).strip().splitlines() or [""])[0]
            table.add_row(cell(made_at(a).astimezone().strftime("%Y-%m-%d")), cell(kind_of(a)),
                          cell(a.link_title or a.link_url), cell(first))
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1))
        count = len(self.items)
        self.query_one("#notes-status", Static).update(plain(
            f"Notes, highlights, applied: {count} · showing {self.notes_filter.describe()} · f filter"))
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
            detail.update(plain("Nothing here: n on a link writes a note, h in the reader "
                                "highlights a passage, A records what a link changed."))
            return
        if isinstance(a, Applied):
            when = a.at.astimezone().strftime("%Y-%m-%d %H:%M")
            lines = [a.link_title or a.link_url, a.link_url, "", f"Applied {when}: {a.text}"]
            detail.update(plain_block("\n".join(lines)))
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
        if isinstance(a, Applied):
            from ..dialogs.applied import AppliedEditDialog

            def changed(edit: AppliedEdit | None) -> None:
                if edit is not None:
                    self._edited_applied(a.id, edit)

            self.app.push_screen(AppliedEditDialog(title, a.text, a.at), changed)
            return
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

    def _edited_applied(self, applied_id: int, edit: AppliedEdit) -> None:
        try:
            self.app.library.edit_applied(applied_id, text=edit.text, at=edit.at)
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
                if isinstance(a, Applied):
                    self.app.library.delete_applied(a.id)
                else:
                    self.app.library.delete_annotation(a.id)
            except PlnError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"{what} deleted", markup=False)
            self.reload()

        what = "applied entry" if isinstance(a, Applied) else a.kind
        first = (body_of(a).strip().splitlines() or [""])[0][:60]
        self.app.push_screen(ConfirmDialog(f"Delete this {what} on {a.link_title or a.link_url}?\n"
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
