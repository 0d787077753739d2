"""Issue 21.3: every CLI action has a place in the UI. Each test drives the real app (Pilot) on
a real SQLite library and checks the library afterwards."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from pln_reader.ui.app import PlnApp
from pln_reader.ui.dialogs.choose import ChoiceDialog
from pln_reader.ui.dialogs.confirm import ConfirmDialog
from pln_reader.ui.screens.main import MainScreen
from pln_reader.ui.screens.notes import NotesScreen
from pln_reader.ui.screens.reader import ReaderScreen
from pln_reader.ui.screens.review import ReviewScreen
from pln_reader.ui.screens.sources import SourcesScreen
from pln_reader.ui.widgets.links_table import LinksTable
from pln_reader.ui.widgets.lists_pane import ListsPane
from tests.ui.conftest import Seeded, drive, settle


def current_url(app: PlnApp) -> str:
    link = app.screen.query_one(LinksTable).current
    assert link is not None
    return link.url


async def choose_view(app: PlnApp, pilot: Pilot, view: str) -> None:
    pane = app.screen.query_one(ListsPane)
    pane.highlighted = [v.name for v in pane._views].index(view)
    await pilot.pause()
    app.screen.query_one(LinksTable).focus()
    await pilot.pause()


async def palette(app: PlnApp, pilot: Pilot, words: str) -> None:
    """Open the command palette, type ``words`` and run the first command it offers."""
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*words)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause()


async def type_into(app: PlnApp, pilot: Pilot, selector: str, text: str) -> None:
    box = app.screen.query_one(selector, Input)
    box.value = text
    await pilot.pause()


def test_tag_adds_and_removes_tags(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = current_url(app)
        await pilot.press("T")
        await type_into(app, pilot, "#tags", "retrieval, #year9 retrieval")
        await pilot.press("enter")
        await pilot.pause()
        assert seeded.library.tags_of(url) == ("retrieval", "year9")
        await pilot.press("T")
        assert app.screen.query_one("#tags", Input).value == "retrieval year9"
        await type_into(app, pilot, "#tags", "year9")
        await pilot.press("enter")
        await pilot.pause()
        assert seeded.library.tags_of(url) == ("year9",)

    drive(seeded, scenario)


def test_archive_takes_a_saved_link_out_of_the_queue_and_u_undoes(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = current_url(app)
        await pilot.press("Z")  # not saved: nothing to archive
        assert not seeded.library.get_link(url).archived
        await pilot.press("s", "Z")
        link = seeded.library.get_link(url)
        assert link.archived and link.read and seeded.library.queue() == []
        await pilot.press("u")
        link = seeded.library.get_link(url)
        assert link.saved and not link.archived and not link.read
        assert [i.link.url for i in seeded.library.queue()] == [url]

    drive(seeded, scenario)


def test_saving_an_archived_link_puts_it_back_in_the_queue_and_u_archives_it_again(
        seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = current_url(app)
        await pilot.press("s", "Z")  # saved, then archived (read, out of the queue)
        await settle(app, pilot)
        assert seeded.library.get_link(url).archived
        await pilot.press("s")  # back in the queue
        await settle(app, pilot)
        link = seeded.library.get_link(url)
        assert link.saved and not link.archived
        await pilot.press("u")  # as it was: archived, still saved, not unsaved
        await settle(app, pilot)
        link = seeded.library.get_link(url)
        assert link.saved and link.archived and link.read
        assert seeded.library.queue() == []

    drive(seeded, scenario)


def test_delete_list_asks_first_and_keeps_the_sources(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await choose_view(app, pilot, "Care")
        await pilot.press("D")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert "Care" in [t.name for t in seeded.library.lists()]
        await pilot.press("D", "y")
        await pilot.pause()
        assert [t.name for t in seeded.library.lists()] == ["Teaching"]
        assert "Care" not in [v.name for v in app.screen.query_one(ListsPane).views]

    drive(seeded, scenario)
    assert len(seeded.library.sources()) == 3


def test_rename_a_list_in_its_edit_dialog(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await choose_view(app, pilot, "Care")
        await pilot.press("e")
        await type_into(app, pilot, "#name", "Social care")
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(seeded, scenario)
    assert sorted(t.name for t in seeded.library.lists()) == ["Social care", "Teaching"]
    assert [s.title for s in seeded.library.sources(list_name="Social care")] == ["Practice Matters"]


def test_sources_screen_moves_mutes_and_removes_with_undo(seeded: Seeded) -> None:
    library = seeded.library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await choose_view(app, pilot, "Teaching")
        await pilot.press("b")
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        assert [s.label for s in screen.items] == ["Classroom Notes", "School Leadership Weekly"]
        await pilot.press("m")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.query_one(OptionList).option_count == 1  # Care: the only other list
        await pilot.press("enter")
        await pilot.pause()
        assert library.find_source("Classroom Notes").lists == ("Care",)
        assert [s.label for s in screen.items] == ["School Leadership Weekly"]
        await pilot.press("u")
        assert library.find_source("Classroom Notes").lists == ("Teaching",)
        await pilot.press("z")
        assert library.find_source("Classroom Notes").active is False
        assert "muted" in str(screen.query_one(DataTable).get_row_at(0)[0])
        await pilot.press("u")
        assert library.find_source("Classroom Notes").active is True
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert len(library.sources()) == 3
        await pilot.press("d", "y")
        await pilot.pause()
        assert [s.label for s in library.sources(list_name="Teaching")] == ["School Leadership Weekly"]
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    drive(seeded, scenario)


def test_review_shows_funnels_and_flagged_sources_to_mute_or_remove(seeded: Seeded) -> None:
    library = seeded.library
    seeded.clock.advance(days=70)  # every feed has been quiet for over 60 days: idle

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        text = str(screen.query_one("#review-text", Static).render())
        assert "List review" in text and "Teaching" in text and "seen" in text
        assert [s.label for s in screen.flagged] == ["Classroom Notes", "Practice Matters",
                                                     "School Leadership Weekly"]
        assert "idle" in str(screen.query_one(DataTable).get_row_at(0)[0])
        await pilot.press("z")
        assert library.find_source("Classroom Notes").active is False
        assert "muted" in str(screen.query_one(DataTable).get_row_at(0)[0])  # still there, to unmute
        await pilot.press("j", "d", "y")
        await pilot.pause()
        assert [s.label for s in library.sources()] == ["Classroom Notes", "School Leadership Weekly"]
        await pilot.press("p")
        assert screen.days == 30
        assert screen.query_one("#review-map").display  # the practice map, under the review

    drive(seeded, scenario)


def test_notes_screen_filters_edits_deletes_and_opens_the_link(seeded: Seeded) -> None:
    library = seeded.library
    library.fetch_articles(urls=[seeded.article_url])
    first = library.add_note(seeded.article_url, "try with 9B")
    library.tag(seeded.article_url, ["retrieval"])
    library.add_highlight(seeded.article_url, "Low-stakes quizzes", comment="start here")
    library.add_note("https://care.example.org/lists", "lists, not feeds")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        assert len(screen.items) == 3
        await pilot.press("f")
        await type_into(app, pilot, "#tag", "retrieval")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [a.kind for a in screen.items] == ["highlight", "note"]
        await pilot.press("f")
        await type_into(app, pilot, "#since", "not a date")
        await pilot.press("ctrl+s")
        assert "not a date" in str(app.screen.query_one("#error", Static).render())
        await pilot.press("escape")
        await pilot.press("e")  # a highlight: its comment
        await type_into(app, pilot, "#comment", "the quiz format we kept")
        await pilot.press("enter")
        await pilot.pause()
        assert library.annotations(url=seeded.article_url)[0].comment == "the quiz format we kept"
        await pilot.press("j", "d", "y")
        await pilot.pause()
        assert first not in [a.id for a in library.annotations()]
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.link.url == seeded.article_url

    drive(seeded, scenario)


def test_export_opml_and_import_it_back_from_the_palette(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "out" / "lists.opml"

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "export opml")
        await type_into(app, pilot, "#path", str(out))
        await pilot.press("enter")
        await pilot.pause()
        assert out.read_bytes() == seeded.library.export_opml()
        seeded.library.delete_list("Care")
        await palette(app, pilot, "import a file")
        await type_into(app, pilot, "#path", str(out))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Care" in [v.name for v in app.screen.query_one(ListsPane).views]

    drive(seeded, scenario)
    assert sorted(t.name for t in seeded.library.lists()) == ["Care", "Teaching"]


def test_export_vault_from_the_palette_writes_the_folder(seeded: Seeded, tmp_path: Path) -> None:
    seeded.library.add_note(seeded.shared_url, "read with the department")
    vault = tmp_path / "my vault"

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "export vault")
        await type_into(app, pilot, "#path", str(vault))
        await pilot.press("enter")
        await settle(app, pilot)

    drive(seeded, scenario)
    [page] = vault.iterdir()
    assert "read with the department" in page.read_text("utf-8")


def test_backup_from_the_palette(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "back up")
        await settle(app, pilot)

    folder = seeded.library.settings.backup_dir
    before = set(folder.glob("pln-backup-*.db")) if folder.is_dir() else set()
    drive(seeded, scenario)
    [made] = set(folder.glob("pln-backup-*.db")) - before
    import sqlite3

    with sqlite3.connect(made) as copy:  # a whole database, with the library's links
        assert copy.execute("SELECT count(*) FROM links").fetchone()[0] == len(seeded.library.links())


def test_hidden_links_can_be_listed_and_shown_again(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = current_url(app)
        await pilot.press("x")
        assert url not in [k.url for k in app.screen.query_one(LinksTable).links]
        await palette(app, pilot, "show hidden")
        assert [k.url for k in app.screen.query_one(LinksTable).links] == [url]
        await pilot.press("x")
        assert not seeded.library.get_link(url).hidden
        await pilot.press("u")
        assert seeded.library.get_link(url).hidden

    drive(seeded, scenario)


def test_delete_a_logged_share_picks_one_and_asks(seeded: Seeded) -> None:
    from datetime import timedelta

    library = seeded.library
    library.share(seeded.shared_url, channel="mastodon", comment="worth a read",
                  at=seeded.clock() - timedelta(hours=2))
    library.share(seeded.shared_url, channel="email", at=seeded.clock() - timedelta(hours=1))

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.select_url(seeded.shared_url)
        await pilot.pause()
        await palette(app, pilot, "delete a logged share")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # the second: the older one, on mastodon
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()

    drive(seeded, scenario)
    assert [s.channel for s in library.shares()] == ["email"]


def test_sync_now_without_a_server_says_how_to_set_it_up(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "sync now")
        assert any("pln sync setup" in str(n.message) for n in app._notifications)
        await palette(app, pilot, "sync status")
        assert any("not set up" in str(n.message) for n in app._notifications)

    drive(seeded, scenario)


def test_new_keys_are_in_the_help_screen(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-text", Static).render())
        for words in ("Tag", "Archive", "Delete list", "Sources", "Notes and highlights", "Review"):
            assert words in text, words
        await pilot.press("escape", "b", "question_mark")
        text = str(app.screen.query_one("#help-text", Static).render())
        for words in ("Remove source", "Move to list", "Mute/unmute", "Undo"):
            assert words in text, words

    drive(seeded, scenario)


def test_the_palette_finds_the_keyed_actions_by_their_words(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await palette(app, pilot, "notes and high")
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("escape")
        await palette(app, pilot, "review")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await choose_view(app, pilot, "Care")
        await palette(app, pilot, "delete list")
        assert isinstance(app.screen, ConfirmDialog)

    drive(seeded, scenario)


def test_a_sources_posts_and_the_setup_checks_open_in_a_dialog(seeded: Seeded) -> None:
    from pln_reader.ui.dialogs.failures import FailuresDialog

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("b", "p")  # Classroom Notes, the first source
        dialog = app.screen
        assert isinstance(dialog, FailuresDialog)
        shown = " ".join(str(s.render()) for s in dialog.query(Static))
        assert "Latest posts of Classroom Notes" in shown
        assert "Retrieval practice in Year 9" in shown and seeded.article_url in shown
        assert "[@click=app.quit]x[/]" in shown  # the hostile title, as plain text
        await pilot.press("escape", "escape")
        await palette(app, pilot, "check the setup")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, FailuresDialog)
        shown = " ".join(str(s.render()) for s in dialog.query(Static))
        assert "Setup checks" in shown and "database" in shown

    drive(seeded, scenario)


def test_follow_a_mastodon_list_then_log_my_own_posts_as_shares(
        seeded: Seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from pln_reader.core.config import SocialSettings
    from tests.social_server import MASTODON_TOKEN, FakeMastodon

    with FakeMastodon() as mastodon:
        monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
        seeded.library.settings = dataclasses.replace(seeded.library.settings, social=SocialSettings(
            mastodon_account=f"{mastodon.base}/@reader", mastodon_token=MASTODON_TOKEN,
            lookback_days=3650))

        async def scenario(app: PlnApp, pilot: Pilot) -> None:
            await choose_view(app, pilot, "Teaching")
            await palette(app, pilot, "follow one of my mastodon")
            await settle(app, pilot)
            dialog = app.screen
            assert isinstance(dialog, ChoiceDialog)
            assert dialog.query_one(OptionList).option_count == 2
            await pilot.press("enter")  # the first: Learning sciences
            await settle(app, pilot)
            await palette(app, pilot, "log my own posts")
            await settle(app, pilot)

        drive(seeded, scenario)
        sources = seeded.library.sources(list_name="Teaching")
        assert f"{mastodon.base}/lists/42" in [s.url for s in sources]
        assert {s.origin for s in seeded.library.shares()} == {"mastodon"}
        assert MASTODON_TOKEN not in " ".join(s.url for s in sources)


def test_hostile_titles_and_notes_stay_text_in_the_notes_screen(seeded: Seeded) -> None:
    from tests.ui.conftest import ESCAPES, HOSTILE

    seeded.library.add_note("https://classroom.example.org/hostile", f"{HOSTILE} and {ESCAPES}")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        row = [str(c) for c in screen.query_one(DataTable).get_row_at(0)]
        assert row[2] == HOSTILE  # the link's title, literally
        detail = str(screen.query_one("#notes-detail", Static).render())
        assert HOSTILE in detail and "\x1b" not in detail and "\x07" not in detail
        await pilot.click("#notes-detail")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, NotesScreen)

    drive(seeded, scenario)
