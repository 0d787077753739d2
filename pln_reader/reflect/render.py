"""The weekly report in the format asked for: Markdown, HTML, JSON or Atom."""

from __future__ import annotations

from .learned import to_json, to_markdown
from .report import WeeklyReport

FORMATS = ("md", "html", "json", "atom")


def to_html(report: WeeklyReport) -> str:
    from .learned_html import render

    return render(report)


def to_atom(report: WeeklyReport, *, author: str = "pln_reader") -> bytes:
    from .learned_atom import render

    return render(report, author=author)


def render(report: WeeklyReport, fmt: str, *, author: str = "pln_reader") -> bytes:
    """The report in ``fmt`` (one of FORMATS), as UTF-8 bytes."""
    if fmt == "atom":
        return to_atom(report, author=author)
    text = {"md": to_markdown, "html": to_html, "json": to_json}[fmt](report)
    return text.encode("utf-8")
