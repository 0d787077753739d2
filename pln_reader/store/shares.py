"""SQL for the share log, link events (seen, opened, read, saved) and skim sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..core.errors import NotFoundError
from ..core.models import Share
from .db import Storage, from_db, to_db


def add_share(store: Storage, link_id: int, *, channel: str, at: datetime, comment: str | None,
              post_url: str | None, origin: str, now: datetime) -> int | None:
    """Record a share; ``None`` when this post of this link is already logged."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO shares (link_id, channel, shared_at, comment, post_url, origin,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [link_id, channel, to_db(at), comment, post_url, origin, to_db(now)])
        return int(cur.lastrowid or 0) if cur.rowcount else None


def has_share(store: Storage, link_id: int, *, origin: str, at: datetime) -> bool:
    """Whether a share of this link from ``origin`` at ``at`` is logged already."""
    return store.conn.execute("SELECT 1 FROM shares WHERE link_id = ? AND origin = ? AND shared_at = ?"
                              " LIMIT 1", [link_id, origin, to_db(at)]).fetchone() is not None


def delete_share(store: Storage, share_id: int) -> Share:
    found = list_shares(store, share_id=share_id)
    if not found:
        raise NotFoundError(f"no share with id {share_id} (see `pln shares`)")
    with store.transaction() as conn:
        conn.execute("DELETE FROM shares WHERE id = ?", [share_id])
    return found[0]


def list_shares(store: Storage, *, since: datetime | None = None, until: datetime | None = None,
                link_id: int | None = None, share_id: int | None = None) -> list[Share]:
    where: list[str] = []
    params: list[Any] = []
    for clause, value in (("sh.shared_at >= ?", to_db(since)), ("sh.shared_at < ?", to_db(until)),
                          ("sh.link_id = ?", link_id), ("sh.id = ?", share_id)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = ("SELECT sh.*, k.url, k.title AS link_title FROM shares sh JOIN links k ON k.id = sh.link_id"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY sh.shared_at DESC, sh.id DESC")
    return [_share(r) for r in store.query(sql, params)]


def _share(row: sqlite3.Row) -> Share:
    return Share(
        id=row["id"], link_url=row["url"], link_title=row["link_title"], channel=row["channel"],
        shared_at=from_db(row["shared_at"]),  # type: ignore[arg-type]
        comment=row["comment"], post_url=row["post_url"], origin=row["origin"],
    )


# -- events ----------------------------------------------------------------------------------


def add_events(store: Storage, link_ids: Sequence[int], kind: str, at: datetime) -> None:
    with store.transaction() as conn:
        conn.executemany("INSERT INTO link_events (link_id, kind, at) VALUES (?, ?, ?)",
                         [(i, kind, to_db(at)) for i in link_ids])


def add_first_events(store: Storage, link_ids: Sequence[int], kind: str, at: datetime) -> int:
    """Record ``kind`` for the links that have no such event yet (``seen`` happens once)."""
    with store.transaction() as conn:
        cur = conn.executemany(
            "INSERT INTO link_events (link_id, kind, at) SELECT ?, ?, ? WHERE NOT EXISTS"
            " (SELECT 1 FROM link_events WHERE link_id = ? AND kind = ?)",
            [(i, kind, to_db(at), i, kind) for i in link_ids])
        return cur.rowcount


def drop_events_since(store: Storage, link_ids: Sequence[int], kind: str, since: datetime) -> None:
    """Forget ``kind`` events from ``since`` on: an undone read or save did not happen."""
    with store.transaction() as conn:
        conn.executemany("DELETE FROM link_events WHERE link_id = ? AND kind = ? AND at >= ?",
                         [(i, kind, to_db(since)) for i in link_ids])


# -- skim sessions ---------------------------------------------------------------------------


def add_skim(store: Storage, list_id: int | None, started: datetime, seconds: int) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO skim_sessions (list_id, started_at, seconds) VALUES (?, ?, ?)",
                     [list_id, to_db(started), max(0, int(seconds))])


def skim_seconds(store: Storage, since: datetime, until: datetime | None = None) -> dict[int | None, int]:
    """Seconds skimmed per list id (``None``: the All/Saved/Shared views) in a period."""
    sql = "SELECT list_id, sum(seconds) FROM skim_sessions WHERE started_at >= ?"
    params: list[Any] = [to_db(since)]
    if until is not None:
        sql += " AND started_at < ?"
        params.append(to_db(until))
    return {row[0]: int(row[1]) for row in store.conn.execute(sql + " GROUP BY list_id", params)}
