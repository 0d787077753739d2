"""Refresh through the sync server: the synced feeds' new items become entries.

One pull is ClientLogin, the reading list's item ids crawled since the last pull (``ot``, paged
by continuation, bounded by ``MAX_PULL``) and, for the ids that are not entries yet, their
contents in batches. Each batch is handed, one JSON Feed document per feed, to
:func:`pln_reader.feeds.prepare.prepare`: the same title and summary cleaning, canonical URLs
and full-text length as a direct fetch (the server's HTML is trusted no more than a feed's). The
entries are written per source by :func:`pln_reader.store.entries.write_entries`, so links are
shared with pln's other sources as usual, and each item id is kept for its link
(``sync_items``), merged with the local read and saved state as a sync does.

A server that fails mid-pull keeps every batch already written; the next pull asks again from
the same time and skips what is already there. A pull with nothing new is two or three
requests.
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from ..core.config import Settings
from ..core.errors import SyncError
from ..core.models import ServerPull, SourceResult
from ..core.secrets import scrub
from ..core.text import plural
from ..feeds.prepare import Prepared, prepare
from ..store import entries as storage_entries
from ..store import sync as db
from ..store.db import Storage, from_db, to_db
from .client import CONTENTS_BATCH, READING_LIST, GReaderClient, Item
from .engine import ClientFactory, _Run
from .report import SyncReport

log = logging.getLogger("pln_reader")

MAX_PULL = 100_000
"""Most item ids one pull lists (the newest first). Older ones than that are left on the
server, as a feed's old entries are once they drop out of it."""
MARGIN = timedelta(hours=1)
"""Without the server's crawl times, the next pull asks from this long before this one began
(the server stamps items by its own clock, this machine's may differ)."""
OVERLAP = timedelta(seconds=2)
"""With them, it asks from this long before the newest item pulled (``ot`` is in whole
seconds): an item the server stored in the same moments must not fall between two pulls, and
the items listed again are few (a pull with nothing new stays one page of ids)."""
JSON_FEED = {"content-type": "application/feed+json"}
_FULLWIDTH = str.maketrans({"\uff06": "&", "\uff1c": "<", "\uff1e": ">"})
"""FreshRSS gives & < > in titles and authors as their fullwidth forms (for clients that show
the text as HTML): back to what the feed said (a title really written with them changes too)."""


def plain(value: str) -> str:
    """A title or author as the feed had it: HTML text unescaped, fullwidth & < > restored."""
    return html.unescape(value).translate(_FULLWIDTH)

PullProgress = Callable[[int, int, SourceResult], None]


def pull(store: Storage, settings: Settings, *, now: datetime,
         progress: PullProgress | None = None,
         client_factory: ClientFactory = GReaderClient) -> ServerPull:
    """Pull new items of every synced feed; never raises for the server's faults (the error
    is in the result, what was pulled is kept)."""
    conf = settings.sync
    streams = db.synced_sources(store)
    if not streams:
        return ServerPull()
    urls = {r["stream_id"]: r["url"] for r in db.subscriptions(store)}
    since = from_db(db.meta(store, "pull_since"))
    api = client_factory(conf.server, settings.fetch)
    run = _Pull(store, streams, urls, now)
    complete = False
    error = None
    listed = False
    try:
        if not conf.password:
            raise SyncError("no sync password: set PLN_SYNC_PASSWORD or run `pln sync setup` again")
        api.login(conf.user, conf.password)
        ids, listed = api.item_ids(READING_LIST, max_ids=MAX_PULL,
                                   since=int(since.timestamp()) if since else None)
        wanted = sorted(ids - db.pulled_items(store, ids), key=int, reverse=True)
        batches = [wanted[i:i + CONTENTS_BATCH] for i in range(0, len(wanted), CONTENTS_BATCH)]
        merge = _Run(store, api, now, SyncReport())
        for done, batch in enumerate(batches, 1):
            items = api.items(batch)
            new = run.write(items)
            merge.map_items(items)  # item ids per link, read and saved merged as a sync does
            if progress is not None:
                progress(done, len(batches), SourceResult(
                    0, api.where, "new" if new else "unchanged", new=new,
                    title=f"from the server ({plural(len(items), 'item')})"))
        complete = True
    except SyncError as exc:
        complete = False
        error = scrub(str(exc), settings.secrets())
        log.info("refresh through the server stopped: %s", error)
    finally:
        requests = api.requests
        api.close()
    if complete:
        if run.crawled is not None:
            since = datetime.fromtimestamp(run.crawled, UTC) - OVERLAP
        elif since is None or run.items:
            since = now - MARGIN
        db.set_meta(store, "pull_since", to_db(since))
    return ServerPull(new=run.new, updated=run.updated, feeds=len(run.fed), carried=len(streams),
                      items=run.items, requests=requests, complete=complete and listed,
                      error=error)


class _Pull:
    """Writes pulled items as entries, per source, one transaction per batch."""

    def __init__(self, store: Storage, streams: dict[str, int], urls: dict[str, str],
                 now: datetime) -> None:
        self.store = store
        self.streams = streams
        self.urls = urls
        self.now = now
        self.new = self.updated = self.items = 0
        self.fed: set[int] = set()
        self.crawled: float | None = None
        """The newest crawl time among the items read (the server's clock)."""

    def write(self, items: Iterable[Item]) -> int:
        """Write one batch; returns the new entries."""
        by_stream: dict[str, list[Item]] = {}
        for item in items:
            self.items += 1
            if item.crawled is not None:
                self.crawled = max(self.crawled or item.crawled, item.crawled)
            if item.stream_id in self.streams:
                by_stream.setdefault(item.stream_id, []).append(item)
        prepared: list[tuple[int, Prepared]] = []
        for stream, found in by_stream.items():
            result = prepare(as_json_feed(found), self.urls.get(stream, ""), JSON_FEED)
            if isinstance(result, Prepared):
                prepared.append((self.streams[stream], result))
            else:  # cannot happen for a document made here; logged, never fatal
                log.info("refresh through the server: items of %s unreadable: %s", stream, result)
        added = 0
        with self.store.transaction():
            for source_id, feed in prepared:
                keys = db.entry_keys(self.store, source_id)
                rows = [dataclasses.replace(r, key=keys.get(r.link_url or "", r.key))
                        for r in feed.rows]
                new, updated = storage_entries.write_entries(self.store, source_id, rows, self.now)
                added += new
                self.updated += updated
                if new:
                    self.fed.add(source_id)
        self.new += added
        return added


def as_json_feed(items: Iterable[Item]) -> bytes:
    """Server items as the JSON Feed a site could have served (titles and authors as plain
    text, see :func:`plain`; the content stays HTML, which the parser reads as a feed's)."""
    entries = []
    for item in items:
        entry: dict[str, object] = {"id": item.url or f"greader:{item.id}"}
        if item.url:
            entry["url"] = item.url
        if item.title:
            entry["title"] = plain(item.title)
        if item.summary:
            entry["content_html"] = item.summary
        if item.published is not None:
            entry["date_published"] = datetime.fromtimestamp(item.published, UTC).isoformat()
        if item.author:
            entry["authors"] = [{"name": plain(item.author)}]
        entries.append(entry)
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "",
                       "items": entries}, ensure_ascii=False).encode("utf-8")
