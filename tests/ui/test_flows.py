"""Dialogs, the reader and search reached from the main screen, asserting on the library after."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Select, TextArea

from pln_reader.ui.app import PlnApp
from pln_reader.ui.screens.reader import ReaderScreen
from pln_reader.ui.screens.search import SearchScreen
from pln_reader.ui.widgets.links_table import LinksTable
from pln_reader.ui.widgets.search_results import SearchResults
from tests.ui.conftest import Seeded, drive, rss, settle


def current_url(app: PlnApp) -> str:
    return app.screen.query_one(LinksTable).current.url


def test_note_from_the_main_screen_is_stored(seeded: Seeded) -> None:
    note = "**Try** this with 9B.\n\n> \"quoted\" — ünïcode"

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = current_url(app)
        await pilot.press("n")
        app.screen.query_one(TextArea).insert(note)
        await pilot.press("ctrl+s")
        await pilot.pause()
        [stored] = seeded.library.annotations(url=url)
        assert stored.body == note.strip()

    drive(seeded, scenario)


def test_a_note_in_the_ui_reaches_the_vault_from_a_worker(seeded: Seeded, tmp_path: Path) -> None:
    import dataclasses

    from pln_reader.core.config import VaultSettings

    vault = tmp_path / "vault"
    seeded.library.settings = dataclasses.replace(seeded.library.settings,
                                                  vault=VaultSettings(dir=str(vault)))

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("n")
        app.screen.query_one(TextArea).insert("written in the terminal, kept in my vault")
        await pilot.press("ctrl+s")
        await settle(app, pilot)  # the file is written by a worker, off the key's path

    drive(seeded, scenario)
    [path] = vault.iterdir()
    assert "written in the terminal, kept in my vault" in path.read_text("utf-8")


def test_share_is_logged_and_shows_in_the_shared_view(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = current_url(app)
        await pilot.press("S")
        app.screen.query_one(Select).value = "team"
        app.screen.query_one(TextArea).insert("Worth a look before Monday's meeting")
        app.screen.query_one("#post-url", Input).value = "https://intranet.example.org/post/1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        [share] = seeded.library.shares()
        assert (share.link_url, share.channel, share.comment, share.post_url) == (
            url, "team", "Worth a look before Monday's meeting", "https://intranet.example.org/post/1")
        assert app.screen.query_one(LinksTable).links[0].shares == 1

    drive(seeded, scenario)


def test_add_source_dialog_adds_and_refreshes(seeded: Seeded) -> None:
    feed = seeded.server.serve("/new.xml", rss("New Voices", [
        ("A new voice on feedback", "https://new.example.org/feedback", "Fri, 20 Nov 2026 08:00:00 GMT")]))

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("a")
        app.screen.query_one("#target", Input).value = feed
        app.screen.query_one("#new-list", Input).value = "Feedback"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "A new voice on feedback" in [k.title for k in app.screen.query_one(LinksTable).links]

    drive(seeded, scenario)
    [source] = [s for s in seeded.library.sources() if s.url == feed]
    assert source.lists == ("Feedback",)


def test_add_source_dialog_says_what_it_repaired_in_an_opml_file(seeded: Seeded, tmp_path: Path) -> None:
    from tests.corpus_paths import CORPUS

    opml = tmp_path / "malformed.opml"
    opml.write_bytes((CORPUS / "opml" / "listparser__malformed__html-entity-attribute.xml").read_bytes())

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("a")
        app.screen.query_one("#target", Input).value = str(opml)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert any("repaired: line 11: HTML entity &aelig; replaced" in m for m in said), said

    drive(seeded, scenario)


def test_add_source_boxes_read_without_colour_and_the_current_list_is_named(seeded: Seeded) -> None:
    from pln_reader.ui.widgets.checklist import CheckList

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        app.screen.select_view("Care")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        lists = app.screen.query_one("#lists", CheckList)
        lines = [lists.render_line(y).text for y in range(2)]
        current = "Care"
        assert list(lists.selected) == [current]
        for line in lines:
            assert line.startswith("[x] " if current in line else "[ ] ")
        assert f"[x] {current}: the list you are in" in str(app.screen.query_one("#lists-hint").render())
        await pilot.press("escape")

    drive(seeded, scenario)


def test_add_source_dialog_shows_discovery_errors(seeded: Seeded) -> None:
    page = seeded.server.route("/plain", lambda h: h.send_plain(200, b"<html><body>no feeds</body></html>",
                                                                  content_type="text/html"))

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("a")
        dialog = app.screen
        dialog.query_one("#target", Input).value = page
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog  # still open, with the error
        assert page in str(dialog.query_one("#error").render())

    drive(seeded, scenario)
    assert len(seeded.library.sources()) == 3


def test_edit_list_and_create_list(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from tests.ui.test_main import choose

        await choose(app, pilot, "Care")
        await pilot.press("e")
        app.screen.query_one("#purpose", Input).value = "Reflective supervision ideas"
        app.screen.query_one("#budget", Input).value = "15"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("L")
        app.screen.query_one("#name", Input).value = "Leadership"
        app.screen.query_one("#context", Select).value = "professional"
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(seeded, scenario)
    care = seeded.library.get_list("Care")
    assert (care.purpose, care.budget_minutes) == ("Reflective supervision ideas", 15)
    assert seeded.library.get_list("Leadership").context == "professional"


def test_reader_shows_the_article_and_takes_notes_highlights_saves_and_shares(seeded: Seeded) -> None:
    url = seeded.article_url
    library = seeded.library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(url))
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        await settle(app, pilot)
        markdown = app.screen.query_one(Markdown)
        assert "conversation afterwards" in markdown.source
        await pilot.press("s")
        await pilot.press("h")
        app.screen.query_one("#passage", TextArea).text = "the conversation afterwards"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("n")
        app.screen.query_one(TextArea).insert("Share with the department")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("S")
        await pilot.press("ctrl+s")  # the default channel, no comment
        await pilot.pause()
        await pilot.press("q")
        assert not isinstance(app.screen, ReaderScreen)

    drive(seeded, scenario)
    link = library.get_link(url)
    assert link.saved and link.read
    kinds = sorted(a.kind for a in library.annotations(url=url))
    assert kinds == ["highlight", "note"]
    assert [s.channel for s in library.shares(url=url)] == ["mastodon"]
    opened = library.store.query("SELECT count(*) FROM link_events WHERE kind = 'opened'")[0][0]
    assert opened == 1
    # read in the reader: what a challenge's read_in_full counts (the browser is not)
    assert library.store.query("SELECT count(*) FROM activity_events WHERE kind = 'read_in_reader'"
                               )[0][0] == 1


def test_the_reader_marks_highlights_in_the_text_and_jumps_between_them(seeded: Seeded) -> None:
    from pln_reader.ui.widgets.marked_markdown import MARK_STYLE, MarkedMarkdown

    url = seeded.article_url
    library = seeded.library
    library.fetch_articles(urls=[url])
    library.add_highlight(url, "HELPED pupils   remember last week's work", comment="Try with 9B")
    library.add_highlight(url, "every class can start with five questions")
    library.add_note(url, "A note of my own")
    # A highlight of an earlier extraction whose passage this text no longer has:
    library.store.conn.execute("UPDATE annotations SET body = 'a passage gone since' WHERE id = 2")
    library.add_highlight(url, "five questions")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(url))
        await pilot.press("enter")
        await settle(app, pilot)
        text = app.screen.query_one("#reader-text", MarkedMarkdown)
        blocks = text.highlight_blocks()
        marked = ["".join(c.plain[s.start:s.end] for s in c.spans if s.style == MARK_STYLE)
                  for c in (b._content for b in blocks)]
        assert marked == ["helped pupils remember last week's work", "five questions"]
        assert "> ✎ Try with 9B" in text.source  # the comment under its passage
        notes = app.screen.query_one("#reader-notes", Markdown)
        assert "A note of my own" in notes.source and "a passage gone since" in notes.source
        assert "five questions" not in notes.source  # marked in the text, not repeated at the end
        assert "1 highlight not found in this text" in str(app.screen.query_one("#reader-notes-title").render())
        body = app.screen.query_one("#reader-body")
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.screen._at_highlight == 1 and body.scroll_y > 0
        low = body.scroll_y
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.screen._at_highlight == 0 and body.scroll_y < low
        await pilot.press("left_square_bracket")  # before the first: stays, and says so
        assert app.screen._at_highlight == 0

    drive(seeded, scenario)


def test_reader_says_why_there_is_no_text(seeded: Seeded) -> None:
    broken = seeded.server.url("/status/404")
    seeded.library.save(broken, fetch_new=False)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        from tests.ui.test_main import choose

        await choose(app, pilot, "Saved")
        await pilot.press("enter")
        await settle(app, pilot)
        status = str(app.screen.query_one("#reader-status").render())
        assert "404" in status and "open it in the browser" in status

    drive(seeded, scenario)


def test_search_opens_results_in_the_reader(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"supervision", "enter")
        results = app.screen.query_one("#results", SearchResults)
        assert [k.title for k in results.links] == ["Supervision that learns"]
        assert app.screen.focused is app.screen.query_one("#query", Input)  # Enter stays in the box
        await pilot.press("down", "enter")
        assert isinstance(app.screen, ReaderScreen)
        await settle(app, pilot)

    drive(seeded, scenario)


def test_search_help_says_a_common_word_is_ranked_among_its_newest_matches(seeded: Seeded) -> None:
    from textual.widgets import Static

    from pln_reader.store.search import RANKED_NEWEST
    from pln_reader.ui.screens.help import HelpScreen

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("slash", *"supervision", "enter", "down", "question_mark")  # in the results
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert f"ranked among its {RANKED_NEWEST:,} newest matches" in text
        assert "Keys: search" in text

    drive(seeded, scenario)


def test_search_makes_a_screenful_of_results_first_and_the_rest_as_the_cursor_nears_the_end(
        seeded: Seeded) -> None:
    from pln_reader.ui.screens.search import RESULTS, first_results

    items = [(f"Equity in practice, part {i}", f"https://equity.example.org/{i}",
              "Mon, 16 Nov 2026 08:00:00 GMT") for i in range(60)]
    feed = seeded.server.serve("/equity.xml", rss("Equity Weekly", items))
    seeded.library.add([feed], lists=["Care"])
    seeded.library.refresh(force=True)
    best = [h.link.url for h in seeded.library.search_hits("equity", limit=RESULTS)]

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        first = first_results(app.size.height)
        assert first == 12  # 80x24: about what the screen shows of two-line rows
        await pilot.press("slash", *"equity", "enter")
        results = app.screen.query_one("#results", SearchResults)
        status = app.screen.query_one("#search-status")
        assert [k.url for k in results.links] == best[:first]
        assert str(status.render()) == f"{first}+ results for equity: down for the results"
        await pilot.press("down", "ctrl+end")  # near the end: the rest, up to RESULTS
        await pilot.pause()
        assert [k.url for k in results.links] == best and len(best) == RESULTS
        assert results.complete and all(k.id in results.hits for k in results.links)
        assert str(status.render()) == f"{RESULTS} results for equity: down for the results"

    drive(seeded, scenario)


def test_a_second_search_typed_from_the_results_fires_no_command(seeded: Seeded) -> None:
    from pln_reader.ui.screens.main import MainScreen

    url = "https://care.example.org/supervision"
    seeded.library.add_note(url, "Equity of access to supervision matters")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        main = app.screen
        assert isinstance(main, MainScreen)
        await pilot.press("slash", *"lists", "enter")
        await pilot.press("down")  # into the results, where letters were commands
        results = app.screen.query_one("#results", SearchResults)
        box = app.screen.query_one("#query", Input)
        assert app.screen.focused is results
        box.value = ""
        await pilot.press(*"equity")
        assert app.is_running and isinstance(app.screen, SearchScreen)
        assert app.screen.focused is box and box.value == "equity"
        assert main.sort == "newest" and main.undo_stack == []  # t and u did nothing
        await pilot.press("enter")
        assert [k.url for k in results.links] == [url]
        hit = results.hits[results.links[0].id]
        assert hit.fields == ("note",) and ("Equity", True) in hit.snippet
        await pilot.press(*"zzzqqq")  # in the box: text, not Back then Quit
        assert app.is_running and box.value == "equityzzzqqq"
        await pilot.press("down")
        assert app.screen.focused is results
        await pilot.press("up")  # Up on the first result: back to the box
        assert app.screen.focused is box
        await pilot.press("down", "escape")  # Escape in the results: back to the box
        assert app.screen.focused is box and isinstance(app.screen, SearchScreen)
        await pilot.press("down", "slash")
        assert app.screen.focused is box
        await pilot.press("escape")  # Escape in the box closes search
        assert app.screen is main and app.is_running

    drive(seeded, scenario)


def test_refresh_runs_in_a_worker_and_failures_are_listed(seeded: Seeded) -> None:
    failing = seeded.server.url("/status/500")
    seeded.library.store.add_source("feed", failing, title="Broken Blog", now=seeded.clock())
    quiet = seeded.server.serve("/quiet.xml", rss("Quiet Blog", []))
    seeded.library.store.add_source("feed", quiet, title="Quiet Blog", now=seeded.clock())

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        seeded.server.update("/care.xml", rss("Practice Matters", [
            ("A brand new post", "https://care.example.org/new", "Fri, 20 Nov 2026 09:00:00 GMT")]))
        await pilot.press("R")
        await settle(app, pilot)
        status = str(app.screen.query_one("#status").render())
        assert "1 failed" in status and "1 new" in status
        assert "A brand new post" in [k.title for k in app.screen.query_one(LinksTable).links]
        await pilot.press("F")
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Broken Blog" in text and "500" in text
        assert "Quiet Blog" in text and "warning: no entries" in text  # read, but nothing in it

    drive(seeded, scenario)


def test_what_i_learned_shows_the_week_and_writes_it(seeded: Seeded) -> None:
    from pln_reader.ui.screens.learned import LearnedScreen

    seeded.library.add_note(seeded.shared_url, "Homework: quality over quantity")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("w")
        assert isinstance(app.screen, LearnedScreen)  # this week so far
        assert str(app.screen.query_one("#learned-status").render()).startswith(
            "2026-W47 so far (16–22 November 2026) · post · md")
        text = app.screen.query_one(Markdown).source
        assert "Homework: quality over quantity" in text and "Reading the evidence together" in text
        await pilot.press("left_square_bracket")
        assert "Homework" not in app.screen.query_one(Markdown).source
        await pilot.press("right_square_bracket", "e")
        await pilot.pause()
        await pilot.press("enter")  # the dialog offers exports/learned-2026-W47.md
        await pilot.pause()

    drive(seeded, scenario)
    [written] = (seeded.home / "exports").glob("learned-2026-W47.md")
    assert "Homework: quality over quantity" in written.read_text("utf-8")


def test_an_escape_in_a_list_name_never_reaches_the_terminal(seeded: Seeded) -> None:
    from pln_reader.ui.screens.learned import LearnedScreen

    seeded.library.create_list("Evil\x1b[2J\x1b]52;c;aGk=\x07 list")  # typed at the CLI

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("w", "s")  # the report names every list (the post names none)
        assert isinstance(app.screen, LearnedScreen)
        shown = app.screen.query_one(Markdown).source
        assert "Evil" in shown and "\x1b" not in shown and "\x07" not in shown
        assert "\x1b" in app.screen.markdown  # the export itself is exact (as written to a file)

    drive(seeded, scenario)


def test_the_weekly_list_in_a_style_and_format_to_a_chosen_file_and_the_clipboard(
        seeded: Seeded, tmp_path: Path) -> None:
    from pln_reader.ui.dialogs.path import PathDialog
    from pln_reader.ui.screens.learned import LearnedScreen

    seeded.library.add_note(seeded.shared_url, "Homework: **quality** over quantity")
    target = tmp_path / "blog" / "week.html"

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, LearnedScreen) and screen.kind == "post"
        post = screen.query_one(Markdown).source
        assert "Homework: **quality** over quantity" in post and "## Totals" not in post
        await pilot.press("s")
        assert screen.kind == "report" and "## Totals" in screen.query_one(Markdown).source
        await pilot.press("s", "f")
        assert (screen.kind, screen.fmt) == ("post", "html")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("c")
        await pilot.pause()
        page = app.clipboard
        assert page.startswith("<!DOCTYPE html>") and "<strong>quality</strong>" in page
        await pilot.press("e")  # the dialog now offers the last file chosen
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value == str(target)
        await pilot.press("escape")

    drive(seeded, scenario)
    html = target.read_text("utf-8")
    assert "<strong>quality</strong>" in html and 'class="post"' in html and "Totals" not in html


def test_back_from_the_reader_redraws_the_read_search_result(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("slash", *"supervision", "enter", "down", "enter")
        await settle(app, pilot)
        await pilot.press("q")
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#results", LinksTable).links[0].read
        await pilot.press("q")  # a letter in the results goes to the query box
        assert isinstance(app.screen, SearchScreen) and app.screen.query_one("#query", Input).value.endswith("q")
        await pilot.press("escape", "escape")
        assert app.is_running and not isinstance(app.screen, SearchScreen)

    drive(seeded, scenario)


def test_a_new_list_is_selected_and_future_weeks_are_refused(seeded: Seeded) -> None:
    from pln_reader.ui.screens.learned import LearnedScreen
    from pln_reader.ui.screens.main import MainScreen

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("L")
        app.screen.query_one("#name", Input).value = "Leadership"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.view.name == "Leadership"
        await pilot.press("w")
        assert isinstance(app.screen, LearnedScreen)
        assert app.screen.period.label == "2026-W47"  # this week (so far)
        await pilot.press("right_square_bracket")
        assert app.screen.period.label == "2026-W47"  # not the weeks after
        await pilot.press("left_square_bracket")
        assert app.screen.period.label == "2026-W46"
        status = str(app.screen.query_one("#learned-status").render())
        assert status.startswith("2026-W46 (9–15 November 2026) · post")

    drive(seeded, scenario)


def test_reader_keys_scroll_copy_open_and_fetch_again(seeded: Seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    url = seeded.article_url

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        table.move_cursor(row=[k.url for k in table.links].index(url))
        await pilot.press("l")
        await settle(app, pilot)
        await pilot.press("j", "k", "space")
        await pilot.press("c")
        assert app.clipboard == url
        await pilot.press("o")
        assert opened == [url]
        hits = seeded.server.hits["/retrieval"]
        await pilot.press("r")
        await settle(app, pilot)
        assert seeded.server.hits["/retrieval"] == hits + 1
        assert "conversation afterwards" in app.screen.query_one(Markdown).source

    drive(seeded, scenario)


def test_notes_are_rendered_from_markdown_in_the_preview_and_the_reader(seeded: Seeded) -> None:
    from pln_reader.ui.widgets.preview import notes_markdown

    seeded.library.add_note(seeded.article_url, "Try **two-question starters**\n\n- no marks")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        row = next(i for i, k in enumerate(table.links) if k.url == seeded.article_url)
        table.move_cursor(row=row)
        await pilot.pause()
        notes = app.screen.query_one("#preview-notes", Markdown)
        assert notes.display and notes.source == "Try **two-question starters**\n\n- no marks"
        assert notes.query("MarkdownBulletList")  # rendered, not shown as source
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)
        reader_notes = app.screen.query_one("#reader-notes", Markdown)
        assert reader_notes.display and "**two-question starters**" in reader_notes.source
        assert reader_notes.query("MarkdownBulletList")

    drive(seeded, scenario)
    # A highlighted passage is article text: it is quoted and escaped, so it stays text.
    from pln_reader.core.models import Annotation

    passage = Annotation(1, "u", None, "highlight", "**not bold** [x](javascript:1)", "my *view*",
                         seeded.clock(), seeded.clock())
    assert notes_markdown([passage]) == "> \\*\\*not bold\\*\\* \\[x\\](javascript:1)\n\nmy *view*"


def test_a_database_error_ends_the_app_with_one_line(seeded: Seeded, capfd: pytest.CaptureFixture[str]) -> None:
    import asyncio

    async def main() -> PlnApp:
        app = PlnApp(seeded.library, clock=seeded.clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.library.store.conn.close()  # the database goes away under the running UI
            app.screen.call_later(app.screen.run_action, "toggle_unread")  # U: the next query fails
            for _ in range(100):  # the app ends on its own
                if app.return_code is not None:
                    break
                await asyncio.sleep(0.05)
        return app

    app = asyncio.run(main())
    assert app.return_code == 1 and app._exception is None  # no traceback to re-raise
    err = "".join(capfd.readouterr().err.split())  # the terminal may wrap the line
    assert err.startswith("error:") and "pln.db:Cannotoperateonaclosed" in err
    assert "Traceback" not in err


def test_a_write_waiting_for_the_lock_waits_in_a_worker_not_the_ui(seeded: Seeded) -> None:
    import sqlite3

    from pln_reader.ui.screens.main import MainScreen

    other = sqlite3.connect(seeded.library.settings.db_path, isolation_level=None)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        await settle(app, pilot)
        other.execute("BEGIN IMMEDIATE")  # another process (a refresh) holds the write lock
        try:
            await pilot.press("down", "down")  # each highlight writes "seen": none may wait
            assert table.cursor_row == 2 and isinstance(app.screen, MainScreen)
            third = table.links[2].url
            seen = seeded.library.store.query(
                "SELECT count(*) FROM link_state st JOIN links k ON k.id = st.link_id"
                " WHERE k.url = ? AND st.seen_at IS NOT NULL", [third])[0][0]
            assert seen == 0  # not written yet: the writer thread waits for the lock
            assert app.writes_waiting >= 1
        finally:
            other.execute("COMMIT")
        await settle(app, pilot)
        seen = seeded.library.store.query(
            "SELECT count(*) FROM link_state st JOIN links k ON k.id = st.link_id"
            " WHERE k.url = ? AND st.seen_at IS NOT NULL", [third])[0][0]
        assert seen == 1

    drive(seeded, scenario)
    other.close()
