"""The frame shared by every dialog: a centred box, an inline error line, Escape to cancel."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from pln_reader.core.text import clean_text

ResultT = TypeVar("ResultT")


def plain(text: str | None, *, multiline: bool = False) -> Content:
    """Untrusted text as literal content: never parsed as markup, control characters removed."""
    return Content(clean_text(text, multiline=multiline) or "")


class Dialog(ModalScreen[ResultT]):
    """Base of the pln_reader dialogs; ``CANCEL_RESULT`` is what Escape dismisses with."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel")
    ]
    CANCEL_RESULT: ClassVar[Any] = None
    SUBMIT_ACTION: ClassVar[str] = "submit"
    """The action the primary button and Enter in a one-line input run (ctrl+s too, by binding)."""

    @staticmethod
    def buttons(label: str = "Save") -> Horizontal:
        """The primary button (id ``submit``) and Cancel, for the bottom of a dialog."""
        return Horizontal(Button(label, variant="primary", id="submit"), Button("Cancel", id="cancel"),
                          classes="dialog-buttons")

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        # Other buttons (a confirm's yes/no) belong to the dialog's own handler.
        if event.button.id == "submit":
            event.stop()
            await self.run_action(self.SUBMIT_ACTION)
        elif event.button.id == "cancel":
            event.stop()
            self.action_cancel()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.run_action(self.SUBMIT_ACTION)

    def action_cancel(self) -> None:
        """Close the dialog without a result."""
        self.dismiss(self.CANCEL_RESULT)

    def error_line(self) -> Static:
        """The (initially hidden) widget that shows validation errors."""
        line = Static("", id="error", classes="dialog-error")
        line.display = False
        return line

    def show_error(self, message: str | None) -> None:
        """Show ``message`` as plain text in the error line, or hide it when None."""
        line = self.query_one("#error", Static)
        line.update(plain(message, multiline=True))
        line.display = bool(message)
