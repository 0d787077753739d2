"""Every `pln` command has a place in the UI (issue 21.3): a key or a command palette entry on
the screen where it belongs, or a reason on NOT_IN_UI for why it has none.

The commands come from walking cli/main.py's click tree, so a new command fails this test until
it is given a place in PLACES or a reason in NOT_IN_UI. Each place is checked in the real app:
the screen is opened as a user opens it, and the action must be one of its bindings (those are
in the footer, the help screen and the palette) or one of its palette entries.
"""

from __future__ import annotations

import click
from textual.pilot import Pilot

from pln_reader.cli.main import cli
from pln_reader.ui.app import PlnApp
from pln_reader.ui.commands import ScreenActions, palette_entries
from pln_reader.ui.screens.help import bindings_of
from pln_reader.ui.screens.main import MainScreen
from pln_reader.ui.widgets.lists_pane import ListsPane
from tests.ui.conftest import Seeded, drive

PLACES: dict[str, str] = {
    # "screen:action": an action (a key or a palette entry) of that screen;
    # "view:NAME": a view of the main screen's lists pane; "main#ID": a pane of the main screen.
    "add": "main:add_source",
    "applied delete": "notes:delete",
    "applied edit": "notes:edit",
    "applied list": "main:notes",  # the notes screen lists applied entries with notes and highlights
    "applied record": "main:applied",
    "archive": "main:archive",
    "article": "main:open_reader",
    "backup": "main:backup",
    "challenge": "main:challenge_today",
    "challenge list": "main:start_challenge",  # its chooser lists them as `pln challenge list` does
    "challenge start": "main:start_challenge",
    "challenge stop": "main:stop_challenge",
    "delete-note": "notes:delete",
    "doctor": "main:doctor",
    "edit-note": "notes:edit",
    "export opml": "main:export_opml",
    "export vault": "main:export_vault",
    "fetch-articles": "main:fetch_saved",
    "hide": "main:hide",
    "highlight": "reader:highlight",
    "import": "main:import_file",
    "learned": "main:learned",
    "links": "view:All",
    "list create": "main:new_list",
    "list delete": "main:delete_list",
    "list edit": "main:edit_list",
    "lists": "main#lists",
    "mark-read": "main:mark_read",
    "mastodon lists": "main:mastodon_lists",
    "mute": "sources:mute_source",
    "note": "main:note",
    "notes": "main:notes",
    "play": "main:play",
    "posts": "sources:posts",
    "queue": "view:Saved",
    "refresh": "main:refresh_all",
    "remove": "sources:remove_source",
    "review": "main:review",
    # the rules dialog (m) lists the rules, tests a new one before it is saved, removes one
    "rule add": "main:rules",
    "rule list": "main:rules",
    "rule remove": "main:rules",
    "rule test": "main:rules",
    "save": "main:save",
    "search": "main:search",
    "share": "main:share",
    "shares": "view:Shared",
    "shares sync": "main:sync_shares",
    "sources": "main:sources",
    "story": "main#preview",  # a story's row says "3 versions"; its preview lists them
    "sync": "main:sync_now",
    "sync status": "main:sync_status",
    "tag": "main:tag",
    "unhide": "main:toggle_hidden",
    "unsave": "main:save",
    "unshare": "main:unshare",
}
"""Where each `pln` command is in the UI."""

NOT_IN_UI: dict[str, str] = {
    "ui": "it opens the UI itself",
    "completion": "prints a shell completion script: a thing for the shell, not the library",
    "demo": "starts a throwaway demo library and opens the UI on it",
    "restore": "replaces the database under the running library: done with the UI closed",
    "sync setup": "logs in with a password typed at a terminal prompt and rewrites settings.toml "
                  "(mode 600), which the UI reads only at start: set up, then open the UI",
    "sync off": "rewrites settings.toml (server and password forgotten), which the UI reads only "
                "at start; the pair of sync setup",
}
"""Commands with no place in the UI, each with the reason."""

SCREENS: dict[str, str] = {"reader": "open_reader", "notes": "notes", "sources": "sources",
                           "review": "review"}
"""How a user opens each screen from the main screen (the action of its key)."""


def cli_commands() -> list[str]:
    """Every command of `pln`, subcommands as "group sub"; a group counts when it runs alone."""
    found: list[str] = []

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in sorted(group.commands.items()):
            path = f"{prefix}{name}"
            if isinstance(command, click.Group):
                if command.invoke_without_command:
                    found.append(path)
                walk(command, f"{path} ")
            else:
                found.append(path)

    walk(cli, "")
    return found


def reachable(screen: object) -> set[str]:
    """The actions a user can run on ``screen``: its bindings with a description (footer, help
    and palette show those) and its palette entries."""
    actions = {row.action.split("(")[0] for row in bindings_of(screen)}  # type: ignore[arg-type]
    return actions | {entry.action for entry in palette_entries(screen)}  # type: ignore[arg-type]


def test_the_allowlist_and_the_places_name_real_commands() -> None:
    commands = set(cli_commands())
    stale = sorted((set(PLACES) | set(NOT_IN_UI)) - commands)
    assert not stale, f"PLACES or NOT_IN_UI name commands `pln` no longer has: {', '.join(stale)}"
    both = sorted(set(PLACES) & set(NOT_IN_UI))
    assert not both, f"in both PLACES and NOT_IN_UI: {', '.join(both)}"
    assert all(reason.strip() for reason in NOT_IN_UI.values())


def test_every_pln_command_has_a_place_in_the_ui(seeded: Seeded) -> None:
    missing = [c for c in cli_commands() if c not in PLACES and c not in NOT_IN_UI]
    assert not missing, "\n".join(
        f"`pln {c}` has no place in the UI: give it a key or a palette entry and map it in "
        f"PLACES (tests/ui/test_reachability.py), or say why not in NOT_IN_UI" for c in missing)
    problems: list[str] = []

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        assert ScreenActions in app.COMMANDS  # the palette offers the screens' PALETTE entries
        main = app.screen
        assert isinstance(main, MainScreen)
        offered: dict[str, set[str]] = {"main": reachable(main)}
        for name, opener in SCREENS.items():
            assert opener in offered["main"], f"the main screen has no key or palette entry for {opener}"
            await main.run_action(opener)
            await pilot.pause()
            opened = app.screen
            offered[name] = reachable(opened)
            for entry in palette_entries(opened):
                if not hasattr(opened, f"action_{entry.action}"):
                    problems.append(f"the {name} screen's palette offers {entry.action!r}, "
                                    "which it does not have")
            await opened.run_action("back")
            await pilot.pause()
            assert app.screen is main, f"back from the {name} screen did not return to the main screen"
        for action in {e.action for e in palette_entries(main)}:
            if not hasattr(main, f"action_{action}"):
                problems.append(f"the main screen's palette offers {action!r}, which it does not have")
        views = [v.name for v in main.query_one(ListsPane).views]
        for command, place in sorted(PLACES.items()):
            if place.startswith("view:"):
                if place[5:] not in views:
                    problems.append(f"`pln {command}`: the lists pane has no view {place[5:]!r}")
            elif place.startswith("main#"):
                if not main.query(place[4:]) or not main.query_one(place[4:]).display:
                    problems.append(f"`pln {command}`: the main screen shows no {place[4:]}")
            else:
                screen, action = place.split(":")
                if action not in offered.get(screen, set()):
                    problems.append(f"`pln {command}`: the {screen} screen has no key or palette "
                                    f"entry running {action!r} (PLACES says {place})")

    drive(seeded, scenario)
    assert not problems, "\n".join(problems)
