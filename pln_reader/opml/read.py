"""Pure OPML import: bytes -> a tree of topic lists (:mod:`.write` is the way back).

Import reads OPML 1.0, 1.1 and 2.0. Folders (outlines without a feed URL) become topic lists,
nested folders nested lists. A feed's ``category`` attribute (comma-separated; each item a
slash path such as ``/Education/Assessment`` or a plain name such as ``Leadership``) also puts
it into those lists, so a feed can sit in several lists. Lists with the same path are merged.

The pln-specific list fields (purpose, context, daily budget) travel as attributes in the
:data:`PLN_NS` namespace on list outlines. Export writes every list as a nested outline *and*
every feed's list paths as ``category``, so readers that only understand one of the two still
see the grouping; on re-import the two agree and merge, which makes the round trip exact:
``parse_opml(write_opml(doc)) == doc`` for every document :func:`parse_opml` returns.

Security: no DTD is loaded, no entity is fetched, no network is used; documents that declare
entities are refused. With ``allow_local=False`` (a remote document) only http(s) URLs are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pln_reader.core.errors import InputError, OPMLError
from pln_reader.core.models import budget_problem
from pln_reader.core.text import clean_text
from pln_reader.core.urls import canonicalize, is_http_url
from pln_reader.opml.repair import _repair

if TYPE_CHECKING:
    from lxml import etree

# lxml is imported inside the functions that need it: `pln --help` (and anything else that
# only imports this module) must not pay for loading it.

__all__ = [
    "CONTEXTS",
    "PLN_NS",
    "OPMLDocument",
    "OutlineList",
    "OutlineSource",
    "parse_opml",
]

PLN_NS = "https://pln-reader.example/ns/opml/1"
"""Namespace of the ``pln:purpose``, ``pln:context`` and ``pln:budget`` list attributes.

A fixed identifier, never fetched (``.example`` is a reserved domain); do not change it, or
files exported earlier lose their list settings on import.
"""

CONTEXTS = ("professional", "personal", "both")

# Deeper nesting is not a real subscription list; the limit also keeps the recursive walk far
# from Python's recursion limit whatever libxml2's own depth limit is.
MAX_DEPTH = 64
_FEED_TYPES = frozenset({"rss", "atom", "feed", "rdf", "json", "jsonfeed"})
_URL_SHOWN = 200  # a skipped outline's URL is cut to this many characters in the reason


@dataclass(frozen=True, slots=True)
class OutlineSource:
    """A feed (``kind="feed"``, from ``xmlUrl``) or a subscribed OPML list (``kind="opml"``)."""

    url: str
    title: str | None
    html_url: str | None
    kind: str  # "feed" or "opml"


@dataclass(frozen=True, slots=True)
class OutlineList:
    """A topic list: its settings, its sources and its nested lists."""

    name: str
    purpose: str | None = None
    context: str | None = None  # "professional" | "personal" | "both" | None
    budget: int | None = None  # daily budget in minutes
    sources: tuple[OutlineSource, ...] = ()
    children: tuple[OutlineList, ...] = ()


@dataclass(frozen=True, slots=True)
class OPMLDocument:
    """A parsed OPML document.

    ``skipped`` (one reason per outline that was not imported) and ``repairs`` (what was fixed
    to read a not-quite-well-formed file) describe the import, not the document, so they take
    no part in equality.
    """

    title: str | None
    lists: tuple[OutlineList, ...] = ()  # top-level topic lists (nested ones under .children)
    unfiled: tuple[OutlineSource, ...] = ()  # sources in no list
    skipped: tuple[str, ...] = field(default=(), compare=False)
    repairs: tuple[str, ...] = field(default=(), compare=False)


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def parse_opml(
    data: bytes, *, base_url: str | None = None, allow_local: bool = True
) -> OPMLDocument:
    """Parse OPML bytes into an :class:`OPMLDocument`.

    Relative URLs are resolved against ``base_url``. With ``allow_local=False`` (a document
    fetched from the network) any URL that is not http(s) is skipped and reported in
    ``skipped``; otherwise ``file:`` URLs and absolute local paths are kept too.

    Raises :class:`OPMLError` saying what is wrong (and the line, when known) for anything
    that is not an OPML document; nothing is returned in that case.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_opml() needs bytes, not {type(data).__name__}")
    data = bytes(data)
    root, repairs = _parse_xml(data)
    if _local(root) != "opml":
        raise OPMLError(f"not an OPML document: root element is <{_local(root) or '?'}>")
    head = _first(root, "head")
    body = _first(root, "body")
    if body is None:
        raise OPMLError("OPML has no <body>")
    title_el = _first(head, "title") if head is not None else None
    title = clean_text(title_el.text) if title_el is not None else None

    builder = _Builder(base_url=base_url, allow_local=allow_local)
    builder.walk(body, builder.root, depth=0)
    return builder.result(title, repairs)


