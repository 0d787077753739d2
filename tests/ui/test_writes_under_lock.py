"""Triage under another process's write lock: the keys never wait for it (the writer thread
does), the screen changes at once, undo works on a write still queued, and closing the app with
writes queued still saves them (a bounded wait; it says so when it gives up).

A real SQLite file and a second connection holding the lock, as a refresh from cron does."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pln_reader.ui import app as app_module
from pln_reader.ui.app import PlnApp
from pln_reader.ui.widgets.links_table import LinksTable
from tests.ui.conftest import Seeded, drive, settle


def _locker(seeded: Seeded) -> sqlite3.Connection:
    """Another connection (as another process has), used from a timer thread too."""
    return sqlite3.connect(seeded.library.settings.db_path, isolation_level=None,
                           check_same_thread=False)


def _state(path: Path, url: str) -> tuple[bool, bool]:
    """(read, saved) of a link as the database file has it, read on a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT st.read_at IS NOT NULL, st.saved_at IS NOT NULL FROM links k"
                           " LEFT JOIN link_state st ON st.link_id = k.id WHERE k.url = ?", [url]).fetchone()
    finally:
        conn.close()
    return bool(row[0]), bool(row[1])


def test_triage_keys_under_the_lock_show_at_once_undo_and_land_in_order(seeded: Seeded) -> None:
    path = seeded.library.settings.db_path
    other = _locker(seeded)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        await settle(app, pilot)
        first, second, third = table.links[0], table.links[1], table.links[2]
        assert not first.read and not second.saved and not third.read
        other.execute("BEGIN IMMEDIATE")  # a refresh in another process holds the write lock
        try:
            await pilot.press("space")  # read, on to the second: queued, shown at once
            assert table.links[0].read and table.cursor_row == 1
            await pilot.press("s")  # save the second, then undo it: both queued
            assert table.links[1].saved
            await pilot.press("u")
            assert not table.links[1].saved
            await pilot.press("j", "space")  # read the third, then undo it
            assert table.links[2].read
            await pilot.press("u")
            assert not table.links[2].read
            assert app.writes_waiting >= 3
            assert _state(path, first.url) == (False, False)  # nothing written yet
        finally:
            other.execute("COMMIT")
        await settle(app, pilot)
        assert app.writes_waiting == 0
        assert _state(path, first.url) == (True, False)
        assert _state(path, second.url) == (False, False)  # saved, then the undo after it
        assert _state(path, third.url) == (False, False)
        assert table.links[0].read and not table.links[1].saved  # drawn again from the store

    drive(seeded, scenario)
    other.close()


def test_hide_and_mark_all_read_under_the_lock_undo_before_they_land(seeded: Seeded) -> None:
    path = seeded.library.settings.db_path
    other = _locker(seeded)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        await settle(app, pilot)
        urls = [k.url for k in table.links]
        hidden = table.links[0]
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("x")  # hidden: the row goes at once
            assert hidden.url not in [k.url for k in table.links]
            await pilot.press("u")  # and comes back at once, under the cursor
            assert table.current is not None and table.current.url == hidden.url
            await pilot.press("M", "y")  # every row read now; the write waits
            await pilot.pause()
            assert all(k.read for k in table.links), ([(k.read, k.saved) for k in table.links], app.screen)
            await pilot.press("u")  # undone before the write even ran
            assert not any(k.read for k in table.links)
        finally:
            other.execute("COMMIT")
        await settle(app, pilot)
        assert [k.url for k in table.links] == urls
        assert all(_state(path, url) == (False, False) for url in urls)
        hidden_now = seeded.library.store.query(
            "SELECT count(*) FROM link_state WHERE hidden_at IS NOT NULL")[0][0]
        assert hidden_now == 0

    drive(seeded, scenario)
    other.close()


def test_closing_the_app_with_a_write_queued_still_saves_it(seeded: Seeded) -> None:
    path = seeded.library.settings.db_path
    other = _locker(seeded)
    url = ""

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        nonlocal url
        table = app.screen.query_one(LinksTable)
        await settle(app, pilot)
        url = table.links[0].url
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("space")
        assert app.writes_waiting >= 1 and _state(path, url) == (False, False)  # seen, read
        # The lock goes a moment after the app starts closing: the close waits for the write.
        threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
        await pilot.press("q")

    app = drive(seeded, scenario)
    assert app.return_code == 0
    assert app.writes_waiting == 0
    assert _state(path, url) == (True, False)
    other.close()


def test_closing_gives_up_after_a_while_and_says_so(seeded: Seeded, monkeypatch: pytest.MonkeyPatch,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(app_module, "WRITES_DRAIN_S", 0.5)
    path = seeded.library.settings.db_path
    other = _locker(seeded)
    url = ""

    async def main() -> PlnApp:
        nonlocal url
        app = PlnApp(seeded.library, clock=seeded.clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            url = app.screen.query_one(LinksTable).links[0].url
            other.execute("BEGIN IMMEDIATE")  # held past the close
            await pilot.press("space")
            await pilot.pause()
            assert app.writes_waiting == 2  # the read, and "seen" of the row the cursor moved to
            app.exit()
        return app

    try:
        app = asyncio.run(main())
        assert app.return_code == 1
        assert _state(path, url) == (False, False)
        err = " ".join(capfd.readouterr().err.split())
        assert ("error: 2 changes not saved: another program kept the database locked for 0.5 s"
                in err)
    finally:
        other.execute("COMMIT")
        other.close()
