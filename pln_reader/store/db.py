"""The store's connection and its migrations; sources and their fetch state.

Lists are in :mod:`pln_reader.store.lists` (a part of :class:`Storage`);

Entries and links (the refresh write path and the link queries) live in
:mod:`pln_reader.store.links`, which shares this connection.

The database runs in WAL mode with a busy timeout so the UI and a scheduled ``pln refresh``
can use it at once. Connections are in autocommit mode; every unit of work that writes more
than one row runs in :meth:`Storage.transaction` (``BEGIN IMMEDIATE``: a writer waits for the
lock up front instead of failing half way).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError, NotFoundError, StorageError, database_error
from ..core.models import Source
from ..core.secrets import HIDDEN, MIN_SECRET
from ..core.version import __version__
from .lists import ListsMixin
from .rows import _split, from_db, to_db

if TYPE_CHECKING:
    from sqlite_utils import Database

# The migrations of pln_reader.store.migrations, by name: when all are applied, opening the database
# does not import sqlite-utils at all (a test keeps this list equal to the registered ones).
SCHEMA_MIGRATIONS = ("0001_initial", "0002_articles", "0003_annotations", "0004_shares_events",
                     "0005_social", "0006_entries_source_link",
                     "0007_share_ids", "0008_sync", "0009_refresh_claims", "0010_share_channels",
                     "0011_vault_files", "0012_fetch_warnings", "0013_applied_aims", "0014_challenges",
                     "0015_media",
                     "0016_rules", "0017_search_in_batches",
                     "0018_entry_content_chars")

BUSY_TIMEOUT_S = 30.0


class WriteGroup:
    """Sources written one after another in one transaction, each in a savepoint of its own.

    A refresh writes a source at a time; a commit per source rewrote the same index pages into
    the log hundreds of times. A source is still all or nothing: one that fails is rolled back
    to its savepoint, the sources before it are committed, and the error goes on. The caller
    commits (:meth:`commit`) when the group is big enough or nothing else is waiting, so the
    write lock is never held while the refresh waits for the network.
    """

    def __init__(self, store: Storage) -> None:
        self.store = store
        self.sources = 0
        """Sources written since the last commit."""

    @contextlib.contextmanager
    def source(self) -> Iterator[sqlite3.Connection]:
        if not self.store.conn.in_transaction:
            self.store._begin()
        try:
            with self.store.transaction() as conn:  # nested in the group's: a savepoint
                yield conn
        except BaseException:
            self.commit()
            raise
        self.sources += 1

    def commit(self) -> None:
        if self.store.conn.in_transaction:
            self.store.conn.execute("COMMIT")
        self.sources = 0


class Storage(ListsMixin):
    """One SQLite connection with the schema migrated. Use :func:`open_storage`."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self.conn = conn
        self.path = path
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils Database (for migrations and introspection)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def no_wait(self) -> Iterator[None]:
        """Writes in this block fail at once (DatabaseBusy, or sqlite3's "database is locked")
        instead of waiting for another connection's lock: the UI thread never waits."""
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; a nested call is a savepoint of the outer one (an error inside
        it undoes the nested part, and goes on to the outer, which decides)."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT pln_nested")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO pln_nested")
                self.conn.execute("RELEASE pln_nested")
                raise
            self.conn.execute("RELEASE pln_nested")
            return
        self._begin()
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise database_error(exc, self.path or "the database") from None

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    # -- sources -------------------------------------------------------------------------------

    _SOURCE_SQL = """
        SELECT s.*, f.status, f.error, f.warning, f.last_success_at, f.next_due_at,
          (SELECT group_concat(name, char(31)) FROM (
             SELECT l.name FROM list_sources ls JOIN lists l ON l.id = ls.list_id
             WHERE ls.source_id = s.id ORDER BY l.name COLLATE NOCASE)) AS list_names,
          (SELECT count(*) FROM entries e WHERE e.source_id = s.id) AS entry_count
        FROM sources s LEFT JOIN fetch_state f ON f.source_id = s.id
    """

    @staticmethod
    def _source_from_row(row: sqlite3.Row) -> Source:
        return Source(
            id=row["id"],
            kind=row["kind"],
            url=row["url"],
            title=row["title"],
            site_url=row["site_url"],
            active=bool(row["active"]),
            lists=_split(row["list_names"]),
            entries=row["entry_count"],
            status=row["status"] or "never",
            error=row["error"],
            warning=row["warning"],
            last_success=from_db(row["last_success_at"]),
            next_due=from_db(row["next_due_at"]),
            parent_id=row["parent_id"],
        )

    def sources(self, *, list_id: int | None = None) -> list[Source]:
        sql = self._SOURCE_SQL
        params: list[Any] = []
        if list_id is not None:
            sql += " WHERE s.id IN (SELECT source_id FROM list_sources WHERE list_id = ?)"
            params.append(list_id)
        rows = self.query(sql + " ORDER BY s.title COLLATE NOCASE, s.url", params)
        return [self._source_from_row(r) for r in rows]

    def get_source(self, source_id: int) -> Source:
        rows = self.query(self._SOURCE_SQL + " WHERE s.id = ?", [source_id])
        if not rows:
            raise NotFoundError(f"no source with id {source_id}")
        return self._source_from_row(rows[0])

    def find_source(self, ref: str) -> Source:
        """A source by id, URL or exact title (case-insensitive)."""
        ref = ref.strip()
        if ref.isdigit():
            rows = self.query(self._SOURCE_SQL + " WHERE s.id = ?", [int(ref)])
        else:
            rows = self.query(self._SOURCE_SQL + " WHERE s.url = ?", [ref])
            if not rows:
                rows = self.query(self._SOURCE_SQL + " WHERE s.title = ? COLLATE NOCASE", [ref])
        if not rows:
            raise NotFoundError(f"no source {ref!r} (give its id, URL or title; see `pln sources`)")
        if len(rows) > 1:
            ids = ", ".join(str(r["id"]) for r in rows)
            raise InputError(f"{ref!r} names several sources (ids {ids}); give the id")
        return self._source_from_row(rows[0])

    def source_id_for_url(self, url: str) -> int | None:
        row = self.conn.execute("SELECT id FROM sources WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def add_source(
        self,
        kind: str,
        url: str,
        *,
        title: str | None = None,
        site_url: str | None = None,
        parent_id: int | None = None,
        now: datetime,
    ) -> tuple[int, bool]:
        """Insert a source (or reactivate an existing one); returns (id, created)."""
        with self.transaction() as conn:
            existing = self.source_id_for_url(url)
            if existing is not None:
                conn.execute("UPDATE sources SET active = 1 WHERE id = ? AND active = 0", [existing])
                return existing, False
            cur = conn.execute(
                "INSERT INTO sources (kind, url, title, site_url, added_at, parent_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [kind, url, title, site_url, to_db(now), parent_id],
            )
            source_id = int(cur.lastrowid or 0)
            conn.execute("INSERT INTO fetch_state (source_id) VALUES (?)", [source_id])
            return source_id, True

    def remove_source(self, source_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sources WHERE id = ?", [source_id])

    def lists_of_source(self, source_id: int) -> list[int]:
        """The topic lists a source is in."""
        return [r[0] for r in self.conn.execute(
            "SELECT list_id FROM list_sources WHERE source_id = ?", [source_id])]

    def title_if_missing(self, source_id: int, title: str) -> None:
        """Give a source ``title`` unless it has one."""
        self.conn.execute("UPDATE sources SET title = coalesce(title, ?) WHERE id = ?", [title, source_id])

    def set_active(self, source_ids: Iterable[int], active: bool) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE sources SET active = ? WHERE id = ?", [(int(active), i) for i in source_ids]
            )

    def top_level_sources(self) -> list[sqlite3.Row]:
        """Sources the user added (not ones a subscribed OPML list brought in)."""
        return self.query(
            "SELECT * FROM sources WHERE parent_id IS NULL ORDER BY title COLLATE NOCASE, url"
        )

    def children_of(self, parent_id: int) -> list[sqlite3.Row]:
        return self.query("SELECT id, url, active FROM sources WHERE parent_id = ?", [parent_id])

    # -- fetch state ---------------------------------------------------------------------------

    def due_sources(
        self, now: datetime, *, force: bool = False, list_id: int | None = None,
        source_id: int | None = None,
    ) -> list[sqlite3.Row]:
        """Active sources to fetch now, with their conditional-GET state."""
        sql = (
            "SELECT s.id, s.kind, s.url, s.title, s.interval_minutes, f.etag, f.last_modified,"
            " f.body_hash, f.failures, f.error_since, f.cursor FROM sources s"
            " JOIN fetch_state f ON f.source_id = s.id WHERE s.active = 1"
        )
        params: list[Any] = []
        if not force:
            sql += " AND (f.next_due_at IS NULL OR f.next_due_at <= ?)"
            params.append(to_db(now))
        if list_id is not None:
            sql += " AND s.id IN (SELECT source_id FROM list_sources WHERE list_id = ?)"
            params.append(list_id)
        if source_id is not None:
            sql += " AND s.id = ?"
            params.append(source_id)
        # Subscribed OPML lists first, so the feeds they add are fetched in the same run.
        return self.query(sql + " ORDER BY s.kind = 'feed', s.id", params)

    def record_not_modified(self, rows: Sequence[tuple[int, datetime]], now: datetime) -> None:
        """Sources that answered 304 or an identical body: one small batched write."""
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE fetch_state SET status = 'not_modified', error = NULL, error_since = NULL,"
                " failures = 0, last_fetch_at = ?, last_success_at = ?, next_due_at = ?"
                " WHERE source_id = ?",
                [(to_db(now), to_db(now), to_db(due), sid) for sid, due in rows],
            )

    def record_success(
        self,
        source_id: int,
        *,
        now: datetime,
        next_due: datetime,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        title: str | None = None,
        site_url: str | None = None,
        new_url: str | None = None,
        warning: str | None = None,
    ) -> None:
        """Fetch state after a successful fetch; call inside the source's write transaction.
        ``warning``: what the parser had to say (why no entries, a guessed encoding)."""
        conn = self.conn
        conn.execute(
            "UPDATE fetch_state SET status = 'ok', error = NULL, error_since = NULL, failures = 0,"
            " etag = ?, last_modified = ?, body_hash = ?, last_fetch_at = ?, last_success_at = ?,"
            " next_due_at = ?, warning = ? WHERE source_id = ?",
            [etag, last_modified, body_hash, to_db(now), to_db(now), to_db(next_due), warning,
             source_id],
        )
        conn.execute(
            "UPDATE sources SET title = coalesce(?, title), site_url = coalesce(?, site_url)"
            " WHERE id = ?",
            [title, site_url, source_id],
        )
        if new_url:
            self.move_source_url(source_id, new_url)

    def set_cursor(self, source_id: int, cursor: str | None) -> None:
        """Where an incremental (social) source left off; call inside its write transaction."""
        self.conn.execute("UPDATE fetch_state SET cursor = ? WHERE source_id = ?", [cursor, source_id])

    def move_source_url(self, source_id: int, new_url: str) -> None:
        """A permanent redirect: the source now lives at ``new_url`` (unless another has it)."""
        if self.source_id_for_url(new_url) is None:
            self.conn.execute("UPDATE sources SET url = ? WHERE id = ?", [new_url, source_id])

    def has_content(self) -> bool:
        """Whether the user has put anything in: a source or a link."""
        row = self.conn.execute("SELECT EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM links)")
        return bool(row.fetchone()[0])

    def scrub_stored_secrets(self, secrets: Sequence[str]) -> int:
        """Hide ``secrets`` where a server made an earlier pln store one (a fetch error that
        quoted a header); returns the rows changed. Cheap when there is nothing to change."""
        changed = 0
        for secret in (s for s in secrets if len(s) >= MIN_SECRET):
            if self.conn.execute("SELECT 1 FROM fetch_state WHERE instr(error, ?) > 0 LIMIT 1",
                                 [secret]).fetchone() is None:
                continue
            with self.transaction() as conn:
                changed += conn.execute("UPDATE fetch_state SET error = replace(error, ?, ?)"
                                        " WHERE instr(error, ?) > 0", [secret, HIDDEN, secret]).rowcount
        return changed

    def record_failure(
        self, source_id: int, *, now: datetime, reason: str, next_due: datetime, new_url: str | None
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE fetch_state SET status = 'error', error = ?,"
                " error_since = coalesce(error_since, ?), failures = failures + 1,"
                " last_fetch_at = ?, next_due_at = ? WHERE source_id = ?",
                [reason, to_db(now), to_db(now), to_db(next_due), source_id],
            )
            if new_url:
                self.move_source_url(source_id, new_url)

    def record_deferred(self, source_id: int, *, next_due: datetime) -> None:
        """A source not fetched as its host asked to be left alone: due again when it may be
        asked (not a failure of the source: its state and failure count stay)."""
        with self.transaction() as conn:
            conn.execute("UPDATE fetch_state SET next_due_at = ? WHERE source_id = ?",
                         [to_db(next_due), source_id])


