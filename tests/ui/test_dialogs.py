"""The modal dialogs driven with Pilot in an 80x24 terminal: typed results, validation, Escape."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea

from pln_reader.core.errors import DiscoveryError
from pln_reader.core.models import TopicList
from pln_reader.library.facade import AddResult
from pln_reader.ui.dialogs import (
    AddSourceDialog,
    ConfirmDialog,
    FailuresDialog,
    HighlightDialog,
    HighlightRequest,
    ListDialog,
    ListEdit,
    NoteDialog,
    ShareDialog,
    ShareRequest,
)
from tests.ui.dialog_host import NOT_DISMISSED, DialogHost

HOSTILE = "[@click=app.quit]x[/]"
Scenario = Callable[[DialogHost, Pilot], Awaitable[object]]


def run(dialog: Screen, scenario: Scenario) -> DialogHost:
    """Show ``dialog`` in the host app at 80x24 and play ``scenario`` against it."""

    async def main() -> DialogHost:
        app = DialogHost(dialog)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.screen is dialog
            await scenario(app, pilot)
            await pilot.pause()
        return app

    return asyncio.run(main())


def shown(app: DialogHost, selector: str) -> str:
    """The plain text a Static on the current screen renders."""
    return str(app.screen.query_one(selector, Static).render())


def error_text(app: DialogHost) -> str:
    """The dialog's inline error, or '' when it is hidden."""
    line = app.screen.query_one("#error", Static)
    return str(line.render()) if line.display else ""


def press(*keys: str) -> Scenario:
    """A scenario that only presses ``keys``."""

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await pilot.press(*keys)

    return scenario


def click(selector: str) -> Scenario:
    """A scenario that only clicks the widget matching ``selector``."""

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await pilot.click(selector)

    return scenario


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key into the focused widget."""
    await pilot.press(*text)


async def assert_still_open(app: DialogHost, pilot: Pilot, dialog: Screen) -> None:
    """The dialog is on screen, was not dismissed and the app did not quit."""
    await pilot.pause()
    assert app.screen is dialog
    assert app.result is NOT_DISMISSED
    assert app.return_code is None


async def click_hostile_text(app: DialogHost, pilot: Pilot, selector: str) -> None:
    """Click every cell of a widget showing untrusted text: no embedded action may run."""
    widget = app.screen.query_one(selector, Static)
    for x in range(len(HOSTILE) + 2):
        await pilot.click(widget, offset=(x, 0))
    await pilot.pause()


# ConfirmDialog


def test_confirm_y_and_enter_on_yes_give_true() -> None:
    for key in ("y", "enter"):
        app = run(ConfirmDialog("Delete the list?"), press(key))
        assert app.results == [True]


def test_confirm_n_escape_and_no_button_give_false() -> None:
    for keys in (["n"], ["escape"], ["tab", "enter"]):
        app = run(
            ConfirmDialog("Delete?", yes="Delete", no="Keep"),
            press(*keys),
        )
        assert app.results == [False]


def test_confirm_buttons_work_with_the_mouse() -> None:
    app = run(ConfirmDialog("Delete?"), click("#yes"))
    assert app.results == [True]
    app = run(ConfirmDialog("Delete?"), click("#no"))
    assert app.results == [False]


def test_confirm_shows_a_hostile_question_literally() -> None:
    dialog = ConfirmDialog(f"Unsubscribe from {HOSTILE} and [b]bold[/b]?", yes=HOSTILE)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        assert shown(app, "#question") == f"Unsubscribe from {HOSTILE} and [b]bold[/b]?"
        assert str(app.screen.query_one("#yes", Button).label) == HOSTILE
        await click_hostile_text(app, pilot, "#question")
        await assert_still_open(app, pilot, dialog)

    app = run(dialog, scenario)
    assert app.return_code is None


# AddSourceDialog


class FakeLibrary:
    """The boundary of the add dialog: ``add`` fails for URLs containing 'bad'."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def add(self, target: str, lists: list[str]) -> list[AddResult]:
        self.calls.append((target, lists))
        if "bad" in target:
            return [AddResult(target, error=f"no feed found at {target}: try the feed's own URL")]
        if "raise" in target:
            raise DiscoveryError(f"{target} [b]is not[/b] a site")
        return [AddResult(target, created=True)]


