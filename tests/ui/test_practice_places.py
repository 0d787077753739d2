"""Applied entries in the notes screen, the challenge in the command palette and the practice map
in the review screen (issues 18 and 19 given their places in the UI): the real app driven by
Pilot on a real SQLite library, checked against the library afterwards."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea

from pln_reader.ui.app import PlnApp
from pln_reader.ui.dialogs.applied import AppliedEditDialog
from pln_reader.ui.dialogs.choose import ChoiceDialog
from pln_reader.ui.dialogs.confirm import ConfirmDialog
from pln_reader.ui.dialogs.text import TextDialog
from pln_reader.ui.screens.main import MainScreen
from pln_reader.ui.screens.notes import NotesScreen
from pln_reader.ui.screens.review import ReviewScreen
from tests.ui.conftest import ESCAPES, HOSTILE, Seeded, drive
from tests.ui.test_actions import palette, type_into

CARE_URL = "https://care.example.org/lists"


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def notes_rows(screen: NotesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def messages(app: PlnApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


# -- applied entries in the notes screen ---------------------------------------------------------


def test_the_notes_screen_lists_filters_edits_and_deletes_applied_entries(seeded: Seeded) -> None:
    library, clock = seeded.library, seeded.clock
    library.tag(seeded.article_url, ["retrieval"])
    tried = library.record_applied(seeded.article_url, "Tried two-question starters with Year 9",
                                   at=datetime(2026, 11, 19, 14, 0, tzinfo=UTC))
    library.add_note(seeded.article_url, "try with 9B")
    clock.advance(minutes=5)
    care = library.record_applied(CARE_URL, "Made a list for supervision")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        rows = notes_rows(screen)
        assert [r[1] for r in rows] == ["applied", "note", "applied"]  # newest first, mixed
        assert rows[2][0] == "2026-11-19" and rows[2][3] == "Tried two-question starters with Year 9"
        assert "Notes, highlights, applied: 3" in str(screen.query_one("#notes-status", Static).render())
        detail = str(screen.query_one("#notes-detail", Static).render())
        assert "Applied 2026-11-20 10:05: Made a list for supervision" in detail
        # by list
        await pilot.press("f")
        app.screen.query_one("#list", Select).value = "Care"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [r[3] for r in notes_rows(screen)] == ["Made a list for supervision"]
        # by tag (the link's tags, as for notes)
        await pilot.press("f")
        app.screen.query_one("#list", Select).clear()
        await type_into(app, pilot, "#tag", "#Retrieval")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [r[1] for r in notes_rows(screen)] == ["note", "applied"]
        # by date
        await pilot.press("f")
        await type_into(app, pilot, "#tag", "")
        await type_into(app, pilot, "#since", "2026-11-20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [r[1] for r in notes_rows(screen)] == ["applied", "note"]
        await pilot.press("f")
        await type_into(app, pilot, "#since", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # edit the oldest: its text and its date; a bad date is refused in the dialog
        await pilot.press("j", "j", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AppliedEditDialog)
        assert dialog.query_one("#text", TextArea).text == "Tried two-question starters with Year 9"
        assert dialog.query_one("#at", Input).value == "2026-11-19 14:00"
        dialog.query_one("#text", TextArea).text = "Tried two-question starters with 9B and 9C"
        await type_into(app, pilot, "#at", "the 18th")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a date" in str(dialog.query_one("#error", Static).render())
        assert library.get_applied(tried).text == "Tried two-question starters with Year 9"
        await type_into(app, pilot, "#at", "2026-11-18 09:30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        # delete asks first: No keeps it, Yes deletes it
        await pilot.press("k", "k", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Delete this applied entry on" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await pilot.pause()
        assert [a.id for a in library.applied()] == [care, tried]
        await pilot.press("d", "y")
        await pilot.pause()
        assert [r[1] for r in notes_rows(screen)] == ["note", "applied"]

    drive(seeded, scenario)
    [left] = library.applied()
    assert left.id == tried
    assert left.text == "Tried two-question starters with 9B and 9C"
    assert left.at == datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


def test_a_blank_applied_edit_is_refused_and_escape_changes_nothing(seeded: Seeded) -> None:
    library = seeded.library
    applied_id = library.record_applied(CARE_URL, "Made a list for supervision")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("N", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AppliedEditDialog)
        dialog.query_one("#text", TextArea).text = "   "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "needs some text" in str(dialog.query_one("#error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)

    drive(seeded, scenario)
    assert library.get_applied(applied_id).text == "Made a list for supervision"


def test_hostile_applied_text_stays_literal_in_the_notes_screen(seeded: Seeded) -> None:
    seeded.library.record_applied("https://classroom.example.org/hostile", f"{HOSTILE} and {ESCAPES}")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        [row] = notes_rows(screen)
        assert row[1] == "applied" and row[2] == HOSTILE and row[3].startswith(f"{HOSTILE} and Red ")
        assert "\x1b" not in row[3]
        detail = str(screen.query_one("#notes-detail", Static).render())
        assert HOSTILE in detail and "\x1b" not in detail and "\x07" not in detail
        await pilot.click("#notes-detail")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AppliedEditDialog)
        text = app.screen.query_one("#text", TextArea).text
        assert text.startswith(f"{HOSTILE} and Red ") and "\x1b" not in text and "\x07" not in text
        assert HOSTILE in str(app.screen.query_one("#subject", Static).render())
        await pilot.press("escape", "d")
        await pilot.pause()
        assert HOSTILE in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, NotesScreen)

    drive(seeded, scenario)


# -- the challenge in the command palette -----------------------------------------------------------

ODD = ('[challenge]\nname = "odd"\ntitle = "[@click=app.quit]Odd[/] \\u001b[31mred"\ndays = 3\n'
       'minutes_per_day = 5\n'
       '[[step]]\nday = 1\ntitle = "Save [b]one[/b] link"\ntext = "Press s. \\u001b]0;t\\u0007"\n'
       'check = "saved"\n'
       '[[step]]\nday = 2\ntitle = "Write a note"\ntext = "Press n on a link."\ncheck = "note"\n')


def banner(app: PlnApp) -> Static:
    return app.screen.query_one("#challenge-banner", Static)


async def pick(app: PlnApp, pilot: Pilot, name: str) -> None:
    """In the challenge chooser, run the choice that starts with ``name``."""
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    options = dialog.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    options.highlighted = next(i for i, label in enumerate(labels) if label.startswith(name + " · "))
    await pilot.press("enter")
    await pilot.pause()


def test_the_palette_starts_shows_and_stops_a_challenge(seeded: Seeded) -> None:
    library, clock = seeded.library, seeded.clock
    folder = seeded.home / "challenges"
    folder.mkdir()
    (folder / "odd.toml").write_text(ODD, encoding="utf-8")
    (folder / "broken.toml").write_text("[challenge]\nname = 'broken'\n", encoding="utf-8")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "challenge: today")
        assert isinstance(app.screen, MainScreen)
        assert "no challenge is running" in messages(app)
        await palette(app, pilot, "stop the challenge")
        assert isinstance(app.screen, MainScreen)
        assert banner(app).display is False
        await palette(app, pilot, "start a challenge")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = dialog.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].startswith("connected-30 · ") and "(30 days, 10 minutes a day; built-in)" in labels[0]
        assert labels[1].startswith("odd · [@click=app.quit]Odd[/] red (3 days, 5 minutes a day; yours: ")
        assert all("\x1b" not in label for label in labels)
        assert "broken.toml" in messages(app)  # a user file that is not a challenge is named
        await pick(app, pilot, "odd")
        assert isinstance(app.screen, MainScreen)
        assert banner(app).display is True
        assert "today: Save [b]one[/b] link (0/1)" in str(banner(app).render())
        await pilot.press("s")  # save the link under the cursor: step 1 is met
        await pilot.pause()
        clock.advance(days=1)
        await palette(app, pilot, "challenge: today")
        page = app.screen
        assert isinstance(page, TextDialog)
        text = str(page.query_one("#page-text", Static).render())
        state = library.challenge()
        assert state is not None
        assert text == library.challenge_text(state)  # what `pln challenge` prints
        assert text.startswith("[@click=app.quit]Odd[/] red (odd): 5 minutes a day, started 2026-11-20")
        assert "day 2 of 3" in text and "today:\n  day  2  Write a note (0/1)" in text
        assert "done:\n  day  1  Save [b]one[/b] link (done 2026-11-20)" in text
        assert "\x1b" not in text and "\x07" not in text
        await pilot.press("escape")
        await pilot.pause()
        # one runs at a time: starting another asks first, and No keeps the one running
        await palette(app, pilot, "start a challenge")
        assert "odd is running" in str(app.screen.query_one(".dialog-subject", Static).render())
        await pick(app, pilot, "connected-30")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        running = library.challenge()
        assert running is not None and running.challenge.name == "odd"
        await palette(app, pilot, "start a challenge")
        await pick(app, pilot, "connected-30")
        await pilot.press("y")
        await pilot.pause()
        running = library.challenge()
        assert running is not None and running.challenge.name == "connected-30"
        assert "connected-30 · day 1/30" in str(banner(app).render())
        # stopping asks first
        await palette(app, pilot, "stop the challenge")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert library.challenge() is not None and banner(app).display is True
        await palette(app, pilot, "stop the challenge")
        await pilot.press("y")
        await pilot.pause()
        assert banner(app).display is False
        assert "stopped the challenge connected-30" in messages(app)

    drive(seeded, scenario)
    assert library.challenge() is None


# -- the practice map in the review screen ------------------------------------------------------------


def map_lines(screen: ReviewScreen) -> list[str]:
    return str(screen.query_one("#review-map", Static).render()).splitlines()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_the_review_shows_the_practice_map_sized_to_the_screen(seeded: Seeded,
                                                                 size: tuple[int, int]) -> None:
    library = seeded.library
    library.create_list(HOSTILE, context="personal", aim="resident")
    library.add_note(seeded.article_url, "try with 9B")  # Teaching: notes and shares, a resident
    library.share(seeded.article_url, channel="team")
    library.mark_read(CARE_URL)  # Care: reading only, a visitor

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.query_one("#review-map").display
        assert "Practice map" in str(screen.query_one("#review-map-title", Static).render())
        lines = map_lines(screen)
        assert lines[0] == library.practice_map_legend()
        [snapshot] = library.practice_map(months=1)
        grid = library.practice_map_text(snapshot, width=size[0] - 5)
        assert "\n".join(lines[3:]) == grid
        assert lines[2] == f"{snapshot.label} ({snapshot.period.dates})"
        assert max(len(line) for line in lines[3:]) <= size[0] - 5  # nothing cut at the right
        assert max(len(line) for line in lines[3:]) >= size[0] - 10  # and it uses the width
        header = next(line for line in lines if "visitor" in line and "resident" in line)
        assert header.startswith("\u2502")
        teaching = next(line for line in lines if "Teaching" in line)
        care = next(line for line in lines if "Care" in line)
        columns = header.split("\u2502")
        assert "resident" in columns[[c.strip() for c in teaching.split("\u2502")].index("\u25cf Teaching")]
        assert "visitor" in columns[[c.strip() for c in care.split("\u2502")].index("\u25cf Care")]
        # the aim of a list with nothing done yet, its name as written (never read as markup)
        assert any(line.startswith("\u2502") and "\u25cb [@click=app.q" in line for line in lines)
        assert f"quiet (nothing happened): {HOSTILE}" in lines
        screen.query_one("#review-body").scroll_end(animate=False)
        await pilot.pause()
        await pilot.click("#review-map", offset=(2, 2))  # a click on the names runs nothing
        await pilot.press("p", "p")  # 90 days: the three months it touches, oldest first
        await pilot.pause()
        assert screen.days == 90
        three = library.practice_map(months=3)
        titles = [line for line in map_lines(screen) if line.endswith(")") and "(" in line
                  and not line.startswith(("\u2502", "\u25cf"))]
        assert titles == [f"{s.label} ({s.period.dates})" for s in three]
        assert app.is_running

    drive(seeded, scenario, size=size)


def test_the_map_is_drawn_again_when_the_screen_is_resized(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        narrow = max(len(line) for line in map_lines(screen)[3:])
        await pilot.resize_terminal(130, 30)
        await pilot.pause()
        wide = max(len(line) for line in map_lines(screen)[3:])
        assert narrow <= 75 < wide <= 125

    drive(seeded, scenario)


def test_the_challenge_page_of_a_finished_challenge_says_so(seeded: Seeded) -> None:
    from datetime import date

    library = seeded.library
    state = library.start_challenge(on=date(2026, 10, 1))  # 51 days before the clock: over
    steps, done = len(state.challenge.steps), len(state.done)
    assert done >= 1  # the lists and sources the seed made since then count

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "challenge: today")
        assert isinstance(app.screen, TextDialog)
        text = str(app.screen.query_one("#page-text", Static).render())
        assert text.splitlines()[1] == (f"the 30 days are over: {done} of {steps} steps done "
                                        "(`pln challenge stop` ends it)")
        assert "today:" not in text and "open from earlier days:" in text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    drive(seeded, scenario)
