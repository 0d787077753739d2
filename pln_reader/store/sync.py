"""SQL for sync with a Google Reader API server: the outbox, subscriptions and items as last
synced, and a few facts about the account (``sync_meta``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .db import Storage, to_db

# -- the outbox ---------------------------------------------------------------------------------


def outbox_add(store: Storage, kind: str, payload: dict[str, Any], now: datetime) -> None:
    """Record a local change to push; call inside the change's own transaction."""
    store.conn.execute("INSERT INTO sync_outbox (kind, payload, created_at) VALUES (?, ?, ?)",
                       [kind, json.dumps(payload, ensure_ascii=False), to_db(now)])


def outbox(store: Storage) -> list[tuple[int, str, dict[str, Any]]]:
    """Every change waiting, oldest first: (id, kind, payload)."""
    return [(r[0], r[1], json.loads(r[2])) for r in
            store.conn.execute("SELECT id, kind, payload FROM sync_outbox ORDER BY id")]


def outbox_done(store: Storage, ids: Iterable[int]) -> None:
    with store.transaction() as conn:
        conn.executemany("DELETE FROM sync_outbox WHERE id = ?", [(i,) for i in ids])


def outbox_count(store: Storage) -> int:
    return int(store.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0])


def outbox_state_urls(store: Storage, after_id: int = 0) -> set[tuple[str, str]]:
    """(kind, url) of read/star changes, and ("tag:" + tag, url) of tag changes, recorded
    after ``after_id`` (not pushed yet)."""
    rows = store.conn.execute(
        "SELECT kind, payload FROM sync_outbox WHERE kind IN ('read', 'star', 'tag') AND id > ?",
        [after_id])
    found = set()
    for kind, payload in rows:
        data = json.loads(payload)
        found.add((f"tag:{data['tag'].casefold()}" if kind == "tag" else kind, data["url"]))
    return found


def outbox_last_id(store: Storage) -> int:
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM sync_outbox").fetchone()[0])


# -- facts about the account ----------------------------------------------------------------------


def meta(store: Storage, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM sync_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(store: Storage, key: str, value: str | None) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO sync_meta (key, value) VALUES (?, ?)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])


def forget_all(store: Storage) -> None:
    """`pln sync off`: drop every trace of the account (the library itself stays)."""
    with store.transaction() as conn:
        for table in ("sync_outbox", "sync_subscriptions", "sync_item_tags", "sync_items",
                      "sync_meta"):
            conn.execute(f"DELETE FROM {table}")


# -- subscriptions ------------------------------------------------------------------------------


def subscriptions(store: Storage) -> list[sqlite3.Row]:
    """Subscriptions as last synced: stream_id, source_id (NULL: removed here), url, folder."""
    return store.query("SELECT * FROM sync_subscriptions ORDER BY stream_id")


def put_subscription(store: Storage, stream_id: str, source_id: int | None, url: str,
                     folder: str | None) -> None:
    with store.transaction() as conn:
        if source_id is not None:
            conn.execute("DELETE FROM sync_subscriptions WHERE source_id = ? AND stream_id != ?",
                         [source_id, stream_id])
        conn.execute(
            "INSERT INTO sync_subscriptions (stream_id, source_id, url, folder) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (stream_id) DO UPDATE SET source_id = excluded.source_id,"
            " url = excluded.url, folder = excluded.folder", [stream_id, source_id, url, folder])


