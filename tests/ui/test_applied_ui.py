"""The "applied" key (A) on the main screen and in the reader, and the list dialog's aim."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from pln_reader.ui.app import PlnApp
from pln_reader.ui.dialogs.applied import EMPTY_APPLIED, AppliedDialog
from pln_reader.ui.screens.help import HelpScreen
from pln_reader.ui.screens.reader import ReaderScreen
from pln_reader.ui.widgets.links_table import LinksTable
from tests.ui.conftest import HOSTILE, Seeded, drive, settle

TRIED = "Tried two-question starters with Year 9: most recalled the point"


def test_applied_from_the_main_screen_is_recorded_and_blank_is_refused(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = app.screen.query_one(LinksTable).current.url
        await pilot.press("A")
        assert isinstance(app.screen, AppliedDialog)
        await pilot.press("enter")  # nothing typed: the dialog stays and says why
        assert isinstance(app.screen, AppliedDialog)
        assert str(app.screen.query_one("#error", Static).render()) == EMPTY_APPLIED
        app.screen.query_one("#text", Input).value = f"  {TRIED}  "
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, AppliedDialog)
        [entry] = seeded.library.applied()
        assert (entry.link_url, entry.text, entry.at) == (url, TRIED, seeded.clock.now)

    drive(seeded, scenario)


def test_escape_records_nothing(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("A")
        app.screen.query_one("#text", Input).value = "not this time"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AppliedDialog)

    drive(seeded, scenario)
    assert seeded.library.applied() == []


def test_applied_from_the_reader_and_in_its_help(seeded: Seeded) -> None:
    url = seeded.article_url

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(url))
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "Applied" in text and "[reader_applied]" in text
        await pilot.press("escape")
        await pilot.press("A")
        assert isinstance(app.screen, AppliedDialog)
        subject = str(app.screen.query_one("#subject", Static).render())
        assert "Retrieval practice in Year 9" in subject
        app.screen.query_one("#text", Input).value = TRIED
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)

    drive(seeded, scenario)
    assert [(a.link_url, a.text) for a in seeded.library.applied(url=url)] == [(url, TRIED)]


def test_the_list_dialog_sets_and_clears_an_aim(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from tests.ui.test_main import choose

        await choose(app, pilot, "Care")
        await pilot.press("e")
        app.screen.query_one("#aim", Select).value = "resident"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert seeded.library.get_list("Care").aim == "resident"
        await pilot.press("e")
        assert app.screen.query_one("#aim", Select).value == "resident"  # shown when editing again
        app.screen.query_one("#aim", Select).clear()
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(seeded, scenario)
    assert seeded.library.get_list("Care").aim is None


def test_a_hostile_title_is_plain_text_in_the_dialog(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = app.screen.query_one(LinksTable).current.url
        seeded.library.store.conn.execute("UPDATE links SET title = ? WHERE url = ?", [HOSTILE, url])
        from pln_reader.ui.screens.link_actions import ask_applied

        ask_applied(app, url, HOSTILE, lambda: None)
        await pilot.pause()
        assert str(app.screen.query_one("#subject", Static).render()) == HOSTILE
        await pilot.press("escape")

    drive(seeded, scenario)
