"""The main screen driven by Pilot: every triage key, undo, filters, and the state it leaves."""

from __future__ import annotations

from textual.pilot import Pilot

from pln_reader.ui.app import PlnApp
from pln_reader.ui.screens.main import MainScreen
from pln_reader.ui.widgets.links_table import LinksTable
from pln_reader.ui.widgets.lists_pane import ListsPane
from tests.ui.conftest import Seeded, drive, settle


def main_of(app: PlnApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def titles(app: PlnApp) -> list[str]:
    return [k.title or k.url for k in app.screen.query_one(LinksTable).links]


async def choose(app: PlnApp, pilot: Pilot, view: str) -> None:
    """Highlight a view in the lists pane, then go back to the links."""
    pane = app.screen.query_one(ListsPane)
    pane.highlighted = [v.name for v in pane._views].index(view)
    await pilot.pause()
    app.screen.query_one(LinksTable).focus()
    await pilot.pause()


def test_opens_with_fixed_views_and_lists_and_newest_links_first(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        pane = app.screen.query_one(ListsPane)
        assert [v.name for v in pane._views] == ["All", "Saved", "Shared", "Teaching", "Care"]
        assert [v.count for v in pane._views] == [7, 0, 0, 5, 2]
        assert titles(app)[:2] == ["Protecting teacher time", "Supervision that learns"]
        await choose(app, pilot, "Teaching")
        assert len(titles(app)) == 5
        assert main_of(app).view.name == "Teaching"

    drive(seeded, scenario)


def test_space_marks_read_and_moves_on_and_u_undoes(seeded: Seeded) -> None:
    library = seeded.library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        first = table.current
        await pilot.press("space")
        assert library.get_link(first.url).read
        assert table.cursor_row == 1
        await pilot.press("u")
        assert not library.get_link(first.url).read

    drive(seeded, scenario)
    read_events = library.store.query("SELECT count(*) FROM link_events WHERE kind = 'read'")[0][0]
    assert read_events == 0  # the undone read is not counted by the review


def test_save_hide_and_several_levels_of_undo(seeded: Seeded) -> None:
    library = seeded.library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        first, second = table.links[0], table.links[1]
        await pilot.press("s")
        assert library.get_link(first.url).saved
        await pilot.press("space")  # read, on to the second
        await pilot.press("x")
        assert library.get_link(second.url).hidden
        assert library.get_link(first.url).read
        await pilot.press("u")
        assert not library.get_link(second.url).hidden
        await pilot.press("u")
        assert not library.get_link(first.url).read
        await pilot.press("u")
        assert not library.get_link(first.url).saved
        await pilot.press("u")  # nothing left: says so, changes nothing
        assert not library.get_link(first.url).saved

    drive(seeded, scenario)


def test_saved_view_shows_the_queue(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("j", "s")
        saved_title = titles(app)[1]
        await choose(app, pilot, "Saved")
        assert titles(app) == [saved_title]
        pane = app.screen.query_one(ListsPane)
        assert pane._views[1].count == 1

    drive(seeded, scenario)


def test_mark_all_read_asks_keeps_saved_and_respects_the_filter(seeded: Seeded) -> None:
    library = seeded.library

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await choose(app, pilot, "Teaching")
        await pilot.press("f")
        await pilot.press(*"evidence", "enter")
        assert titles(app) == ["Reading the evidence together"]
        await pilot.press("M")
        await pilot.press("n")  # refused: nothing changes
        assert not library.get_link(seeded.shared_url).read
        await pilot.press("M")
        await pilot.press("y")
        await pilot.pause()
        assert library.get_link(seeded.shared_url).read
        assert not library.get_link(seeded.article_url).read  # outside the filter
        await pilot.press("escape")  # clears the filter
        assert len(titles(app)) == 5
        await pilot.press("s")  # save the first, then mark everything read
        first = app.screen.query_one(LinksTable).links[0]
        await pilot.press("M", "y")
        await pilot.pause()
        assert not library.get_link(first.url).read  # saved links stay unread
        assert library.get_link(seeded.article_url).read or first.url == seeded.article_url
        await pilot.press("u")
        await pilot.pause()
        assert not library.get_link(seeded.article_url).read

    drive(seeded, scenario)


def test_unread_only_toggle(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("space", "space")
        await pilot.press("U")
        assert len(titles(app)) == 5
        await pilot.press("U")
        assert len(titles(app)) == 7

    drive(seeded, scenario)


def test_shared_by_two_sources_is_one_row(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        rows = [k for k in table.links if k.url == seeded.shared_url]
        assert len(rows) == 1 and rows[0].shared_by == 2
        index = table.links.index(rows[0])
        assert str(table.get_cell_at((index, 2))) == "shared by 2"

    drive(seeded, scenario)


def test_copy_and_open_in_browser(seeded: Seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    # The system browser is outside the program: record what would be opened.
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        url = app.screen.query_one(LinksTable).current.url
        await pilot.press("c")
        assert app.clipboard == url
        await pilot.press("o")
        assert opened == [url]

    drive(seeded, scenario)
    kinds = seeded.library.store.query("SELECT kind FROM link_events WHERE kind = 'opened'")
    assert len(kinds) == 1


def test_cursor_keys_mark_links_seen(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("j", "j", "k")

    drive(seeded, scenario)
    seen = seeded.library.store.query("SELECT count(*) FROM link_events WHERE kind = 'seen'")[0][0]
    assert seen == 3


def test_sort_by_most_shared(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("t")
        assert app.screen.query_one(LinksTable).links[0].url == seeded.shared_url
        assert "most shared first" in str(app.screen.query_one("#status").render())
        await pilot.press("t")
        assert titles(app)[0] == "Protecting teacher time"

    drive(seeded, scenario)


def test_l_opens_the_reader_tab_moves_between_panes_and_r_refreshes_the_list(seeded: Seeded) -> None:
    from pln_reader.ui.screens.reader import ReaderScreen
    from pln_reader.ui.widgets.preview import Preview
    from tests.ui.conftest import rss, settle

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await choose(app, pilot, "Care")
        await pilot.press("tab")
        assert isinstance(app.focused, Preview)
        await pilot.press("tab")
        assert isinstance(app.focused, ListsPane)
        await pilot.press("enter")  # Enter on a list: go skim its links
        assert isinstance(app.focused, LinksTable)
        await pilot.press("l")
        assert isinstance(app.screen, ReaderScreen)
        await settle(app, pilot)
        await pilot.press("escape")
        seeded.server.update("/care.xml", rss("Practice Matters", [
            ("Only in Care", "https://care.example.org/only", "Fri, 20 Nov 2026 09:30:00 GMT")]))
        await pilot.press("r")
        await settle(app, pilot)
        assert "Only in Care" in titles(app)
        status = str(app.screen.query_one("#status").render())
        assert status.startswith("refreshed 1 source:")  # only the list's own source

    drive(seeded, scenario)


def test_hide_takes_the_row_out_and_undo_puts_it_back_under_the_cursor(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("j")
        hidden = app.screen.query_one(LinksTable).current
        await pilot.press("x")
        assert hidden.title not in titles(app) and len(titles(app)) == 6
        await pilot.press("u")
        assert app.screen.query_one(LinksTable).current.url == hidden.url
        assert len(titles(app)) == 7

    drive(seeded, scenario)


def test_refresh_keeps_the_cursor_on_its_link(seeded: Seeded) -> None:
    from tests.ui.conftest import settle

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("j", "j", "j")
        before = app.screen.query_one(LinksTable).current.url
        await pilot.press("R")
        await settle(app, pilot)
        assert app.screen.query_one(LinksTable).current.url == before

    drive(seeded, scenario)


def test_a_browser_that_does_not_open_counts_nothing(seeded: Seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: False)  # a machine with no browser

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("o")

    drive(seeded, scenario)
    opened = seeded.library.store.query("SELECT count(*) FROM link_events WHERE kind = 'opened'")
    assert opened[0][0] == 0


def test_mark_all_read_in_the_saved_view_says_there_is_nothing_to_do(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("s")
        await choose(app, pilot, "Saved")
        await pilot.press("M")
        assert isinstance(app.screen, MainScreen)  # no question asked

    drive(seeded, scenario)


def test_mark_all_read_is_a_dismissal_not_reading(seeded: Seeded) -> None:
    library = seeded.library
    library.mark_read(seeded.article_url)
    marked = library.mark_list_read("Teaching")
    assert len(marked) == 4 and not library.links(list_name="Teaching", unread=True)
    reads = library.store.query("SELECT count(*) FROM link_events WHERE kind = 'read'")[0][0]
    assert reads == 1  # only the link read on its own


def test_a_refresh_that_changed_nothing_says_nothing_new(seeded: Seeded) -> None:
    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("r")  # the feeds have not changed since the seeded refresh
        await settle(app, pilot)
        status = str(app.screen.query_one("#status").render())
        assert status == "refreshed 3 sources: nothing new"

    drive(seeded, scenario)


def test_a_long_list_loads_a_screenful_at_a_time_as_the_cursor_nears_the_end(seeded: Seeded) -> None:
    from datetime import timedelta

    from pln_reader.ui.screens.main import page_size
    from tests.ui.conftest import NOW, rss

    start = NOW - timedelta(days=30)
    items = [(f"Long read {i:03d}", f"https://long.example.org/{i}",
              (start + timedelta(hours=i)).strftime("%a, %d %b %Y %H:%M:%S GMT")) for i in range(130)]
    feed = seeded.server.serve("/long.xml", rss("Long Reads", items))
    seeded.library.create_list("Long")
    seeded.library.add([feed], lists=["Long"])
    seeded.library.refresh(force=True)
    newest_first = [t for t, _, _ in reversed(items)]

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        page = page_size(app.size.height)
        assert page == 50  # 80x24: the table shows a dozen rows; a page is two screens' worth
        await choose(app, pilot, "Long")
        table = app.screen.query_one(LinksTable)
        assert titles(app) == newest_first[:page]
        assert str(app.screen.query_one("#status").render()).count(f"{page}+ links") == 1
        await pilot.press("ctrl+end")  # the last loaded row: the next page comes
        await pilot.pause()
        assert titles(app) == newest_first[:2 * page]
        assert table.cursor_row == page - 1  # the cursor stays where it was
        await pilot.press("ctrl+end")
        await pilot.pause()
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert titles(app) == newest_first and table.complete
        assert "130 links" in str(app.screen.query_one("#status").render())

    drive(seeded, scenario)


def test_a_list_switch_shows_its_links_at_once_and_never_the_last_lists_preview(seeded: Seeded) -> None:
    from textual.widgets import Static

    from pln_reader.ui.widgets.preview import Preview

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await choose(app, pilot, "Teaching")
        table, preview = app.screen.query_one(LinksTable), app.screen.query_one(Preview)
        teaching = table.current
        assert teaching is not None and preview.shown == teaching.id
        pane = app.screen.query_one(ListsPane)
        pane.highlighted = [v.name for v in pane._views].index("Care")  # no message waited for
        care = table.current
        assert care is not None and care.id != teaching.id and main_of(app).view.name == "Care"
        assert all(k.id != teaching.id for k in table.links)  # the rows are in before any frame
        assert preview.shown is None  # not Teaching's link while Care's is gathered
        body = str(preview.query_one("#preview-body", Static).render())
        assert (teaching.title or "") not in body
        await pilot.pause()
        assert preview.shown == care.id
        assert (care.title or "") in str(preview.query_one("#preview-body", Static).render())

    drive(seeded, scenario)
