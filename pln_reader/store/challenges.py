"""SQL for challenges: the run in progress, its steps met, and the events its checks count.

Every count reads events recorded at or after the challenge's start (UTC ISO text compares in
time order): what the user did, not the state the library is in now.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..core.errors import InputError
from .db import Storage, from_db, to_db

ACTIVITY_KINDS = ("source_added", "source_pruned", "list_purpose", "weekly_list_written")
"""The kinds of ``activity_events`` (the table's CHECK lists the same, migration 0014)."""


def record_activity(store: Storage, kind: str, at: datetime, *, list_id: int | None = None,
                    source_id: int | None = None, detail: str | None = None, times: int = 1) -> None:
    """Record that the user did ``kind`` (``times`` events at once: an import adding many)."""
    if times <= 0:
        return
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO activity_events (kind, at, list_id, source_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(kind, to_db(at), list_id, source_id, detail)] * times)


# -- the run -----------------------------------------------------------------------------------


def running(store: Storage) -> sqlite3.Row | None:
    """The challenge in progress, if any."""
    rows = store.query("SELECT * FROM challenge_runs WHERE stopped_at IS NULL")
    return rows[0] if rows else None


def start_run(store: Storage, *, name: str, definition: str, origin: str, started_on: str,
              started_at: datetime) -> int:
    with store.transaction() as conn:
        current = running(store)
        if current is not None:
            raise InputError(f"the challenge {current['name']!r} is running: one runs at a time "
                             "(`pln challenge stop` ends it)")
        cur = conn.execute(
            "INSERT INTO challenge_runs (name, definition, origin, started_on, started_at)"
            " VALUES (?, ?, ?, ?, ?)", [name, definition, origin, started_on, to_db(started_at)])
        return int(cur.lastrowid or 0)


def stop_run(store: Storage, run_id: int, at: datetime) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE challenge_runs SET stopped_at = ? WHERE id = ?", [to_db(at), run_id])


def dismiss(store: Storage, run_id: int, day: str) -> None:
    """Hide the run's banner for the local day ``day`` (ISO date)."""
    with store.transaction() as conn:
        conn.execute("UPDATE challenge_runs SET dismissed_on = ? WHERE id = ?", [day, run_id])


def steps_met(store: Storage, run_id: int) -> dict[int, datetime]:
    """When each step met so far was met, by day."""
    return {r["day"]: from_db(r["met_at"]) for r in store.query(  # type: ignore[misc]
        "SELECT day, met_at FROM challenge_steps WHERE run_id = ?", [run_id])}


def mark_met(store: Storage, run_id: int, met: dict[int, datetime]) -> None:
    """Record steps met (a step met stays met, with the date first recorded)."""
    if not met:
        return
    with store.transaction() as conn:
        conn.executemany("INSERT OR IGNORE INTO challenge_steps (run_id, day, met_at) VALUES (?, ?, ?)",
                         [(run_id, day, to_db(at)) for day, at in met.items()])


# -- what the checks count: the times of events since the start, oldest first ----------------
# Each takes ``limit``: the check needs the first n events at most (when the n-th happened).


def _times(store: Storage, sql: str, params: Sequence[Any], limit: int | None) -> list[datetime]:
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    return [from_db(r[0]) for r in store.conn.execute(sql, params)]  # type: ignore[misc]


def activity_times(store: Storage, kind: str, since: datetime, *,
                   details: Sequence[str] | None = None, limit: int | None = None) -> list[datetime]:
    sql = "SELECT at FROM activity_events WHERE kind = ? AND at >= ?"
    params: list[Any] = [kind, to_db(since)]
    if details is not None:
        sql += f" AND detail IN ({', '.join('?' * len(details))})"
        params += list(details)
    return _times(store, sql + " ORDER BY at, id", params, limit)


def link_event_times(store: Storage, kind: str, since: datetime, *,
                     limit: int | None = None) -> list[datetime]:
    return _times(store, "SELECT at FROM link_events WHERE kind = ? AND at >= ? ORDER BY at",
                  [kind, to_db(since)], limit)


def annotation_times(store: Storage, kind: str, since: datetime, *,
                     limit: int | None = None) -> list[datetime]:
    return _times(store, "SELECT created_at FROM annotations WHERE kind = ? AND created_at >= ?"
                         " ORDER BY created_at", [kind, to_db(since)], limit)


def share_times(store: Storage, since: datetime, *, channels: Sequence[str] | None = None,
                limit: int | None = None) -> list[datetime]:
    """Shares made since ``since`` (when shared, and logged since then too: a share of last year
    logged today is not something done in the challenge)."""
    sql = "SELECT shared_at FROM shares WHERE shared_at >= ? AND created_at >= ?"
    params: list[Any] = [to_db(since), to_db(since)]
    if channels is not None:
        sql += f" AND channel IN ({', '.join('?' * len(channels))})"
        params += list(channels)
    return _times(store, sql + " ORDER BY shared_at", params, limit)


def budget_skims(store: Storage, since: datetime) -> list[tuple[int, datetime, int, int]]:
    """(list id, start, seconds, the list's daily budget in minutes) of every skim session since
    ``since`` on a list with a budget, oldest first."""
    return [(r[0], from_db(r[1]), r[2], r[3]) for r in store.conn.execute(  # type: ignore[misc]
        "SELECT s.list_id, s.started_at, s.seconds, l.budget_minutes FROM skim_sessions s"
        " JOIN lists l ON l.id = s.list_id WHERE l.budget_minutes > 0 AND s.started_at >= ?"
        " ORDER BY s.started_at, s.id", [to_db(since)])]


def applied_times(store: Storage, since: datetime, *, limit: int | None = None) -> list[datetime]:
    """When what the user tried because of a link happened, since ``since`` (and recorded since
    then too: a try of last year recorded today is not something done in the challenge)."""
    return _times(store, "SELECT at FROM applied WHERE at >= ? AND created_at >= ? ORDER BY at",
                  [to_db(since), to_db(since)], limit)