def test_add_source_shows_an_error_then_adds_with_the_chosen_lists() -> None:
    library = FakeLibrary()
    dialog = AddSourceDialog(["Teaching", "Python", HOSTILE], library.add, preselected="Python")

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        lists = app.screen.query_one("#lists", SelectionList)
        assert list(lists.selected) == ["Python"]
        assert str(lists.get_option_at_index(2).prompt) == HOSTILE
        await type_text(pilot, "https://bad.example.org/[b]")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_text(app) == (
            "no feed found at https://bad.example.org/[b]: try the feed's own URL"
        )
        await assert_still_open(app, pilot, dialog)
        assert app.focused is app.screen.query_one("#target", Input)
        await pilot.press("ctrl+u")  # clear the URL
        await type_text(pilot, "https://example.org/feed.xml")
        await pilot.press("tab", "space")  # tick "Teaching", the highlighted first list
        await pilot.press("tab")
        await type_text(pilot, "New list")
        await pilot.press("enter")
        await app.workers.wait_for_complete()

    app = run(dialog, scenario)
    assert library.calls == [
        ("https://bad.example.org/[b]", ["Python"]),
        ("https://example.org/feed.xml", ["Teaching", "Python", "New list"]),
    ]
    assert app.results == [[AddResult("https://example.org/feed.xml", created=True)]]


def test_add_source_shows_a_raised_pln_error_literally_and_stays_open() -> None:
    library = FakeLibrary()
    dialog = AddSourceDialog([], library.add)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "https://raise.example.org/")
        await pilot.click("#submit")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_text(app) == "https://raise.example.org/ [b]is not[/b] a site"
        await assert_still_open(app, pilot, dialog)

    run(dialog, scenario)
    assert library.calls == [("https://raise.example.org/", [])]


def test_add_source_empty_input_is_an_inline_error_without_calling_add() -> None:
    library = FakeLibrary()
    dialog = AddSourceDialog(["Teaching"], library.add)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "   ")
        await pilot.press("enter")
        assert error_text(app) == "enter a feed URL, a site URL or a file path"
        await assert_still_open(app, pilot, dialog)
        await pilot.press("escape")

    app = run(dialog, scenario)
    assert library.calls == []
    assert app.results == [None]


def test_add_source_shows_a_loading_state_while_add_runs() -> None:
    release = threading.Event()

    def slow_add(target: str, lists: list[str]) -> list[AddResult]:
        release.wait(5)
        return [AddResult(target, created=True)]

    dialog = AddSourceDialog(["Teaching"], slow_add)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "~/feeds/site.opml")
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#status") == "Looking for feeds at ~/feeds/site.opml…"
        assert app.screen.query_one("#submit", Button).disabled
        await pilot.press("enter")  # a second submit while busy is ignored
        release.set()
        await app.workers.wait_for_complete()

    app = run(dialog, scenario)
    assert app.results == [[AddResult("~/feeds/site.opml", created=True)]]


def test_add_source_escape_while_adding_closes_and_drops_the_late_result() -> None:
    release = threading.Event()

    def slow_add(target: str, lists: list[str]) -> list[AddResult]:
        release.wait(5)
        return [AddResult(target, error="too late to show")]

    dialog = AddSourceDialog([], slow_add)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "https://example.org/")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not dialog

    app = run(dialog, scenario)
    assert app.results == [None]


# ListDialog


