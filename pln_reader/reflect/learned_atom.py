"""The weekly export as an Atom 1.0 feed (RFC 4287): one entry per link, notes as content.

Built with lxml, never by joining strings. Entry ids are tag URIs derived from the link's URL,
so the same link keeps its id from one export to the next (a reader updates it, not repeats it).
Content is ``type="text"``: the notes exactly as written, then the highlights and shares.
"""

from __future__ import annotations

import hashlib
from datetime import tzinfo
from urllib.parse import quote

from lxml import etree

from ..core.version import __version__
from .learned import NOT_XML, iso, share_phrase, subtitle_of, title_of, web_url
from .report import Item, WeeklyReport

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "tag:pln-reader.example,2026:"


def entry_id(url: str) -> str:
    return f"{TAG_AUTHORITY}link/{hashlib.sha256(url.encode('utf-8')).hexdigest()[:32]}"


def feed_id(report: WeeklyReport) -> str:
    key = "learned" if report.period.label == "all" else f"learned/{report.period.label}"
    if report.list_name:
        key += "/list/" + quote(report.list_name.casefold(), safe="")
    return TAG_AUTHORITY + key


def content_text(item: Item, zone: tzinfo | None) -> str:
    """Notes verbatim, then each highlight as a quote with its comment, then the shares."""
    parts = [n.text for n in item.notes]
    for h in item.highlights:
        parts.append(f"\u201c{h.text}\u201d" + (f"\n\n{h.comment}" if h.comment else ""))
    for s in item.shares:
        line = share_phrase(s, zone)
        if s.comment:
            line += f": \u201c{s.comment}\u201d"
        if s.post_url:
            line += f" ({s.post_url})"
        parts.append(line)
    if not parts:
        parts.append(", ".join(item.activity).capitalize() + ".")
    return "\n\n".join(parts)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrib)
    if text is not None:
        el.text = NOT_XML.sub("", text)
    return el


def render(report: WeeklyReport, *, author: str = "pln_reader") -> bytes:
    zone = report.period.zone
    items = report.items
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _sub(feed, "id", feed_id(report))
    _sub(feed, "title", title_of(report))
    _sub(feed, "subtitle", subtitle_of(report))
    updated = max((i.updated for i in items), default=report.generated)
    _sub(feed, "updated", iso(updated))
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "generator", "pln_reader", version=__version__)
    for item in items:
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(item.url))
        _sub(entry, "title", item.title or item.url, type="text")
        if web_url(item.url):
            _sub(entry, "link", rel="alternate", href=item.url)
        _sub(entry, "published", iso(item.first_activity))
        _sub(entry, "updated", iso(item.updated))
        for name in (*item.lists, *item.tags):
            _sub(entry, "category", term=NOT_XML.sub("", name))
        _sub(entry, "content", content_text(item, zone), type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
