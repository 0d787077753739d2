"""The demo in the real app: the reader shows the bundled full text, offline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Markdown

from pln_reader.library.facade import open_library
from pln_reader.ui.app import PlnApp
from pln_reader.ui.screens.reader import ReaderScreen
from pln_reader.ui.widgets.links_table import LinksTable
from tests.ui.conftest import Seeded, drive, settle

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_the_demo_reader_shows_full_text_with_no_network(tmp_path: Path) -> None:
    with open_library(tmp_path, clock=lambda: NOW) as library:
        library.load_demo()

        async def main() -> None:
            app = PlnApp(library, clock=lambda: NOW)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                table = app.screen.query_one(LinksTable)
                url = "https://leadership-weekly.example.org/2026/workload-audit"
                table.move_cursor(row=[k.url for k in table.links].index(url))
                await pilot.press("enter")
                await settle(app, pilot)
                assert isinstance(app.screen, ReaderScreen)
                assert "Leaders published the results to all staff" in app.screen.query_one(
                    "#reader-text", Markdown).source
                assert not app.screen.query_one("#reader-status").display

        asyncio.run(main())


def test_the_reader_says_why_there_is_no_text_once(seeded: Seeded) -> None:
    unreachable = "http://127.0.0.1:9/gone"  # the discard port: nothing listens there
    seeded.library.save(unreachable, fetch_new=False)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from tests.ui.test_main import choose

        await choose(app, pilot, "Saved")
        await pilot.press("enter")
        await settle(app, pilot)
        status = str(app.screen.query_one("#reader-status").render())
        assert status.startswith("No article text: The page could not be reached. (")
        assert status.count("could not be reached") == 1
        assert status.endswith("Press o to open it in the browser, r to fetch it again.")

    drive(seeded, scenario)
