"""Create a topic list or edit its name, purpose, context, daily budget and aim."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static

from pln_reader.core.models import AIMS, CONTEXTS, TopicList, budget_problem
from pln_reader.core.text import clean_text

from ._base import Dialog, plain
from .results import ListEdit

NAME_REQUIRED = "a topic list needs a name"


def parse_budget(value: str) -> int | None:
    """Minutes a day from the budget field (blank is no budget); ValueError (with the rule's
    message, the same as the CLI's and the store's) when it is not a budget."""
    value = value.strip()
    if not value:
        return None
    problem = budget_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return int(value)


class ListDialog(Dialog[ListEdit | None]):
    """A form for a new topic list (``existing`` None) or for changing one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, existing: TopicList | None, *, taken_names: Sequence[str] = ()) -> None:
        super().__init__()
        self._existing = existing
        own = existing.name.casefold() if existing else None
        self._taken = {name.casefold() for name in taken_names} - {own}

    def compose(self) -> ComposeResult:
        old = self._existing
        title = f"Edit topic list {old.name}" if old else "New topic list"
        with VerticalScroll(classes="dialog-box"):
            yield Static(plain(title), classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Name")
                yield Input(old.name if old else "", id="name")
            with Horizontal(classes="dialog-row"):
                yield Label("Purpose")
                yield Input(
                    (old.purpose or "") if old else "",
                    id="purpose",
                    placeholder="one sentence: why you follow this",
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Context")
                yield Select(
                    [(c, c) for c in CONTEXTS],
                    prompt="(none)",
                    id="context",
                    value=old.context if old and old.context in CONTEXTS else Select.NULL,
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Budget")
                yield Input(
                    str(old.budget_minutes) if old and old.budget_minutes is not None else "",
                    id="budget",
                    placeholder="minutes a day (blank: none)",
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Aim")
                yield Select(
                    [(a, a) for a in AIMS],
                    prompt="(none)",
                    id="aim",
                    value=old.aim if old and old.aim in AIMS else Select.NULL,
                )
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _fail(self, message: str, field: str) -> None:
        self.show_error(message)
        self.query_one(f"#{field}").focus()

    def action_submit(self) -> None:
        """Validate the form and dismiss with a ListEdit."""
        name = clean_text(self.query_one("#name", Input).value)
        if not name:
            return self._fail(NAME_REQUIRED, "name")
        if name.casefold() in self._taken:
            return self._fail(f"there is already a topic list called {name}", "name")
        try:
            budget = parse_budget(self.query_one("#budget", Input).value)
        except ValueError as exc:
            return self._fail(str(exc), "budget")
        context = self.query_one("#context", Select)
        aim = self.query_one("#aim", Select)
        self.dismiss(
            ListEdit(
                name=name,
                purpose=clean_text(self.query_one("#purpose", Input).value),
                context=None if context.is_blank() else str(context.value),
                budget_minutes=budget,
                aim=None if aim.is_blank() else str(aim.value),
            )
        )


