"""The challenge banner on the main screen, driven by Pilot: hidden when no challenge runs, today's
step and its progress when one does, hidden for the day with b (kept in the store)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from pln_reader.ui.app import PlnApp
from tests.ui.conftest import Seeded, drive


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def banner(app: PlnApp) -> Static:
    return app.screen.query_one("#challenge-banner", Static)


def test_no_banner_without_a_challenge_and_b_says_so(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        assert banner(app).display is False
        await pilot.press("H")
        await pilot.pause()
        assert banner(app).display is False
        assert any("no challenge is running" in str(n.message) for n in app._notifications)

    drive(seeded, scenario)


def test_the_banner_shows_today_step_and_its_progress_and_hides_for_the_day(seeded: Seeded) -> None:
    library, clock = seeded.library, seeded.clock
    library.start_challenge()
    clock.advance(days=4)  # day 5: save one link

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        text = str(banner(app).render())
        assert banner(app).display is True
        assert text.startswith("Challenge: connected-30 · day 5/30 · today: Save one link worth a "
                               "proper read (0/1)")
        assert "earlier steps open" in text  # days 2 to 4 not done: nothing failed, still open
        await pilot.press("s")  # save the link under the cursor
        await pilot.pause()
        assert "Save one link worth a proper read (done)" in str(banner(app).render())
        await pilot.press("H")
        await pilot.pause()
        assert banner(app).display is False

    drive(seeded, scenario)
    state = library.challenge()
    assert state is not None and state.dismissed_today

    async def later_today(app: PlnApp, pilot: Pilot) -> None:
        assert banner(app).display is False  # the dismissal is in the store

    drive(seeded, later_today)
    clock.advance(days=1)

    async def tomorrow(app: PlnApp, pilot: Pilot) -> None:
        assert banner(app).display is True
        assert "day 6/30" in str(banner(app).render())
        clock.advance(days=1)  # midnight passes while the app is open: the 15 s tick sees it
        app.screen._tick_skim()  # type: ignore[attr-defined]
        await pilot.pause()
        assert "day 7/30" in str(banner(app).render())

    drive(seeded, tomorrow)


def test_writing_the_weekly_list_from_the_ui_meets_the_step(seeded: Seeded, tmp_path: Path) -> None:
    from pln_reader.ui.dialogs.path import PathDialog

    folder = seeded.home / "challenges"
    folder.mkdir()
    (folder / "write.toml").write_text(
        '[challenge]\nname = "write"\ntitle = "Write"\ndays = 2\nminutes_per_day = 5\n'
        '[[step]]\nday = 1\ntitle = "Write the list"\ntext = "Write it."\ncheck = "weekly_list_written"\n',
        encoding="utf-8")
    seeded.library.start_challenge("write")
    target = tmp_path / "week.md"

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        assert "today: Write the list (0/1)" in str(banner(app).render())
        await pilot.press("w", "e")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert "today: Write the list (done)" in str(banner(app).render())

    drive(seeded, scenario)
    assert target.is_file()
    state = seeded.library.challenge()
    assert state is not None and state.done[0].met_at == seeded.clock.now  # when it was written


def test_a_user_challenge_title_is_shown_as_written_and_does_nothing(seeded: Seeded) -> None:
    folder = seeded.home / "challenges"
    folder.mkdir()
    (folder / "odd.toml").write_text(
        '[challenge]\nname = "odd"\ntitle = "Odd"\ndays = 2\nminutes_per_day = 5\n'
        '[[step]]\nday = 1\ntitle = "[@click=app.quit]Quit[/] \\u001b[31mred"\ntext = "x"\n'
        'check = "saved"\n', encoding="utf-8")
    seeded.library.start_challenge("odd")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        text = str(banner(app).render())
        assert "today: [@click=app.quit]Quit[/] " in text and "\x1b" not in text
        await pilot.click("#challenge-banner")
        await pilot.pause()
        assert app.is_running

    drive(seeded, scenario)