def _parse_xml(data: bytes) -> tuple[etree._Element, tuple[str, ...]]:
    """Strict XML parse; on failure one deterministic repair attempt, else :class:`OPMLError`."""
    from lxml import etree

    if not data.strip():
        raise OPMLError("not an OPML document: the file is empty")
    try:
        return _strict(data), ()
    except etree.XMLSyntaxError as exc:
        original = exc
    fixed, notes, why_not = _repair(data)
    if fixed is not None:
        try:
            return _strict(fixed), tuple(notes)
        except etree.XMLSyntaxError:
            pass  # report the error of the file as it is, not of our attempt
    message = _syntax_message(original)
    raise OPMLError(f"{message}; {why_not}" if why_not else message) from None


def _strict(data: bytes) -> etree._Element:
    from lxml import etree

    # A new parser per call: lxml parsers keep state and must not be shared across threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = etree.fromstring(data, parser)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        # Internal entities are still expanded in attribute values; OPML never needs them.
        raise OPMLError("OPML declares entities in a DTD; such documents are not accepted")
    return root


_LINE_SUFFIX = re.compile(r",\s*line \d+, column \d+\s*$")
_UNDEFINED_ENTITY = re.compile(r"Entity '([^']+)' not defined")
# libxml2's wording for the usual export bugs, said the way a user can act on.
_FRIENDLIER = {
    "xmlParseEntityRef: no name": "a raw '&' (it must be written &amp;)",
    "EntityRef: expecting ';'": "a raw '&' (it must be written &amp;)",
    "Document is empty": "the document is empty",
}


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    msg = _LINE_SUFFIX.sub("", str(exc.msg or exc)).strip()
    msg = _UNDEFINED_ENTITY.sub(lambda m: f"undefined entity &{m.group(1)};", msg)
    msg = _FRIENDLIER.get(msg, msg)
    where = ""
    if exc.lineno:
        column = exc.position[1] if exc.position else 0
        where = f" (line {exc.lineno}, column {column})" if column else f" (line {exc.lineno})"
    return f"not well-formed OPML: {msg}{where}"


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


def _first(parent: etree._Element, name: str) -> etree._Element | None:
    for child in parent:
        if _local(child) == name:
            return child
    return None


def _outlines(parent: etree._Element) -> Iterator[etree._Element]:
    return (child for child in parent if _local(child) == "outline")


class _Node:
    """A mutable list while importing: merged by path, sources deduplicated by URL."""

    __slots__ = ("budget", "children", "context", "name", "purpose", "sources")

    def __init__(self, name: str) -> None:
        self.name = name
        self.purpose: str | None = None
        self.context: str | None = None
        self.budget: int | None = None
        self.sources: dict[tuple[str, str], OutlineSource] = {}
        self.children: dict[str, _Node] = {}

    def child(self, name: str) -> _Node:
        node = self.children.get(name)
        if node is None:
            node = self.children[name] = _Node(name)
        return node

    def add(self, source: OutlineSource) -> None:
        self.sources.setdefault(_source_key(source), source)

    def freeze(self) -> OutlineList:
        return OutlineList(
            name=self.name,
            purpose=self.purpose,
            context=self.context,
            budget=self.budget,
            sources=tuple(self.sources.values()),
            children=tuple(c.freeze() for c in self.children.values()),
        )


