"""Which sources a running refresh is fetching: a second refresh at the same time (the UI and a
cron job, say) skips them instead of downloading everything again.

A claim names its process (host and pid): one whose process has gone (killed mid-refresh) is
cleared by the next refresh on that host; any claim ends at its ``until`` in any case.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import datetime

from .db import Storage, to_db


def new_owner() -> str:
    return uuid.uuid4().hex


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def claim(store: Storage, source_ids: Iterable[int], *, owner: str, now: datetime,
          until: datetime) -> set[int]:
    """Claim the sources no other running refresh has; returns the ones now ours."""
    ids = list(dict.fromkeys(source_ids))
    if not ids:
        return set()
    host = socket.gethostname()
    with store.transaction() as conn:
        conn.execute("DELETE FROM refresh_claims WHERE until < ?", [to_db(now)])
        for (pid,) in conn.execute("SELECT DISTINCT pid FROM refresh_claims WHERE host = ? AND owner != ?",
                                   [host, owner]).fetchall():
            if not _alive(int(pid)):
                conn.execute("DELETE FROM refresh_claims WHERE host = ? AND pid = ?", [host, pid])
        conn.executemany(
            "INSERT OR IGNORE INTO refresh_claims (source_id, owner, host, pid, until) VALUES (?, ?, ?, ?, ?)",
            [(i, owner, host, os.getpid(), to_db(until)) for i in ids])
        mine: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            mine.update(r[0] for r in conn.execute(
                f"SELECT source_id FROM refresh_claims WHERE owner = ? AND source_id IN ({marks})",
                [owner, *chunk]))
    return mine


def release(store: Storage, owner: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM refresh_claims WHERE owner = ?", [owner])
