from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from pln_reader.store import migrations
from pln_reader.store.db import open_storage


def test_migrations_from_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "pln.db"
    store = open_storage(path)
    tables = set(store.db.table_names())
    assert {"sources", "fetch_state", "lists", "list_sources", "entries", "links", "link_state",
            "link_search"} <= tables
    assert migrations.pending(store.db) == []
    store.close()
    # Settings a second process relies on.
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = conn.execute("SELECT name FROM _sqlite_migrations").fetchall()
    assert applied == [("0001_initial",), ("0002_articles",), ("0003_annotations",),
                       ("0004_shares_events",), ("0005_social",), ("0006_entries_source_link",),
                       ("0007_share_ids",), ("0008_sync",), ("0009_refresh_claims",),
                       ("0010_share_channels",), ("0011_vault_files",), ("0012_fetch_warnings",),
                       ("0013_applied_aims",), ("0014_challenges",), ("0015_media",), ("0016_rules",),
                       ("0017_search_in_batches",), ("0018_entry_content_chars",)]


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "pln.db"
    open_storage(path).close()
    store = open_storage(path)  # second open applies nothing again
    assert [m.name for m in migrations.migrations.applied(store.db)] == [
        "0001_initial", "0002_articles", "0003_annotations", "0004_shares_events",
        "0005_social", "0006_entries_source_link", "0007_share_ids", "0008_sync", "0009_refresh_claims",
        "0010_share_channels", "0011_vault_files", "0012_fetch_warnings", "0013_applied_aims", "0014_challenges", "0015_media", "0016_rules",
        "0017_search_in_batches", "0018_entry_content_chars"]
    store.close()


