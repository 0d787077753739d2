"""Backups of the library: made by hand (`pln backup`), every day and before a migration on
their own, and put back by `pln restore` (checked first, never over a database in use)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core.config import DB_FILE, Settings, default_home
from ..core.errors import InputError, StorageError
from ..store.backup import (
    automatic_backups,
    backup_database,
    backup_name,
    free_name,
    holders,
    prune,
    put_back,
)
from ..store.db import Storage, open_storage

DAILY = timedelta(hours=24)


def make_backup(store: Storage, settings: Settings, target: Path | None = None,
                now: datetime | None = None) -> Path:
    """Copy the database now: to ``target``, or to the backups folder (kept until removed)."""
    now = now or datetime.now(UTC)
    if target is None:
        target = free_name(settings.backup_dir, f"pln-backup-{now.astimezone():%Y%m%d-%H%M%S}.db")
    elif target.expanduser().is_dir():
        target = free_name(target.expanduser(), f"pln-backup-{now.astimezone():%Y%m%d-%H%M%S}.db")
    return backup_database(store.conn, target)


def daily_backup(store: Storage, settings: Settings, now: datetime | None = None) -> Path | None:
    """The day's automatic backup, when none is younger than a day (and there is something to
    keep); then only the newest ``[backup] keep`` automatic ones stay."""
    keep = settings.backup.keep
    if keep <= 0 or store.path is None:
        return None
    now = now or datetime.now(UTC)
    folder = settings.backup_dir
    newest = automatic_backups(folder)  # checked first: on most days this is all there is to do
    if newest and now - datetime.fromtimestamp(newest[0].stat().st_mtime, UTC) < DAILY:
        return None
    if not store.has_content():
        return None
    made = backup_database(store.path, free_name(folder, backup_name("daily", now)))
    prune(folder, keep)
    return made


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    previous: Path | None
    """Where the database that was replaced was kept (None when there was none)."""


def restore_backup(source: Path, home: Path | str | None = None) -> Restored:
    """Put the backup ``source`` in place of the library's database.

    Refused, with nothing changed, when ``source`` is not a sound pln database, was made by a
    newer pln_reader, or another process has the database open. The database it replaces is
    kept in the backups folder first (copied as it is when it is too damaged to back up).
    """
    from ..store.health import inspect_database

    source = source.expanduser()
    home_path = Path(home).expanduser() if home is not None else default_home()
    db = home_path / DB_FILE
    found = inspect_database(source)
    if not found.exists:
        raise InputError(f"{source}: no such file")
    if found.error or found.problems:
        raise InputError(f"{source} is not a sound pln database ({found.error or found.problems[0]}): "
                         "nothing was restored")
    if "0001_initial" not in found.applied:
        raise InputError(f"{source} is not a pln_reader database: nothing was restored")
    if found.unknown:
        raise InputError(f"{source} was made by a newer pln_reader ({', '.join(found.unknown)}): "
                         "upgrade pln_reader to restore it")
    busy = holders(db) if db.exists() else []
    if busy:
        who = ", ".join(f"pid {pid} ({command[:60]})" for pid, command in busy[:3])
        raise InputError(f"another pln has {db} open: {who}; quit it first, then restore")
    previous = None
    if db.exists():
        previous = free_name(home_path / "backups", backup_name("before-restore", datetime.now(UTC)))
        try:
            backup_database(db, previous)
        except StorageError:  # too damaged to copy page by page: keep the file as it is
            try:
                previous.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(db, previous)
            except OSError as exc:
                raise StorageError(f"cannot keep a copy of {db} before restoring: "
                                   f"{exc.strerror or exc}; nothing was restored") from None
    put_back(db, source)
    open_storage(db).close()  # an older backup is brought up to this version's schema
    return Restored(db, previous)
