"""The main screen's way to every other `pln` command: tag, archive, delete a list, the sources,
notes and review screens, and (from the command palette) export, import, backup, sync and shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.errors import PlnError
from ...core.text import plural
from ..commands import PaletteEntry
from ..messages import Triage

if TYPE_CHECKING:
    from ..app import PlnApp
    from ..views import View
    from ..widgets.links_table import LinksTable

PALETTE = [
    PaletteEntry("Export lists as OPML", "write every list and source to an OPML file", "export_opml"),
    PaletteEntry("Export notes to the Markdown vault", "a Markdown file per annotated or shared link",
                 "export_vault"),
    PaletteEntry("Import a file (OPML, Pocket, Instapaper, Omnivore, Wallabag, Readwise)",
                 "lists and feeds, or saved links with tags and highlights", "import_file"),
    PaletteEntry("Check the setup (doctor)", "data directory, settings, database, disk, editor, "
                 "browser, the sources' hosts, sync", "doctor"),
    PaletteEntry("Back up the library", "copy the database to the backups folder", "backup"),
    PaletteEntry("Sync now", "push local changes to the feed server, then pull", "sync_now"),
    PaletteEntry("Sync status", "server, user, last sync, changes waiting", "sync_status"),
    PaletteEntry("Follow one of my Mastodon lists", "your lists on your instance (needs the access "
                 "token); the one you pick is added to the current list", "mastodon_lists"),
    PaletteEntry("Log my own posts as shares", "read your recent Mastodon/Bluesky posts into the share log",
                 "sync_shares"),
    PaletteEntry("Delete a logged share of this link", "pick one of its shares, then confirm", "unshare"),
    PaletteEntry("Show hidden links (or go back to the others)", "x on a hidden link shows it again",
                 "toggle_hidden"),
    PaletteEntry("Fetch the article of this link", "full text for offline reading", "fetch_article"),
    PaletteEntry("Fetch the articles of saved links", "those that have none yet", "fetch_saved"),
]
"""Actions with no key of their own: the command palette (ctrl+p) finds them by these words."""


class MoreActionsMixin:
    """Actions of :class:`MainScreen` beyond triage (see :mod:`.triage`)."""

    app: PlnApp
    view: View | None
    table: LinksTable
    hidden_only: bool

    if TYPE_CHECKING:
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def load_links(self, *, keep: str | None = None) -> None: ...
        def reload_lists(self) -> None: ...
        def refresh_counts(self) -> None: ...
        run_sync: Any
        run_worker: Any
        def _push(self, triage: Triage) -> None: ...
        def _redraw(self, url: str) -> None: ...
        def _fail(self, exc: PlnError) -> None: ...
        def _update_status(self, text: str | None = None) -> None: ...

    def _in_worker(self, work: Callable[[], str], done: Callable[[], None] | None = None) -> None:
        """Run ``work`` in a thread (network or big files); its line ends up in a toast."""

        def run() -> None:
            try:
                message, severity = work(), "information"
            except (PlnError, OSError) as exc:
                message, severity = str(exc), "error"
            self.app.call_from_thread(self.notify, message, severity=severity, markup=False)
            if done is not None:
                self.app.call_from_thread(done)

        self.run_worker(run, thread=True, group="actions", exit_on_error=False)

    # -- one link ------------------------------------------------------------------------------

    def action_tag(self) -> None:
        from ..dialogs.tags import TagDialog

        link = self.table.current
        if link is None:
            return
        library = self.app.library
        before = {t.casefold(): t for t in library.tags_of(link.url)}

        def done(tags: list[str] | None) -> None:
            if tags is None:
                return
            wanted = {t.casefold() for t in tags}
            gone = [t for key, t in before.items() if key not in wanted]
            new = [t for t in tags if t.casefold() not in before]
            try:
                if gone:
                    library.tag(link.url, gone, remove=True)
                if new:
                    library.tag(link.url, new)
            except PlnError as exc:
                self._fail(exc)
                return
            self.notify(f"tags: {', '.join(tags) or 'none'}", markup=False)
            self._redraw(link.url)

        self.app.push_screen(TagDialog(link.title or link.url, list(before.values())), done)

    def action_archive(self) -> None:
        link = self.table.current
        if link is None:
            return
        if not link.saved or link.archived:
            self.notify("only a saved link can be archived (s saves it)")
            return
        self.app.library.archive(link.url)
        self._push(Triage("archive" if not link.read else "archive_read", (link.url,)))
        self._redraw(link.url)
        self.refresh_counts()

    def action_fetch_article(self) -> None:
        link = self.table.current
        if link is None:
            return
        url = link.url

        def work() -> str:
            with self.app.open_worker_library() as library:
                [result] = library.fetch_articles(urls=[url])
            return f"article: {result.status}" + (f" ({result.error})" if result.error else "")

        self._in_worker(work, lambda: self._redraw(url))

    def action_fetch_saved(self) -> None:
        def work() -> str:
            with self.app.open_worker_library() as library:
                results = library.fetch_articles(saved=True)
            ok = sum(r.status == "ok" for r in results)
            return (f"{plural(len(results), 'article')} fetched, {ok} with text" if results
                    else "every saved link has its article already")

        self._in_worker(work)

    def action_unshare(self) -> None:
        from ..dialogs.choose import ChoiceDialog
        from ..dialogs.confirm import ConfirmDialog

        link = self.table.current
        if link is None:
            return
        library = self.app.library
        shares = library.shares(url=link.url)
        if not shares:
            self.notify("no share logged for this link")
            return
        labels = [f"{s.shared_at.astimezone().strftime('%Y-%m-%d %H:%M')} {s.channel}"
                  + (f": {s.comment}" if s.comment else "") for s in shares]

        def chosen(index: int | None) -> None:
            if index is None:
                return
            share = shares[index]

            def confirmed(yes: bool | None) -> None:
                if not yes:
                    return
                try:
                    library.unshare(share.id)
                except PlnError as exc:
                    self._fail(exc)
                    return
                self.notify(f"share on {share.channel} deleted", markup=False)
                self._redraw(link.url)
                self.refresh_counts()

            self.app.push_screen(ConfirmDialog(f"Delete the share {labels[index]}?", yes="Delete",
                                               no="Keep"), confirmed)

        self.app.push_screen(ChoiceDialog("Delete which share?", labels, subject=link.title or link.url),
                             chosen)

    def action_toggle_hidden(self) -> None:
        self.hidden_only = not self.hidden_only
        self.load_links()
        if self.hidden_only:
            self.notify("hidden links: x shows one again; the palette command goes back")

    # -- lists and sources ---------------------------------------------------------------------

    def action_delete_list(self) -> None:
        from ..dialogs.confirm import ConfirmDialog

        view = self.view
        if view is None or view.topic is None:
            self.notify("choose a topic list to delete (All, Saved and Shared stay)")
            return
        name = view.topic.name

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.library.delete_list(name)
            except PlnError as exc:
                self._fail(exc)
                return
            self.reload_lists()
            self.notify(f"list {name} deleted", markup=False)

        self.app.push_screen(ConfirmDialog(
            f"Delete the list {name}? Its sources and links stay (in All); lists inside it move up. "
            "This cannot be undone.", yes="Delete", no="Keep"), confirmed)

    def action_sources(self) -> None:
        from .sources import SourcesScreen

        view = self.view
        name = view.topic.name if view is not None and view.topic is not None else None

        def back(_: object) -> None:
            self.reload_lists()
            self.load_links()

        self.app.push_screen(SourcesScreen(name), back)

    def action_notes(self) -> None:
        from ..dialogs.notes_filter import NotesFilter
        from .notes import NotesScreen

        view = self.view
        name = view.topic.name if view is not None and view.topic is not None else None
        self.app.push_screen(NotesScreen(NotesFilter(list_name=name)), lambda _: self.load_links(
            keep=self.table.current.url if self.table.current else None))

    def action_review(self) -> None:
        from .review import ReviewScreen

        def back(_: object) -> None:
            self.reload_lists()
            self.load_links()

        self.app.push_screen(ReviewScreen(), back)

    # -- the library as a whole ----------------------------------------------------------------

    def action_export_opml(self) -> None:
        from ..dialogs.path import PathDialog

        library = self.app.library

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            from ...core.files import write_atomically

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, library.export_opml())
            except (PlnError, OSError) as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"wrote {path}", markup=False)

        default = library.settings.home / "exports" / "pln-lists.opml"
        self.app.push_screen(PathDialog("Write the lists (OPML) to", default), chosen)

    def action_export_vault(self) -> None:
        from ..dialogs.folder import FolderDialog

        settings = self.app.library.settings
        default = Path(settings.vault.dir or "vault").expanduser()
        default = default if default.is_absolute() else settings.home / default

        def chosen(folder: Path | None) -> None:
            if folder is None:
                return

            def work() -> str:
                with self.app.open_worker_library() as library:
                    result = library.export_vault(folder)
                return (f"vault {result.folder}: {plural(len(result.written), 'file')} written, "
                        f"{result.unchanged} unchanged")

            self._in_worker(work)

        self.app.push_screen(FolderDialog("Write the vault (Markdown) to the folder", default), chosen)

    def action_import_file(self) -> None:
        from ..dialogs.path import PathDialog

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if not path.is_file():
                self.notify(f"no file {path}", severity="error", markup=False)
                return

            def work() -> str:
                from ...library.imports import sniff

                with self.app.open_worker_library() as library:
                    fmt = sniff(path)
                    if fmt is None or fmt == "opml":
                        result = library.import_opml_file(path)
                        repaired = f"; repaired: {'; '.join(result.repairs)}" if result.repairs else ""
                        return (f"imported {path.name}: {plural(result.lists_created, 'new list')}, "
                                f"{plural(result.sources_created, 'new source')}{repaired}")
                    return f"imported {path.name}: {library.import_reading(path, fmt=fmt).summary()}"

            def done() -> None:
                self.reload_lists()
                self.load_links()

            self._in_worker(work, done)

        self.app.push_screen(PathDialog("Import the file", self.app.library.settings.home), chosen)

    def action_doctor(self) -> None:
        from ..dialogs.failures import FailuresDialog

        library = self.app.library

        def work() -> None:
            results = library.doctor()  # its own connections: none of the library's is used
            rows = [(f"{r.status}: {r.check}", r.message + (f"\nfix: {r.fix}" if r.fix else ""))
                    for r in results]
            bad = sum(r.status != "ok" for r in results)
            self.app.call_from_thread(self.app.push_screen, FailuresDialog(
                rows, title=f"Setup checks: {'all ok' if not bad else plural(bad, 'to look at')}"))

        self.notify("checking the setup…")
        self.run_worker(work, thread=True, group="actions", exit_on_error=False)

    def action_backup(self) -> None:
        def work() -> str:
            with self.app.open_worker_library() as library:
                return f"backed up to {library.backup()}"

        self._in_worker(work)

    def action_sync_now(self) -> None:
        if not self.app.library.sync_enabled:
            self.notify("sync is not set up: run `pln sync setup URL --user NAME` in a terminal",
                        severity="warning")
            return
        self._update_status("syncing…")
        self.run_sync()

    def action_sync_status(self) -> None:
        try:
            status = self.app.library.sync_status()
        except PlnError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        last = status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if status.last_sync else "never"
        text = (f"sync with {status.server} as {status.user}: last {last}, "
                f"{plural(status.waiting, 'change')} waiting")
        self.notify(text + (f"; last error: {status.last_error}" if status.last_error else ""),
                    markup=False)

    def action_mastodon_lists(self) -> None:
        """Your Mastodon lists (fetched in a worker); the one picked becomes a source."""
        library = self.app.library
        view = self.view
        into = [view.topic.name] if view is not None and view.topic is not None else []

        def fetch() -> None:
            try:
                instance, found = library.mastodon_lists()
            except PlnError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
                return
            self.app.call_from_thread(self._choose_mastodon_list, instance, found, into)

        self.notify("asking your instance for your lists…")
        self.run_worker(fetch, thread=True, group="actions", exit_on_error=False)

    def _choose_mastodon_list(self, instance: str, found: list[dict[str, object]], into: list[str]) -> None:
        from ..dialogs.choose import ChoiceDialog

        if not found:
            self.notify(f"no lists on {instance} yet: make one in Mastodon (Lists), then come back",
                        markup=False)
            return
        urls = [f"{instance}/lists/{item.get('id')}" for item in found]
        labels = [str(item.get("title") or item.get("id")) for item in found]

        def chosen(index: int | None) -> None:
            if index is None:
                return

            def work() -> str:
                [result] = self.app.add_sources(urls[index], into)
                if result.error:
                    raise PlnError(result.error)
                return f"following {labels[index]}" + (f" in {into[0]}" if into else "") + "; refreshing"

            def done() -> None:
                self.reload_lists()
                self.run_refresh(into[0] if into else None)  # type: ignore[attr-defined]

            self._in_worker(work, done)

        where = f"added to {into[0]}" if into else "added to no list (choose a list first to put it in one)"
        self.app.push_screen(ChoiceDialog("Follow which Mastodon list?", labels, subject=where), chosen)

    def action_sync_shares(self) -> None:
        def work() -> str:
            with self.app.open_worker_library() as library:
                result = library.sync_own_posts()
            if result.errors:
                raise PlnError("; ".join(result.errors))
            return (f"read {plural(result.posts, 'post')} of {', '.join(result.accounts)}: "
                    f"{result.recorded} new shares logged")

        self._in_worker(work, self.refresh_counts)
