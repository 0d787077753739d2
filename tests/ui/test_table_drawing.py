"""LinksTable draws its cells and sizes itself with less work than DataTable (issue 21.7):
the same segments and the same virtual size as DataTable's own methods give, checked cell by
cell on the real app (the main table, search results' two-line rows, cursor and hover)."""

from __future__ import annotations

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable

from pln_reader.ui.app import PlnApp
from pln_reader.ui.widgets.links_table import LinksTable
from pln_reader.ui.widgets.search_results import SearchResults
from tests.ui.conftest import Seeded, drive


def _same_as_datatable(table: LinksTable) -> int:
    """Every body cell, as LinksTable and as DataTable render it, under every cursor/hover
    state; returns how many cells were compared."""
    compared = 0
    styles = [table.rich_style, table.get_component_rich_style("datatable--even-row")]
    for row in range(table.row_count):
        for column, spec in enumerate(table.ordered_columns):
            width = spec.get_render_width(table)
            for base in styles:
                for cursor, hover in ((False, False), (True, False), (False, True), (True, True)):
                    table._cell_render_cache.clear()
                    ours = table._render_cell(row, column, base, width, cursor, hover)
                    table._cell_render_cache.clear()
                    theirs = DataTable._render_cell(table, row, column, base, width, cursor, hover)
                    assert ours == theirs, (row, column, cursor, hover)
                    compared += 1
    return compared


def _virtual_size_as_datatable(table: LinksTable) -> None:
    ours = table.virtual_size
    DataTable._update_dimensions(table, list(table.rows))
    assert table.virtual_size == ours


COLOUR = [pytest.param(False, id="colour"), pytest.param(True, id="no_color")]


def _colour(monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    if no_color:  # the cursor is reverse video then (app.tcss)
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.parametrize("no_color", COLOUR)
def test_main_table_cells_are_drawn_as_datatable_draws_them(
        seeded: Seeded, monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    _colour(monkeypatch, no_color)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        table = app.screen.query_one(LinksTable)
        assert table.row_count >= 3
        table.hover_coordinate = Coordinate(1, 1)
        assert _same_as_datatable(table) >= table.row_count * 5 * 8
        _virtual_size_as_datatable(table)

    drive(seeded, scenario)


@pytest.mark.parametrize("no_color", COLOUR)
def test_search_results_two_line_cells_are_drawn_as_datatable_draws_them(
        seeded: Seeded, monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    _colour(monkeypatch, no_color)
    seeded.library.add_note("https://care.example.org/supervision",
                            "Equity of access to supervision matters, and a long note " * 4)

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.press("slash", *"supervision", "enter")
        results = app.screen.query_one("#results", SearchResults)
        assert results.row_count >= 1 and results.ROW_HEIGHT == 2
        assert _same_as_datatable(results) >= results.row_count * 5 * 8
        _virtual_size_as_datatable(results)

    drive(seeded, scenario, size=(120, 36))
