"""Backups: by hand, every day and before a migration on their own, and `pln restore`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlite_utils import Database

from pln_reader.cli.main import cli
from pln_reader.library import open_library
from pln_reader.store import migrations

RSS = ("<rss version='2.0'><channel><title>Feed</title>"
       + "".join(f"<item><title>Post {i}</title><link>https://b.example/{i}</link></item>" for i in range(20))
       + "</channel></rss>")


def pln(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS)
    with open_library(home) as library:
        library.add([str(feed)], lists=["Reading"])
        library.save("https://b.example/3")
        library.add_note("https://b.example/3", "keep this thought")
    return home


def links_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM links").fetchone()[0])
    finally:
        conn.close()


def automatic(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "backups").glob("pln-2*.db"))


def test_pln_backup_copies_the_database_whole(home: Path, tmp_path: Path) -> None:
    result = pln(home, "backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 0 and "backed up to" in result.output
    assert links_in(tmp_path / "copy.db") == 20
    into_folder = pln(home, "backup")
    made = Path(into_folder.output.split("backed up to ", 1)[1].strip())
    assert made.parent == home / "backups" and made.name.startswith("pln-backup-") and links_in(made) == 20


def test_a_backup_is_consistent_while_another_process_writes(home: Path, tmp_path: Path) -> None:
    stop = threading.Event()

    def write() -> None:
        with open_library(home) as library:
            n = 0
            while not stop.is_set():
                library.save(f"https://elsewhere.example/{n}", fetch_new=False)
                n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        with open_library(home) as library:
            target = library.backup(tmp_path / "during.db")
    finally:
        stop.set()
        writer.join()
    assert links_in(target) >= 20


def test_one_automatic_backup_a_day_and_only_the_newest_kept(home: Path) -> None:
    folder = home / "backups"
    folder.mkdir(exist_ok=True)
    day = 24 * 3600
    for n, name in enumerate(["pln-20260101-000000-daily.db", "pln-20260102-000000-daily.db",
                              "pln-20260103-000000-before-0007-share-ids.db", "pln-backup-20260101-000000.db"]):
        (folder / name).write_bytes(b"old")
        os.utime(folder / name, (time.time() - (10 - n) * day,) * 2)
    (home / "settings.toml").write_text("[backup]\nkeep = 2\n")
    assert pln(home, "lists").exit_code == 0  # the first use of the day makes one
    names = automatic(home)
    assert len(names) == 2 and names[1].endswith("-daily.db") and names[0] == "pln-20260103-000000-before-0007-share-ids.db"
    assert (folder / "pln-backup-20260101-000000.db").exists()  # made by hand: never pruned
    assert links_in(folder / names[1]) == 20
    assert pln(home, "lists").exit_code == 0
    assert automatic(home) == names  # not twice a day
    (home / "settings.toml").write_text("[backup]\nkeep = 0\n")
    for path in folder.glob("pln-2*.db"):
        path.unlink()
    assert pln(home, "lists").exit_code == 0 and automatic(home) == []


def test_a_migration_is_preceded_by_a_backup(tmp_path: Path) -> None:
    home = tmp_path / "old"
    home.mkdir()
    conn = sqlite3.connect(home / "pln.db", isolation_level=None)
    migrations.migrations.apply(Database(conn), stop_before="0007_share_ids")
    conn.execute("INSERT INTO links (id, url, title, published, first_seen)"
                 " VALUES (1, 'https://x.example/', 'X', '2026-01-01', '2026-01-01')")
    conn.close()
    with open_library(home) as library:
        assert [k.url for k in library.links()] == ["https://x.example/"]
    [before] = (home / "backups").glob("pln-*-before-0007-share-ids.db")
    old = sqlite3.connect(before)
    applied = {r[0] for r in old.execute("SELECT name FROM _sqlite_migrations")}
    old.close()
    assert "0006_entries_source_link" in applied and "0007_share_ids" not in applied


def test_restore_puts_a_backup_back_and_keeps_what_it_replaced(home: Path, tmp_path: Path) -> None:
    assert pln(home, "backup", str(tmp_path / "good.db")).exit_code == 0
    db = home / "pln.db"
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    db.write_bytes(b"\xde\xad" * 50_000)  # a damaged database
    assert pln(home, "links").exit_code == 1
    result = pln(home, "restore", str(tmp_path / "good.db"))
    assert result.exit_code == 0, result.output + result.stderr
    assert "kept as" in result.output
    [kept] = (home / "backups").glob("pln-*-before-restore.db")
    assert kept.read_bytes() == b"\xde\xad" * 50_000
    with open_library(home) as library:
        assert len(library.links()) == 20 and [a.body for a in library.annotations()] == ["keep this thought"]


def test_restore_refuses_what_it_should_and_changes_nothing(home: Path, tmp_path: Path) -> None:
    db = home / "pln.db"
    assert pln(home, "backup", str(tmp_path / "good.db")).exit_code == 0
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    newer = tmp_path / "newer.db"
    newer.write_bytes((tmp_path / "good.db").read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                 " VALUES ('pln_reader', '0099_future', '2027-01-01')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for file, words in ((garbage, "not a sound pln database"), (newer, "newer pln_reader")):
        result = pln(home, "restore", str(file))
        assert result.exit_code == 1 and words in result.stderr, result.stderr
    holder = subprocess.Popen([sys.executable, "-c",
                               ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]);"
                               " c.execute('SELECT count(*) FROM links').fetchone();"
                               " print('open', flush=True); time.sleep(60)"), str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = pln(home, "restore", str(tmp_path / "good.db"))
        assert result.exit_code == 1 and f"pid {holder.pid}" in result.stderr, result.stderr
    finally:
        holder.kill()
        holder.wait()
    assert db.read_bytes() == before
    assert not list((home / "backups").glob("*before-restore*"))