def test_list_dialog_creates_a_list_from_keyboard_input() -> None:
    dialog = ListDialog(None, taken_names=["Python"])

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "  Teaching  ")
        await pilot.press("tab")
        await type_text(pilot, "Become a better teacher.")
        await pilot.press("tab", "enter", "down", "down", "enter")  # (none) -> personal
        assert app.screen.query_one("#context", Select).value == "personal"
        await pilot.press("tab")
        await type_text(pilot, "30")
        await pilot.press("enter")

    app = run(dialog, scenario)
    assert app.results == [ListEdit("Teaching", "Become a better teacher.", "personal", 30)]


def test_list_dialog_validation_errors_keep_it_open() -> None:
    dialog = ListDialog(None, taken_names=["Python", "Leadership"])

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await pilot.press("enter")
        assert error_text(app) == "a topic list needs a name"
        await type_text(pilot, "PYTHON")
        await pilot.press("enter")
        assert error_text(app) == "there is already a topic list called PYTHON"
        await pilot.press("ctrl+u")
        await type_text(pilot, "Rust")
        budget = app.screen.query_one("#budget", Input)
        for bad in ("abc", "-5", "1441", "2.5", "99999"):
            budget.focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, bad)
            await pilot.press("enter")
            assert error_text(app) == (  # the same words as the CLI's and the store's
                f"a budget is a whole number of minutes from 0 to 1440 a day, not {bad}"
            ), bad
            assert app.focused is budget
        await assert_still_open(app, pilot, dialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "0")
        await pilot.press("ctrl+s")

    app = run(dialog, scenario)
    assert app.results == [ListEdit("Rust", None, None, 0)]


def test_list_dialog_edits_a_list_keeping_its_own_name() -> None:
    existing = TopicList(id=3, name="Python", purpose="Keep up.", context="both", budget_minutes=15)
    dialog = ListDialog(existing, taken_names=["Python", "Leadership"])

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        assert app.screen.query_one("#name", Input).value == "Python"
        assert app.screen.query_one("#context", Select).value == "both"
        app.screen.query_one("#budget", Input).focus()
        await pilot.press("ctrl+u", "enter")  # a blank budget is no budget

    app = run(dialog, scenario)
    assert app.results == [ListEdit("Python", "Keep up.", "both", None)]


def test_list_dialog_escape_cancels() -> None:
    app = run(ListDialog(None), press("x", "escape"))
    assert app.results == [None]


# NoteDialog


def test_note_saves_stripped_multiline_text_with_ctrl_s() -> None:
    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await pilot.press("enter")
        await type_text(pilot, "  first line")
        await pilot.press("enter")
        await type_text(pilot, "second line  ")
        await pilot.press("ctrl+s")

    app = run(NoteDialog("A title", initial="Draft:"), scenario)
    assert app.results == ["Draft:\n  first line\nsecond line"]


def test_note_empty_is_an_inline_error_and_the_save_button_works() -> None:
    dialog = NoteDialog("A title")

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "   ")
        await pilot.press("ctrl+s")
        assert error_text(app) == "a note needs some text"
        await assert_still_open(app, pilot, dialog)
        await type_text(pilot, "worth rereading")
        await pilot.click("#submit")

    app = run(dialog, scenario)
    assert app.results == ["worth rereading"]


def test_note_escape_cancels_and_shows_a_hostile_title_literally() -> None:
    dialog = NoteDialog(HOSTILE)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        assert shown(app, "#subject") == HOSTILE
        await click_hostile_text(app, pilot, "#subject")
        await assert_still_open(app, pilot, dialog)
        await type_text(pilot, "q")
        await pilot.press("escape")  # typed text: asks first
        await pilot.press("y")

    app = run(dialog, scenario)
    assert app.results == [None]
    assert app.return_code is None


def test_note_escape_with_text_asks_before_throwing_it_away() -> None:
    dialog = NoteDialog("A link")

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "half a thought")
        await pilot.press("escape")
        await pilot.press("n")  # keep writing
        assert app.screen is dialog
        assert dialog.query_one(TextArea).text == "half a thought"

    app = run(dialog, scenario)
    assert app.results == []


