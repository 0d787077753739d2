"""The links of the selected view: one row per link, loaded a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from ...core.models import Link
from ...core.rules import Rule, spotlight_spans
from ..text import age, cell

_JOIN = Text("")
MARK_WIDTH = 4
AGE_WIDTH = 4
"""``now``, ``12m``, ``3h``, ``2d``, ``5w``, ``3y``."""
TIME_WIDTH = 6
"""Reading time: ``6 min``; longer ones (``1 h 20 min``) end in an ellipsis, the preview says all.
A page with episodes or videos widens it (``listen 48 min``), up to :data:`TIME_WIDTH_MAX`."""
TIME_WIDTH_MAX = 17
NARROW = 50
"""Under this many columns the From column is left empty (the preview names the sources)."""
LOAD_MORE_WITHIN = 20
"""Ask for the next page when the cursor comes this close to the last loaded row."""


def markers(link: Link) -> Text:
    """Unread dot, saved star, note pencil, shared arrow (fixed positions, easy to scan)."""
    return Text.assemble(
        ("•" if not link.read else " ", "bold"),
        ("★" if link.saved else " ", "bold"),
        ("✎" if link.annotations else " ", ""),
        ("↗" if link.shares else " ", ""),
        no_wrap=True, end="",
    )


def origin(link: Link) -> str:
    if link.versions > 1:
        return f"{link.versions} versions"
    if link.shared_by > 1:
        return f"shared by {link.shared_by}"
    return link.sources[0] if link.sources else "saved by you"


class LinksTable(DataTable[Text]):
    """Displays links; posts :class:`LinkHighlighted`; calls :attr:`load_more` as the cursor
    nears the end of what is loaded."""

    class LinkHighlighted(Message):
        def __init__(self, link: Link | None) -> None:
            super().__init__()
            self.link = link

    ROW_HEIGHT = 1

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.links: list[Link] = []
        self.complete = True
        """Every link of the view is loaded (no further page to ask for)."""
        self._title_width = 0
        self._time_width = TIME_WIDTH
        self._now = datetime.now(UTC)
        self.spotlight: list[Rule] = []
        """Spotlight rules: their matches are marked in titles."""
        self.load_more: Callable[[], object] | None = None
        """Appends the next page (the screen's): called as the cursor comes within
        :data:`LOAD_MORE_WITHIN` rows of the end, at once, so the rows are in before the next
        frame (a message would let Textual draw the table once without them, then again)."""
        self._loading = False

    @property
    def current(self) -> Link | None:
        row = self.cursor_row
        return self.links[row] if self.links and 0 <= row < len(self.links) else None

    def _widths(self, width: int) -> tuple[int, int]:
        """(title, from) widths for a table ``width`` cells wide (padding and scrollbar left out)."""
        if width < NARROW:  # the preview names the sources: the title needs the room more
            return max(12, width - MARK_WIDTH - AGE_WIDTH - self._time_width - 2 * 5 - 2), 0
        from_width = 10 if width < 70 else 12 if width < 90 else 20
        title = width - MARK_WIDTH - from_width - AGE_WIDTH - self._time_width - 2 * 5 - 2
        return max(12, title), from_width

    def _columns(self) -> None:
        title, from_width = self._widths(self.size.width)
        self._title_width = title
        self.add_column("", width=MARK_WIDTH, key="marks")
        self.add_column("Title", width=title, key="title")
        self.add_column("From", width=from_width, key="from")
        self.add_column("Age", width=AGE_WIDTH, key="age")
        self.add_column("Time", width=self._time_width, key="time")

    @staticmethod
    def _time(link: Link) -> str:
        """``6 min`` to read, ``listen 48 min``, ``watch 12 min``: core.media.time_label."""
        return link.time_label

    def _fit(self, links: Sequence[Link]) -> bool:
        """Widen the time column for ``links`` if they need it; True when it changed."""
        wanted = max((len(self._time(k)) for k in links), default=0)
        wanted = min(TIME_WIDTH_MAX, max(self._time_width, wanted))
        if wanted == self._time_width:
            return False
        self._time_width = wanted
        return True

    def _row(self, link: Link) -> list[Text]:
        title_style = "" if link.read else "bold"
        title = cell(link.title or link.url, style=title_style)
        for start, end in spotlight_spans(title.plain, self.spotlight):
            title.stylize("reverse", start, end)
        return [markers(link), title,
                cell(origin(link), style="dim"), Text(age(link.published, self._now), style="dim", no_wrap=True),
                cell(self._time(link), style="dim")]

    def show(self, links: Sequence[Link], *, complete: bool, now: datetime | None = None) -> None:
        """Replace the rows (the cursor goes to the top)."""
        self._now = now or datetime.now(UTC)
        self._time_width = TIME_WIDTH
        self._fit(links)
        loading, self._loading = self._loading, True  # no next page while the rows are replaced
        try:
            self.clear(columns=True)
            self._columns()
            self.links = []
            self.append(links, complete=complete)
            if self.links:
                self.move_cursor(row=0)
        finally:
            self._loading = loading
        self.post_message(self.LinkHighlighted(self.current))

    def append(self, links: Sequence[Link], *, complete: bool) -> None:
        """Add the next page of rows."""
        if self.columns and self._fit(links):  # a page of episodes: lay the columns out again
            row, known = self.cursor_row, [*self.links, *links]
            self.show(known, complete=complete, now=self._now)
            self.move_cursor(row=row)
            return
        start = len(self.links)
        self.links.extend(links)
        self.complete = complete
        for offset, link in enumerate(links):
            self.add_row(*self._row(link), key=str(start + offset), height=self.ROW_HEIGHT)

    def replace_link(self, link: Link) -> None:
        """Redraw one link's row after its state changed."""
        for index, known in enumerate(self.links):
            if known.id == link.id:
                self.links[index] = link
                for column, value in zip(("marks", "title", "from", "age", "time"),
                                         self._row(link), strict=True):
                    self.update_cell(str(index), column, value)
                if index == self.cursor_row:
                    self.post_message(self.LinkHighlighted(link))
                return

    def insert_link(self, link: Link, row: int) -> None:
        """Put a link's row back at ``row`` (a hide undone); the cursor goes on it."""
        kept = [k for k in self.links if k.id != link.id]
        row = max(0, min(row, len(kept)))
        self.show([*kept[:row], link, *kept[row:]], complete=self.complete, now=self._now)
        self.move_cursor(row=row)

    def remove_link(self, link: Link) -> None:
        """Take a link's row out (hidden); the cursor stays on the row that follows."""
        row = self.cursor_row
        kept = [k for k in self.links if k.id != link.id]
        self.show(kept, complete=self.complete, now=self._now)
        if kept:
            self.move_cursor(row=min(row, len(kept) - 1))

    def select_url(self, url: str) -> bool:
        """Put the cursor on a link's row if it is loaded."""
        for index, known in enumerate(self.links):
            if known.url == url:
                self.move_cursor(row=index)
                return True
        return False

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if (self.load_more is not None and not self.complete and not self._loading
                and new.row >= len(self.links) - LOAD_MORE_WITHIN):
            self._loading = True
            try:
                self.load_more()
            finally:
                self._loading = False

    # -- drawing: DataTable's own, minus the work our cells do not need (textual is pinned) ----

    def _update_dimensions(self, new_rows) -> None:  # type: ignore[no-untyped-def]
        """DataTable measures every cell of every new row (Rich's measure) for the width of
        auto-width columns and the height of auto-height rows; ours have neither (fixed widths
        from :meth:`_columns`, heights given to ``add_row``, no labels), so only the virtual
        size is left to set: ~6 ms less on a list's first page."""
        if (any(c.auto_width for c in self.columns.values())
                or any(r.auto_height or r.label is not None for r in self.rows.values())):
            super()._update_dimensions(new_rows)
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """A body cell as DataTable draws it (``Styled(Padding(cell))`` through the console's
        render_lines, twice nested), made from the ``Text``'s own lines: the same segments
        (tests/ui/test_table_drawing.py) in a fraction of the time; the table's cells were
        most of a frame's drawing. Header and label cells, and anything but a no-wrap ``Text``
        without tabs, go to DataTable."""
        if row_index < 0 or column_index < 0 or row_index < self.fixed_rows \
                or column_index < self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        row = self.rows.get(row_key) if row_key is not None else None
        if row is None or row.auto_height:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (row_key, self._column_locations.get_key(column_index), base_style, cursor, hover,
               self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        cached = self._cell_render_cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        value = self._get_row_renderables(row_index)[1][column_index]
        if (not isinstance(value, Text) or not value.no_wrap or "\t" in value.plain
                or value.justify not in (None, "default")):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pre = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component
        pad = self.cell_padding
        inner = width - 2 * pad
        console = self.app.console
        overflow = value.overflow or self.app.console_options.overflow or "fold"
        # What Text renders with no_wrap (each line cut to the width, with an ellipsis where
        # its overflow says so), padded to the inner width and cut to the row's height, as
        # Padding has it; then what Styled does to every segment (pre + its own + post), and
        # Padding's edges.
        text_lines = []
        parts = value.split("\n", allow_blank=True) if "\n" in value.plain else [value.copy()]
        for part in parts[:row.height]:
            part.truncate(inner, overflow=overflow)
            if not part.spans and part.plain:  # one style: what the joined lines' rendering gives it
                segments = [Segment(part.plain, console.get_style(part.style))] if part.style \
                    else [Segment(part.plain)]
            else:  # as Text's rendering joins its lines: the style as a span under the rest
                segments = list((_JOIN.join([part]) if part.style else part).render(console, end=""))
            text_lines.append(Segment.adjust_line_length(segments, inner))
        text_lines += [[Segment(" " * inner)]] * (row.height - len(text_lines))
        edge = pre + post if post else pre
        lines = []
        for line in text_lines:
            out = [Segment(" " * pad, edge)] if pad else []
            for text, style, control in line:
                if control:
                    out.append(Segment(text, None, control))
                    continue
                combined = pre + style if style else pre
                out.append(Segment(text, combined + post if post else combined))
            if pad:
                out.append(Segment(" " * pad, edge))
            lines.append(out)
        self._cell_render_cache[key] = lines
        return lines

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.LinkHighlighted(self.current))

    def on_resize(self, event: events.Resize) -> None:
        wanted = self._widths(event.size.width)[0]
        if self.columns and wanted != self._title_width:
            row, links, complete = self.cursor_row, self.links, self.complete
            self.show(links, complete=complete, now=self._now)
            if links:
                self.move_cursor(row=min(row, len(links) - 1))