def test_foreign_keys_and_busy_timeout_are_on(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # savepoint journals in memory
    store.close()


def test_pending_lists_every_migration_on_an_empty_db() -> None:
    db = Database(memory=True)
    assert migrations.pending(db) == [m.name for m in migrations.migrations._migrations]


def test_upgrade_from_version_1_keeps_data(tmp_path: Path) -> None:
    """A database made by the first release opens with the later migrations applied."""
    path = tmp_path / "pln.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    migrations.migrations.apply(db, stop_before="0002_articles")
    conn.execute("INSERT INTO links (url, title, published, first_seen) VALUES ('https://x.example/', 'X', '2026', '2026')")
    conn.close()
    store = open_storage(path)
    assert migrations.pending(store.db) == []
    assert store.query("SELECT title FROM links")[0][0] == "X"
    assert "articles" in store.db.table_names()
    store.close()


@pytest.mark.parametrize("stop_before", ["0002_articles", "0003_annotations", "0004_shares_events",
                                         "0005_social", "0006_entries_source_link", "0007_share_ids",
                                         "0008_sync", "0009_refresh_claims", "0010_share_channels",
                                         "0011_vault_files", "0012_fetch_warnings",
                                         "0013_applied_aims", "0014_challenges", "0015_media", "0016_rules",
                                         "0017_search_in_batches", "0018_entry_content_chars"])
def test_upgrade_from_every_earlier_version(tmp_path: Path, stop_before: str) -> None:
    """A database of any earlier version opens current with every row kept (the sources table
    rebuild of 0005 must not cascade to entries or lists); old link state becomes events."""
    path = tmp_path / "pln.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrations.apply(Database(conn), stop_before=stop_before)
    conn.executescript("""
        INSERT INTO sources (id, kind, url, added_at) VALUES (1, 'feed', 'https://b.example/f', '2026-01-01');
        INSERT INTO fetch_state (source_id, etag) VALUES (1, 'W/"1"');
        INSERT INTO lists (id, name, created_at) VALUES (1, 'Teaching', '2026-01-01');
        INSERT INTO list_sources (list_id, source_id) VALUES (1, 1);
        INSERT INTO links (id, url, title, published, first_seen)
            VALUES (1, 'https://x.example/', 'X', '2026-01-01', '2026-01-01');
        INSERT INTO entries (source_id, key, link_id, digest, first_seen, last_changed)
            VALUES (1, 'k', 1, 'd', '2026-01-01', '2026-01-01');
        INSERT INTO link_state (link_id, read_at, saved_at)
            VALUES (1, '2026-01-02T10:00:00+00:00', '2026-01-01T09:00:00+00:00');
    """)
    has_shares = stop_before > "0004_shares_events"
    if has_shares:
        conn.execute("INSERT INTO shares (link_id, channel, shared_at, created_at)"
                     " VALUES (1, 'team', '2026-01-03T00:00:00+00:00', '2026-01-03T00:00:00+00:00')")
    conn.close()
    store = open_storage(path)
    assert migrations.pending(store.db) == []
    if has_shares:
        assert [tuple(r) for r in store.query("SELECT link_id, channel FROM shares")] == [(1, "team")]
    counts = [store.query(f"SELECT count(*) FROM {t}")[0][0]
              for t in ("sources", "fetch_state", "list_sources", "entries", "links", "link_state")]
    assert counts == [1, 1, 1, 1, 1, 1]
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    events = [tuple(e) for e in store.query("SELECT kind, at FROM link_events ORDER BY at")]
    if stop_before <= "0004_shares_events":
        assert events == [("saved", "2026-01-01T09:00:00+00:00"), ("read", "2026-01-02T10:00:00+00:00")]
    assert {"shares", "skim_sessions", "annotations", "articles", "short_links", "sync_outbox",
            "sync_subscriptions", "sync_items", "sync_item_tags", "sync_meta"} <= set(store.db.table_names())
    store.conn.execute("DELETE FROM sources")  # foreign keys still cascade after the rebuild
    assert store.query("SELECT count(*) FROM entries")[0][0] == 0
    store.close()


def test_storage_knows_every_migration_by_name() -> None:
    from pln_reader.store.db import SCHEMA_MIGRATIONS

    assert SCHEMA_MIGRATIONS == tuple(m.name for m in migrations.migrations._migrations)


def test_opening_a_current_database_does_not_load_sqlite_utils(tmp_path: Path) -> None:
    import subprocess
    import sys

    open_storage(tmp_path / "pln.db").close()
    code = ("import sys; from pln_reader.store.db import open_storage;"
            f" open_storage({str(tmp_path / 'pln.db')!r}).close();"
            " print('sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_0010_adds_twitter_and_threads_and_keeps_share_ids(tmp_path: Path) -> None:
    """Shares survive the rebuild with their ids, the deleted highest id is never reused, and
    the new channels are accepted (the old CHECK refused them)."""
    path = tmp_path / "pln.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrations.apply(Database(conn), stop_before="0010_share_channels")
    conn.executescript("""
        INSERT INTO links (id, url, title, published, first_seen)
            VALUES (1, 'https://x.example/', 'X', '2026-01-01', '2026-01-01');
        INSERT INTO shares (link_id, channel, shared_at, comment, created_at)
            VALUES (1, 'team', '2026-01-03T00:00:00+00:00', 'for Monday', '2026-01-03T00:00:00+00:00');
        INSERT INTO shares (link_id, channel, shared_at, created_at)
            VALUES (1, 'blog', '2026-01-04T00:00:00+00:00', '2026-01-04T00:00:00+00:00');
        DELETE FROM shares WHERE id = 2;
    """)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO shares (link_id, channel, shared_at, created_at)"
                     " VALUES (1, 'twitter', '2026-01-05', '2026-01-05')")
    conn.close()
    store = open_storage(path)
    assert [tuple(r) for r in store.query("SELECT id, channel, comment FROM shares")] == [
        (1, "team", "for Monday")]
    for channel in ("twitter", "threads"):
        store.conn.execute("INSERT INTO shares (link_id, channel, shared_at, created_at)"
                           " VALUES (1, ?, '2026-01-05', '2026-01-05')", [channel])
    assert [r[0] for r in store.query("SELECT id FROM shares ORDER BY id")] == [1, 3, 4]
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO shares (link_id, channel, shared_at, created_at)"
                           " VALUES (1, 'myspace', '2026-01-05', '2026-01-05')")
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    store.close()


def test_0018_measures_the_content_it_keeps(tmp_path: Path) -> None:
    """Entries stored before 0018 keep their content and get its length (reading time)."""
    path = tmp_path / "pln.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrations.apply(Database(conn), stop_before="0018_entry_content_chars")
    conn.executescript("""
        INSERT INTO sources (id, kind, url, added_at) VALUES (1, 'feed', 'https://b.example/f', '2026-01-01');
        INSERT INTO links (id, url, title, published, first_seen)
            VALUES (1, 'https://x.example/', 'X', '2026-01-01', '2026-01-01');
        INSERT INTO entries (source_id, key, link_id, content, digest, first_seen, last_changed)
            VALUES (1, 'long', 1, '<p>' || printf('%.2000c', 'w') || '</p>', 'd', '2026-01-01', '2026-01-01'),
                   (1, 'none', 1, NULL, 'd', '2026-01-01', '2026-01-01');
    """)
    conn.close()
    store = open_storage(path)
    rows = {r["key"]: (len(r["content"] or ""), r["content_chars"])
            for r in store.query("SELECT key, content, content_chars FROM entries")}
    assert rows == {"long": (2007, 2007), "none": (0, None)}
    from pln_reader.store.links import get_link

    assert get_link(store, "https://x.example/").reading_minutes == 1  # 2007 / (6 * 230)
    store.close()
