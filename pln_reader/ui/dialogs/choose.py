"""Pick one of a few choices (a list to move a source to, a share to delete)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ._base import Dialog, plain


class ChoiceDialog(Dialog[int | None]):
    """Choices as plain text; Enter gives back the index of the highlighted one, Escape None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[str], *, subject: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self._title), classes="dialog-title" + (" -with-subject" if self._subject else ""))
            if self._subject:
                yield Static(plain(self._subject), classes="dialog-subject")
            yield OptionList(*[Option(plain(c)) for c in self._choices], id="choices",
                             classes="dialog-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)
