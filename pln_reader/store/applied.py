"""SQL for applied events: that a link changed what the user did (the funnel's last step)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from ..core.errors import InputError, NotFoundError
from ..core.models import Applied
from .db import Storage, _split, from_db, to_db
from .links import in_list_clause

_NOT_FOUND = "no applied entry with id {id} (see `pln applied list`)"


def add_applied(store: Storage, link_id: int, text: str, at: datetime, now: datetime) -> int:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO applied (link_id, text, at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [link_id, text, to_db(at), to_db(now), to_db(now)])
        return int(cur.lastrowid or 0)


def edit_applied(store: Storage, applied_id: int, *, text: str | None, at: datetime | None,
                 now: datetime) -> None:
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE applied SET text = coalesce(?, text), at = coalesce(?, at), updated_at = ?"
            " WHERE id = ?", [text, to_db(at), to_db(now), applied_id])
        if cur.rowcount == 0:
            raise NotFoundError(_NOT_FOUND.format(id=applied_id))


def delete_applied(store: Storage, applied_id: int) -> Applied:
    found = list_applied(store, applied_id=applied_id)
    if not found:
        raise NotFoundError(_NOT_FOUND.format(id=applied_id))
    with store.transaction() as conn:
        conn.execute("DELETE FROM applied WHERE id = ?", [applied_id])
    return found[0]


def applied_link_id(store: Storage, applied_id: int) -> int | None:
    row = store.conn.execute("SELECT link_id FROM applied WHERE id = ?", [applied_id]).fetchone()
    return int(row[0]) if row else None


def list_applied(store: Storage, *, list_id: int | None = None, since: datetime | None = None,
                 until: datetime | None = None, link_id: int | None = None,
                 applied_id: int | None = None) -> list[Applied]:
    """Applied entries, latest first (``since`` included, ``until`` not)."""
    where: list[str] = []
    params: list[Any] = []
    if list_id is not None:
        clause, args = in_list_clause(list_id, "ap.link_id")
        where.append(clause)
        params += args
    for clause, value in (("ap.at >= ?", to_db(since)), ("ap.at < ?", to_db(until)),
                          ("ap.link_id = ?", link_id), ("ap.id = ?", applied_id)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = ("SELECT ap.*, k.url, k.title AS link_title,"
           " (SELECT group_concat(name, char(31)) FROM (SELECT DISTINCT l.name FROM entries e"
           "   JOIN list_sources ls ON ls.source_id = e.source_id JOIN lists l ON l.id = ls.list_id"
           "   WHERE e.link_id = ap.link_id ORDER BY l.name COLLATE NOCASE)) AS list_names"
           " FROM applied ap JOIN links k ON k.id = ap.link_id"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY ap.at DESC, ap.id DESC")
    return [_applied(r) for r in store.query(sql, params)]


def _applied(row: sqlite3.Row) -> Applied:
    return Applied(id=row["id"], link_url=row["url"], link_title=row["link_title"], text=row["text"],
                   at=from_db(row["at"]),  # type: ignore[arg-type]
                   lists=_split(row["list_names"]))


def count_applied_since(conn_or_store: Storage | sqlite3.Connection, since_iso: str) -> int:
    """How many applied entries happened at or after ``since_iso`` (ISO-8601; a time with a zone
    is compared in UTC, as stored)."""
    conn = conn_or_store.conn if isinstance(conn_or_store, Storage) else conn_or_store
    try:
        since = datetime.fromisoformat(since_iso.strip())
    except ValueError:
        raise InputError(f"{since_iso!r} is not an ISO-8601 date or time") from None
    bound = to_db(since) if since.tzinfo is not None else since.isoformat(timespec="seconds")
    return int(conn.execute("SELECT count(*) FROM applied WHERE at >= ?", [bound]).fetchone()[0])
