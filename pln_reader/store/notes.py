"""SQL for annotations (notes, highlights) and tags."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from ..core.errors import NotFoundError
from ..core.models import Annotation
from .db import Storage, _split, from_db, to_db
from .links import in_list_clause


def add_annotation(store: Storage, link_id: int, kind: str, body: str, comment: str | None,
                   now: datetime) -> int:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO annotations (link_id, kind, body, comment, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", [link_id, kind, body, comment, to_db(now), to_db(now)])
        return int(cur.lastrowid or 0)


def has_annotation(store: Storage, link_id: int, kind: str, body: str) -> bool:
    """Whether the link has an annotation of this kind and body (an import adds each once)."""
    return store.conn.execute("SELECT 1 FROM annotations WHERE link_id = ? AND kind = ? AND body = ?",
                              [link_id, kind, body]).fetchone() is not None


def edit_annotation(store: Storage, annotation_id: int, *, body: str | None, comment: str | None,
                    now: datetime) -> None:
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE annotations SET body = coalesce(?, body), comment = coalesce(?, comment),"
            " updated_at = ? WHERE id = ?", [body, comment, to_db(now), annotation_id])
        if cur.rowcount == 0:
            raise NotFoundError(f"no note or highlight with id {annotation_id} (see `pln notes`)")


def delete_annotation(store: Storage, annotation_id: int) -> None:
    with store.transaction() as conn:
        cur = conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
        if cur.rowcount == 0:
            raise NotFoundError(f"no note or highlight with id {annotation_id} (see `pln notes`)")


def annotation_link_id(store: Storage, annotation_id: int) -> int | None:
    row = store.conn.execute("SELECT link_id FROM annotations WHERE id = ?", [annotation_id]).fetchone()
    return int(row[0]) if row else None


def annotation_kind(store: Storage, annotation_id: int) -> str:
    row = store.conn.execute("SELECT kind FROM annotations WHERE id = ?", [annotation_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no note or highlight with id {annotation_id} (see `pln notes`)")
    return str(row[0])


def set_tags(store: Storage, link_id: int, add: list[str], remove: list[str], now: datetime) -> None:
    with store.transaction() as conn:
        conn.executemany("INSERT OR IGNORE INTO tags (link_id, tag, created_at) VALUES (?, ?, ?)",
                         [(link_id, t, to_db(now)) for t in add])
        conn.executemany("DELETE FROM tags WHERE link_id = ? AND tag = ?", [(link_id, t) for t in remove])


def tags_of(store: Storage, link_id: int) -> tuple[str, ...]:
    return tuple(r[0] for r in store.conn.execute(
        "SELECT tag FROM tags WHERE link_id = ? ORDER BY tag", [link_id]))


def list_annotations(store: Storage, *, list_id: int | None, since: datetime | None,
                link_id: int | None = None) -> list[Annotation]:
    where: list[str] = []
    params: list[Any] = []
    if list_id is not None:
        clause, args = in_list_clause(list_id, "a.link_id")
        where.append(clause)
        params += args
    if since is not None:
        where.append("a.created_at >= ?")
        params.append(to_db(since))
    if link_id is not None:
        where.append("a.link_id = ?")
        params.append(link_id)
    sql = ("SELECT a.*, k.url, k.title AS link_title,"
           " (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM tags t"
           "  WHERE t.link_id = a.link_id ORDER BY tag)) AS tag_names"
           " FROM annotations a JOIN links k ON k.id = a.link_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_annotation(r) for r in store.query(sql + " ORDER BY a.created_at DESC, a.id DESC", params)]


def _annotation(row: sqlite3.Row) -> Annotation:
    return Annotation(
        id=row["id"], link_url=row["url"], link_title=row["link_title"], kind=row["kind"],
        body=row["body"], comment=row["comment"],
        created_at=from_db(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db(row["updated_at"]),  # type: ignore[arg-type]
        tags=_split(row["tag_names"]),
    )
