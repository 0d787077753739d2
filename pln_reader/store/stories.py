"""SQL for stories: links of near-duplicate titles grouped into one row (:mod:`..core.stories`).

The story id of each link is worked out at refresh for the links it brought, and stored
(``links.story_id``); listings only read it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..core.stories import StoryLink, group_pairs, lone_links, similar_pairs
from .db import Storage, from_db, to_db


def touched_links(store: Storage, since: datetime) -> list[int]:
    """Links whose entries were written (new or changed) from ``since`` on."""
    # Deduplicated here, not by DISTINCT: with DISTINCT the planner (no statistics) walks
    # entries_link over every entry, 90 ms at 50,000 entries on every refresh, instead of the
    # range of entries_changed that was written.
    rows = store.conn.execute(
        "SELECT link_id FROM entries WHERE last_changed >= ? AND link_id IS NOT NULL", [to_db(since)])
    return list(dict.fromkeys(r[0] for r in rows))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNIX_JULIAN_DAY = 2440587.5


_NO_SOURCES: frozenset[int] = frozenset()


def _story_links(store: Storage, where: str, args: list[object]) -> list[StoryLink]:
    """The links that may be versions of a story, among those ``where`` selects: a link whose
    numbers no other selected title has is left out before its date is worked out."""
    # julianday() in SQL: parsing tens of thousands of dates in Python would cost more than the rest.
    rows = store.conn.execute(
        f"SELECT k.id, k.title, julianday(k.published), k.story_id FROM links k WHERE {where}"
        " AND k.published IS NOT NULL AND k.title IS NOT NULL AND k.title != ''", args).fetchall()
    lone = lone_links((r[0], r[1]) for r in rows)
    found = []
    for link_id, title, day, story_id in rows:
        if day is not None and link_id not in lone:
            when = _EPOCH + timedelta(days=day - _UNIX_JULIAN_DAY)
            found.append(StoryLink(link_id, title, when, _NO_SOURCES, story_id))
    return found


def _sources(store: Storage, link_ids: set[int]) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = {}
    ids = list(link_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for link_id, source_id in store.conn.execute(
                f"SELECT link_id, source_id FROM entries WHERE link_id IN ({','.join('?' * len(chunk))})",
                chunk):
            found.setdefault(link_id, set()).add(source_id)
    return {i: frozenset(s) for i, s in found.items()}


def group_new_links(store: Storage, link_ids: Sequence[int], *, threshold: float,
                    window_days: float) -> int:
    """Place ``link_ids`` in stories with the stored links published near them; returns how
    many links changed story. Call inside a transaction."""
    if not link_ids:
        return 0
    ids = set(link_ids)
    conn = store.conn
    window = timedelta(days=window_days)
    # The stored links published from window before the first new link to window after the
    # last (one query, the new links among them).
    low, high = conn.execute("SELECT min(published), max(published) FROM links WHERE id IN"
                             " (SELECT value FROM json_each(?))", [json.dumps(sorted(ids))]).fetchone()
    if low is None:
        return 0
    near = _story_links(store, "k.published BETWEEN ? AND ?",
                        [to_db(from_db(low) - window), to_db(from_db(high) + window)])  # type: ignore[operator,arg-type]
    new = [k for k in near if k.id in ids]
    known = [k for k in near if k.id not in ids]
    if not new:
        return 0
    pairs = similar_pairs(new, known, threshold=threshold, window=window)
    if not pairs:
        return 0
    # Sources only for the few links in a pair: a story's versions come from different sources.
    old = {k.id: k.story_id for k in (*new, *known)}
    changes = group_pairs(pairs, _sources(store, {i for pair in pairs for i in pair}), old)
    if not changes:
        return 0
    # A group that merges into another takes its members along, also those outside the window.
    merged = {(old[i], story) for i, story in changes.items() if old.get(i) and old[i] != story}
    conn.executemany("UPDATE links SET story_id = ? WHERE story_id = ?",
                     [(story, before) for before, story in merged])
    conn.executemany("UPDATE links SET story_id = ? WHERE id = ?",
                     [(story, i) for i, story in changes.items()])
    return len(changes)


def story_members(store: Storage, link_id: int) -> list[int]:
    """Every link of the story ``link_id`` is in (itself alone when it has none)."""
    rows = store.conn.execute(
        "SELECT k2.id FROM links k JOIN links k2 ON k2.story_id = k.story_id"
        " WHERE k.id = ? ORDER BY k2.published DESC, k2.id DESC", [link_id]).fetchall()
    return [r[0] for r in rows] or [link_id]
