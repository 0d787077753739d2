"""Markdown whose marked passages (your highlights) show in reverse video, found by key."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

from ...core.passages import MARK_END, MARK_START, marked_ranges

MARK_STYLE = "reverse"
"""A highlight reads without colour too."""


def _marked(content: Content) -> tuple[Content, bool]:
    """``content`` with the text between the marks in :data:`MARK_STYLE`, the marks removed."""
    plain = content.plain
    if MARK_START not in plain and MARK_END not in plain:
        return content, False
    pieces: list[Content] = []
    position = 0
    for index, ch in enumerate(plain):
        if ch in (MARK_START, MARK_END):
            pieces.append(content[position:index])
            position = index + 1
    pieces.append(content[position:])
    result = Content("").join(pieces)
    _text, ranges = marked_ranges(plain)
    for start, end in ranges:
        result = result.stylize(MARK_STYLE, start, end)
    return result, bool(ranges)


def _with_marks(cls: type[MarkdownBlock]) -> type[MarkdownBlock]:
    """``cls`` whose content shows the marks (a single base: Textual's CSS follows the first)."""

    def set_content(self: MarkdownBlock, content: Content) -> None:
        content, has_mark = _marked(content)
        self.set_class(has_mark, "-highlight")
        cls.set_content(self, content)

    return type(cls.__name__, (cls,), {"set_content": set_content})


class MarkedMarkdown(Markdown):
    """A :class:`Markdown` whose blocks holding a highlight have the ``-highlight`` class."""

    BLOCKS = {name: _with_marks(cls) for name, cls in Markdown.BLOCKS.items()}

    def highlight_blocks(self) -> list[MarkdownBlock]:
        """The blocks that hold a highlight, top to bottom."""
        return list(self.query(".-highlight").results(MarkdownBlock))  # in document order
