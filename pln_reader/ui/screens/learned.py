"""The weekly "what I learned" list on screen: read it, change the week, the style and the
format, write it to a file of your choice or copy it to the clipboard, ready to paste."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from ...core.errors import PlnError
from ...core.periods import Period, local_zone, period_for_week, this_week
from ...core.text import clean_text
from ..text import plain
from .link_actions import open_in_browser

if TYPE_CHECKING:
    from ..app import PlnApp

STYLES = ("post", "report")
FORMATS = ("md", "html", "atom")
"""What the screen writes and copies (JSON is for scripts: `pln learned --format json`)."""


class LearnedScreen(Screen[None]):
    """The weekly list of one ISO week (default: this week so far), shown as it will be pasted."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="learned_back"),
        Binding("left_square_bracket", "week(-1)", "Week before", id="learned_previous"),
        Binding("right_square_bracket", "week(1)", "Week after", id="learned_next"),
        Binding("s", "style", "Post/report", id="learned_style"),
        Binding("f", "format", "Format", id="learned_format"),
        Binding("e", "export", "Write file", id="learned_export"),
        Binding("c", "copy", "Copy", id="learned_copy"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="learned_down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="learned_up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.zone = local_zone()
        self.period: Period | None = None
        self.markdown = ""
        self.kind = "post"
        """The style: post (to paste, nothing private) or report."""
        self.fmt = "md"
        """The format written and copied (the screen always shows the Markdown)."""
        self.paths: dict[str, Path] = {}
        """The path last chosen per format (the dialog starts from it)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="learned-status")
        with VerticalScroll(id="learned-body"):
            yield Markdown("", id="learned-text", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        learned = self.app.library.settings.learned
        self.kind = learned.style if learned.style in STYLES else "post"
        self.fmt = learned.format if learned.format in FORMATS else "md"
        self.period = this_week(self.app.clock(), self.zone)  # where you are now; `[` steps back
        self.show_week()

    def _export(self, fmt: str) -> bytes:
        assert self.period is not None
        library = self.app.library
        return library.render_report(library.weekly_report(self.period), fmt, style=self.kind)

    def show_week(self) -> None:
        assert self.period is not None
        try:
            self.markdown = self._export("md").decode("utf-8")
        except PlnError as exc:  # the user's own template: show what is wrong, not a traceback
            self.markdown = ""
            self.notify(str(exc), severity="error", markup=False)
        # The file gets the export as it is; the screen gets no escape sequence (a list name
        # typed with an ESC in it would reach the terminal through the Markdown widget).
        self.query_one("#learned-text", Markdown).update(clean_text(self.markdown, multiline=True) or "")
        self._status()
        self.query_one("#learned-body", VerticalScroll).scroll_home(animate=False)

    def _status(self) -> None:
        assert self.period is not None
        so_far = " so far" if self.period.contains(self.app.clock()) else ""
        self.query_one("#learned-status", Static).update(plain(
            f"{self.period.label}{so_far} ({self.period.dates}) · {self.kind} · {self.fmt} · "
            "[ ] week · s style · f format · e write · c copy"))

    def default_path(self) -> Path:
        """``[learned] output`` (``{week}`` and ``{ext}`` filled in), else exports/learned-WEEK.EXT."""
        assert self.period is not None
        settings = self.app.library.settings
        if self.fmt in self.paths:
            return self.paths[self.fmt]
        name = settings.learned.output or "exports/learned-{week}.{ext}"
        path = Path(name.replace("{week}", self.period.label).replace("{ext}", self.fmt)).expanduser()
        return path if path.is_absolute() else settings.home / path

    def action_week(self, step: int) -> None:
        assert self.period is not None and self.period.first_day is not None
        monday = self.period.first_day + timedelta(weeks=step)
        latest = this_week(self.app.clock(), self.zone)
        if latest.first_day is not None and monday > latest.first_day:
            self.notify("that week has not started yet")
            return
        year, number, _ = monday.isocalendar()
        self.period = period_for_week(f"{year}-W{number:02d}", self.zone)
        self.paths.clear()  # the default name follows the week
        self.show_week()

    def action_style(self) -> None:
        """Switch between the post (to paste, nothing private) and the full report."""
        self.kind = STYLES[(STYLES.index(self.kind) + 1) % len(STYLES)]
        self.show_week()

    def action_format(self) -> None:
        """The format written and copied: Markdown, HTML or Atom (the screen shows Markdown)."""
        self.fmt = FORMATS[(FORMATS.index(self.fmt) + 1) % len(FORMATS)]
        self._status()
        self.notify(f"writes and copies {self.fmt}", markup=False)

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#learned-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_export(self) -> None:
        """Ask where to write the list (prefilled), then write it whole."""
        from ..dialogs.path import PathDialog

        assert self.period is not None
        fmt = self.fmt

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.write(path, fmt)

        self.app.push_screen(PathDialog(f"Write the {self.kind} ({fmt}) to", self.default_path()), chosen)

    def write(self, path: Path, fmt: str) -> None:
        try:
            data = self._export(fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.app.library.write_report(path, data, fmt)
        except (PlnError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.paths[fmt] = path
        self.notify(f"wrote {path}", markup=False)

    def action_copy(self) -> None:
        """Copy the list in the chosen format to the clipboard (OSC 52), ready to paste."""
        try:
            text = self._export(self.fmt).decode("utf-8")
        except PlnError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"copied the {self.kind} ({self.fmt}, {len(text):,} characters)", markup=False)

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        open_in_browser(self, event.href)

    def action_back(self) -> None:
        self.dismiss(None)
