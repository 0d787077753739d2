"""Untrusted text for the screen: always plain, never read as markup, never escape codes."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.content import Content

from ..core.text import clean_text


def plain(value: str | None, *, style: str = "") -> Content:
    """A single line of network text as ``Content``: never read as markup, controls stripped."""
    return Content.styled(clean_text(value) or "", style) if style else Content(clean_text(value) or "")


def plain_block(value: str | None, *, style: str = "") -> Content:
    """Several lines of network text (summaries, notes) as plain ``Content``."""
    text = clean_text(value, multiline=True) or ""
    return Content.styled(text, style) if style else Content(text)


def age(dt: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in one short word: ``5m``, ``3h``, ``2d``, ``7w``."""
    if dt is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - dt).total_seconds()
    if seconds < 60:
        return "now"
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


def minutes(seconds: float) -> str:
    """Skim time as whole minutes (``0m`` .. ``95m``)."""
    return f"{int(seconds // 60)}m"


def cell(value: str | None, *, style: str = "") -> Text:
    """A table cell of network text: a Rich ``Text`` (DataTable reads plain ``str`` as markup)."""
    return Text(clean_text(value) or "", style=style, no_wrap=True, overflow="ellipsis", end="")