def drop_subscription(store: Storage, stream_id: str) -> None:
    """The subscription is gone from the server (or is being removed): forget it, its items too."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_subscriptions WHERE stream_id = ?", [stream_id])
        conn.execute("DELETE FROM sync_items WHERE stream_id = ?", [stream_id])


def feed_sources(store: Storage) -> list[sqlite3.Row]:
    """Feeds that can live on a server (http(s), not social, not local files), with the list
    each is first in (by list position), or NULL."""
    return store.query(
        "SELECT s.id, s.url, s.title,"
        " (SELECT ls.list_id FROM list_sources ls JOIN lists l ON l.id = ls.list_id"
        "  WHERE ls.source_id = s.id ORDER BY l.position, l.name COLLATE NOCASE LIMIT 1) AS list_id"
        " FROM sources s WHERE s.kind = 'feed'"
        " AND (s.url LIKE 'http://%' OR s.url LIKE 'https://%') ORDER BY s.id")


def first_list_of(store: Storage, source_id: int) -> int | None:
    """The list a source is first in (by list position): its folder on the server."""
    row = store.conn.execute(
        "SELECT ls.list_id FROM list_sources ls JOIN lists l ON l.id = ls.list_id"
        " WHERE ls.source_id = ? ORDER BY l.position, l.name COLLATE NOCASE LIMIT 1",
        [source_id]).fetchone()
    return int(row[0]) if row else None


# -- items --------------------------------------------------------------------------------------


def known_items(store: Storage) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT item_id FROM sync_items")}


def synced_sources(store: Storage) -> dict[str, int]:
    """stream id -> source id, for the subscriptions both sides carry."""
    return {r[0]: int(r[1]) for r in store.conn.execute(
        "SELECT stream_id, source_id FROM sync_subscriptions WHERE source_id IS NOT NULL")}


def quiet_sources(store: Storage, since: datetime) -> set[int]:
    """Synced sources from which the server has delivered no entry first stored since
    ``since`` (and added here before it): the server may be failing them."""
    cut = to_db(since)
    return {int(r[0]) for r in store.conn.execute(
        "SELECT ss.source_id FROM sync_subscriptions ss JOIN sources s ON s.id = ss.source_id"
        " WHERE s.added_at < ? AND NOT EXISTS (SELECT 1 FROM entries e"
        "  JOIN sync_items si ON si.link_id = e.link_id AND si.stream_id = ss.stream_id"
        "  WHERE e.source_id = ss.source_id AND e.first_seen >= ?)", [cut, cut])}


def pulled_items(store: Storage, item_ids: Iterable[str]) -> set[str]:
    """Of ``item_ids``, those already an entry of their feed's source (a refresh through the
    server wrote them, or a direct fetch did: the same link in the same source)."""
    wanted = list(item_ids)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in store.conn.execute(
            "SELECT si.item_id FROM sync_items si"
            " JOIN sync_subscriptions ss ON ss.stream_id = si.stream_id"
            " WHERE si.item_id IN (" + marks + ") AND EXISTS (SELECT 1 FROM entries e"
            "  WHERE e.source_id = ss.source_id AND e.link_id = si.link_id)", chunk))
    return found


def entry_keys(store: Storage, source_id: int) -> dict[str, str]:
    """link URL -> the key of the source's entry for it (so a pulled item updates the entry a
    direct fetch made, instead of adding a second one)."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT k.url, e.key FROM entries e JOIN links k ON k.id = e.link_id WHERE e.source_id = ?",
        [source_id])}


def items_of_link(store: Storage, link_id: int) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT item_id FROM sync_items WHERE link_id = ?",
                                             [link_id])]


def map_item(store: Storage, item_id: str, link_id: int, *, stream_id: str | None, read: bool,
             starred: bool) -> None:
    store.conn.execute(
        "INSERT INTO sync_items (item_id, link_id, stream_id, read, starred) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (item_id) DO UPDATE SET link_id = excluded.link_id,"
        " stream_id = excluded.stream_id, read = excluded.read, starred = excluded.starred",
        [item_id, link_id, stream_id, int(read), int(starred)])


