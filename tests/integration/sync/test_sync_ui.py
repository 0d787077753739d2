"""The UI syncs in a worker on start and shows it in the status line; keys never wait."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from pln_reader.ui.app import PlnApp
from pln_reader.ui.screens.main import MainScreen
from tests.integration.server import FeedServer
from tests.ui.conftest import settle

from .conftest import Device, FaultyProxy, OtherClient, rss

STARRED = "user/-/state/com.google/starred"


def status_text(app: PlnApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def test_the_ui_syncs_on_start_and_says_so(device: Device, feeds: FeedServer,
                                           other: OtherClient) -> None:
    url = feeds.serve("/ui.xml", rss("UI", [("Starred elsewhere", "https://ui.example.org/1")]))
    a = device("a")
    a.add([url], lists=["Teaching"])
    a.sync()
    other.edit("https://ui.example.org/1", add=STARRED)

    async def main() -> str:
        app = PlnApp(a)
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            return status_text(app)

    text = asyncio.run(main())
    assert "synced" in text
    assert a.get_link("https://ui.example.org/1").saved


def test_an_unreachable_server_never_blocks_a_key(device: Device, feeds: FeedServer,
                                                  proxy: FaultyProxy) -> None:
    url = feeds.serve("/ui2.xml", rss("UI two", [("One", "https://ui2.example.org/1"),
                                                 ("Two", "https://ui2.example.org/2")]))
    a = device("a", server=proxy.url("/api/greader.php"))
    a.add([url], lists=["Teaching"])
    proxy.drop_from = 1  # every request hangs up

    async def main() -> tuple[str | None, str]:
        app = PlnApp(a)
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.press("j", "space")  # keys work while the sync worker runs
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            state = screen.sync_state
            await pilot.press("U", "U")  # the next plain status line shows the sync state
            return state, status_text(app)

    state, text = asyncio.run(main())
    assert "sync: server unreachable" in text
    assert state is not None and state.startswith("sync: server unreachable")
    assert "waiting" in state
    assert sum(link.read for link in a.links()) == 1
    assert a.sync_status().waiting >= 2
