"""The weekly report in the format and style asked for, from templates (Jinja2, sandboxed).

Markdown, HTML and Atom are rendered from the templates in ``templates/`` (``post.md.j2``,
``report.html.j2``, ...) or from the user's own file; JSON is always the whole report, whatever
the style (:func:`.learned.to_json`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.version import __version__
from .learned import (
    PRACTICE_KEY,
    STYLES,
    iso,
    post_items,
    post_subtitle,
    subtitle_of,
    title_of,
    to_json,
)
from .report import POSITIONS, WeeklyReport

FORMATS = ("md", "html", "json", "atom")


def context(report: WeeklyReport, *, style: str = "post", intro: str | None = None,
            include: Iterable[str] = (), author: str = "pln_reader") -> dict[str, Any]:
    """What a template sees (documented in the README, "Writing your own template")."""
    from .learned_atom import feed_id

    post = style == "post"
    items = post_items(report, include) if post else report.items
    return {
        "report": report, "style": style, "title": title_of(report),
        "subtitle": post_subtitle(report) if post else subtitle_of(report),
        "intro": intro or None, "items": items, "tried": report.tried, "zone": report.period.zone, "author": author,
        "positions": POSITIONS, "practice_key": PRACTICE_KEY, "version": __version__,
        "feed_id": feed_id(report), "generated": iso(report.generated),
        "updated": iso(max((i.updated for i in items), default=report.generated)),
    }


def render(report: WeeklyReport, fmt: str, *, author: str = "pln_reader", style: str = "post",
           intro: str | None = None, include: Iterable[str] = (),
           template: Path | None = None) -> bytes:
    """The report in ``fmt`` (one of FORMATS) and ``style`` (post or report), as UTF-8 bytes.

    ``template``: the user's template file, used instead of the built-in one (not for JSON).
    """
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    from .templating import render as render_template

    text = render_template(fmt, f"{style}.{fmt}.j2",
                           context(report, style=style, intro=intro, include=include, author=author),
                           path=template)
    return text.encode("utf-8")


def to_markdown(report: WeeklyReport, style: str = "report", **options: Any) -> str:
    return render(report, "md", style=style, **options).decode("utf-8")


def to_html(report: WeeklyReport, style: str = "report", **options: Any) -> str:
    return render(report, "html", style=style, **options).decode("utf-8")


def to_atom(report: WeeklyReport, *, author: str = "pln_reader", style: str = "report",
            **options: Any) -> bytes:
    return render(report, "atom", style=style, author=author, **options)
