"""A look at the database for `pln doctor`: readable, intact, which schema; never a write.

:func:`inspect_database` opens the file read-only (no migrations, no WAL switch, no new file),
so a corrupt or newer database is reported, never touched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .db import BUSY_TIMEOUT_S, SCHEMA_MIGRATIONS

MIGRATION_SET = "pln_reader"
MAX_PROBLEMS = 5
"""At most this many lines of ``PRAGMA quick_check`` are kept (a broken file can give many)."""


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """What a read-only look at the database found."""

    path: Path
    exists: bool
    error: str | None = None
    """Why the file could not be read as a database at all (None when it could)."""
    problems: tuple[str, ...] = ()
    """What ``PRAGMA quick_check`` reported, when it is not "ok"."""
    applied: tuple[str, ...] = ()
    """The schema migrations recorded in the file."""
    source_urls: tuple[str, ...] = ()
    """URLs of the active http(s) sources (empty when they could not be read)."""

    @property
    def unknown(self) -> tuple[str, ...]:
        """Migrations recorded that this pln_reader does not have: a newer pln_reader made them."""
        return tuple(name for name in self.applied if name not in SCHEMA_MIGRATIONS)

    @property
    def pending(self) -> tuple[str, ...]:
        """Migrations this pln_reader will apply when it next opens the database."""
        return tuple(name for name in SCHEMA_MIGRATIONS if name not in self.applied)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
    return row is not None


def inspect_database(path: Path) -> DatabaseHealth:
    """Check the database at ``path`` read-only: ``quick_check``, its migrations, its web sources."""
    try:
        if not path.is_file():
            return DatabaseHealth(path, exists=path.exists(),
                                  error=None if not path.exists() else "not a regular file")
        if path.stat().st_size == 0:  # SQLite treats it as a new, empty database
            return DatabaseHealth(path, exists=True)
    except OSError as exc:
        return DatabaseHealth(path, exists=True, error=exc.strerror or str(exc))
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        return DatabaseHealth(path, exists=True, error=str(exc))
    try:
        rows = conn.execute("PRAGMA quick_check").fetchmany(MAX_PROBLEMS + 1)
        found = [str(r[0]) for r in rows]
        problems = () if found == ["ok"] else tuple(found[:MAX_PROBLEMS])
        applied: tuple[str, ...] = ()
        if _table_exists(conn, "_sqlite_migrations"):
            applied = tuple(r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY name",
                [MIGRATION_SET]))
        urls: tuple[str, ...] = ()
        if not problems and _table_exists(conn, "sources"):
            urls = tuple(r[0] for r in conn.execute(
                "SELECT url FROM sources WHERE active = 1"
                " AND (url LIKE 'http://%' OR url LIKE 'https://%') ORDER BY id"))
        return DatabaseHealth(path, exists=True, problems=problems, applied=applied, source_urls=urls)
    except sqlite3.Error as exc:
        return DatabaseHealth(path, exists=True, error=str(exc))
    finally:
        conn.close()
