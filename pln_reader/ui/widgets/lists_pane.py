"""The topic lists pane: each list with its unread count and today's skim time against budget."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..text import minutes, plain
from ..views import View


class ListsPane(OptionList):
    """Shows views; posts :class:`ListsPane.ViewChosen` when the highlighted one changes."""

    class ViewChosen(Message):
        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._views: list[View] = []

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
        self._views = list(views)
        self.clear_options()
        self.add_options(Option(self._prompt(v), id=f"view-{i}") for i, v in enumerate(self._views))
        names = [v.name for v in self._views]
        self.highlighted = names.index(keep) if keep in names else (0 if names else None)

    def update_view(self, view: View) -> None:
        """Redraw one view's counts in place."""
        for i, known in enumerate(self._views):
            if known.name == view.name:
                self._views[i] = view
                self.replace_option_prompt_at_index(i, self._prompt(view))

    @staticmethod
    def _prompt(view: View) -> Content:
        parts: list[Content | tuple[str, str]] = [
            plain(view.name, style="bold" if view.topic is None else ""), ("\n  ", "")]
        noun = {"Saved": "saved", "Shared": "shared"}.get(view.name, "unread") if view.topic is None else "unread"
        parts.append((f"{view.count} {noun}", "dim"))
        budget = view.budget_minutes
        if budget:
            if view.budget_spent:
                parts.append((f" · {minutes(view.skim_seconds)}/{budget}m spent", "bold $warning"))
            else:
                parts.append((f" · {minutes(view.skim_seconds)}/{budget}m", "dim"))
        return Content.assemble(*parts)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.ViewChosen(self.current))
