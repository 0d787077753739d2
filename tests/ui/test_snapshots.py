"""SVG snapshots at 80x24 with a fixed clock, a fixed time zone and the cursor blink off.

Update them after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the SVGs in tests/ui/__snapshots__/ before committing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pln_reader.ui.app import PlnApp
from pln_reader.ui.widgets.links_table import LinksTable
from tests.ui.conftest import Seeded


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def no_blink(pilot: Pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False


def test_main_screen(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(PlnApp(seeded.library, clock=seeded.clock), terminal_size=(80, 24))


def test_reader(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    seeded.library.fetch_articles(urls=[seeded.article_url])
    app = PlnApp(seeded.library, clock=seeded.clock)

    async def open_article(pilot: Pilot) -> None:
        await pilot.pause()
        table = pilot.app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(seeded.article_url))
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_article)


def test_share_dialog(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_dialog(pilot: Pilot) -> None:
        await pilot.press("S")
        await pilot.pause()
        no_blink(pilot)

    app = PlnApp(seeded.library, clock=seeded.clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)


def test_help(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = PlnApp(seeded.library, clock=seeded.clock)
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])


def test_main_screen_light_terminal(seeded: Seeded, snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLORFGBG", "0;15")  # what a terminal with a light background says
    assert snap_compare(PlnApp(seeded.library, clock=seeded.clock), terminal_size=(80, 24))
