"""The rules dialog (m on the main screen): test before saving, save, remove; spotlight marks."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Select, Static

from pln_reader.ui.app import PlnApp
from pln_reader.ui.dialogs.rules import RulesDialog
from pln_reader.ui.widgets.links_table import LinksTable
from tests.ui.conftest import Seeded, drive


def titles(app: PlnApp) -> list[str]:
    return [k.title or k.url for k in app.screen.query_one(LinksTable).links]


def test_a_rule_is_tested_then_saved_and_removed_from_the_dialog(seeded: Seeded) -> None:
    library = seeded.library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        assert "Reading the evidence together" in titles(app)
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RulesDialog)
        assert dialog.query_one("#submit", Button).disabled
        await pilot.press(*"evidence")
        await pilot.press("enter")  # the first Enter tests
        await pilot.pause()
        preview = str(dialog.query_one("#preview", Static).render())
        assert "Of 7 links first seen in the last 30 days" in preview
        assert "it would hide 1, keep 6." in preview and "hide: Reading the evidence together" in preview
        assert library.rules() == []  # only tested
        assert not dialog.query_one("#submit", Button).disabled
        await pilot.press("enter")  # the second saves
        await pilot.pause()
        [rule] = library.rules()
        assert (rule.action, rule.kind, rule.pattern) == ("mute", "word", "evidence")
        # a bad regular expression: refused, with the error, nothing saved
        dialog.query_one("#kind", Select).value = "regex"
        dialog.query_one("#pattern", Input).value = "(oops"
        await pilot.pause()
        assert dialog.query_one("#submit", Button).disabled  # changed since the test
        await pilot.press("enter")
        await pilot.pause()
        error = str(dialog.query_one("#error", Static).render())
        assert "bad regular expression '(oops'" in error
        assert len(library.rules()) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert "Reading the evidence together" not in titles(app)
        # remove it: the link comes back
        await pilot.press("m")
        await pilot.pause()
        box = app.screen.query_one("#rules", OptionList)
        box.focus()
        box.highlighted = 0
        await pilot.press("delete")
        await pilot.press("escape")
        await pilot.pause()
        assert library.rules() == []
        assert "Reading the evidence together" in titles(app)

    drive(seeded, scenario, size=(100, 40))


def test_spotlight_words_are_marked_in_titles(seeded: Seeded) -> None:
    seeded.library.add_rule("spotlight", "word", "teacher")

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        row = next(i for i, k in enumerate(table.links) if k.title == "Protecting teacher time")
        cell = table.get_row_at(row)[1]
        marked = [cell.plain[s.start:s.end] for s in cell.spans if "reverse" in str(s.style)]
        assert marked == ["teacher"]

    drive(seeded, scenario)


def test_the_rules_key_is_in_the_help(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Rules (mute, keep)" in text

    drive(seeded, scenario, size=(100, 60))


def test_a_story_is_one_row_and_its_preview_lists_the_versions(seeded: Seeded) -> None:
    from pln_reader.ui.widgets.preview import Preview
    from tests.ui.conftest import rss

    title = "School phones banned across three regions"
    a = seeded.server.serve("/paper-a.xml", rss("Paper A", [(title, "https://a.example/phones",
                                                             "Thu, 19 Nov 2026 09:00:00 GMT")]))
    b = seeded.server.serve("/paper-b.xml", rss("Paper B", [(title + "!", "https://b.example/phones",
                                                             "Thu, 19 Nov 2026 10:00:00 GMT")]))
    seeded.library.add([a, b])

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        rows = [k for k in table.links if k.title and k.title.startswith(title)]
        assert len(rows) == 1 and rows[0].versions == 2
        row = table.links.index(rows[0])
        assert table.get_row_at(row)[2].plain == "2 versions"
        table.move_cursor(row=row)
        await pilot.pause()
        body = str(app.screen.query_one(Preview).query_one("#preview-body", Static).render())
        assert "2 versions of this story" in body
        assert "Paper A: " + title in body and "Paper B: " + title + "!" in body
        await pilot.press("space")  # read, and so is the other version
        await pilot.pause()
        assert all(k.read for k in seeded.library.story_versions("https://a.example/phones"))

    drive(seeded, scenario, size=(120, 50))