def _source_key(source: OutlineSource) -> tuple[str, str]:
    """Dedupe key: the canonical URL, so ``HTTP://Host/feed`` and ``http://host/feed`` match."""
    try:
        return source.kind, canonicalize(source.url)
    except InputError:
        return source.kind, source.url  # a local path: compared as written


class _Builder:
    """Walks the outline tree once for structure, then applies ``category`` memberships.

    Two passes keep the round trip exact: the nesting alone fixes the order of lists and of
    the sources in them; categories only add what the nesting does not already say.
    """

    def __init__(self, *, base_url: str | None, allow_local: bool) -> None:
        self.base_url = base_url
        self.allow_local = allow_local
        self.root = _Node("")
        self.unfiled: dict[tuple[str, str], OutlineSource] = {}
        self.skipped: list[str] = []
        self.categorised: list[tuple[OutlineSource, list[tuple[str, ...]]]] = []

    def walk(self, parent: etree._Element, node: _Node, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise OPMLError(f"OPML outlines are nested more than {MAX_DEPTH} levels deep")
        for el in _outlines(parent):
            attrs, pln = _attributes(el)
            has_children = any(True for _ in _outlines(el))
            kind, raw_url = _classify(attrs)
            if kind is not None:
                source = self._source(kind, raw_url, attrs)
                if source is not None:
                    paths = self._categories(attrs.get("category"))
                    if paths:
                        self.categorised.append((source, paths))
                    if node is not self.root:
                        node.add(source)
                    elif not paths:
                        self.unfiled.setdefault(_source_key(source), source)
                if has_children:  # children of a feed outline are kept, at the same level
                    self.walk(el, node, depth + 1)
                continue
            name = clean_text(attrs.get("text")) or clean_text(attrs.get("title"))
            typ = (attrs.get("type") or "").strip().lower()
            if not has_children:
                if "xmlurl" in attrs:
                    self._skip(f"outline {name or '(untitled)'!r}: empty xmlUrl")
                elif typ in _FEED_TYPES:
                    self._skip(f"outline {name or '(untitled)'!r}: type {typ!r} but no xmlUrl")
                elif clean_text(attrs.get("url")):
                    url = _shorten(clean_text(attrs.get("url")) or "")
                    self._skip(f"{url}: not a feed or an OPML list (type {typ or 'none'!r})")
                elif name:
                    _apply_settings(node.child(name), pln)  # an empty list
                continue
            if name:
                sub = node.child(name)
                _apply_settings(sub, pln)
                self.walk(el, sub, depth + 1)
            else:
                # A folder without a name cannot be a list the user can find: keep its
                # contents one level up instead of dropping them.
                self.walk(el, node, depth + 1)

    def _skip(self, reason: str) -> None:
        self.skipped.append(reason)

    def _source(self, kind: str, raw: str, attrs: dict[str, str]) -> OutlineSource | None:
        url = self._url(raw)
        if url is None:
            return None
        html_url = clean_text(attrs.get("htmlurl"))
        if html_url is not None:
            try:
                if self.base_url:
                    html_url = urljoin(self.base_url, html_url)
            except ValueError:
                html_url = None
            if html_url is not None and not is_http_url(html_url):
                html_url = None  # a site link is only ever opened in a browser: http(s) only
        title = clean_text(attrs.get("text")) or clean_text(attrs.get("title"))
        return OutlineSource(url=url, title=title, html_url=html_url, kind=kind)

    def _url(self, raw: str) -> str | None:
        """Resolve and check a source URL; None (and a reason in ``skipped``) if unusable."""
        url = clean_text(raw) or ""
        if self.base_url:
            try:
                url = urljoin(self.base_url, url)
            except ValueError:  # e.g. an unclosed "[" in the host
                self._skip(f"{_shorten(url)}: not a valid URL")
                return None
        scheme = _scheme(url)
        if scheme in ("http", "https"):
            if is_http_url(url):
                return url
            self._skip(f"{_shorten(url)}: not a valid http(s) URL")
            return None
        if not self.allow_local:
            self._skip(f"{_shorten(url)}: not an http(s) URL")
            return None
        if scheme == "file" or url.startswith(("/", "~")) or re.match(r"[A-Za-z]:[\\/]", url):
            return url
        if not scheme:
            self._skip(f"{_shorten(url)}: relative URL and no base URL to resolve it against")
        else:
            self._skip(f"{_shorten(url)}: not an http(s) URL or a local file")
        return None

    def _categories(self, value: str | None) -> list[tuple[str, ...]]:
        """Split ``category`` into list paths: ``/a/b`` and ``a/b`` are paths, ``a`` a name."""
        if not value:
            return []
        paths: list[tuple[str, ...]] = []
        for item in value.split(","):
            segments = tuple(s for s in (clean_text(p) for p in item.split("/")) if s)
            if not segments:
                continue
            if len(segments) > MAX_DEPTH:
                self._skip(f"category {_shorten(item.strip())!r}: more than {MAX_DEPTH} levels")
                continue
            if segments not in paths:
                paths.append(segments)
        return paths

    def result(self, title: str | None, repairs: tuple[str, ...]) -> OPMLDocument:
        for source, paths in self.categorised:
            for path in paths:
                node = self.root
                for name in path:
                    node = node.child(name)
                node.add(source)
        in_lists = set(_keys_in(self.root))
        unfiled = tuple(s for k, s in self.unfiled.items() if k not in in_lists)
        return OPMLDocument(
            title=title,
            lists=tuple(c.freeze() for c in self.root.children.values()),
            unfiled=unfiled,
            skipped=tuple(self.skipped),
            repairs=repairs,
        )


def _keys_in(node: _Node) -> Iterator[tuple[str, str]]:
    stack = list(node.children.values())
    while stack:
        current = stack.pop()
        yield from current.sources
        stack.extend(current.children.values())


def _attributes(el: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    """Return (plain attributes by lower-case name, pln attributes by lower-case name).

    Names are matched case-insensitively (exports in the wild use ``xmlurl`` or ``XMLURL``);
    when two spellings are present the first non-empty value wins.
    """
    plain: dict[str, str] = {}
    pln: dict[str, str] = {}
    for key, value in el.attrib.items():
        if key.startswith("{"):
            ns, _, local = key[1:].partition("}")
            if ns != PLN_NS:
                continue
            target, key = pln, local.lower()
        else:
            target, key = plain, key.lower()
        if key not in target or (not target[key].strip() and value.strip()):
            target[key] = value
    return plain, pln


def _classify(attrs: dict[str, str]) -> tuple[str | None, str]:
    """Return ("feed" | "opml" | None, raw URL) for an outline's attributes."""
    xml_url = (attrs.get("xmlurl") or "").strip()
    typ = (attrs.get("type") or "").strip().lower()
    url = (attrs.get("url") or "").strip()
    if typ == "source":
        # Liferea writes a subscribed OPML list as type="source" sourceType="fl_opml" with
        # the list's address in xmlUrl: a list of feeds, not a feed.
        kind = (attrs.get("sourcetype") or "").strip().lower()
        if kind in ("", "fl_opml", "opml") and (xml_url or url):
            return "opml", xml_url or url
    if xml_url:
        return "feed", xml_url
    if url and (typ == "include" or (typ == "link" and _path_of(url).endswith(".opml"))):
        return "opml", url
    return None, ""


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def _scheme(url: str) -> str:
    """The lower-case scheme of ``url`` or "" (a regex: urlsplit raises on odd hosts)."""
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else ""


def _path_of(url: str) -> str:
    """``url`` without query and fragment, lower case (enough to test a file extension)."""
    return re.split(r"[?#]", url, maxsplit=1)[0].lower()


def _apply_settings(node: _Node, pln: dict[str, str]) -> None:
    """Set purpose/context/budget from pln attributes; invalid values are ignored.

    When folders with the same path are merged, the first value given for each field wins.
    """
    if node.purpose is None:
        node.purpose = clean_text(pln.get("purpose"), multiline=True)
    if node.context is None:
        context = (pln.get("context") or "").strip().lower()
        node.context = context if context in CONTEXTS else None
    if node.budget is None:
        budget = (pln.get("budget") or "").strip()
        if budget and budget_problem(budget) is None:  # the one rule for budgets
            node.budget = int(budget)


def _shorten(text: str) -> str:
    return text if len(text) <= _URL_SHOWN else text[: _URL_SHOWN - 1] + "…"
