"""kill -9 of a refresh's whole process group mid-write leaves a sound database: it passes
integrity_check, keeps what the user did, and the next refresh completes."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pln_reader.library.facade import Library
from tests.integration.server import FeedServer

FEEDS = 60
ENTRIES = 80


def feed(n: int, version: int) -> bytes:
    items = "".join(f"<item><title>Post {n}.{i} v{version}</title><link>https://c.example/{n}/{i}</link>"
                    f"<description>{'words ' * 120}</description></item>" for i in range(ENTRIES))
    return f'<rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'.encode()


def entries(db: Path, version: int | None = None) -> int:
    """Entries stored (of that version of the feeds, when given)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        if version is None:
            return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
        return int(conn.execute("SELECT count(*) FROM entries WHERE title LIKE ?",
                                [f"% v{version}"]).fetchone()[0])
    finally:
        conn.close()


def test_a_refresh_killed_mid_write_leaves_a_sound_database(server: FeedServer, library: Library,
                                                           home: Path) -> None:
    for n in range(FEEDS):
        library.store.add_source("feed", server.serve(f"/f{n}.xml", feed(n, 0)), now=library.clock())
    library.save("https://elsewhere.example/kept", fetch_new=False)
    library.add_note("https://elsewhere.example/kept", "a note that must survive")
    env = {**os.environ, "PLN_READER_REFRESH_WORKERS": "2"}
    db = home / "pln.db"
    killed_after = []
    for round_, wait in enumerate((0.0, 0.05, 0.2)):
        for n in range(FEEDS):  # every entry changes: each refresh has plenty to write
            server.update(f"/f{n}.xml", feed(n, round_ + 1))
        proc = subprocess.Popen([sys.executable, "-m", "pln_reader", "--home", str(home), "refresh",
                                 "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while entries(db, round_ + 1) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until the writer is busy
        time.sleep(wait)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its worker processes
        proc.wait()
        killed_after.append(entries(db, round_ + 1))
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
    print("entries of the new version when killed:", killed_after)
    assert any(0 < n < FEEDS * ENTRIES for n in killed_after), killed_after  # killed mid-write
    summary = library.refresh(force=True)
    assert len(summary.failed) == 0 and summary.skipped == 0  # a dead refresh holds no claims
    assert entries(db) == FEEDS * ENTRIES
    assert [a.body for a in library.annotations()] == ["a note that must survive"]
    assert [k.url for k in library.links(saved=True)] == ["https://elsewhere.example/kept"]
