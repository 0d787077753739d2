"""SQL for the weekly export and the list review: what happened to links in a period.

Every query takes a half-open period ``[start, end)``; ``None`` leaves that side open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from .db import Storage, from_db, to_db

# The funnel's steps (core.models.STEPS) and where each is recorded. "read" counts a link opened in the
# reader or the browser as well as one marked read: both are events, not guesses from state.

_ACTIVITY = {
    "seen": ("link_events", "at", "kind = 'seen'"),
    "saved": ("link_events", "at", "kind = 'saved'"),
    "read": ("link_events", "at", "kind IN ('opened', 'read')"),
    "annotated": ("annotations", "created_at", "1"),
    "shared": ("shares", "shared_at", "1"),
    "applied": ("applied", "at", "1"),
}


def _range(column: str, start: datetime | None, end: datetime | None) -> tuple[str, list[Any]]:
    where, params = [], []
    if start is not None:
        where.append(f"{column} >= ?")
        params.append(to_db(start))
    if end is not None:
        where.append(f"{column} < ?")
        params.append(to_db(end))
    return (" AND ".join(where) or "1"), params


def activity(store: Storage, start: datetime | None, end: datetime | None) -> list[tuple[int, str, str]]:
    """(link id, step, earliest time in the period) for every step a link went through."""
    parts, params = [], []
    for step, (table, column, condition) in _ACTIVITY.items():
        clause, args = _range(column, start, end)
        parts.append(f"SELECT link_id, '{step}', min({column}) FROM {table}"
                     f" WHERE {condition} AND {clause} GROUP BY link_id")
        params += args
    return [(r[0], r[1], r[2]) for r in store.conn.execute(" UNION ALL ".join(parts), params)]


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    items = list(ids)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def link_lists(store: Storage, link_ids: Iterable[int]) -> dict[int, set[int]]:
    """The ids of the topic lists each link belongs to (through the sources of its entries)."""
    found: dict[int, set[int]] = {}
    for chunk in _chunks(link_ids):
        marks = ", ".join("?" * len(chunk))
        for link_id, list_id in store.conn.execute(
            "SELECT DISTINCT e.link_id, ls.list_id FROM entries e JOIN list_sources ls"
            f" ON ls.source_id = e.source_id WHERE e.link_id IN ({marks})", chunk):
            found.setdefault(link_id, set()).add(list_id)
    return found


def link_rows(store: Storage, link_ids: Iterable[int]) -> dict[int, sqlite3.Row]:
    """url, title, published, source names, tags and media kind (audio, video) of links, by id."""
    found: dict[int, sqlite3.Row] = {}
    for chunk in _chunks(link_ids):
        marks = ", ".join("?" * len(chunk))
        for row in store.query(
            "SELECT k.id, k.url, k.title, k.published,"
            " (SELECT group_concat(label, char(31)) FROM (SELECT DISTINCT coalesce(s.title, s.url)"
            "   AS label FROM entries e JOIN sources s ON s.id = e.source_id WHERE e.link_id = k.id"
            "   ORDER BY label)) AS source_names,"
            " (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM tags t"
            "   WHERE t.link_id = k.id ORDER BY tag)) AS tag_names,"
            " (SELECT json_extract(e.media, '$.kind') FROM entries e WHERE e.link_id = k.id"
            "   AND e.media IS NOT NULL ORDER BY e.id LIMIT 1) AS media_kind"
            f" FROM links k WHERE k.id IN ({marks})", chunk):
            found[row["id"]] = row
    return found


def annotation_rows(store: Storage, link_ids: Iterable[int], end: datetime | None) -> list[sqlite3.Row]:
    """Notes and highlights of links made before ``end``, oldest first."""
    rows: list[sqlite3.Row] = []
    clause, params = _range("created_at", None, end)
    for chunk in _chunks(link_ids):
        marks = ", ".join("?" * len(chunk))
        rows += store.query(
            f"SELECT * FROM annotations WHERE link_id IN ({marks}) AND {clause}", [*chunk, *params])
    return sorted(rows, key=lambda r: (r["created_at"], r["id"]))


def share_rows(store: Storage, link_ids: Iterable[int], end: datetime | None) -> list[sqlite3.Row]:
    """Shares of links logged before ``end``, oldest first."""
    rows: list[sqlite3.Row] = []
    clause, params = _range("shared_at", None, end)
    for chunk in _chunks(link_ids):
        marks = ", ".join("?" * len(chunk))
        rows += store.query(
            f"SELECT * FROM shares WHERE link_id IN ({marks}) AND {clause}", [*chunk, *params])
    return sorted(rows, key=lambda r: (r["shared_at"], r["id"]))


def applied_rows(store: Storage, link_ids: Iterable[int], start: datetime | None,
                 end: datetime | None) -> list[sqlite3.Row]:
    """Applied entries of links in ``[start, end)``, oldest first."""
    rows: list[sqlite3.Row] = []
    clause, params = _range("at", start, end)
    for chunk in _chunks(link_ids):
        marks = ", ".join("?" * len(chunk))
        rows += store.query(
            f"SELECT * FROM applied WHERE link_id IN ({marks}) AND {clause}", [*chunk, *params])
    return sorted(rows, key=lambda r: (r["at"], r["id"]))


def link_source_kinds(store: Storage, link_ids: Iterable[int]) -> dict[int, set[str]]:
    """The kinds of the sources each link came from (feed, mastodon_list, ...)."""
    found: dict[int, set[str]] = {}
    for chunk in _chunks(link_ids):
        marks = ", ".join("?" * len(chunk))
        for link_id, kind in store.conn.execute(
            "SELECT DISTINCT e.link_id, s.kind FROM entries e JOIN sources s ON s.id = e.source_id"
            f" WHERE e.link_id IN ({marks})", chunk):
            found.setdefault(link_id, set()).add(kind)
    return found


def share_channels(store: Storage, start: datetime | None, end: datetime | None) -> dict[str, int]:
    """Shares logged per channel in the period."""
    clause, params = _range("shared_at", start, end)
    return {r[0]: int(r[1]) for r in store.conn.execute(
        f"SELECT channel, count(*) FROM shares WHERE {clause} GROUP BY channel", params)}


def source_rows(store: Storage, start: datetime, end: datetime) -> list[sqlite3.Row]:
    """Every source with its lists, fetch state and what it brought in the period.

    ``brought``: links whose entry from this source was first stored in the period; ``saved``
    and ``shared``: links of this source saved or shared in the period; ``last_new``: when its
    latest entry appeared (the earlier of its published date and when it was stored, so a
    newly added feed whose posts are all old is seen as old).
    """
    lo, hi = to_db(start), to_db(end)
    params: Sequence[Any] = [lo, hi, lo, hi, lo, hi]
    return store.query(
        "SELECT s.id, s.kind, s.url, s.title, s.active, s.added_at, f.status, f.error,"
        " f.error_since,"
        " (SELECT group_concat(name, char(31)) FROM (SELECT l.name FROM list_sources ls"
        "   JOIN lists l ON l.id = ls.list_id WHERE ls.source_id = s.id"
        "   ORDER BY l.position, l.name COLLATE NOCASE)) AS list_names,"
        " (SELECT count(DISTINCT e.link_id) FROM entries e WHERE e.source_id = s.id"
        "   AND e.first_seen >= ? AND e.first_seen < ?) AS brought,"
        " (SELECT count(DISTINCT ev.link_id) FROM link_events ev JOIN entries e"
        "   ON e.link_id = ev.link_id WHERE e.source_id = s.id AND ev.kind = 'saved'"
        "   AND ev.at >= ? AND ev.at < ?) AS saved,"
        " (SELECT count(DISTINCT sh.link_id) FROM shares sh JOIN entries e"
        "   ON e.link_id = sh.link_id WHERE e.source_id = s.id"
        "   AND sh.shared_at >= ? AND sh.shared_at < ?) AS shared,"
        " (SELECT max(min(coalesce(e.published, e.first_seen), e.first_seen)) FROM entries e"
        "   WHERE e.source_id = s.id) AS last_new"
        " FROM sources s LEFT JOIN fetch_state f ON f.source_id = s.id"
        " ORDER BY s.title COLLATE NOCASE, s.url", params)


def first_activity(store: Storage) -> datetime | None:
    """When the user first did anything with a link (the start of ``--all``)."""
    parts = [f"SELECT min({column}) AS t FROM {table} WHERE {condition}"
             for table, column, condition in _ACTIVITY.values()]
    row = store.conn.execute(f"SELECT min(t) FROM ({' UNION ALL '.join(parts)})").fetchone()
    return from_db(row[0]) if row and row[0] else None
