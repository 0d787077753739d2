"""The facade: everything the CLI, the UI and tests do goes through :class:`Library`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from . import storage_links
from .annotations import AnnotationsMixin
from .config import Settings, load_settings
from .errors import DiscoveryError, FetchError, InputError, NotFoundError, ParseError, PlnError
from .links import canonicalize, is_http_url
from .models import Article, Link, QueueItem, RefreshSummary, Source, TopicList
from .sharing import SharingMixin
from .social import SOCIAL_KINDS
from .storage import Storage, open_storage
from .storage_shares import add_events, drop_events_since

if TYPE_CHECKING:  # the network and parsing stack loads only when a command needs it
    from .fetch import Response
    from .reading import ArticleProgress, ArticleResult
    from .refresh import Progress
    from .social.identify import SocialSource

log = logging.getLogger("pln_reader")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AddResult:
    target: str
    source: Source | None = None
    created: bool = False
    error: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    lists_created: int
    sources_created: int
    skipped: tuple[str, ...] = ()
    """Outlines left out, each with its reason."""
    repairs: tuple[str, ...] = ()
    """What was repaired in a slightly malformed file."""


class Library(AnnotationsMixin, SharingMixin):
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

    def lists(self) -> list[TopicList]:
        return self.store.lists()

    def get_list(self, name: str) -> TopicList:
        return self.store.get_list(name)

    def create_list(
        self, name: str, *, purpose: str | None = None, context: str | None = None,
        budget_minutes: int | None = None,
    ) -> TopicList:
        self.store.create_list(name, purpose=purpose, context=context, budget_minutes=budget_minutes,
                               now=self.clock())
        return self.store.get_list(name.strip())

    def edit_list(self, name: str, **changes: object) -> TopicList:
        self.store.edit_list(name, **changes)
        return self.store.get_list(str(changes.get("new_name") or name))

    def delete_list(self, name: str) -> None:
        self.store.delete_list(name)

    def _list_id_of(self, name: str | None) -> int | None:
        """The id of the list named ``name`` (NotFoundError if none), or None for no name."""
        return self.store.get_list(name).id if name else None

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

    # -- sources -------------------------------------------------------------------------------

    def sources(self, *, list_name: str | None = None) -> list[Source]:
        list_id = self._list_id_of(list_name)
        return self.store.sources(list_id=list_id)

    def find_source(self, ref: str) -> Source:
        return self.store.find_source(ref)

    def remove_source(self, ref: str) -> Source:
        """Remove a source and its entries; links the user saved or annotated stay."""
        source = self.store.find_source(ref)
        self.store.remove_source(source.id)
        return source

    def add(self, targets: Sequence[str], *, lists: Sequence[str] = ()) -> list[AddResult]:
        """Add feeds, sites (autodiscovery) or OPML lists by URL or local path.

        Each target succeeds or fails on its own; a feed's entries are stored at once.
        """
        results = []
        for target in targets:
            try:
                results.append(self._add_one(target.strip(), lists))
            except PlnError as exc:
                results.append(AddResult(target, error=str(exc)))
        return results

    def _resolve_target(self, target: str) -> Response:
        from .fetch import fetch_one, read_local

        if not target:
            raise InputError("empty URL or path")
        if is_http_url(target):
            return fetch_one(self.settings.fetch, target)
        path = Path(target).expanduser()
        if target.startswith("file:") or path.exists():
            return read_local(str(path) if not target.startswith("file:") else target,
                              int(self.settings.fetch.max_body_mb * 1024 * 1024))
        if "://" in target:
            raise InputError(f"{target}: only http(s) URLs and local files can be added")
        raise InputError(f"{target}: not a URL and no such file")

    def _add_one(self, target: str, lists: Sequence[str]) -> AddResult:
        from .social.identify import identify
        from .sources.discover import sniff

        social = identify(self.settings, target.strip())
        if social is not None:
            return self._add_social(target, social, lists)
        response = self._resolve_target(target)
        kind = sniff(response.body, response.content_type)
        if kind == "html":
            response = self._discover(target, response)
            kind = "feed"
        if kind == "opml":
            return self._add_opml(target, response, lists)
        from .prepare import body_hash, prepare

        prepared = prepare(response.body, response.url, dict(response.headers))
        if isinstance(prepared, str):
            raise ParseError(f"{target}: {prepared}")
        now = self.clock()
        url = response.permanent_url or response.requested
        with self.store.transaction():
            list_ids = self._list_ids(lists, create=True)
            source_id, created = self.store.add_source(
                "feed", url, title=prepared.title, site_url=prepared.site_url, now=now)
            for list_id in list_ids:
                self.store.add_to_list(list_id, [source_id])
            if created:
                storage_links.write_entries(self.store, source_id, prepared.rows, now)
                from .refresh import next_due_ok

                self.store.record_success(
                    source_id, now=now, next_due=next_due_ok(self.settings, None, response.headers, now),
                    etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                    body_hash=body_hash(response.body),
                )
        note = None if created else "already subscribed"
        return AddResult(target, self.store.get_source(source_id), created, note=note)

    def _add_social(self, target: str, social: SocialSource, lists: Sequence[str]) -> AddResult:
        """Subscribe to a Mastodon list or hashtag or a Bluesky list, and fetch its posts now."""
        from .refresh import Refresher

        now = self.clock()
        with self.store.transaction():
            list_ids = self._list_ids(list(lists) or [social.title or "Social"], create=True)
            source_id, created = self.store.add_source(social.kind, social.url, title=social.title,
                                                       site_url=social.site_url, now=now)
            for list_id in list_ids:
                self.store.add_to_list(list_id, [source_id])
        if not created:
            return AddResult(target, self.store.get_source(source_id), False, note="already subscribed")
        refresher = Refresher(self.store, self.settings, clock=self.clock)
        refresher.run_social(self.store.due_sources(now, force=True, source_id=source_id))
        [result] = refresher.results
        note = (f"{result.new} posts" if result.status != "failed"
                else f"added, but the first fetch failed: {result.reason}")
        return AddResult(target, self.store.get_source(source_id), True, note=note)

    def _discover(self, target: str, page: Response) -> Response:
        from .fetch import fetch_one
        from .sources.discover import common_feed_urls, feed_links, sniff

        candidates = feed_links(page.body, page.url)
        tried: list[str] = []
        for url in candidates or common_feed_urls(page.url):
            tried.append(url)
            try:
                response = fetch_one(self.settings.fetch, url)
            except FetchError:
                continue
            if sniff(response.body, response.content_type) == "feed":
                return response
        how = "the feeds it links to" if candidates else "the usual feed paths"
        raise DiscoveryError(f"{target}: no feed found (the page announces none; tried {how}: "
                             f"{', '.join(tried)})" if not candidates else
                             f"{target}: no working feed found (tried {how}: {', '.join(tried)})")

    def _add_opml(self, target: str, response: Response, lists: Sequence[str]) -> AddResult:
        from .opml import parse_opml
        from .prepare import body_hash
        from .refresh import next_due_ok
        from .sources.opml_source import sync

        local = response.url.startswith("file:")
        doc = parse_opml(response.body, base_url=response.url, allow_local=local)  # validates first
        now = self.clock()
        names = list(lists) or [doc.title or "Subscribed list"]
        with self.store.transaction():
            list_ids = self._list_ids(names, create=True)
            source_id, created = self.store.add_source(
                "opml", response.permanent_url or response.requested, title=doc.title, now=now)
            for list_id in list_ids:
                self.store.add_to_list(list_id, [source_id])
            added, _ = sync(self.store, source_id, response.body, response.url, now=now)
            self.store.record_success(
                source_id, now=now, next_due=next_due_ok(self.settings, None, response.headers, now),
                etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                body_hash=body_hash(response.body),
            )
        note = f"{added} feeds into {', '.join(names)}; run `pln refresh` to fetch them"
        return AddResult(target, self.store.get_source(source_id), created, note=note)

    # -- OPML import / export ------------------------------------------------------------------

    def import_opml(self, data: bytes, *, base_url: str | None = None) -> ImportResult:
        """Import topic lists and feeds from OPML, all in one transaction."""
        from .exports.opml import import_document
        from .opml import parse_opml

        doc = parse_opml(data, base_url=base_url, allow_local=True)
        lists, sources = import_document(self.store, doc, now=self.clock())
        return ImportResult(lists, sources, tuple(doc.skipped), tuple(doc.repairs))

    def export_opml(self, *, title: str = "pln_reader topic lists") -> bytes:
        from .exports.opml import export_document
        from .opml import write_opml

        return write_opml(export_document(self.store, title=title))

    # -- refresh -------------------------------------------------------------------------------

    def refresh(
        self, *, force: bool = False, list_name: str | None = None, progress: Progress | None = None
    ) -> RefreshSummary:
        """Fetch due sources (all with ``force``) and store what changed."""
        from .refresh import Refresher, summary_of
        from .sources.opml_source import sync

        list_id = self._list_id_of(list_name)
        now = self.clock()
        rows = self.store.due_sources(now, force=force, list_id=list_id)
        refresher = Refresher(
            self.store, self.settings, clock=self.clock, progress=progress,
            sync_opml=lambda sid, body, url: sync(self.store, sid, body, url, now=self.clock()),
        )
        opml_rows = [r for r in rows if r["kind"] == "opml"]
        if opml_rows:
            refresher.run(opml_rows, total=len(rows))
            # Feeds an OPML source just added are due now, so they join this run.
            rows = self.store.due_sources(now, force=force, list_id=list_id)
            done = {r.source_id for r in refresher.results}
            rows = [r for r in rows if r["id"] not in done]
        feed_rows = [r for r in rows if r["kind"] == "feed"]
        social_rows = [r for r in rows if r["kind"] in SOCIAL_KINDS]
        total = len(refresher.results) + len(feed_rows) + len(social_rows)
        refresher.run(feed_rows, total=total)
        if social_rows:
            refresher.run_social(social_rows, total=total)
        return summary_of(refresher.results)

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
        return storage_links.search_links(self.store, query, limit=limit)

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
        storage_links.set_state(self.store, [link_id], "archived_at", None)
        if storage_links.set_state(self.store, [link_id], "saved_at", now):
            add_events(self.store, [link_id], "saved", now)
        if is_new and fetch_new:
            self._fetch_articles([(link_id, canonical)])
        return self.get_link(url)

    def archive(self, url: str) -> Link:
        """Take a link out of the queue as read (it stays saved, for the record)."""
        link_id = self._link_id(url)
        now = self.clock()
        if storage_links.set_state(self.store, [link_id], "read_at", now):
            add_events(self.store, [link_id], "read", now)
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
        from .storage_articles import article_targets

        ids = [self._link_id(u) for u in urls]
        list_id = self._list_id_of(list_name)
        targets = article_targets(self.store, saved=saved or not (urls or list_name), list_id=list_id,
                                  force=force or bool(urls), link_ids=ids)
        return self._fetch_articles(targets, progress)

    def prefetch_saved(self, progress: ArticleProgress | None = None) -> list[ArticleResult]:
        """Articles of saved links that have none yet (run after a refresh, and by the UI)."""
        from .storage_articles import article_targets

        return self._fetch_articles(
            article_targets(self.store, saved=True, list_id=None, force=False), progress)

    def article(self, url: str) -> Article:
        """The stored article of a link (its status says why when there is no text)."""
        from .storage_articles import get_article

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
            storage_links.set_state(self.store, [link.id], "saved_at", None)
            drop_events_since(self.store, [link.id], "saved", link.saved_at)
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
            storage_links.set_state(self.store, [link_id], "read_at", now if read else None)
            if read:
                add_events(self.store, [link_id], "read", now)
            elif read_at is not None:
                drop_events_since(self.store, [link_id], "read", read_at)
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
        storage_links.set_state(self.store, ids, "read_at", self.clock())
        return [url for _, url in found]

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
    store = open_storage(settings.db_path)
    try:
        return Library(store, settings, clock=clock)
    except BaseException:
        store.close()
        raise


__all__ = ["AddResult", "ImportResult", "Library", "open_library"]
