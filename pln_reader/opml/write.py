"""Pure OPML export: a tree of topic lists -> OPML 2.0 bytes (no I/O; the library gathers the
tree from the store). What is written reads back through :mod:`.read` to the same tree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..core.text import clean_text
from .read import PLN_NS, OPMLDocument, OutlineList, OutlineSource, _source_key

if TYPE_CHECKING:
    from lxml import etree

# Characters XML 1.0 cannot carry at all (lxml refuses them); a caller-built document may
# contain them, a parsed one never does.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _out(value: str | None, *, multiline: bool = False) -> str:
    cleaned = clean_text(value, multiline=multiline)
    return _NOT_XML.sub("", cleaned) if cleaned else ""


def write_opml(doc: OPMLDocument) -> bytes:
    """Serialise ``doc`` as pretty-printed OPML 2.0 in UTF-8.

    Output is deterministic (no timestamps). Each list is a nested outline with its pln
    attributes; each feed is written inside every list it belongs to, with ``category``
    listing all those list paths; unfiled sources sit at the top level.
    """
    from lxml import etree

    paths_of: dict[tuple[str, str], list[str]] = {}
    for path, lst in _walk_lists(doc.lists, ()):
        category = _category_item(path)
        for source in lst.sources:
            paths = paths_of.setdefault(_source_key(source), [])
            if category is not None and category not in paths:
                paths.append(category)

    root = etree.Element("opml", nsmap={"pln": PLN_NS})
    root.set("version", "2.0")
    head = etree.SubElement(root, "head")
    if doc.title:
        etree.SubElement(head, "title").text = _out(doc.title)
    body = etree.SubElement(root, "body")

    def write_list(parent: etree._Element, lst: OutlineList) -> None:
        el = etree.SubElement(parent, "outline")
        el.set("text", _out(lst.name))
        el.set("title", _out(lst.name))
        if lst.purpose:
            el.set(f"{{{PLN_NS}}}purpose", _out(lst.purpose, multiline=True))
        if lst.context:
            el.set(f"{{{PLN_NS}}}context", _out(lst.context))
        if lst.budget is not None:
            el.set(f"{{{PLN_NS}}}budget", str(int(lst.budget)))
        for source in lst.sources:
            write_source(el, source)
        for child in lst.children:
            write_list(el, child)

    def write_source(parent: etree._Element, source: OutlineSource) -> None:
        el = etree.SubElement(parent, "outline")
        el.set("type", "include" if source.kind == "opml" else "rss")
        el.set("text", _out(source.title))
        if source.title:
            el.set("title", _out(source.title))
        el.set("url" if source.kind == "opml" else "xmlUrl", _out(source.url))
        if source.html_url:
            el.set("htmlUrl", _out(source.html_url))
        categories = paths_of.get(_source_key(source))
        if categories:
            el.set("category", ",".join(categories))

    for lst in doc.lists:
        write_list(body, lst)
    for source in doc.unfiled:
        write_source(body, source)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _walk_lists(
    lists: tuple[OutlineList, ...], prefix: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], OutlineList]]:
    for lst in lists:
        path = (*prefix, lst.name)
        yield path, lst
        yield from _walk_lists(lst.children, path)


def _category_item(path: tuple[str, ...]) -> str | None:
    """``/A/B`` for a list path, or None when a name holds "/" or "," (not representable)."""
    names = [_out(n) for n in path]
    if any(not n or "/" in n or "," in n for n in names):
        return None  # the nesting still carries the grouping
    return "/" + "/".join(names)
