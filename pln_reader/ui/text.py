"""Untrusted text for the screen: always plain, never read as markup, never escape codes."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.content import Content

from ..core import durations
from ..core.text import clean_text


def plain(value: str | None, *, style: str = "") -> Content:
    """A single line of network text as ``Content``: never read as markup, controls stripped."""
    return Content.styled(clean_text(value) or "", style) if style else Content(clean_text(value) or "")


def plain_block(value: str | None, *, style: str = "") -> Content:
    """Several lines of network text (summaries, notes) as plain ``Content``."""
    text = clean_text(value, multiline=True) or ""
    return Content.styled(text, style) if style else Content(text)


def age(dt: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in one short word (``5m``, ``3h``, ``2d``, ``7w``): the CLI's words too."""
    return durations.age(dt, now)


def cell(value: str | None, *, style: str = "") -> Text:
    """A table cell of network text: a Rich ``Text`` (DataTable reads plain ``str`` as markup)."""
    return Text(clean_text(value) or "", style=style, no_wrap=True, overflow="ellipsis", end="")
