"""SQL for short links (t.co, bit.ly, ...): where each leads, resolved once and cached."""

from __future__ import annotations

from datetime import datetime

from .db import Storage, from_db, to_db


def cached(store: Storage, url: str) -> tuple[str | None, datetime | None] | None:
    """(target, when it was tried) for a short link resolved before, or None."""
    row = store.conn.execute("SELECT target, resolved_at FROM short_links WHERE url = ?", [url]).fetchone()
    if row is None:
        return None
    return row["target"], from_db(row["resolved_at"])


def remember(store: Storage, url: str, target: str | None, error: str | None, now: datetime) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO short_links (url, target, error, resolved_at)"
                     " VALUES (?, ?, ?, ?)", [url, target, error, to_db(now)])
