"""A note (the user's Markdown) as safe HTML for the HTML page and the Atom feed.

markdown-it-py (CommonMark) renders it; nh3 then keeps only harmless tags and attributes (links
kept, with http, https and mailto targets; no script, style, event handler or ``javascript:``),
so raw HTML in a note never reaches a page unsanitised. The result is re-serialised as XML so
the page stays polyglot XHTML (``<br />``, no ``&nbsp;``) and fits in an Atom feed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .learned import NOT_XML

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"xhtmlOut": True}).enable(["table", "strikethrough"])


def note_html(text: str | None) -> str:
    """``text`` (Markdown) as sanitised, well-formed HTML (an empty string for no text)."""
    import html

    import nh3
    from lxml import etree
    from lxml import html as lxml_html

    source = NOT_XML.sub("", text or "")
    if not source.strip():
        return ""
    cleaned = nh3.clean(_parser().render(source), url_schemes=URL_SCHEMES,
                        link_rel="noopener noreferrer")
    if not cleaned.strip():
        return ""
    parts = lxml_html.fragments_fromstring(cleaned)
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(html.escape(part, quote=False))
        else:
            out.append(etree.tostring(part, method="xml", encoding="unicode", with_tail=True))
    return NOT_XML.sub("", "".join(out)).strip()
