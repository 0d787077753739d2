"""The database in a bad state: damaged pages, a read-only file system, a full disk, a newer
pln's database. Each ends in one clear line (what happened, what to do), never a traceback,
with nothing half-written. The file systems are real (a small tmpfs, mounted as root)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pln_reader.cli.main import cli
from pln_reader.library import open_library
from tests.tmpfs import mounted_tmpfs

FEED = "".join(
    f"<item><title>Entry {i} " + "word " * 200 + f"</title><link>https://b.example/{i}</link>"
    f"<description>{'text ' * 400}</description></item>" for i in range(60))
RSS = f"<rss version='2.0'><channel><title>Big</title>{FEED}</channel></rss>"


def pln(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def one_clean_line(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and result.stderr.strip().endswith(errors[0]), result.stderr  # progress may precede
    assert "Traceback" not in result.output + result.stderr
    for word in words:
        assert word in errors[0], errors[0]


def seeded(home: Path, feed: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    with open_library(home) as library:
        assert library.add([str(feed)], lists=["Reading"])[0].error is None
        library.save("https://b.example/1")


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "big.xml"
    path.write_text(RSS)
    return path


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "fs", "16m") as mount:
        yield mount


def test_damaged_pages_are_one_clear_line(tmp_path: Path, feed: Path) -> None:
    home = tmp_path / "home"
    seeded(home, feed)
    db = home / "pln.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    for start in range(3 * page, len(data) - page, 2 * page):  # every other page after the schema
        data[start:start + page] = b"\xde\xad\xbe\xef" * (page // 4)
    db.write_bytes(bytes(data))
    for args in (["links"], ["review"], ["refresh", "--force"], ["search", "word"]):
        result = pln(home, *args)
        one_clean_line(result, str(db), "restore a backup")


def test_a_read_only_file_system_is_one_clear_line(tmpfs: Path, feed: Path) -> None:
    home = tmpfs / "home"
    seeded(home, feed)
    before = (home / "pln.db").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        for args in (["save", "https://b.example/2"], ["refresh", "--force"]):
            one_clean_line(pln(home, *args), "pln.db")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert (home / "pln.db").read_bytes() == before


def test_a_full_disk_during_a_refresh_is_one_clear_line_and_keeps_the_data(tmpfs: Path, feed: Path) -> None:
    home = tmpfs / "home"
    seeded(home, feed)
    filler = tmpfs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # leave nothing free
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    bigger = feed.parent / "bigger.xml"
    bigger.write_text(RSS.replace("Entry", "Another entry").replace("/b.example/", "/c.example/"))
    result = pln(home, "add", str(bigger))
    assert result.exit_code == 1 and "Traceback" not in result.output + result.stderr
    assert "disk is full" in result.stderr or "full" in result.stderr, result.stderr
    filler.unlink()
    with open_library(home) as library:  # what was there is all there, and the file is sound
        assert library.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [k.url for k in library.links(saved=True)] == ["https://b.example/1"]
        assert len(library.links(list_name="Reading")) == 60


def test_a_newer_pln_database_is_refused_and_left_alone(tmp_path: Path, feed: Path) -> None:
    home = tmp_path / "home"
    seeded(home, feed)
    conn = sqlite3.connect(home / "pln.db")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                 " VALUES ('pln_reader', '0099_from_the_future', '2027-01-01T00:00:00')")
    conn.commit()
    conn.close()
    shutil.copy(home / "pln.db", tmp_path / "before.db")
    one_clean_line(pln(home, "save", "https://elsewhere.example/new"), "newer pln_reader",
                   "0099_from_the_future", "upgrade")
    conn = sqlite3.connect(home / "pln.db")
    assert conn.execute("SELECT count(*) FROM links WHERE url LIKE '%elsewhere%'").fetchone()[0] == 0
    conn.close()