# ShareDialog


def test_share_picks_a_channel_and_validates_the_post_url() -> None:
    dialog = ShareDialog("A title")

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        assert app.screen.query_one("#channel", Select).value == "mastodon"
        await pilot.press("enter", "down", "down", "down", "enter")  # mastodon -> twitter (X)
        await pilot.press("tab")
        await type_text(pilot, "Good read on feedback.")
        await pilot.press("tab")
        await type_text(pilot, "ftp://example.org/post")
        await pilot.press("enter")
        assert error_text(app) == "the post URL must be an http(s) URL, or blank"
        await assert_still_open(app, pilot, dialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "https://b.example/1")
        await pilot.press("enter")

    app = run(dialog, scenario)
    assert app.results == [ShareRequest("twitter", "Good read on feedback.", "https://b.example/1")]


def test_share_optional_fields_left_blank_give_none() -> None:
    app = run(ShareDialog("A title", default_channel="team"), press("ctrl+s"))
    assert app.results == [ShareRequest("team", None, None)]


def test_share_escape_cancels_and_shows_a_hostile_title_literally() -> None:
    dialog = ShareDialog(f"{HOSTILE} [b]bold[/b]")

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        assert shown(app, "#subject") == f"{HOSTILE} [b]bold[/b]"
        await click_hostile_text(app, pilot, "#subject")
        await assert_still_open(app, pilot, dialog)
        await pilot.press("escape")

    app = run(dialog, scenario)
    assert app.results == [None]


# HighlightDialog

ARTICLE = "Feedback works best when it is\n  specific, timely and kind.  Most of all, timely."


def test_highlight_accepts_a_passage_with_other_whitespace_and_case() -> None:
    dialog = HighlightDialog(ARTICLE, passage="IT IS specific,\ntimely")

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await type_text(pilot, "the core idea")  # focus starts on the comment
        await pilot.press("enter")

    app = run(dialog, scenario)
    assert app.results == [HighlightRequest("IT IS specific, timely", "the core idea")]


def test_highlight_rejects_a_passage_not_in_the_article() -> None:
    dialog = HighlightDialog(ARTICLE)

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        await pilot.press("ctrl+s")
        assert error_text(app) == "a highlight needs the passage it quotes"
        await type_text(pilot, "specific, timely and cruel")
        await pilot.press("ctrl+s")
        assert error_text(app) == "that passage is not in the article"
        await assert_still_open(app, pilot, dialog)
        await pilot.press("escape")

    app = run(dialog, scenario)
    assert app.results == [None]


# FailuresDialog


def test_failures_lists_sources_as_plain_text() -> None:
    dialog = FailuresDialog(
        [
            (HOSTILE, "HTTP 404 at [link=https://x.example]x[/link]"),
            ("Daily news", "timed out after 20 s"),
        ]
    )

    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        labels = [str(w.render()) for w in app.screen.query(".failure-label").results(Static)]
        reasons = [str(w.render()) for w in app.screen.query(".failure-reason").results(Static)]
        assert labels == [HOSTILE, "Daily news"]
        assert reasons == ["HTTP 404 at [link=https://x.example]x[/link]", "timed out after 20 s"]
        await click_hostile_text(app, pilot, ".failure-label")
        await assert_still_open(app, pilot, dialog)

    run(dialog, scenario)


def test_failures_close_with_escape_enter_or_q() -> None:
    for key in ("escape", "enter", "q"):
        app = run(FailuresDialog([("Daily news", "timed out")]), press(key))
        assert app.results == [None], key
        assert app.return_code is None


def test_failures_empty_says_so() -> None:
    async def scenario(app: DialogHost, pilot: Pilot) -> None:
        assert shown(app, ".dialog-empty") == "no failed sources"
        await pilot.click("#close")

    app = run(FailuresDialog([]), scenario)
    assert app.results == [None]
