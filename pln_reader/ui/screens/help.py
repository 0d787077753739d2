"""Help (``?``): every binding of the screen underneath, with its keys and its id for settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class HelpRow:
    keys: str
    description: str
    binding_id: str | None
    action: str
    node: DOMNode
    """Where the binding lives (the screen, the app or a widget): what runs the action."""


def bindings_of(screen: Screen[object]) -> list[HelpRow]:
    """The active bindings of ``screen`` (with the user's keymap), one row per action."""
    rows: dict[tuple[str, str], HelpRow] = {}
    # The screen's own actions first, then the app's, then those of the focused widget.
    order = {screen: 0, screen.app: 1}
    ranked = sorted(screen.active_bindings.items(), key=lambda item: order.get(item[1].node, 2))
    for key, active in ranked:
        binding = active.binding
        if not binding.description:
            continue
        shown = screen.app.get_key_display(Binding(key, binding.action))
        known = rows.get((binding.action, binding.description))
        rows[(binding.action, binding.description)] = (
            HelpRow(shown, binding.description, binding.id, binding.action, active.node) if known is None
            else HelpRow(f"{known.keys}, {shown}", known.description, known.binding_id, known.action,
                         known.node))
    return list(rows.values())


class HelpScreen(ModalScreen[None]):
    """Lists bindings; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help_down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help_up"),
    ]

    def __init__(self, title: str, rows: Sequence[HelpRow], note: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.rows = list(rows)
        self.note = note
        """What the screen underneath wants said besides its keys (its ``HELP_NOTE``)."""

    def compose(self) -> ComposeResult:
        lines = [Content.styled(f"Keys: {self.title_text}", "bold"), Content("")]
        if self.note:
            lines += [Content(self.note), Content("")]
        width = max((len(r.keys) for r in self.rows), default=4) + 2
        for row in self.rows:
            line = Content.assemble((row.keys.ljust(width), "bold $text-accent"), row.description)
            if row.binding_id:
                line = Content.assemble(line, (f"  [{row.binding_id}]", "dim"))
            lines.append(line)
        lines += [Content(""), Content.styled(
            "Change a key in settings.toml, section [keys]: binding id = \"keys\" "
            "(the id is in brackets). ctrl+p lists every action.", "dim")]
        with VerticalScroll(id="help-box"):
            yield Static(Content("\n").join(lines), id="help-text")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-box", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
