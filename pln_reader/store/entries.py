"""SQL for the refresh's write path: a source's entries and the links they point to, and the
search index's new links (indexed in batches).

One module of the store per table family; it uses the connection of :mod:`.db`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..core.models import EntryRow
from .db import Storage, to_db


def write_entries(store: Storage, source_id: int, rows: Sequence[EntryRow], now: datetime, *,
                  search_batch: int = 0) -> tuple[int, int]:
    """Insert new entries and update changed ones of a source; returns (new, updated).

    Call inside the source's transaction. Entries missing from ``rows`` are kept, and no user
    state is touched. Statements are batched (a handful per source, not several per entry):
    this is the hot path of a refresh. New links are searchable at once, unless
    ``search_batch``: then they are indexed once that many wait (see :func:`index_pending`;
    the caller indexes the rest when it is done).
    """
    counts = _write_entries(store, source_id, rows, now)
    index_pending(store, at_least=search_batch)
    return counts


def index_pending(store: Storage, *, at_least: int = 0) -> int:
    """Put the links waiting in ``search_pending`` into the search index; returns how many.

    Only when at least ``at_least`` wait (0: whenever any do). Call inside a transaction. A
    refresh indexes its new links a few thousand at a time: FTS5 indexes one big batch far
    faster than many small ones (each commit writes a segment, and segments are then merged).
    """
    conn = store.conn
    waiting = conn.execute("SELECT count(*) FROM search_pending").fetchone()[0]
    if not waiting or waiting < at_least:
        return 0
    # An article or a note saved while the link waited found no row to update: taken along.
    conn.execute(
        "INSERT INTO link_search (rowid, title, summary, article, notes)"
        " SELECT k.id, k.title, k.summary, (SELECT a.text FROM articles a WHERE a.link_id = k.id),"
        " (SELECT group_concat(n.body || ' ' || coalesce(n.comment, ''), ' ') FROM annotations n"
        "  WHERE n.link_id = k.id)"
        " FROM search_pending p JOIN links k ON k.id = p.link_id ORDER BY k.id")
    conn.execute("DELETE FROM search_pending")
    return int(waiting)


def _write_entries(store: Storage, source_id: int, rows: Sequence[EntryRow], now: datetime) -> tuple[int, int]:
    conn = store.conn
    existing = {
        key: (entry_id, digest)
        for key, entry_id, digest in conn.execute(
            "SELECT key, id, digest FROM entries WHERE source_id = ?", [source_id]
        )
    }
    now_s = now.astimezone(UTC).isoformat(timespec="seconds")
    changed: list[EntryRow] = []
    seen: set[str] = set()
    for row in rows:
        if row.key in seen:  # duplicate ids inside one feed: the first wins
            continue
        seen.add(row.key)
        old = existing.get(row.key)
        if old is None or old[1] != row.digest:
            changed.append(row)
    if not changed:
        return 0, 0
    link_ids = _upsert_links(conn, changed, now_s)
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for row in changed:
        values = (
            link_ids.get(row.link_url) if row.link_url else None,
            row.url,
            row.title,
            row.author,
            to_db(row.published),
            to_db(row.updated),
            row.summary,
            row.content_chars,
            row.digest,
            row.sharer_handle,
            row.post_url,
            row.post_text,
            row.media,
        )
        old = existing.get(row.key)
        if old is None:
            inserts.append((source_id, row.key, *values, now_s, now_s))
        else:
            updates.append((*values, now_s, old[0]))
    if inserts:
        conn.executemany(
            "INSERT INTO entries (source_id, key, link_id, url, title, author, published, updated,"
            " summary, content_chars, digest, sharer_handle, post_url, post_text, media, first_seen,"
            " last_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
    if updates:
        conn.executemany(
            "UPDATE entries SET link_id = ?, url = ?, title = ?, author = ?, published = ?,"
            " updated = ?, summary = ?, content_chars = ?, digest = ?, sharer_handle = ?, post_url = ?,"
            " post_text = ?, media = ?, last_changed = ? WHERE id = ?",
            updates,
        )
    return len(inserts), len(updates)


def _upsert_links(conn: sqlite3.Connection, rows: Sequence[EntryRow], now: str) -> dict[str, int]:
    """Create missing links and merge what new or changed entries say about existing ones.

    A link keeps its earliest date; a missing title or summary is filled; a changed entry's
    title and summary replace the old ones. Returns url -> link id.
    """
    wanted: dict[str, tuple[str | None, str | None, str]] = {}
    for row in rows:
        if row.link_url is None:
            continue
        published = to_db(row.published or row.updated) or now
        title, summary, date = wanted.get(row.link_url, (None, None, published))
        wanted[row.link_url] = (row.title or title, row.summary or summary, min(date, published))
    if not wanted:
        return {}
    conn.executemany(
        "INSERT INTO links (url, title, summary, published, first_seen) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (url) DO NOTHING",
        [(url, title, summary, published, now) for url, (title, summary, published) in wanted.items()],
    )
    ids: dict[str, int] = {}
    text_updates: list[tuple[Any, ...]] = []
    date_updates: list[tuple[Any, ...]] = []
    urls = list(wanted)
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for link_id, url, title, summary, published in conn.execute(
            f"SELECT id, url, title, summary, published FROM links WHERE url IN ({marks})", chunk
        ):
            ids[url] = link_id
            new_title, new_summary, new_published = wanted[url]
            merged = (new_title or title, new_summary or summary, min(published, new_published))
            if merged[:2] != (title, summary):
                text_updates.append((*merged, link_id))
            elif merged[2] != published:
                date_updates.append((merged[2], link_id))
    # Only a changed title or summary touches the search index (a trigger on those columns).
    if text_updates:
        conn.executemany("UPDATE links SET title = ?, summary = ?, published = ? WHERE id = ?", text_updates)
    if date_updates:
        conn.executemany("UPDATE links SET published = ? WHERE id = ?", date_updates)
    return ids
