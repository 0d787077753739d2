"""Add a feed, a site (feed autodiscovery) or an OPML file, optionally to topic lists."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from pln_reader.core.errors import PlnError
from pln_reader.core.text import clean_text

from ..widgets.checklist import CheckList
from ._base import Dialog, plain

if TYPE_CHECKING:
    from pln_reader.library.facade import AddResult

logger = logging.getLogger("pln_reader")

EMPTY_TARGET = "enter a feed URL, a site URL or a file path"


class AddSourceDialog(Dialog["list[AddResult] | None"]):
    """Ask for a URL or path and lists, run ``add`` in a thread, stay open on errors."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Add", id="dialog_save")]

    @dataclass
    class Added(Message):
        """The ``add`` call returned."""

        results: list[AddResult]

    @dataclass
    class AddFailed(Message):
        """The ``add`` call raised a PlnError."""

        error: str

    def __init__(
        self,
        list_names: Sequence[str],
        add: Callable[[str, list[str]], list[AddResult]],
        *,
        preselected: str | None = None,
    ) -> None:
        super().__init__()
        self._list_names = list(list_names)
        self._add = add
        self._preselected = preselected
        self._busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static("Add a source", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("URL or path")
                yield Input(placeholder="feed URL, site URL or OPML/feed file", id="target")
            with Horizontal(classes="dialog-row", id="lists-row") as row:
                row.display = bool(self._list_names)
                yield Label("Topic lists")
                yield CheckList(
                    *(
                        Selection(Content(name), name, name == self._preselected)
                        for name in self._list_names
                    ),
                    id="lists",
                )
            if self._preselected in self._list_names:
                yield Static(plain(f"[x] {self._preselected}: the list you are in; space ticks or "
                                   "unticks a list"), id="lists-hint", classes="dialog-status")
            with Horizontal(classes="dialog-row"):
                yield Label("New list")
                yield Input(placeholder="optional", id="new-list")
            yield Static("", id="status", classes="dialog-status")
            yield self.error_line()
            yield self.buttons("Add")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#status", Static).display = False
        self.query_one("#target", Input).focus()

    def chosen_lists(self) -> list[str]:
        """Ticked lists in display order, then the new list name when it is not one of them."""
        ticked = set(self.query_one("#lists", SelectionList).selected)
        chosen = [name for name in self._list_names if name in ticked]
        new = clean_text(self.query_one("#new-list", Input).value)
        if new and new.casefold() not in {name.casefold() for name in chosen}:
            chosen.append(new)
        return chosen

    def action_submit(self) -> None:
        """Validate the form and start adding."""
        if self._busy:
            return
        target = self.query_one("#target", Input).value.strip()
        if not target:
            self.show_error(EMPTY_TARGET)
            self.query_one("#target", Input).focus()
            return
        self.show_error(None)
        self._set_busy(f"Looking for feeds at {target}…")
        self._run_add(target, self.chosen_lists())

    @work(thread=True, exclusive=True, exit_on_error=False, group="add-source")
    def _run_add(self, target: str, lists: list[str]) -> None:
        try:
            results = self._add(target, lists)
        except PlnError as exc:
            self.post_message(self.AddFailed(str(exc)))
        else:
            self.post_message(self.Added(results))

    def _set_busy(self, status: str | None) -> None:
        self._busy = status is not None
        line = self.query_one("#status", Static)
        line.update(plain(status))
        line.display = self._busy
        self.query_one("#submit", Button).disabled = self._busy

    def _stay_open(self, error: str) -> None:
        self._set_busy(None)
        self.show_error(error)
        self.query_one("#target", Input).focus()

    def on_add_source_dialog_added(self, event: AddSourceDialog.Added) -> None:
        errors = [result.error for result in event.results if result.error]
        if errors:
            self._stay_open("\n".join(errors))
        else:
            self.dismiss(event.results)

    def on_add_source_dialog_add_failed(self, event: AddSourceDialog.AddFailed) -> None:
        self._stay_open(event.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug in `add` (not a PlnError) must not leave the dialog stuck in its loading state.
        if event.state is WorkerState.ERROR:
            logger.error("adding a source failed", exc_info=event.worker.error)
            self._stay_open(f"could not add the source: {event.worker.error}")


