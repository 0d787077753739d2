"""The main screen's way to more `pln` commands: tag, archive, delete a list, the sources, notes
and review screens, a link's shares and article; and the command palette's entries (the
library-wide ones are in :mod:`.library_actions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ...core.errors import PlnError
from ...core.text import plural
from ..commands import PaletteEntry
from ..messages import Triage

if TYPE_CHECKING:
    from ...library.facade import Library
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
    PaletteEntry("Challenge: today's step", "where the running challenge is: today's step, the open "
                 "steps, the steps done", "challenge_today"),
    PaletteEntry("Start a challenge", "a challenge of small steps, built in or yours (the "
                 "challenges folder)", "start_challenge"),
    PaletteEntry("Stop the challenge", "asks first; what it recorded stays", "stop_challenge"),
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
        def _push(self, triage: Triage) -> None: ...
        def _redraw(self, url: str) -> None: ...
        def _write(self, action: Callable[[Library], object], *, redraw: Sequence[str] = (),
                   reload: str | None | bool = False) -> bool: ...
        def _show_as(self, urls: Sequence[str], **state: bool) -> None: ...
        def _fail(self, exc: PlnError) -> None: ...
        def _update_status(self, text: str | None = None) -> None: ...
        def _in_worker(self, work: Callable[[], str], done: Callable[[], None] | None = None) -> None: ...

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
        url = link.url
        if not self._write(lambda library: library.archive(url), redraw=[url]):
            self._show_as([url], archived=True, read=True)  # waits for the lock: shown now
        self._push(Triage("archive" if not link.read else "archive_read", (url,)))

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
