"""Copies of the database: made with SQLite's online backup API (consistent while the UI or a
refresh writes), kept in the data directory's ``backups/``, and put back by a restore.

Automatic copies are named ``pln-YYYYMMDD-HHMMSS-<why>.db`` (``daily``, ``before-<migration>``,
``before-restore``); only those are pruned, the newest ``keep`` kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from ..core.errors import StorageError, database_error

BACKUP_DIR = "backups"
_AUTOMATIC = re.compile(r"^pln-\d{8}-\d{6}-[a-z0-9_-]+\.db$")


def backup_name(why: str, now: datetime) -> str:
    return f"pln-{now.astimezone():%Y%m%d-%H%M%S}-{why}.db"


def backup_database(source: sqlite3.Connection | Path, target: Path) -> Path:
    """Copy the database (an open connection, or a file read through a connection of its own,
    so a UI using the library is not held up) to ``target``: written whole, then renamed."""
    target = target.expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.unlink(missing_ok=True)
        conn = source if isinstance(source, sqlite3.Connection) else sqlite3.connect(
            source.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
        out = sqlite3.connect(str(partial))
        try:
            conn.backup(out, pages=1024)  # in steps: writers are not shut out for the whole copy
            out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            out.close()
            if conn is not source:
                conn.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise database_error(exc, f"cannot write the backup {target}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    return target


def automatic_backups(folder: Path) -> list[Path]:
    """The automatic backups in ``folder``, newest first."""
    try:
        found = [p for p in folder.iterdir() if _AUTOMATIC.match(p.name) and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` automatic backups; returns those removed."""
    gone = automatic_backups(folder)[keep:]
    for path in gone:
        with contextlib.suppress(OSError):
            path.unlink()
    return gone


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or with ``-2``, ``-3`` ... before ``.db`` when that exists."""
    path = folder / name
    n = 2
    while path.exists():
        path = folder / f"{Path(name).stem}-{n}.db"
        n += 1
    return path


def holders(db: Path) -> list[tuple[int, str]]:
    """Other processes that have ``db`` (or its WAL) open: (pid, command line). Linux only;
    elsewhere an empty list (the restore then relies on SQLite's own locks)."""
    wanted = {str(db.resolve()), str(db.resolve()) + "-wal", str(db.resolve()) + "-shm"}
    found: list[tuple[int, str]] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
            if any(os.readlink(fd) in wanted for fd in fds):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                found.append((int(entry.name), command.strip() or entry.name))
        except OSError:
            continue
    return found


def put_back(db: Path, source: Path) -> None:
    """Make ``source`` the database at ``db``: copied beside it, synced, renamed over it; the
    old WAL and shared-memory files go, since they belong to the file being replaced."""
    partial = db.with_name(f".{db.name}.{os.getpid()}.restoring")
    try:
        with open(source, "rb") as src, open(partial, "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            extra.unlink(missing_ok=True)
        os.replace(partial, db)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot restore {db} from {source}: {exc.strerror or exc}") from None
