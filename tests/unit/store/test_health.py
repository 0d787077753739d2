"""The read-only look at the database behind `pln doctor`, on real files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from pln_reader.store.db import SCHEMA_MIGRATIONS, open_storage
from pln_reader.store.health import inspect_database

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    missing = inspect_database(tmp_path / "pln.db")
    assert (missing.exists, missing.error, missing.applied) == (False, None, ())
    assert not (tmp_path / "pln.db").exists()  # a look creates nothing
    (tmp_path / "pln.db").write_bytes(b"")
    empty = inspect_database(tmp_path / "pln.db")
    assert (empty.exists, empty.error, empty.problems, empty.pending) == (True, None, (), SCHEMA_MIGRATIONS)


def test_a_healthy_database(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    store.add_source("feed", "https://example.org/feed", now=NOW)
    store.add_source("feed", "file:///home/me/feed.xml", now=NOW)
    inactive, _ = store.add_source("feed", "http://old.example/rss", now=NOW)
    store.set_active([inactive], False)
    store.close()
    found = inspect_database(tmp_path / "pln.db")
    assert (found.error, found.problems, found.unknown, found.pending) == (None, (), (), ())
    assert found.applied == SCHEMA_MIGRATIONS
    assert found.source_urls == ("https://example.org/feed",)  # web sources, active ones


def test_garbage_and_a_damaged_file_are_reported_not_changed(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00\x01 not sqlite " * 500)
    before = garbage.read_bytes()
    assert inspect_database(garbage).error == "file is not a database"
    assert garbage.read_bytes() == before

    store = open_storage(tmp_path / "good.db")
    store.close()
    good = (tmp_path / "good.db").read_bytes()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(good[:100] + b"\xff" * (len(good) - 100))  # the header survives
    found = inspect_database(damaged)
    assert found.error or found.problems
    assert damaged.read_bytes()[:len(good)] == good[:100] + b"\xff" * (len(good) - 100)


def test_migrations_it_does_not_know_and_ones_still_to_apply(tmp_path: Path) -> None:
    path = tmp_path / "pln.db"
    open_storage(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [SCHEMA_MIGRATIONS[-1]])
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                     " VALUES ('pln_reader', '0099_newer', 'x'), ('other_set', '0098_theirs', 'x')")
    conn.close()
    found = inspect_database(path)
    assert found.unknown == ("0099_newer",)  # another migration set is not ours to judge
    assert found.pending == (SCHEMA_MIGRATIONS[-1],)


def test_a_directory_where_the_file_should_be(tmp_path: Path) -> None:
    (tmp_path / "pln.db").mkdir()
    found = inspect_database(tmp_path / "pln.db")
    assert found.exists and found.error == "not a regular file"