def forget_items_of(store: Storage, stream_id: str) -> None:
    """A subscription left the server and took its items: they no longer say anything about
    the links' state (which stays as it is here)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_items WHERE stream_id = ?", [stream_id])


def set_base(store: Storage, item_ids: Sequence[str], column: str, value: bool) -> None:
    """The state both sides now agree on, for ``read`` or ``starred``."""
    if column not in ("read", "starred"):
        raise ValueError(column)
    with store.transaction() as conn:
        conn.executemany(f"UPDATE sync_items SET {column} = ? WHERE item_id = ?",
                         [(int(value), i) for i in item_ids])


def item_states(store: Storage) -> list[sqlite3.Row]:
    """Every mapped item: item_id, link_id, url, base read/starred, and the local state."""
    return store.query(
        "SELECT si.item_id, si.link_id, k.url, si.read, si.starred,"
        " (st.read_at IS NOT NULL OR st.archived_at IS NOT NULL) AS local_read,"
        " (st.saved_at IS NOT NULL) AS local_saved"
        " FROM sync_items si JOIN links k ON k.id = si.link_id"
        " LEFT JOIN link_state st ON st.link_id = si.link_id")


# -- lists and memberships, as the server's folders move them -----------------------------------


def move_list(store: Storage, list_id: int, *, name: str, parent_id: int | None) -> None:
    """Rename and (re)nest a list in one write (a folder renamed or moved on the server)."""
    with store.transaction() as conn:
        conn.execute("UPDATE lists SET name = ?, parent_id = ? WHERE id = ?", [name, parent_id, list_id])


def remove_from_list(store: Storage, list_id: int, source_id: int) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM list_sources WHERE list_id = ? AND source_id = ?", [list_id, source_id])


def list_is_empty(store: Storage, list_id: int) -> bool:
    row = store.conn.execute(
        "SELECT (SELECT count(*) FROM list_sources WHERE list_id = ?)"
        " + (SELECT count(*) FROM lists WHERE parent_id = ?)", [list_id, list_id]).fetchone()
    return int(row[0]) == 0


def lists_of_source(store: Storage, source_id: int) -> set[int]:
    return {r[0] for r in store.conn.execute("SELECT list_id FROM list_sources WHERE source_id = ?",
                                             [source_id])}


# -- item labels (tags) ---------------------------------------------------------------------------


def item_tags(store: Storage) -> dict[str, set[str]]:
    """item id -> the tags both sides last agreed on (case-folded)."""
    found: dict[str, set[str]] = {}
    for item, tag in store.conn.execute("SELECT item_id, tag FROM sync_item_tags"):
        found.setdefault(item, set()).add(tag.casefold())
    return found


def set_item_tag(store: Storage, item_ids: Iterable[str], tag: str, present: bool) -> None:
    with store.transaction() as conn:
        if present:
            conn.executemany("INSERT OR IGNORE INTO sync_item_tags (item_id, tag) VALUES (?, ?)",
                             [(i, tag) for i in item_ids])
        else:
            conn.executemany("DELETE FROM sync_item_tags WHERE item_id = ? AND tag = ?",
                             [(i, tag) for i in item_ids])


def link_tags(store: Storage) -> dict[int, dict[str, str]]:
    """link id -> {case-folded tag: tag}, for links mapped to server items."""
    found: dict[int, dict[str, str]] = {}
    for link_id, tag in store.conn.execute(
            "SELECT link_id, tag FROM tags WHERE link_id IN (SELECT link_id FROM sync_items)"):
        found.setdefault(link_id, {})[tag.casefold()] = tag
    return found


def list_row(store: Storage, list_id: int) -> sqlite3.Row | None:
    """A list's ``name`` and ``parent_id``."""
    row = store.conn.execute("SELECT name, parent_id FROM lists WHERE id = ?", [list_id]).fetchone()
    return row  # type: ignore[no-any-return]


def link_read_saved(store: Storage, link_id: int) -> tuple[bool, bool]:
    """Whether a link is read (or archived) and saved here."""
    row = store.conn.execute("SELECT read_at, archived_at, saved_at FROM link_state WHERE link_id = ?",
                             [link_id]).fetchone()
    if row is None:
        return False, False
    return bool(row[0] or row[1]), bool(row[2])


def changes(store: Storage) -> int:
    """Rows changed on this connection so far (a cache key for the list tree)."""
    return store.conn.total_changes
