"""The facade: everything the CLI, the UI and tests do goes through :class:`Library`."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from ..core.config import Settings, load_settings
from ..core.errors import (
    InputError,
    NotFoundError,
)
from ..core.models import Article, Link, QueueItem, RefreshSummary, SearchHit, TopicList
from ..core.urls import canonicalize
from ..social import SOCIAL_KINDS
from ..store import links as storage_links
from ..store import search as storage_search
from ..store.db import Storage, open_storage
from ..store.shares import add_events, drop_events_since
from .annotations import AnnotationsMixin
from .challenges import ChallengesMixin
from .imports import ImportsMixin
from .media import MediaMixin
from .practice import PracticeMixin
from .reflection import ReflectionMixin
from .rules import RulesMixin
from .sharing import SharingMixin
from .sources import AddResult, ImportResult, SourcesMixin
from .sync import SyncMixin
from .vault import VaultMixin

if TYPE_CHECKING:  # the network and parsing stack loads only when a command needs it
    from ..refresh.run import Progress
    from ..refresh.workers import Workers
    from .doctor import CheckResult
    from .reading import ArticleProgress, ArticleResult

log = logging.getLogger("pln_reader")


CLAIM_FOR = timedelta(hours=1)
"""How long a refresh's claim on its sources lasts at most (a dead process's is cleared sooner)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class Library(SourcesMixin, AnnotationsMixin, SharingMixin, ReflectionMixin, SyncMixin, VaultMixin,
              ImportsMixin, ChallengesMixin, PracticeMixin, MediaMixin,
              RulesMixin):
    """A user's pln_reader library: sources, topic lists, links and their state."""

    def __init__(self, store: Storage, settings: Settings, *, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.settings = settings
        self.clock = clock

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- topic lists ---------------------------------------------------------------------------

    def lists(self, *, counts: bool = True) -> list[TopicList]:
        """The topic lists; ``counts=False``: without the unread counts (0), which cost most."""
        return self.store.lists(counts=counts)

    def get_list(self, name: str) -> TopicList:
        return self.store.get_list(name)

    def create_list(
        self, name: str, *, purpose: str | None = None, context: str | None = None,
        budget_minutes: int | None = None, parent: str | None = None, aim: str | None = None,
    ) -> TopicList:
        """Create a topic list (nested in the list named ``parent``, if given)."""
        parent_id = self.store.get_list(parent).id if parent else None
        with self.store.transaction():
            list_id = self.store.create_list(name, purpose=purpose, context=context,
                                             budget_minutes=budget_minutes, parent_id=parent_id,
                                             now=self.clock(), aim=aim)
            if purpose and purpose.strip():
                self._record_activity("list_purpose", list_id=list_id)
        return self.store.get_list(name.strip())

    def _list_paths(self) -> dict[int, str]:
        from ..sync.folders import list_paths

        return list_paths(self.store.list_tree())

    def edit_list(self, name: str, **changes: object) -> TopicList:
        """Change a list; ``parent`` nests it in another list ("" takes it to the top)."""
        current = self.store.get_list(name)
        parent = changes.pop("parent", None)
        old_paths = self._list_paths() if self.sync_enabled else {}
        with self.store.transaction():
            if parent is not None:
                parent_id = self.store.get_list(str(parent)).id if parent else None
                if parent_id is not None and (parent_id == current.id or current.id in
                                              self._ancestors(parent_id)):
                    raise InputError(f"{parent!r} is inside {current.name!r}: a list cannot be "
                                     "nested in itself")
                self.store.set_list_parent(current.id, parent_id)
            self.store.edit_list(name, **changes)
            purpose = changes.get("purpose")
            if isinstance(purpose, str) and purpose.strip() and \
                    purpose.strip() != (current.purpose or "").strip():  # a purpose given, or a new one
                self._record_activity("list_purpose", list_id=current.id)
            if old_paths:
                new_path = self._list_paths()[current.id]
                if new_path != old_paths[current.id]:
                    self._sync_record("rename", old=old_paths[current.id], new=new_path)
        return self.store.get_list(str(changes.get("new_name") or name))

    def _ancestors(self, list_id: int) -> set[int]:
        parents = {r["id"]: r["parent_id"] for r in self.store.list_tree()}
        found: set[int] = set()
        current = parents.get(list_id)
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
        return found

    def delete_list(self, name: str) -> None:
        """Delete a list; its sources stay, and lists nested in it move to its parent."""
        current = self.store.get_list(name)
        with self.store.transaction():
            old_paths = self._list_paths() if self.sync_enabled else {}
            children = [r["id"] for r in self.store.list_tree() if r["parent_id"] == current.id]
            for child in children:
                self.store.set_list_parent(child, current.parent_id)
            self.store.delete_list(name)
            if old_paths:
                new_paths = self._list_paths()
                for list_id, path in sorted(old_paths.items(), key=lambda kv: len(kv[1])):
                    if list_id in new_paths and new_paths[list_id] != path and \
                            path.startswith(old_paths[current.id] + "/") and \
                            path.count("/") == old_paths[current.id].count("/") + 1:
                        self._sync_record("rename", old=path, new=new_paths[list_id])
                self._sync_record("delete_list", path=old_paths[current.id])

    def _list_id_of(self, name: str | None) -> int | None:
        """The id of the list named ``name`` (NotFoundError if none), or None for no name."""
        if not name:
            return None
        list_id = self.store.find_list_id(name)  # not get_list: its unread count costs most
        if list_id is None:
            raise NotFoundError(f"no topic list named {name!r} (see `pln lists`)")
        return list_id

    def _list_ids(self, names: Iterable[str], *, create: bool) -> list[int]:
        ids = []
        for name in names:
            list_id = self.store.find_list_id(name)
            if list_id is None:
                if not create:
                    raise NotFoundError(f"no topic list named {name!r} (see `pln lists`)")
                list_id = self.store.create_list(name, now=self.clock())
            ids.append(list_id)
        return ids

    # -- refresh -------------------------------------------------------------------------------

    def refresh(
        self, *, force: bool = False, list_name: str | None = None, progress: Progress | None = None,
        workers: Workers | None = None,
    ) -> RefreshSummary:
        """Fetch due sources (all with ``force``) and store what changed. ``workers``: fetch
        processes the caller started for this refresh (:func:`.prestart.refresh_workers`),
        used when the refresh is big enough for them, else ended; either way the refresh
        closes them."""
        from ..refresh.workers import PROCESS_THRESHOLD, prestart, worker_count
        from ..store import claims

        list_id = self._list_id_of(list_name)
        now = self.clock()
        owner = claims.new_owner()
        until = now + CLAIM_FOR
        skipped: set[int] = set()

        def ours(rows: list[Any]) -> list[Any]:
            # A source another refresh is fetching right now is left to it.
            mine = claims.claim(self.store, [r["id"] for r in rows], owner=owner, now=now, until=until)
            skipped.update(r["id"] for r in rows if r["id"] not in mine)
            return [r for r in rows if r["id"] in mine]

        pulled = self._pull_from_server(progress) if self.fetches_through_server else None
        carried = self._carried_sources() if pulled is not None and (
            pulled.items or pulled.error is None) else set()
        quiet = self._quiet_on_server() & carried if carried else set()
        carried -= quiet

        def due() -> list[Any]:
            # Feeds the server carries came from it (or come next time, if it failed mid-pull):
            # never fetched twice in one run. The rest is fetched directly.
            return [r for r in self.store.due_sources(now, force=force, list_id=list_id)
                    if r["id"] not in carried]

        try:
            rows = ours(due())
            feeds = sum(r["kind"] == "feed" for r in rows)
            wanted = worker_count(self.settings.refresh.workers)
            if workers is not None and (feeds < PROCESS_THRESHOLD or workers.count != wanted):
                workers.close()
                workers = None
            if workers is None:
                # The fetch workers load the network stack while this process goes on (~80 ms).
                workers = prestart(feeds, wanted)
            from ..refresh.opml_source import sync
            from ..refresh.run import Refresher, summary_of

            refresher = Refresher(
                self.store, self.settings, clock=self.clock, progress=progress,
                sync_opml=lambda sid, body, url: sync(self.store, sid, body, url, now=self.clock()),
            )
            refresher.index_new_links()  # any an interrupted refresh left waiting
            opml_rows = [r for r in rows if r["kind"] == "opml"]
            if opml_rows:
                refresher.run(opml_rows, total=len(rows))
                # Feeds an OPML source just added are due now, so they join this run.
                done = {r.source_id for r in refresher.results}
                rows = ours([r for r in due() if r["id"] not in done and r["id"] not in skipped])
            feed_rows = [r for r in rows if r["kind"] == "feed"]
            social_rows = [r for r in rows if r["kind"] in SOCIAL_KINDS]
            total = len(refresher.results) + len(feed_rows) + len(social_rows)
            refresher.run(feed_rows, total=total, workers=workers)
            workers = None  # the run closed them
            if social_rows:
                refresher.run_social(social_rows, total=total)
            self._after_refresh(now)
        finally:
            if workers is not None:  # never used (an error before the feeds' run)
                workers.close()
            claims.release(self.store, owner)
        if pulled is not None and quiet:
            pulled = dataclasses.replace(
                pulled, quiet=sum(r.source_id in quiet for r in refresher.results))
        return summary_of(refresher.results, skipped=len(skipped), server=pulled)

    # -- links ---------------------------------------------------------------------------------

    def links(
        self, *, list_name: str | None = None, unread: bool = False, saved: bool = False,
        shared: bool = False, contains: str | None = None, limit: int | None = None, offset: int = 0,
        sort: str = "newest", since: datetime | None = None, hidden: bool = False,
    ) -> list[Link]:
        """Links of a list (all with ``None``), newest first; ``contains`` filters title and URL.

        ``sort="shared"`` puts the links the most people shared first ("most shared this week"
        with ``since``).
        """
        if sort not in ("newest", "shared"):
            raise InputError(f"unknown sort {sort!r}: use newest or shared")
        list_id = self._list_id_of(list_name)
        return storage_links.query_links(self.store, list_id=list_id, unread=unread, saved=saved,
                                         shared=shared, contains=contains, limit=limit, offset=offset,
                                         sort=sort, since=since, hidden=hidden)

    def search(self, query: str, *, limit: int = 50) -> list[Link]:
        return storage_search.search_links(self.store, query, limit=limit)

    def no_wait(self) -> contextlib.AbstractContextManager[None]:
        """Writes in this block raise DatabaseBusy at once rather than wait for the lock."""
        return self.store.no_wait()

    def search_hits(self, query: str, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """Search results with the fields that matched and a snippet around the words
        (``offset``: after the best ones, for a next page)."""
        return storage_search.search_hits(self.store, query, limit=limit, offset=offset)

    def get_link(self, url: str) -> Link:
        return storage_links.get_link(self.store, canonicalize(url))

    def _link_id(self, url: str, *, create: bool = False) -> int:
        canonical = canonicalize(url)
        link_id = storage_links.link_id_for(self.store, canonical)
        if link_id is None:
            if not create:
                raise NotFoundError(f"no link {canonical} in the library")
            link_id = storage_links.ensure_link(self.store, canonical, title=None, now=self.clock())
        return link_id

    def save(self, url: str, *, fetch_new: bool = True) -> Link:
        """Put a link in the reading queue.

        A URL in no feed becomes a link of its own, and (``fetch_new``) its page is fetched at
        once for its title and article; other saved links get theirs at the next refresh.
        """
        canonical = canonicalize(url)
        is_new = storage_links.link_id_for(self.store, canonical) is None
        link_id = self._link_id(url, create=True)
        now = self.clock()
        with self.store.transaction():
            storage_links.set_state(self.store, [link_id], "archived_at", None)
            if storage_links.set_state(self.store, [link_id], "saved_at", now):
                add_events(self.store, [link_id], "saved", now)
                self._sync_record("star", url=canonical, value=True)
        if is_new and fetch_new:
            self._fetch_articles([(link_id, canonical)])
        return self.get_link(url)

    def archive(self, url: str) -> Link:
        """Take a link out of the queue as read (it stays saved, for the record)."""
        link_id = self._link_id(url)
        now = self.clock()
        with self.store.transaction():
            if storage_links.set_state(self.store, [link_id], "read_at", now):
                add_events(self.store, [link_id], "read", now)
                self._sync_record("read", url=canonicalize(url), value=True)
            storage_links.set_state(self.store, [link_id], "archived_at", now)
        return self.get_link(url)

    # -- reading: articles and the queue ---------------------------------------------------------

    def _fetch_articles(self, targets: list[tuple[int, str]], progress: ArticleProgress | None = None
                        ) -> list[ArticleResult]:
        from .reading import fetch_articles

        return fetch_articles(self.store, self.settings, targets, clock=self.clock, progress=progress)

    def fetch_articles(
        self, *, urls: Sequence[str] = (), saved: bool = False, list_name: str | None = None,
        force: bool = False, progress: ArticleProgress | None = None,
    ) -> list[ArticleResult]:
        """Fetch and extract full text: of ``urls``, of saved links, or of a list's links.

        Links that already have an article are skipped unless ``force`` (re-extraction).
        """
        from ..store.articles import article_targets

        ids = [self._link_id(u) for u in urls]
        list_id = self._list_id_of(list_name)
        targets = article_targets(self.store, saved=saved or not (urls or list_name), list_id=list_id,
                                  force=force or bool(urls), link_ids=ids)
        return self._fetch_articles(targets, progress)

    def prefetch_saved(self, progress: ArticleProgress | None = None) -> list[ArticleResult]:
        """Articles of saved links that have none yet (run after a refresh, and by the UI)."""
        from ..store.articles import article_targets

        return self._fetch_articles(
            article_targets(self.store, saved=True, list_id=None, force=False), progress)

    def article(self, url: str) -> Article:
        """The stored article of a link (its status says why when there is no text)."""
        from ..store.articles import get_article

        link_id = self._link_id(url)
        found = get_article(self.store, link_id)
        if found is None:
            raise NotFoundError(f"no article stored for {canonicalize(url)} yet: "
                                f"run `pln fetch-articles {canonicalize(url)}`")
        return found

    def queue(self, *, list_name: str | None = None, oldest_first: bool = False) -> list[QueueItem]:
        from .reading import reading_queue

        list_id = self._list_id_of(list_name)
        return reading_queue(self.store, list_id=list_id, now=self.clock(),
                             stale_days=self.settings.queue.stale_days, oldest_first=oldest_first)

    def unsave(self, url: str) -> Link:
        """Take a link out of the reading queue (its save event is forgotten: it was undone)."""
        link = self.get_link(url)
        if link.saved_at is not None:
            with self.store.transaction():
                storage_links.set_state(self.store, [link.id], "saved_at", None)
                drop_events_since(self.store, [link.id], "saved", link.saved_at)
                self._sync_record("star", url=link.url, value=False)
        return self.get_link(url)

    def mark_read(self, url: str, *, read: bool = True) -> Link:
        self.mark_read_many([url], read=read)
        return self.get_link(url)

    def mark_read_many(self, urls: Sequence[str], *, read: bool = True) -> list[str]:
        """Mark links read (or unread again); returns the canonical URLs that changed.

        Marking read records a read event; marking unread forgets the events of the read it
        undoes, so the review counts what the user did, not what they took back.
        """
        changed: list[str] = []
        now = self.clock()
        for url in urls:
            link_id = self._link_id(url)
            read_at = storage_links.read_at(self.store, link_id)
            if (read_at is not None) == read:
                continue
            # One row per story: marking a version read marks the story's other versions too
            # (the event is the link read; the others were not read, only dismissed).
            others = [i for i in self._story_of(link_id) if i != link_id]
            with self.store.transaction():
                storage_links.set_state(self.store, [link_id], "read_at", now if read else None)
                if read:
                    add_events(self.store, [link_id], "read", now)
                elif read_at is not None:
                    drop_events_since(self.store, [link_id], "read", read_at)
                self._sync_record("read", url=canonicalize(url), value=read)
                for other in storage_links.links_by_id(self.store, others):
                    if other.read != read:
                        storage_links.set_state(self.store, [other.id], "read_at", now if read else None)
                        self._sync_record("read", url=other.url, value=read)
                        changed.append(other.url)
            changed.append(canonicalize(url))
        return changed

    def hide(self, url: str, *, hidden: bool = True) -> Link:
        """Hide a link from every list (or show it again)."""
        storage_links.set_state(self.store, [self._link_id(url)], "hidden_at", self.clock() if hidden else None)
        return self.get_link(url)

    def mark_list_read(self, list_name: str | None, *, keep_saved: bool = True, saved: bool = False,
                       shared: bool = False, contains: str | None = None) -> list[str]:
        """Mark every unread link of a list (all lists with ``None``) read; returns their URLs.

        This clears the list; it records no read events (the review counts what was read).

        Saved links stay unread (``keep_saved``); ``saved``/``shared``/``contains`` narrow it to
        what a view with that filter shows.
        """
        list_id = self._list_id_of(list_name)
        found = storage_links.unread_links(self.store, list_id, keep_saved=keep_saved, saved=saved,
                                           shared=shared, contains=contains)
        ids = [link_id for link_id, _ in found]
        # A bulk dismissal, not reading: no read events, so the review's funnel counts only
        # links read one by one or opened.
        with self.store.transaction():
            storage_links.set_state(self.store, ids, "read_at", self.clock())
            for _, url in found:
                self._sync_record("read", url=url, value=True)
        return [url for _, url in found]

    def doctor(self, *, offline: bool = False) -> list[CheckResult]:
        """The `pln doctor` checks on this library's data directory (the UI can show them)."""
        from .doctor import run_checks

        return run_checks(self.settings.home, offline=offline)

    # -- backups -------------------------------------------------------------------------------

    def backup(self, target: Path | None = None) -> Path:
        """Copy the database now (to ``target``, a file or folder, or to the backups folder)."""
        from .backups import make_backup

        return make_backup(self.store, self.settings, target, self.clock())

    def daily_backup(self) -> Path | None:
        """The day's automatic backup, if it is due (see ``[backup] keep``)."""
        from .backups import daily_backup

        return daily_backup(self.store, self.settings, self.clock())

    def view_counts(self) -> dict[str, int]:
        """Counts for the fixed views: ``all`` (unread), ``saved`` (in the queue), ``shared``."""
        return storage_links.view_counts(self.store)


def open_library(
    home: Path | str | None = None,
    *,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Library:
    """Open the library in ``home`` (default: ``PLN_READER_HOME`` or the user data dir)."""
    settings = settings or load_settings(home)
    store = open_storage(settings.db_path,
                         backup_dir=settings.backup_dir if settings.backup.keep > 0 else None)
    try:
        if settings.secrets():
            store.scrub_stored_secrets(settings.secrets())
        return Library(store, settings, clock=clock)
    except BaseException:
        store.close()
        raise


__all__ = ["AddResult", "ImportResult", "Library", "open_library", "utcnow"]
