"""A SelectionList whose boxes read ``[x]`` and ``[ ]``: ticked or not shows without colour."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "[x]", "[ ]"


class CheckList(SelectionList[str]):
    """Textual's SelectionList draws both states as a coloured ``▐X▌``; this one says it in text."""

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the prompt alone; the box is drawn here
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        base = next(iter(line)).style or self.rich_style
        ticked = selection.value in self._selected
        box = Segment(TICKED if ticked else UNTICKED, base + Style(bold=ticked, meta={"option": index}))
        return Strip([box, Segment(" ", base), *line])
