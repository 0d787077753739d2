"""The main screen: topic lists | links of the selected list over a preview of the selected link."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...core.durations import duration
from ...core.errors import PlnError
from ...core.models import Link, SourceResult
from ..messages import RefreshFinished, RefreshProgress, SyncFinished, Triage, ViewsCounted
from ..skim import SkimClock, SkimSpan
from ..views import FIXED_VIEWS, View
from ..widgets.links_table import LinksTable
from ..widgets.lists_pane import ListsPane
from ..widgets.preview import Preview, PreviewData
from .library_actions import LibraryActionsMixin
from .main_actions import PALETTE, MoreActionsMixin
from .triage import TriageMixin

if TYPE_CHECKING:
    from ...library.facade import Library
    from ..app import PlnApp

def _record_skim(span: SkimSpan, library: Library) -> None:
    library.record_skim(span.list_name, span.started, span.seconds)


PAGE_MIN = 50
"""Links loaded at a time, at least: a list of 100,000 links opens as fast as one of 50."""
PAGE_SCREENS = 2
"""A page is this many terminal heights of rows (what the table shows, and as much again
below it); the next one loads as the cursor nears the end (LinksTable.load_more). Rows the
screen does not show still cost Textual the time to add and measure them."""


def page_size(terminal_rows: int) -> int:
    """How many links a page loads in a terminal ``terminal_rows`` high."""
    return max(PAGE_MIN, PAGE_SCREENS * terminal_rows)


class MainScreen(TriageMixin, MoreActionsMixin, LibraryActionsMixin, Screen[None]):
    """Skim a topic list at speed: every action is one key, and most can be undone."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="up"),
        Binding("enter,l", "open_reader", "Open", id="open_reader"),
        Binding("space", "mark_read", "Mark read", key_display="space", id="mark_read"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("s", "save", "Save", id="save"),
        Binding("x", "hide", "Hide", show=False, id="hide"),
        Binding("o", "open_browser", "Browser", show=False, id="open_browser"),
        Binding("p", "play", "Play episode/video", show=False, id="play"),
        Binding("c", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("n", "note", "Note", show=False, id="note"),
        Binding("S", "share", "Log share", show=False, id="share"),
        Binding("A", "applied", "Applied", show=False, id="applied"),
        Binding("r", "refresh_list", "Refresh", show=False, id="refresh_list"),
        Binding("R", "refresh_all", "Refresh all", show=False, id="refresh_all"),
        Binding("slash", "search", "Search", id="search"),
        Binding("f", "filter", "Filter", show=False, id="filter"),
        Binding("U", "toggle_unread", "Unread only", show=False, id="toggle_unread"),
        Binding("t", "toggle_sort", "Most shared first", show=False, id="toggle_sort"),
        Binding("M", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
        Binding("a", "add_source", "Add source", show=False, id="add_source"),
        Binding("e", "edit_list", "Edit list (rename, purpose, budget)", show=False, id="edit_list"),
        Binding("L", "new_list", "New list", show=False, id="new_list"),
        Binding("F", "failures", "Failed sources", show=False, id="failures"),
        Binding("w", "learned", "What I learned", show=False, id="learned"),
        Binding("H", "dismiss_challenge", "Hide challenge today", show=False, id="dismiss_challenge"),
        Binding("T", "tag", "Tag", show=False, id="tag"),
        Binding("Z", "archive", "Archive", show=False, id="archive"),
        Binding("D", "delete_list", "Delete list", show=False, id="delete_list"),
        Binding("b", "sources", "Sources", show=False, id="sources"),
        Binding("N", "notes", "Notes and highlights", show=False, id="notes"),
        Binding("v", "review", "Review", show=False, id="review"),
        Binding("m", "rules", "Rules (mute, keep)", show=False, id="rules"),
        Binding("escape", "back", "Back", show=False, id="back"),
    ]

    PALETTE = PALETTE

    def __init__(self) -> None:
        super().__init__()
        self.view: View | None = None
        self.unread_only = False
        self.hidden_only = False
        self.sort = "newest"
        self.contains: str | None = None
        self.undo_stack: list[Triage] = []
        self.page = PAGE_MIN
        """Links the current view loads at a time (set from the terminal's height)."""
        self.skim = SkimClock(lambda: self.app.clock())
        self._seen: set[int] = set()
        self.sync_state: str | None = None
        """What the status line says about sync (last sync, or why it failed)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="challenge-banner")
        with Horizontal(id="panes"):
            yield ListsPane(id="lists")
            with Vertical(id="right"):
                yield Input(placeholder="filter titles, URLs: enter applies, esc clears", id="filter")
                yield LinksTable(id="links")
                yield Preview(id="preview")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.table.load_more = self._more
        self.reload_lists()
        self.lists_pane.chosen = self._view_chosen  # after the first show: on_mount loads it
        # The first page now, not after the lists pane's highlight message: one frame sooner.
        self.view = self.lists_pane.current
        if self.view is not None:
            self.skim.open_list(self.view.list_name if self.view.topic else None)
            self.load_links()
        self.query_one(LinksTable).focus()
        self.set_interval(15, self._tick_skim)
        if self.app.library.sync_enabled:
            self.run_sync()
            minutes = max(1, self.app.library.settings.sync.interval_minutes)
            self.set_interval(minutes * 60, self.run_sync)

    # -- the views and the links ---------------------------------------------------------------

    @property
    def lists_pane(self) -> ListsPane:
        return self.query_one(ListsPane)

    @property
    def table(self) -> LinksTable:  # type: ignore[override]
        return self.query_one(LinksTable)

    def build_views(self, library: Library | None = None, *, counts: bool = True) -> list[View]:
        """The views; ``counts=False``: without the unread counts (None), which cost most."""
        library = library or self.app.library
        skimmed = library.skim_seconds(self.app.local_midnight())
        fixed: dict[str, int | None] = dict.fromkeys(FIXED_VIEWS)
        if counts:
            found = library.view_counts()
            fixed = {"All": found["all"], "Saved": found["saved"], "Shared": found["shared"]}
        views = [View(name, None, fixed[name]) for name in FIXED_VIEWS]
        views += [View(t.name, t, t.unread if counts else None, skimmed.get(t.id, 0))
                  for t in library.lists(counts=counts)]
        return views

    def reload_lists(self) -> None:
        """Lists from the store (after a refresh, an edit): names at once, counts from a worker
        (the pane keeps a list's last count until then)."""
        self.lists_pane.show(self.build_views(counts=False))
        self.count_views()
        self.show_challenge()

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def count_views(self) -> None:
        """Count every view in a thread with its own connection: never on a key's path."""
        with self.app.open_worker_library() as library:
            views = self.build_views(library)
        self.post_message(ViewsCounted(views))

    @on(ViewsCounted)
    def _views_counted(self, event: ViewsCounted) -> None:
        pane = self.lists_pane
        for view in event.views:
            pane.update_view(view)
            if self.view is not None and self.view.name == view.name:
                spent, self.view = self.view.budget_spent, view
                if view.budget_spent != spent:
                    self._update_status()

    def show_challenge(self) -> None:
        """The running challenge's day and today's step, in one line; hidden when none runs or
        when the user hid it today."""
        from ..text import plain

        banner = self.query_one("#challenge-banner", Static)
        library = self.app.library
        try:
            state = library.challenge()
        except PlnError as exc:  # its stored file no longer reads (a newer pln wrote it)
            banner.display = True
            banner.update(plain(f"Challenge: {exc}"))
            return
        banner.display = state is not None and not state.dismissed_today
        if banner.display and state is not None:
            banner.update(plain(f"Challenge: {library.challenge_line(state)} · H hides this today"))

    def action_dismiss_challenge(self) -> None:
        """Hide the challenge banner until tomorrow (`pln challenge` still shows the steps)."""
        from ...core.errors import InputError

        try:
            self.app.library.dismiss_challenge_today()
        except InputError as exc:
            self.notify(str(exc), markup=False)
            return
        self.show_challenge()
        self.notify("challenge hidden until tomorrow (pln challenge shows it)", markup=False)

    def select_view(self, name: str) -> None:
        """Highlight the view called ``name`` (a list just created or renamed)."""
        pane = self.lists_pane
        names = [v.name for v in pane.views]
        if name in names:
            pane.highlighted = names.index(name)

    def refresh_counts(self) -> None:
        self.count_views()
        self.show_challenge()

    def _query(self, offset: int) -> list[Link]:
        view = self.view
        if view is None:
            return []
        return self.app.library.links(
            list_name=view.list_name, saved=view.topic is None and view.name == "Saved",
            shared=view.topic is None and view.name == "Shared", unread=self.unread_only,
            contains=self.contains, limit=self.page, offset=offset, sort=self.sort, hidden=self.hidden_only)

    def load_links(self, *, keep: str | None = None) -> None:
        """Load the view's first page; ``keep``: put the cursor back on that link if it is there."""
        view = self.view
        self.table.spotlight = self.app.library.spotlight_rules(view.list_name if view else None)
        self.page = page_size(self.app.size.height)
        links = self._query(0)
        self.table.show(links, complete=len(links) < self.page, now=self.app.clock())
        if keep is not None:
            self.table.select_url(keep)
        current = self.table.current
        if current is None or current.id != self.query_one(Preview).shown:
            # The new first link's preview comes with LinkHighlighted, often a frame after the
            # rows: until then it shows nothing, never the link the last view had.
            self.query_one(Preview).clear()
        self._update_status()

    def _view_chosen(self, view: View) -> None:
        """The lists pane's highlight moved (ListsPane.chosen): show that view's links."""
        if self.view is not None and self.view.name == view.name:
            self.view = view
            return
        self._flush_skim()
        self.view = view
        self.skim.open_list(view.list_name if view.topic else None)
        self.load_links()

    def _more(self) -> None:
        links = self._query(len(self.table.links))
        self.table.append(links, complete=len(links) < self.page)
        self._update_status()  # "50+ links" said what was loaded

    @on(LinksTable.LinkHighlighted)
    def _link_highlighted(self, event: LinksTable.LinkHighlighted) -> None:
        preview = self.query_one(Preview)
        link = event.link
        if link is None:
            preview.show(None, empty=self._empty_hint())
            return
        library = self.app.library
        purpose = self.view.topic.purpose if self.view and self.view.topic else None
        preview.show(PreviewData(
            link=link, entries=library.link_entries(link.url), shares=library.shares(url=link.url),
            annotations=library.annotations(url=link.url), purpose=purpose,
            versions=library.story_versions(link.url) if link.versions > 1 else ()))
        if link.id not in self._seen:
            self._seen.add(link.id)
            url = link.url
            self.app.write(lambda library: library.mark_seen([url]))

    @on(LinksTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_reader()

    def _empty_hint(self) -> str:
        if self.hidden_only:
            return "No hidden links here: x hides one; ctrl+p, Show hidden links, goes back."
        if self.contains:
            return f"No links match the filter {self.contains!r} (escape in the filter clears it)."
        if self.view and self.view.name == "Saved" and self.view.topic is None:
            return "The reading queue is empty: press s on a link to save it for later."
        if self.view and self.view.name == "Shared" and self.view.topic is None:
            return "Nothing shared yet: press S on a link to log where you shared it."
        return "No links here yet: press a to add a source, R to refresh everything."

    def _update_status(self, text: str | None = None) -> None:
        if text is None:
            view = self.view
            bits = [view.name if view else ""]
            if self.hidden_only:
                bits.append("hidden links")
            if self.unread_only:
                bits.append("unread only")
            if self.sort == "shared":
                bits.append("most shared first")
            if self.contains:
                bits.append(f"filter: {self.contains}")
            shown = len(self.table.links)
            bits.append(f"{shown}{'+' if not self.table.complete else ''} "
                        f"{'link' if shown == 1 and self.table.complete else 'links'}")
            if view and view.budget_spent:
                bits.append(f"today's {duration(view.budget_minutes)} budget is spent")
            if self.sync_state:
                bits.append(self.sync_state)
            text = " · ".join(bits)
        from ..text import plain

        self.query_one("#status", Static).update(plain(text))

    # -- moving around -------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        focused = self.focused
        if isinstance(focused, Preview):
            focused.scroll_down()
        else:
            (focused if isinstance(focused, ListsPane) else self.table).action_cursor_down()

    def action_cursor_up(self) -> None:
        focused = self.focused
        if isinstance(focused, Preview):
            focused.scroll_up()
        else:
            (focused if isinstance(focused, ListsPane) else self.table).action_cursor_up()

    @on(ListsPane.OptionSelected)
    def _list_selected(self) -> None:
        """Enter on a list: go skim its links."""
        self.table.focus()

    def action_back(self) -> None:
        if self.contains or self.query_one("#filter", Input).display:
            self._set_filter(None)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.contains or ""
        box.focus()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._set_filter(event.value.strip() or None)

    def _set_filter(self, text: str | None) -> None:
        box = self.query_one("#filter", Input)
        self.contains = text
        box.display = text is not None
        self.table.focus()
        self.load_links()

    def action_toggle_sort(self) -> None:
        self.sort = "shared" if self.sort == "newest" else "newest"
        self.load_links()

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.load_links()

    # -- refresh -------------------------------------------------------------------------------

    def action_refresh_list(self) -> None:
        self._refresh(self.view.list_name if self.view and self.view.topic else None)

    def action_refresh_all(self) -> None:
        self._refresh(None)

    def _refresh(self, list_name: str | None) -> None:
        self._update_status(f"refreshing {list_name or 'every source'}…")
        self.run_refresh(list_name)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, list_name: str | None) -> None:
        """Refresh in a thread with its own connection; progress comes back as messages."""
        try:
            with self.app.open_worker_library() as library:
                def progress(done: int, total: int, result: SourceResult) -> None:
                    self.post_message(RefreshProgress(done, total, result))

                summary = library.refresh(list_name=list_name, force=True, progress=progress)
                library.prefetch_saved()
        except PlnError as exc:
            self.post_message(RefreshFinished(None, str(exc), list_name))
            return
        self.post_message(RefreshFinished(summary, None, list_name))

    @on(RefreshProgress)
    def _refresh_progress(self, event: RefreshProgress) -> None:
        label = ""
        if event.result is not None:
            label = f" · {event.result.title or event.result.url}: {event.result.status}"
        self._update_status(f"refreshing {event.done}/{event.total}{label}")

    @on(RefreshFinished)
    def _refresh_finished(self, event: RefreshFinished) -> None:
        if event.summary is None:
            self._update_status(f"refresh failed: {event.error}")
            return
        summary = event.summary
        self.app.last_refresh = summary
        count = len(summary.results)
        sources = f"refreshed {count} source{'s' if count != 1 else ''}"
        if not summary.failed and not summary.new_entries and not summary.count("updated"):
            text = f"{sources}: nothing new"  # said anew, so it never looks like the last refresh
        else:
            text = (f"{sources}: {summary.new_entries} new "
                    f"entr{'ies' if summary.new_entries != 1 else 'y'}, "
                    f"{summary.count('not_modified')} unchanged, {len(summary.failed)} failed")
        if summary.failed:
            text += " (F lists them)"
        if summary.server is not None:  # a refresh through the sync server
            pull = summary.server
            text = (f"from the server: {pull.new} new entr{'ies' if pull.new != 1 else 'y'}"
                    f"{' (it stopped: the rest comes next time)' if pull.error else ''}; {text}")
        current = self.table.current
        self.reload_lists()
        self.load_links(keep=current.url if current else None)
        self._update_status(text)
        if self.app.library.sync_enabled:
            self.run_sync()

    # -- rules ---------------------------------------------------------------------------------

    def action_rules(self) -> None:
        """The rules dialog: the rules there are, and a new one tested before it is saved."""
        from ..dialogs.rules import RulesDialog

        library = self.app.library
        view = self.view
        list_name = view.list_name if view is not None and view.topic is not None else None

        def done(changed: bool | None) -> None:
            if changed:
                current = self.table.current
                self.reload_lists()
                self.load_links(keep=current.url if current else None)

        self.app.push_screen(RulesDialog(
            library.rules(), list_name,
            test=lambda a, k, p, n: library.test_rule(a, k, p, list_name=n),
            save=lambda a, k, p, n: library.add_rule(a, k, p, list_name=n),
            remove=library.remove_rule), done)

    # -- sync ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def run_sync(self) -> None:
        """Sync in a thread with its own connection; key presses never wait on the server."""
        from ...core.errors import SyncError

        with self.app.open_worker_library() as library:
            try:
                report = library.sync()
            except SyncError as exc:
                waiting = library.sync_status().waiting
                reason = "server unreachable" if exc.reason == "unreachable" else str(exc)
                self.post_message(SyncFinished(0, reason, waiting))
                return
            except PlnError as exc:
                self.post_message(SyncFinished(0, str(exc)))
                return
        changed = report.applied + report.added + report.removed + report.lists + report.items
        self.post_message(SyncFinished(changed, None, report.waiting))

    @on(SyncFinished)
    def _sync_finished(self, event: SyncFinished) -> None:
        if event.error:
            waiting = f", {event.waiting} change{'s' if event.waiting != 1 else ''} waiting"
            self.sync_state = f"sync: {event.error}{waiting if event.waiting else ''}"
        else:
            self.sync_state = f"synced {self.app.clock().astimezone().strftime('%H:%M')}"
        if event.changed:
            current = self.table.current
            self.reload_lists()
            self.load_links(keep=current.url if current else None)
        self._update_status()

    # -- skim time -----------------------------------------------------------------------------

    def _tick_skim(self) -> None:
        self.skim.tick()
        if self._flush_skim():
            self.refresh_counts()
        else:
            self.show_challenge()  # a new day brings a new step (and ends a dismissal)

    def _flush_skim(self, *, stop: bool = False) -> bool:
        spans = self.skim.flush(stop=stop)
        for span in spans:  # closing (stop): the app waits for a write still queued
            self.app.write(partial(_record_skim, span))
        return bool(spans)

    def on_key(self) -> None:
        self.skim.activity()

    def on_mouse_down(self) -> None:
        self.skim.activity()

    def on_screen_suspend(self) -> None:
        self._flush_skim()
        self.skim.close_list()

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.skim.open_list(self.view.list_name if self.view.topic else None)
            self.refresh_counts()
            current = self.table.current
            # Not while writes wait for the lock: the store is behind the screen until they
            # land (and each redraws its rows then).
            if current is not None and not self.app.writes_waiting:
                self.table.replace_link(self.app.library.get_link(current.url))

    def stop_skim(self) -> None:
        """The app is closing: store the time skimmed so far."""
        self._flush_skim(stop=True)
