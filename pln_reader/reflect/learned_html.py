"""The weekly export as a standalone HTML page (polyglot: also well-formed XML).

Every string is escaped; notes keep their line breaks through CSS (``white-space: pre-wrap``),
so the page shows exactly what the user wrote.
"""

from __future__ import annotations

import html
from datetime import tzinfo

from .learned import (
    NOT_XML,
    PRACTICE_KEY,
    QUIET_LIST,
    funnel_line,
    practice_cells,
    queue_line,
    share_phrase,
    skim_line,
    subtitle_of,
    title_of,
    web_url,
)
from .report import POSITIONS, Item, Section, WeeklyReport

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
  color: #222; }
h1 { margin-bottom: 0.2rem; } .period, .meta, .funnel { color: #555; }
.purpose { font-style: italic; }
.note, .comment, .share-comment { white-space: pre-wrap; }
blockquote { border-left: 3px solid #bbb; margin: 0.5rem 0; padding-left: 1rem; color: #333; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.2rem 0.6rem; }
article { margin: 1rem 0 1.5rem; }
"""


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute."""
    text = html.escape(NOT_XML.sub("", str(value)), quote=True)
    return text.replace("\r", "&#13;")  # kept as written, not folded into a newline by parsers


def _a(url: str | None, text: str) -> str:
    safe = web_url(url)
    return f'<a href="{esc(safe)}">{esc(text)}</a>' if safe else esc(text)


def _item(item: Item, zone: tzinfo | None) -> list[str]:
    out = ['<article class="item">', f"<h3>{_a(item.url, item.title or item.url)}</h3>"]
    meta = [", ".join(item.sources) or "not from a feed", ", ".join(item.activity)]
    if item.tags:
        meta.append(" ".join("#" + t for t in item.tags))
    out.append(f'<p class="meta">{esc(" · ".join(meta))}</p>')
    out += [f'<div class="note">{esc(n.text)}</div>' for n in item.notes]
    for h in item.highlights:
        out.append(f'<blockquote class="highlight"><p>{esc(h.text)}</p></blockquote>')
        if h.comment:
            out.append(f'<div class="comment">{esc(h.comment)}</div>')
    for s in item.shares:
        parts = [f'<p class="share">{esc(share_phrase(s, zone))}']
        if s.comment:
            parts.append(f': <span class="share-comment">{esc(s.comment)}</span>')
        if web_url(s.post_url):
            parts.append(f" ({_a(s.post_url, 'post')})")
        out.append("".join(parts) + "</p>")
    return out + ["</article>"]


def _section(section: Section, zone: tzinfo | None) -> list[str]:
    kind = "list" if section.list_name is not None else "elsewhere"
    out = [f'<section class="{kind}">', f"<h2>{esc(section.title)}</h2>"]
    if section.purpose:
        out.append(f'<p class="purpose">{esc(section.purpose)}</p>')
    if section.list_name is not None:
        out.append(f'<p class="funnel">{esc(funnel_line(section.funnel))} · '
                   f"skim time {esc(skim_line(section.skim_minutes, section.budget_minutes))}</p>")
    if not section.items:
        out.append(f"<p>{QUIET_LIST}</p>")
    for item in section.items:
        out += _item(item, zone)
    return out + ["</section>"]


def _practice(report: WeeklyReport) -> list[str]:
    cells, quiet = practice_cells(report.practice)
    out = ['<section class="practice">', "<h2>Practice map</h2>",
           f"<p>{PRACTICE_KEY}</p>",
           '<table class="practice-map">',
           "<tr><th></th>" + "".join(f'<th scope="col">{p}</th>' for p in POSITIONS) + "</tr>"]
    for row, by_position in cells.items():
        tds = "".join(
            f'<td data-context="{esc(row)}" data-position="{p}">'
            + "".join(f'<span class="list">{esc(n)}</span>' for n in by_position[p]) + "</td>"
            for p in POSITIONS)
        out.append(f'<tr><th scope="row">{esc(row)}</th>{tds}</tr>')
    out.append("</table>")
    if quiet:
        out.append(f'<p class="quiet">Quiet (nothing happened): {esc(", ".join(quiet))}.</p>')
    return out + ["</section>"]


def render(report: WeeklyReport) -> str:
    zone = report.period.zone
    t = report.totals
    title = title_of(report)
    out = [
        "<!DOCTYPE html>",
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        '<meta name="generator" content="pln_reader" />',
        f"<title>{esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="period">{esc(subtitle_of(report))}</p>',
    ]
    if report.empty:
        out.append('<p class="empty">Nothing was saved, read, annotated or shared in this period.</p>')
    for section in report.sections:
        out += _section(section, zone)
    rows = [("Skimmed", t.seen), ("Saved", t.saved), ("Read", t.read),
            ("Annotated", t.annotated), ("Shared", t.shared)]
    out += ['<section class="totals">', "<h2>Totals</h2>", '<table class="totals">']
    out += [f'<tr><th scope="row">{name}</th><td>{value}</td></tr>' for name, value in rows]
    out += ["</table>",
            f"<p>Skim time: {esc(skim_line(report.skim_minutes, report.budget_minutes))}</p>",
            "</section>",
            '<section class="queue">', "<h2>Reading queue</h2>",
            f"<p>{esc(queue_line(report.queue, zone))}</p>", "</section>"]
    if report.practice:
        out += _practice(report)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
