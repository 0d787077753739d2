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


async def settled(pilot: Pilot) -> None:
    """Every worker done (the lists' counts come from one) and its messages handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def no_blink(pilot: Pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False


def test_main_screen(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(PlnApp(seeded.library, clock=seeded.clock), terminal_size=(80, 24),
                        run_before=settled)


def test_reader(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    seeded.library.fetch_articles(urls=[seeded.article_url])
    app = PlnApp(seeded.library, clock=seeded.clock)

    async def open_article(pilot: Pilot) -> None:
        await settled(pilot)
        table = pilot.app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(seeded.article_url))
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_article)


def test_share_dialog(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_dialog(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("S")
        await pilot.pause()
        no_blink(pilot)

    app = PlnApp(seeded.library, clock=seeded.clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)


def test_help(seeded: Seeded, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = PlnApp(seeded.library, clock=seeded.clock)

    async def help_after_counts(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")

    assert snap_compare(app, terminal_size=(80, 24), run_before=help_after_counts)


def test_main_screen_light_terminal(seeded: Seeded, snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLORFGBG", "0;15")  # what a terminal with a light background says
    assert snap_compare(PlnApp(seeded.library, clock=seeded.clock), terminal_size=(80, 24),
                        run_before=settled)


# Issue 21: 80x24 and 120x36, each with and without NO_COLOR (Textual drops every colour; what
# marks the focus, the current list and row, the ticked boxes, the highlights must still read).

SIZES = [(80, 24), (120, 36)]
COLOUR = [pytest.param(False, id="colour"), pytest.param(True, id="no_color")]


def _app(seeded: Seeded, monkeypatch: pytest.MonkeyPatch, no_color: bool) -> PlnApp:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return PlnApp(seeded.library, clock=seeded.clock)


@pytest.mark.parametrize("no_color", COLOUR)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_sizes(seeded: Seeded, snap_compare, monkeypatch, size, no_color) -> None:  # type: ignore[no-untyped-def]
    async def focus_lists(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("shift+tab")  # the lists pane has the focus: its line and the current list
        await pilot.pause()

    assert snap_compare(_app(seeded, monkeypatch, no_color), terminal_size=size, run_before=focus_lists)


@pytest.mark.parametrize("no_color", COLOUR)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_highlights(seeded: Seeded, snap_compare, monkeypatch, size, no_color) -> None:  # type: ignore[no-untyped-def]
    seeded.library.fetch_articles(urls=[seeded.article_url])
    seeded.library.add_highlight(seeded.article_url, "helped pupils remember last week's work",
                                 comment="Try with 9B")
    app = _app(seeded, monkeypatch, no_color)

    async def open_article(pilot: Pilot) -> None:
        await settled(pilot)
        table = pilot.app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(seeded.article_url))
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_article)


@pytest.mark.parametrize("no_color", COLOUR)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_results(seeded: Seeded, snap_compare, monkeypatch, size, no_color) -> None:  # type: ignore[no-untyped-def]
    seeded.library.add_note("https://care.example.org/supervision", "Equity of access to supervision")

    async def search(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("slash", *"supervision", "enter", "down")
        await pilot.pause()
        no_blink(pilot)

    assert snap_compare(_app(seeded, monkeypatch, no_color), terminal_size=size, run_before=search)


@pytest.mark.parametrize("no_color", COLOUR)
def test_add_source_dialog(seeded: Seeded, snap_compare, monkeypatch, no_color) -> None:  # type: ignore[no-untyped-def]
    async def open_dialog(pilot: Pilot) -> None:
        await settled(pilot)
        pilot.app.screen.select_view("Teaching")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        no_blink(pilot)

    assert snap_compare(_app(seeded, monkeypatch, no_color), terminal_size=(80, 24), run_before=open_dialog)


def test_without_colour_the_marks_are_glyphs_and_reverse_video(seeded: Seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from pln_reader.ui.widgets.lists_pane import CURRENT, ListsPane

    async def main() -> None:
        app = _app(seeded, monkeypatch, True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.no_color
            table = app.screen.query_one(LinksTable)
            assert table.get_component_styles("datatable--cursor").text_style.reverse
            assert table.get_component_styles("datatable--header").text_style.reverse  # focused
            pane = app.screen.query_one(ListsPane)
            assert str(pane.get_option_at_index(0).prompt).startswith(CURRENT + "All")
            await pilot.press("tab")
            assert app.focused.id == "preview" and app.focused.styles.border_top[0] == "heavy"
            await pilot.press("shift+tab", "shift+tab")
            assert app.focused is pane
            assert pane.styles.border_right[0] == "heavy"
            assert not table.get_component_styles("datatable--header").text_style.reverse
            await pilot.press("down")
            await pilot.pause()
            assert not str(pane.get_option_at_index(0).prompt).startswith(CURRENT)
            assert str(pane.get_option_at_index(1).prompt).startswith(CURRENT + "Saved")

    asyncio.run(main())
