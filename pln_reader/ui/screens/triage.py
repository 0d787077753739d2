"""The main screen's actions on links and lists: triage with undo, dialogs, reader, search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ...core.errors import PlnError
from ...core.text import plural
from ..messages import Triage
from .link_actions import ask_applied, ask_note, ask_share, open_in_browser, play_media

if TYPE_CHECKING:
    from ...library.facade import AddResult, Library
    from ..app import PlnApp
    from ..dialogs.results import ListEdit
    from ..views import View
    from ..widgets.links_table import LinksTable

UNDO_LEVELS = 50


class TriageMixin:
    """Actions of :class:`MainScreen` that change the library (each reversible one is undoable)."""

    app: PlnApp
    view: View | None
    unread_only: bool
    contains: str | None
    undo_stack: list[Triage]
    table: LinksTable

    if TYPE_CHECKING:
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def load_links(self, *, keep: str | None = None) -> None: ...
        def reload_lists(self) -> None: ...
        def refresh_counts(self) -> None: ...
        def select_view(self, name: str) -> None: ...
        def _update_status(self, text: str | None = None) -> None: ...

    def _push(self, triage: Triage) -> None:
        if triage.urls or triage.found is not None:
            self.undo_stack.append(triage)
            del self.undo_stack[:-UNDO_LEVELS]
            self._update_status(f"{triage.label} (u undoes)")

    def _redraw(self, url: str) -> None:
        self.table.replace_link(self.app.library.get_link(url))

    def _fail(self, exc: PlnError) -> None:
        self.notify(str(exc), severity="error", markup=False)

    def _write(self, action: Callable[[Library], object], *, redraw: Sequence[str] = (),
               reload: str | None | bool = False) -> bool:
        """Write through the app: at once, or queued behind another process's write lock (the
        UI thread never waits for it). Once the write is in, the rows of ``redraw`` are drawn
        again from the store (``reload``: the page is loaded again, the cursor kept on that
        link) and the counts follow. True when it was written at once; when it was queued, the
        caller shows the change at once on its own."""
        def landed() -> None:
            if reload is not False:
                self.load_links(keep=reload if isinstance(reload, str) else None)
            for url in redraw:
                self._redraw(url)
            self.refresh_counts()

        return self.app.write(action, landed)

    def _show_as(self, urls: Sequence[str], **state: bool) -> None:
        """Draw the loaded rows of ``urls`` in a state not yet written (a queued write)."""
        wanted = set(urls)
        for link in [k for k in self.table.links if k.url in wanted]:
            self.table.replace_link(replace(link, **state))

    # -- triage --------------------------------------------------------------------------------

    def action_mark_read(self) -> None:
        link = self.table.current
        if link is None:
            return
        changed: list[str] = []

        def write(library: Library) -> None:
            changed[:] = library.mark_read_many([link.url])

        if self._write(write, redraw=[link.url]):
            urls = tuple(changed)
        else:  # waits for the lock: read now on the screen (its story's versions with it)
            urls = () if link.read else (link.url,)
            self._show_as([link.url], read=True)
        self._push(Triage("read", urls))
        self.table.action_cursor_down()

    def action_save(self) -> None:
        link = self.table.current
        if link is None:
            return
        url = link.url
        if link.saved and not link.archived:
            if not self._write(lambda library: library.unsave(url), redraw=[url]):
                self._show_as([url], saved=False)
            self._push(Triage("unsave", (url,)))
        else:
            if not self._write(lambda library: library.save(url, fetch_new=False), redraw=[url]):
                self._show_as([url], saved=True, archived=False)
            # an archived link goes back in the queue: undoing that archives it again
            self._push(Triage("requeue" if link.saved else "save", (url,)))

    def action_hide(self) -> None:
        link = self.table.current
        if link is None:
            return
        url, hidden = link.url, not link.hidden
        self._write(lambda library: library.hide(url, hidden=hidden))
        self._push(Triage("unhide" if link.hidden else "hide", (url,)))
        self.table.remove_link(link)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("nothing to undo")
            return
        triage = self.undo_stack.pop()
        kind = triage.kind

        def undo(library: Library) -> None:
            urls = triage.targets  # read when it runs: after the write it undoes, queued or not
            if kind in ("read", "read_all"):
                library.mark_read_many(urls, read=False)
            elif kind == "save":
                for url in urls:
                    library.unsave(url)
            elif kind == "requeue":
                for url in urls:
                    library.archive(url)
            elif kind == "unsave":
                for url in urls:
                    library.save(url, fetch_new=False)
            elif kind in ("hide", "unhide"):
                for url in urls:
                    library.hide(url, hidden=kind == "unhide")
            elif kind in ("archive", "archive_read"):  # back in the queue, unread if it was
                for url in urls:
                    library.save(url, fetch_new=False)
                if kind == "archive":
                    library.mark_read_many(urls, read=False)

        if kind in ("read_all", "hide", "unhide"):
            keep = triage.urls[0] if kind != "read_all" and triage.urls else None
            done = self._write(undo, reload=keep)
        else:
            done = self._write(undo, redraw=triage.urls)
        if not done:  # waits for the lock: undone now on the screen
            self._show_undone(triage)
        self._update_status(f"undone: {triage.label}")

    def _show_undone(self, triage: Triage) -> None:
        kind, urls = triage.kind, triage.urls
        if kind in ("read", "read_all"):
            self._show_as(urls, read=False)
        elif kind == "save":
            self._show_as(urls, saved=False)
        elif kind == "requeue":
            self._show_as(urls, saved=True, archived=True)
        elif kind in ("unsave", "archive_read"):
            self._show_as(urls, saved=True, archived=False)
        elif kind == "archive":
            self._show_as(urls, saved=True, archived=False, read=False)
        elif kind in ("hide", "unhide") and urls:  # the row comes back where the cursor is
            link = replace(self.app.library.get_link(urls[0]), hidden=kind == "unhide")
            self.table.insert_link(link, self.table.cursor_row)

    def action_mark_all_read(self) -> None:
        from ..dialogs.confirm import ConfirmDialog

        view = self.view
        if view is None:
            return
        if view.topic is None and view.name == "Saved":
            self.notify("saved links stay unread when marking all read: nothing to do here")
            return
        what = f"every unread link in {view.name}" + (f" matching {self.contains!r}" if self.contains else "")

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            found: list[str] = []
            saved = view.topic is None and view.name == "Saved"
            shared = view.topic is None and view.name == "Shared"
            contains = self.contains

            def write(library: Library) -> None:
                found[:] = library.mark_list_read(view.list_name, saved=saved, shared=shared,
                                                  contains=contains)

            if self._write(write, reload=None):
                self._push(Triage("read_all", tuple(found)))
                self._update_status(f"marked {plural(len(found), 'link')} read "
                                    "(saved links kept unread; u undoes)")
                return
            # Waits for the lock: the loaded rows read now on the screen; the undo, queued
            # behind the write, undoes what the write found.
            shown = [k.url for k in self.table.links if not k.read and not k.saved]
            self._show_as(shown, read=True)
            self._push(Triage("read_all", tuple(shown), found=found))
            self._update_status("marking every unread link read: waiting for the database "
                                "(saved links kept unread; u undoes)")

        self.app.push_screen(ConfirmDialog(f"Mark {what} read? Saved links stay unread."), confirmed)

    # -- one link ------------------------------------------------------------------------------

    def action_open_reader(self) -> None:
        from .reader import ReaderScreen

        link = self.table.current
        if link is not None:
            self.app.push_screen(ReaderScreen(link))

    def action_open_browser(self) -> None:
        link = self.table.current
        if link is not None:
            open_in_browser(self, link.url)

    def action_play(self) -> None:
        link = self.table.current
        if link is not None:
            play_media(self, link)

    def action_copy_link(self) -> None:
        link = self.table.current
        if link is not None:
            self.app.copy_to_clipboard(link.url)
            self.notify("link copied", markup=False)

    def action_note(self) -> None:
        link = self.table.current
        if link is not None:
            ask_note(self.app, link.url, link.title or link.url, lambda: self._redraw(link.url))

    def action_share(self) -> None:
        link = self.table.current
        if link is not None:
            def after() -> None:
                self._redraw(link.url)
                self.refresh_counts()

            ask_share(self.app, link.url, link.title or link.url, after)

    def action_applied(self) -> None:
        link = self.table.current
        if link is not None:
            ask_applied(self.app, link.url, link.title or link.url, lambda: self._redraw(link.url))

    def action_learned(self) -> None:
        from .learned import LearnedScreen

        self.app.push_screen(LearnedScreen())

    def action_search(self) -> None:
        from .search import SearchScreen

        self.app.push_screen(SearchScreen())

    # -- sources and lists ---------------------------------------------------------------------

    def action_add_source(self) -> None:
        from ..dialogs.add_source import AddSourceDialog

        names = [t.name for t in self.app.library.lists()]
        preselected = self.view.list_name if self.view and self.view.topic else None

        def added(results: list[AddResult] | None) -> None:
            if not results:  # cancelled (an add still running may finish later)
                self.reload_lists()
                return
            labels = ", ".join(r.source.label for r in results if r.source is not None)
            repairs = [note for r in results for note in r.repairs]
            self.notify(f"added {labels}; refreshing" + "".join(f"\nrepaired: {n}" for n in repairs),
                        markup=False, timeout=10 if repairs else 5)
            self.reload_lists()
            self.run_refresh(preselected)  # type: ignore[attr-defined]

        self.app.push_screen(AddSourceDialog(names, self.app.add_sources, preselected=preselected), added)

    def action_edit_list(self) -> None:
        view = self.view
        if view is None or view.topic is None:
            self.action_new_list()
            return
        self._list_dialog(view.topic.name)

    def action_new_list(self) -> None:
        self._list_dialog(None)

    def _list_dialog(self, name: str | None) -> None:
        from ..dialogs.edit_list import ListDialog

        library = self.app.library
        existing = library.get_list(name) if name else None
        taken = [t.name for t in library.lists()]

        def done(edit: ListEdit | None) -> None:
            if edit is None:
                return
            try:
                if existing is None:
                    library.create_list(edit.name, purpose=edit.purpose, context=edit.context,
                                        budget_minutes=edit.budget_minutes, aim=edit.aim)
                else:
                    library.edit_list(existing.name, new_name=edit.name, purpose=edit.purpose,
                                      context=edit.context, budget_minutes=edit.budget_minutes,
                                      aim=edit.aim)
            except PlnError as exc:
                self._fail(exc)
                return
            self.reload_lists()
            self.select_view(edit.name)
            self.notify(f"list {edit.name} saved", markup=False)

        self.app.push_screen(ListDialog(existing, taken_names=taken), done)

    def action_failures(self) -> None:
        from ..dialogs.failures import FailuresDialog

        self.app.push_screen(FailuresDialog(self.app.failures()))
