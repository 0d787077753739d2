"""The weekly "what I learned" list on screen: read it, step through weeks, write it to a file."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from ...core.errors import PlnError
from ...core.files import write_atomically
from ...core.periods import Period, last_full_week, local_zone, period_for_week
from ...core.text import clean_text
from ..text import plain
from .link_actions import open_in_browser

if TYPE_CHECKING:
    from ..app import PlnApp


class LearnedScreen(Screen[None]):
    """The Markdown export of one ISO week (default: the last full week), as it will be pasted."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="learned_back"),
        Binding("left_square_bracket", "week(-1)", "Week before", id="learned_previous"),
        Binding("right_square_bracket", "week(1)", "Week after", id="learned_next"),
        Binding("e", "export", "Write file", id="learned_export"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="learned_down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="learned_up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.zone = local_zone()
        self.period: Period | None = None
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="learned-status")
        with VerticalScroll(id="learned-body"):
            yield Markdown("", id="learned-text", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.period = last_full_week(self.app.clock(), self.zone)
        self.show_week()

    def show_week(self) -> None:
        assert self.period is not None
        library = self.app.library
        self.markdown = library.render_report(library.weekly_report(self.period), "md").decode("utf-8")
        # The file gets the export as it is; the screen gets no escape sequence (a list name
        # typed with an ESC in it would reach the terminal through the Markdown widget).
        self.query_one("#learned-text", Markdown).update(clean_text(self.markdown, multiline=True) or "")
        self.query_one("#learned-status", Static).update(plain(
            f"{self.period.label} ({self.period.dates}) · [ and ] change the week · e writes it to a file"))
        self.query_one("#learned-body", VerticalScroll).scroll_home(animate=False)

    def action_week(self, step: int) -> None:
        assert self.period is not None and self.period.first_day is not None
        monday = self.period.first_day + timedelta(weeks=step)
        latest = last_full_week(self.app.clock(), self.zone)
        if latest.first_day is not None and monday > latest.first_day + timedelta(weeks=1):
            self.notify("that week has not started yet")
            return
        year, number, _ = monday.isocalendar()
        self.period = period_for_week(f"{year}-W{number:02d}", self.zone)
        self.show_week()

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#learned-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_export(self) -> None:
        assert self.period is not None
        folder = self.app.library.settings.home / "exports"
        path = folder / f"learned-{self.period.label}.md"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(path, self.markdown.encode("utf-8"))
        except (OSError, PlnError) as exc:
            message = str(exc) if isinstance(exc, PlnError) else f"cannot write {path}: {exc.strerror or exc}"
            self.notify(message, severity="error", markup=False)
            return
        self.notify(f"wrote {path}", markup=False)

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        open_in_browser(self, event.href)

    def action_back(self) -> None:
        self.dismiss(None)
