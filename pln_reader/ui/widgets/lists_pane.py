"""The topic lists pane: each list with its unread count and today's skim time against budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.durations import duration, duration_seconds
from ..text import plain
from ..views import View

CURRENT = "▸ "
"""Before the view whose links are shown: the current list reads without colour too."""


class ListsPane(OptionList):
    """Shows views; calls :attr:`chosen` when the highlighted one changes."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._views: list[View] = []
        self._marked: int | None = None
        self.chosen: Callable[[View], object] | None = None
        """Shows a view's links (the screen's): called as the highlight moves, at once, so the
        links are in before the next frame (a message would let Textual draw the pane with the
        new highlight and the old list's links first, then again)."""

    @property
    def views(self) -> list[View]:
        return list(self._views)

    @property
    def current(self) -> View | None:
        index = self.highlighted
        return self._views[index] if index is not None and index < len(self._views) else None

    def show(self, views: Sequence[View]) -> None:
        """Replace the views, keeping the highlighted one (by name) where it still exists."""
        keep = self.current.name if self.current else None
        known = {v.name: v.count for v in self._views}
        self._views = [v if v.count is not None or known.get(v.name) is None
                       else replace(v, count=known[v.name]) for v in views]
        names = [v.name for v in self._views]
        self._marked = names.index(keep) if keep in names else (0 if names else None)
        self.clear_options()
        self.add_options(Option(self._prompt(v, i == self._marked), id=f"view-{i}")
                         for i, v in enumerate(self._views))
        self.highlighted = self._marked

    def update_view(self, view: View) -> None:
        """Redraw one view's counts in place."""
        for i, known in enumerate(self._views):
            if known.name == view.name:
                self._views[i] = view
                self.replace_option_prompt_at_index(i, self._prompt(view, i == self._marked))

    def _mark(self, index: int | None) -> None:
        """Put the current-view glyph on ``index`` (and take it off the one before)."""
        before, self._marked = self._marked, index
        for i in {before, index} - {None}:
            if i is not None and i < len(self._views):
                self.replace_option_prompt_at_index(i, self._prompt(self._views[i], i == index))

    @staticmethod
    def _prompt(view: View, current: bool = False) -> Content:
        name = plain(view.name, style="bold" if view.topic is None else "")
        parts: list[Content | tuple[str, str]] = [
            (CURRENT if current else "", "bold"), name, ("\n  ", "")]
        noun = {"Saved": "saved", "Shared": "shared"}.get(view.name, "unread") if view.topic is None else "unread"
        parts.append((f"{'…' if view.count is None else view.count} {noun}", "dim"))
        budget = view.budget_minutes
        if budget:
            spent = duration_seconds(view.skim_seconds)
            if spent.endswith(" min") and duration(budget).endswith(" min"):
                spent = spent.removesuffix(" min")  # "3 of 10 min": one unit said once
            skimmed = f"{spent} of {duration(budget)}"
            parts.append(("\n  ", ""))
            if view.budget_spent:
                parts.append((skimmed + ": spent", "bold $warning"))
            else:
                parts.append((skimmed, "dim"))
        return Content.assemble(*parts)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None:
            return
        if highlighted != self._marked:
            self._mark(highlighted)
        if self.chosen is not None and self.current is not None:
            self.chosen(self.current)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()  # handled at once by watch_highlighted
