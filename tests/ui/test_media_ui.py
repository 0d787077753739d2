"""Episodes and videos in the real app (issue 20.2, 20.3): the time column says listen/watch, the
preview shows the show notes and the length, and p plays the file in a worker (the player is a
script on PATH recording its arguments) while keys keep working."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pln_reader.library.facade import Library, open_library
from pln_reader.ui.app import PlnApp
from pln_reader.ui.widgets.links_table import LinksTable
from tests.integration.server import FeedServer
from tests.media_feeds import EPISODE_PAGE, podcast_feed, recording_player, wait_for_args
from tests.ui.conftest import Clock, settle


@pytest.fixture
def podcast_library(tmp_path: Path) -> Iterator[tuple[Library, FeedServer, Clock]]:
    server = FeedServer().start()
    clock = Clock()
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text("[fetch]\nconnect_timeout = 2.0\nread_timeout = 1.0\n")
    library = open_library(home, clock=clock)
    library.add([server.serve("/podcast.xml", podcast_feed(server.base))])
    library.refresh(force=True)
    try:
        yield library, server, clock
    finally:
        library.close()
        server.stop()


def run(library: Library, clock: Clock, scenario, size: tuple[int, int] = (100, 30)) -> None:  # type: ignore[no-untyped-def]
    async def main() -> None:
        app = PlnApp(library, clock=clock)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)
            await settle(app, pilot)

    asyncio.run(main())


def test_time_column_and_preview_say_what_it_is(podcast_library) -> None:  # type: ignore[no-untyped-def]
    library, _, clock = podcast_library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        cells = {link.title: str(table.get_row_at(i)[4]) for i, link in enumerate(table.links)}
        assert cells["The importance of failure"] == "listen 48 min"
        assert cells["Ladder of inference"] == "watch 12 min"
        assert table.links[0].title == "The importance of failure"
        table.focus()
        await pilot.pause()
        body = str(app.screen.query_one("#preview-body").render())
        assert "Show notes: why failing is how we learn." in body
        assert "listen 48 min" in body and "podcast episode · 48:03 · 46 MB" in body

    run(library, clock, scenario)


def test_p_plays_in_a_worker_and_counts_as_opening(podcast_library, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    library, server, clock = podcast_library
    bin_dir = tmp_path / "bin"
    args = recording_player(bin_dir, "mpv")
    monkeypatch.setenv("PATH", str(bin_dir))

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.focus()
        await pilot.pause()
        assert table.current is not None and table.current.url == server.base + EPISODE_PAGE
        await pilot.press("p")
        await pilot.press("j")  # keys go on while the player starts
        await settle(app, pilot)
        assert table.cursor_row == 1
        assert any("playing in mpv" in str(n.message) for n in app._notifications)

    run(library, clock, scenario)
    assert wait_for_args(args) == [server.base + "/files/failure.mp3"]
    with sqlite3.connect(library.settings.db_path) as conn:  # playing counts as opening
        assert conn.execute("SELECT count(*) FROM link_events WHERE kind = 'opened'").fetchone()[0] == 1


def test_p_on_an_article_says_so(podcast_library, tmp_path: Path,  # type: ignore[no-untyped-def]
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    library, _, clock = podcast_library
    bin_dir = tmp_path / "bin"
    args = recording_player(bin_dir, "mpv")
    monkeypatch.setenv("PATH", str(bin_dir))

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.focus()
        row = next(i for i, k in enumerate(table.links) if k.title == "Hostile files")
        table.move_cursor(row=row)
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        assert any("not an episode or a video" in str(n.message) for n in app._notifications)

    run(library, clock, scenario)
    assert not args.exists()


def test_p_is_in_the_help(podcast_library) -> None:  # type: ignore[no-untyped-def]
    library, _, clock = podcast_library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from pln_reader.ui.screens.help import bindings_of

        rows = bindings_of(app.screen)
        assert any("Play episode/video" in str(row) for row in rows)

    run(library, clock, scenario)


def test_the_reader_lists_an_episodes_chapters(podcast_library) -> None:  # type: ignore[no-untyped-def]
    library, _, clock = podcast_library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        box = app.screen.query_one("#reader-chapters")
        assert box.display
        text = str(box.render())
        assert "Chapters" in text and "0:00 Welcome" in text and "12:30 Why failing teaches" in text
        assert "listen 48 min" in str(app.screen.query_one("#reader-meta").render())

    run(library, clock, scenario)
