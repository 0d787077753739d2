"""Help and the palette list every action; keys can be rebound; hostile text stays plain text;
skim time is recorded while a list is open, focused and in use."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from pln_reader.core.config import load_settings
from pln_reader.core.errors import ConfigError
from pln_reader.library.facade import Library
from pln_reader.ui.app import PlnApp, check_keymap
from pln_reader.ui.screens.help import HelpScreen
from pln_reader.ui.screens.main import MainScreen
from pln_reader.ui.widgets.links_table import LinksTable
from pln_reader.ui.widgets.preview import Preview
from tests.ui.conftest import HOSTILE, Seeded, drive


def test_help_lists_every_binding_of_the_screen(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        for binding in MainScreen.BINDINGS:
            assert binding.description in text, binding.description
            assert f"[{binding.id}]" in text
        assert "Quit" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    drive(seeded, scenario)


def test_command_palette_offers_every_action(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for binding in MainScreen.BINDINGS:
            assert binding.description in commands
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Save")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()

    drive(seeded, scenario)
    assert len(seeded.library.links(saved=True)) == 1


def test_the_palette_finds_renaming_a_list_by_that_word(seeded: Seeded) -> None:
    from pln_reader.ui.dialogs.edit_list import ListDialog

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        await pilot.press(*"rename")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ListDialog)

    drive(seeded, scenario)


def test_keys_can_be_changed_in_the_settings_file(seeded: Seeded) -> None:
    (seeded.home / "settings.toml").write_text('[keys]\nsave = "w"\nmark_read = "m,space"\n')
    library = Library(seeded.library.store, load_settings(seeded.home), clock=seeded.clock)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("s")  # no longer bound
        assert library.links(saved=True) == []
        await pilot.press("w")
        assert len(library.links(saved=True)) == 1
        await pilot.press("m")
        assert len(library.links(unread=True)) == 6

    seeded.library = library
    drive(seeded, scenario)


def test_an_unknown_binding_id_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown binding id sav"):
        check_keymap({"sav": "w"})


def test_hostile_titles_render_literally_and_do_nothing(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        row = [k.title for k in table.links].index(HOSTILE)
        assert table.get_cell_at((row, 1)).plain == HOSTILE
        table.move_cursor(row=row)
        await pilot.pause()
        preview = str(app.screen.query_one(Preview).query_one(Static).render())
        assert HOSTILE in preview
        await pilot.click(LinksTable, offset=(10, row + 1))  # click the title itself
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)
        escaped = next(k.title for k in table.links if k.title and k.title.startswith("Red"))
        assert "\x1b" not in escaped and "\x07" not in escaped
        assert escaped == "Red alert and bell"

    drive(seeded, scenario)


def test_skim_time_is_recorded_while_in_use_and_stops_when_idle(seeded: Seeded) -> None:
    clock = seeded.clock

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from tests.ui.test_main import choose

        await choose(app, pilot, "Teaching")
        for _ in range(4):  # four minutes of steady skimming
            clock.advance(minutes=1)
            await pilot.press("j")
        clock.advance(minutes=30)  # then the user walks away
        app.screen._tick_skim()
        await pilot.press("j")  # back: the clock runs again from here
        clock.advance(minutes=1)
        await pilot.press("k")
        app.screen._flush_skim()

    drive(seeded, scenario)
    teaching = seeded.library.get_list("Teaching").id
    seconds = seeded.library.skim_seconds(clock.now.replace(hour=0))
    # 4 active minutes + 2 minutes before idleness was noticed + 1 minute after coming back
    assert seconds[teaching] == 7 * 60


def test_a_spent_budget_shows_as_a_reminder(seeded: Seeded) -> None:
    teaching = "Teaching"
    seeded.library.record_skim(teaching, seeded.clock.now.replace(hour=8), 11 * 60)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from pln_reader.ui.widgets.lists_pane import ListsPane
        from tests.ui.test_main import choose

        pane = app.screen.query_one(ListsPane)
        view = next(v for v in pane._views if v.name == teaching)
        assert view.budget_spent
        await choose(app, pilot, teaching)
        assert "budget is spent" in str(app.screen.query_one("#status").render())
        await pilot.press("space")  # a reminder, never a lock
        assert len(seeded.library.links(list_name=teaching, unread=True)) == 4

    drive(seeded, scenario)


def test_coming_back_to_the_terminal_updates_the_counts(seeded: Seeded) -> None:
    from textual import events

    from pln_reader.ui.widgets.lists_pane import ListsPane

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        seeded.library.save(seeded.shared_url, fetch_new=False)  # as `pln save` in another shell
        app.post_message(events.AppBlur())
        app.post_message(events.AppFocus())
        await pilot.pause()
        saved = next(v for v in app.screen.query_one(ListsPane).views if v.name == "Saved")
        assert saved.count == 1

    drive(seeded, scenario)


def test_the_palette_runs_app_actions_too(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        [help_command] = [c for c in app.get_system_commands(app.screen) if c.title == "Help"]
        help_command.callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    drive(seeded, scenario)