def open_storage(path: Path | str | None, *, backup_dir: Path | None = None) -> Storage:
    """Open (creating if needed) the database at ``path`` and apply pending migrations.

    ``None`` opens a private in-memory database (tests, dry runs). With ``backup_dir``, a
    database that has data is copied there before a migration changes it.
    """
    try:
        if path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        else:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if path is not None:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"{path}: could not switch the database to WAL mode ({mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        # Statement journals (what rolls a savepoint back: every source a refresh writes is one)
        # and temporary tables in memory: on a first refresh of 1,000 feeds the journals were
        # 1.5 GB of writes to temporary files, 1.5-2 s of CPU.
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it
        store = Storage(conn, path if path is None else Path(path))
        applied = _applied(conn)
        newer = sorted(applied - set(SCHEMA_MIGRATIONS))
        if newer:
            conn.close()
            raise StorageError(
                f"{path} was made by a newer pln_reader than this one ({__version__}): it has "
                f"{', '.join(newer)}, which {__version__} does not know; upgrade pln_reader "
                "(this version does not write to it)")
        if not set(SCHEMA_MIGRATIONS) <= applied:
            if backup_dir is not None and applied and path is not None:
                from .backup import backup_database, backup_name, free_name

                first = next(name for name in SCHEMA_MIGRATIONS if name not in applied)
                backup_database(conn, free_name(backup_dir, backup_name(
                    f"before-{first.replace('_', '-')}", datetime.now(UTC))))
            _migrate(store)
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, f"cannot open the database {path}") from None
    except OSError as exc:
        raise StorageError(f"cannot open the database {path}: {exc.strerror or exc}") from None
    return store


def _migrate(store: Storage) -> None:
    """Apply pending migrations with foreign keys off (a table rebuild must not cascade)."""
    from . import migrations

    conn = store.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        migrations.apply(store.db)
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StorageError(f"a migration left {len(broken)} broken references, e.g. {tuple(broken[0])}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _applied(conn: sqlite3.Connection) -> set[str]:
    """The migrations applied to the database (none for a new one)."""
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'pln_reader'"
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a new database
            return set()
        raise
    return {row[0] for row in rows}


def backoff(failures: int, *, base_minutes: int, cap_hours: float) -> timedelta:
    """Exponential back-off after ``failures`` consecutive failures (1 = the first)."""
    minutes = base_minutes * (2 ** max(0, min(failures - 1, 20)))
    return timedelta(minutes=min(minutes, cap_hours * 60))
