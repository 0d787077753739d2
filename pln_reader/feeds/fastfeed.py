"""Fast path: well-formed RSS 0.9x/1.0/2.0 and Atom 1.0 read with lxml, as feedparser reads them.

:func:`parse_fast` returns the same raw values (title, link, id, dates, author, summary, content)
that feedparser 6 (``sanitize_html=False, resolve_relative_uris=False``) would give, or ``None``
when the document is anything it does not model exactly; the caller then uses feedparser.

It re-implements the parts of feedparser's SAX handler that decide those values (which element
wins, depth rules, guid-as-link, the latin-1/cp1252 repairs) and reuses feedparser's own pure
helpers for encoding detection, URL joining and date parsing, so results match by construction.
Anything unusual (DOCTYPE, nested xml:base, odd namespace prefixes, markup inside titles, CDF,
Atom 0.3, ...) is declined. ``tests/unit/test_parse_equivalence.py`` checks it on the corpus.

The shape every reader produces, :class:`RawFeed` / :class:`RawEntry`, is in :mod:`pln_reader.feeds.raw`;
feedparser's vocabulary (element names, namespaces, versions) in :mod:`pln_reader.feeds.vocab`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype
from lxml import etree

from pln_reader.feeds.media import media_of, names_media
from pln_reader.feeds.raw import RawEntry, RawFeed, describe_bozo, parse_date
from pln_reader.feeds.raw import urljoin as _urljoin
from pln_reader.feeds.vocab import (
    _AMP_REF,
    _AUTHORS,
    _CONTENTISH_HARMLESS,
    _FP_HANDLERS,
    _HARMLESS,
    _HTML_TYPES,
    _IMAGE_CHILDREN,
    _MATCH,
    _NOT_IN_AUTHOR,
    _NS_ATOM10,
    _NS_RDF,
    _PARSER_OPTS,
    _PERSON_FIELDS,
    _PUBLISHED,
    _PUSHING,
    _SHADOWING,
    _UPDATED,
    _attrs,
    _Decline,
    _fix,
    _leaf,
    _looks_like_html,
    _map_type,
    _namespaces,
    _next_base,
    _serialize_inner,
    _sync_author,
    _version,
)


class _Ctx:
    """Where values land: an entry, the feed, or nowhere we read (``source``/``outside``)."""

    __slots__ = ("depths", "has_summary", "kind", "raw")

    def __init__(self, kind: str):
        self.kind = kind
        self.raw = RawEntry()
        self.depths: dict[str, int] = {}
        self.has_summary = False

    def store(self, key: str, value: str, depth: int) -> None:
        """pop()'s storage: in entries the shallowest element wins, later ones at equal depth."""
        if self.kind == "entry":
            old = self.depths.get(key)
            if old is None or depth <= old:
                self.depths[key] = depth
                setattr(self.raw, key, value)
        elif self.kind == "feed" and key in ("title", "title_type"):  # the only feed values we read
            setattr(self.raw, key, value)


class _Walker:
    def __init__(self, base: str, version: str, unknown_prefix: Mapping[str, str], track: bool,
                 media: bool = False):
        self.media = media  # the document names enclosures or media elements somewhere
        self.base = base  # feedparser's running self.baseuri
        self.entry = base  # the top of its base stack (the current element's value)
        self.track = track  # only when the document has xml:base below the root
        self.stable: dict[str, str] = {}
        self.feed: _Ctx | None = None
        self.version = version
        self.atom = version.startswith("atom")
        self.unknown_prefix = unknown_prefix
        self.title_depth = -1
        self.has_content = False
        self.in_publisher = False
        self.entries: list[RawEntry] = []
        self.names: dict[str, str] = {}

    # -- naming ----------------------------------------------------------------------------
    def name(self, tag: str) -> str:
        n = self.names.get(tag)
        if n is None:
            if tag[0] == "{":
                ns, local = tag[1:].split("}", 1)
                lns = ns.lower()
                std = "" if "backend.userland.com/rss" in lns else _MATCH.get(lns)
                if std is None:
                    std = self.unknown_prefix.get(ns)
                    if std is None:
                        raise _Decline("undeclared namespace")
                n = (std.lower() + "_" + local.lower()) if std else local.lower()
            else:
                n = tag.lower()
            self.names[tag] = n
        return n

    # -- xml:base, tracked the way feedparser's base stack does it (leaks included) -----------
    def enter(self, el: etree._Element) -> str:
        """Apply ``el``'s start tag to the running base; return the parent's stack value."""
        parent = self.entry
        attr = None
        for k in el.keys():  # noqa: SIM118 -- an lxml element iterates its children
            if k.rsplit("}", 1)[-1].lower() == "base":
                a = _attrs(el)
                attr = a.get("xml:base", a.get("base"))
                break
        if attr:
            self.base = _next_base(self.base, {"base": attr})
        else:
            nxt = self.stable.get(self.base)
            if nxt is None:
                nxt = self.stable[self.base] = _next_base(self.base, {})
            self.base = nxt
        self.entry = self.base
        return parent

    def leave(self, parent: str) -> None:
        self.entry = parent
        if parent:
            self.base = parent

    def skip(self, el: etree._Element) -> None:
        """Replay the start/end tags of a subtree we read without visiting it."""
        if self.track:
            parent = self.enter(el)
            for ch in el:
                self.skip(ch)
            self.leave(parent)

    # -- traversal -------------------------------------------------------------------------
    def visit(self, el: etree._Element, ctx: _Ctx, depth: int) -> None:
        if self.track:
            parent = self.enter(el)
            self.dispatch(el, ctx, depth)
            self.leave(parent)
        else:
            self.dispatch(el, ctx, depth)

    def dispatch(self, el: etree._Element, ctx: _Ctx, depth: int) -> None:
        name = self.name(el.tag)
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, el, name, ctx, depth)
        elif name in _CONTENTISH_HARMLESS:
            if len(el):
                raise _Decline(f"markup inside <{name}>")
        elif name in _HARMLESS or name not in _FP_HANDLERS:
            if _SHADOWING.match(name):
                raise _Decline(f"element <{name}>")
            if name == "itunes_owner":
                if ctx.kind != "feed":  # its names also land in the entry's author list
                    raise _Decline("itunes:owner outside the channel")
                self.in_publisher = True
            for ch in el:
                self.visit(ch, ctx, depth + 1)
            if name == "itunes_owner":
                self.in_publisher = False
        else:
            raise _Decline(f"element <{name}>")

    def children(self, el: etree._Element, ctx: _Ctx, depth: int) -> None:
        for ch in el:
            self.visit(ch, ctx, depth + 1)

    @staticmethod
    def expecting(ctx: _Ctx) -> bool:
        if ctx.kind == "outside":
            raise _Decline("feed element outside the channel")
        return True

    def content_type(self, attrs: Mapping[str, str], default: str) -> str:
        ctype = _map_type(attrs.get("type", default))
        if attrs.get("mode", "") == "base64" or not (
            ctype.startswith("text/") or ctype.endswith(("+xml", "/xml"))
        ):
            raise _Decline("base64 content")
        return ctype

    # -- handlers --------------------------------------------------------------------------
    def h_title(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        ctype = self.content_type(_attrs(el), "text/plain")
        if ctype == "application/xhtml+xml":
            raise _Decline("xhtml title")
        value = _fix(_leaf(el).strip())
        if not (-1 < self.title_depth <= depth):
            ctx.store("title", value, depth)
            ctx.store("title_type", ctype, depth)
        if value and name != "media_title":  # _end_media_title restores title_depth
            self.title_depth = depth

    def h_link(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        attrs = _attrs(el)
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            attrs.pop("url", None)
            attrs.pop("uri", None)
            attrs["href"] = href
        if "href" in attrs:
            url = _urljoin(self.base, attrs["href"])
            # an alternate with an empty type is the article (feedparser skips it, and an
            # enclosure or guid would then stand in for the article's link)
            alternate = attrs["rel"] == "alternate" and (
                _map_type(attrs["type"]) in _HTML_TYPES or not attrs["type"].strip()
            )
            if alternate and ctx.kind in ("entry", "feed"):
                ctx.raw.link = url
            self.children(el, ctx, depth)  # nothing was pushed: children dispatch as usual
            return
        value = _leaf(el).strip()
        if value:
            value = _urljoin(self.base, value)
        value = _fix(value)
        if ctx.kind == "entry":
            ctx.raw.link = _AMP_REF.sub(r"&\g<1>", value.replace("&amp;", "&"))
        elif ctx.kind == "feed":
            ctx.raw.link = _AMP_REF.sub(r"&\g<1>", value)

    def h_guid(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        is_link = _attrs(el).get("ispermalink", "true") == "true"
        value = _leaf(el).strip()
        if value and is_link:
            value = _urljoin(self.base, value)
        value = _fix(value)
        ctx.store("id", value, depth)
        if is_link and ctx.kind in ("entry", "feed") and ctx.raw.link is None:
            ctx.raw.link = value

    def h_date(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        value = _leaf(el).strip()
        if ctx.kind == "entry":
            parsed = parse_date(_fix(value)) if value else None
            if name in _PUBLISHED:
                ctx.raw.published = parsed
            else:
                ctx.raw.updated = parsed

    def h_author(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        if self.in_publisher:
            raise _Decline("author inside itunes:owner")
        live = ctx.kind == "entry"  # only an entry's author is read; elsewhere check structure
        detail: dict[str, str] = {}  # feedparser's context["authors"][-1] for this element
        parts = [el.text or ""]  # the author element's own text (RSS style)
        for ch in el:
            n = self.name(ch.tag)
            if n in _PERSON_FIELDS:
                parent = self.enter(ch) if self.track else ""
                value = _leaf(ch).strip()
                if n in ("uri", "url", "homepage"):
                    value = _fix(_urljoin(self.base, value) if value else value)
                if self.track:
                    self.leave(parent)
                if live:
                    _sync_author(ctx.raw, detail)  # _save_author() syncs before it saves
                detail[_PERSON_FIELDS[n]] = value
            else:
                for d in ch.iter():
                    if self.name(d.tag) in _NOT_IN_AUTHOR:
                        raise _Decline("person or content fields nested inside an author")
                pushes = n in _PUSHING or (n not in _FP_HANDLERS and not len(ch.attrib))
                # feedparser pushes nothing for it, so its text would join the author's
                if not pushes and (len(ch) or (ch.text or "").strip()):
                    raise _Decline("text inside an author")
                self.visit(ch, ctx, depth + 1)
            parts.append(ch.tail or "")
        if live:
            ctx.store("author", _fix("".join(parts).strip()), depth)
            _sync_author(ctx.raw, detail)

    def text_value(self, el: etree._Element, ctype: str) -> str:
        if ctype != "application/xhtml+xml":
            return _leaf(el).strip()
        if not len(el):
            return _xml_escape(el.text or "").strip()
        for d in el.iterdescendants():
            if self.name(d.tag) in _FP_HANDLERS:  # end tags still reach feedparser's handlers
                raise _Decline("feed element names inside xhtml content")
        for ch in el:
            self.skip(ch)
        kids = list(el)
        if (
            self.atom
            and len(kids) == 1
            and not (el.text or "").strip()
            and not (kids[0].tail or "").strip()
            and self.name(kids[0].tag).endswith("div")
        ):
            el = kids[0]  # feedparser drops the wrapping <div> of Atom xhtml content
        return _serialize_inner(el).strip()

    def h_description(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        attrs = _attrs(el)
        if ctx.has_summary and not self.has_content:
            return self.content(el, attrs, "text/plain", ctx)
        self.summary(el, attrs, "text/html", ctx, depth, is_description=True)

    def h_summary(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        attrs = _attrs(el)
        if ctx.has_summary and not self.has_content:
            return self.content(el, attrs, "text/plain", ctx)
        self.summary(el, attrs, "text/plain", ctx, depth, is_description=False)

    def summary(
        self,
        el: etree._Element,
        attrs: Mapping[str, str],
        default: str,
        ctx: _Ctx,
        depth: int,
        *,
        is_description: bool,
    ) -> None:
        ctype = self.content_type(attrs, default)
        value = _fix(self.text_value(el, ctype))
        if not self.atom and ctype == "text/plain" and _looks_like_html(value):
            ctype = "text/html"
        if ctx.kind == "entry":
            ctx.store("summary", value, depth)
            ctx.raw.summary_type = ctype
            ctx.has_summary = True
            if ctx.raw.content_base is None:
                ctx.raw.content_base = self.base
        elif not is_description:  # a feed-level <description> is the subtitle
            ctx.has_summary = True

    def h_content(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.expecting(ctx)
        default = "text/plain" if name == "content" else "text/html"
        self.content(el, _attrs(el), default, ctx)

    def content(
        self, el: etree._Element, attrs: Mapping[str, str], default: str, ctx: _Ctx
    ) -> None:
        self.has_content = True
        ctype = self.content_type(attrs, default)
        copy = ctype in ("text/plain", "text/html", "application/xhtml+xml")
        value = _fix(self.text_value(el, ctype))
        if not self.atom and ctype == "text/plain" and _looks_like_html(value):
            ctype = "text/html"
        if ctx.kind == "entry":
            if not ctx.raw.contents:
                ctx.raw.content_base = self.base
            ctx.raw.contents.append((value, ctype))
        if copy and not ctx.has_summary:
            ctx.has_summary = True
            if ctx.kind == "entry":
                ctx.raw.summary = value

    def h_source(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        if ctx.kind != "entry":
            raise _Decline("source outside an entry")
        self.title_depth = -1
        self.children(el, _Ctx("source"), depth)

    def h_image(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        self.title_depth = -1
        allowed = _IMAGE_CHILDREN[name]
        for ch in el:
            n = self.name(ch.tag)
            if n not in allowed:  # any other plain element ends feedparser's "in image" state
                raise _Decline(f"<{n}> inside <{name}>")
            if ctx.kind == "entry":
                if name != "image" or n not in ("title", "link", "url", "width", "height"):
                    raise _Decline(f"<{n}> inside an entry's <{name}>")
                if len(ch.attrib):  # <link href> would land in the entry or the feed's image
                    raise _Decline(f"attributes on <{n}> inside an entry's image")
                if n == "title":  # pop() stores it into the entry like any title
                    self.visit(ch, ctx, depth + 1)
                    continue
            elif n == "title" and _leaf(ch).strip():
                self.title_depth = depth + 1
            _leaf(ch)  # links inside images go nowhere we read
            self.skip(ch)

    def h_item(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        if ctx.kind not in ("feed", "outside"):
            raise _Decline("nested entry")
        attrs = _attrs(el)
        if "href" in attrs or "lastmod" in attrs:
            raise _Decline("CDF item")
        entry = _Ctx("entry")
        about = attrs.get("rdf:about")
        if about:
            entry.raw.id = about
        self.entries.append(entry.raw)
        self.title_depth = -1
        self.children(el, entry, depth)
        self.has_content = False
        if self.media:
            entry.raw.media = media_of(el)

    def h_channel(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        if ctx.kind != "outside" or self.feed is not None:
            raise _Decline("nested or repeated channel")
        attrs = _attrs(el)
        if "href" in attrs or "lastmod" in attrs:
            raise _Decline("CDF channel")
        self.feed = _Ctx("feed")
        self.children(el, self.feed, depth)


_HANDLERS: dict[str, Callable[..., None]] = {}
for _n in ("title", "dc_title", "media_title"):
    _HANDLERS[_n] = _Walker.h_title
_HANDLERS["link"] = _Walker.h_link
_HANDLERS["guid"] = _HANDLERS["id"] = _Walker.h_guid
for _n in _PUBLISHED | _UPDATED:
    _HANDLERS[_n] = _Walker.h_date
for _n in _AUTHORS:
    _HANDLERS[_n] = _Walker.h_author
for _n in ("description", "dc_description", "media_description"):
    _HANDLERS[_n] = _Walker.h_description
for _n in ("summary", "itunes_summary"):
    _HANDLERS[_n] = _Walker.h_summary
for _n in ("content", "content_encoded", "fullitem"):
    _HANDLERS[_n] = _Walker.h_content
_HANDLERS["source"] = _Walker.h_source
_HANDLERS["image"] = _HANDLERS["textinput"] = _Walker.h_image
_HANDLERS["item"] = _HANDLERS["entry"] = _Walker.h_item
_HANDLERS["channel"] = _Walker.h_channel


_HEAD_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


NOT_WELL_FORMED = "not well-formed XML"
"""What :func:`read_fast` says when lxml could not parse the document at all."""


def parse_fast(data: bytes, headers: Mapping[str, str]) -> RawFeed | None:
    """Read ``data`` like feedparser would, or return None to ask for feedparser.

    ``headers`` are the (lower-cased) response headers given to feedparser.
    """
    raw = read_fast(data, headers)
    return raw if isinstance(raw, RawFeed) else None


def read_fast(data: bytes, headers: Mapping[str, str]) -> RawFeed | str:
    """:func:`parse_fast`, with why it asks for feedparser instead of None (a str, which is
    :data:`NOT_WELL_FORMED` when the XML is not well-formed)."""
    try:
        return _parse_fast(data, headers) or "declined"
    except etree.XMLSyntaxError:
        return NOT_WELL_FORMED
    except (_Decline, etree.LxmlError, RecursionError, UnicodeError, LookupError, ValueError) as exc:
        return str(exc) or type(exc).__name__


def _parse_fast(data: bytes, headers: Mapping[str, str]) -> RawFeed | None:
    result: dict[str, Any] = {}
    data = convert_to_utf8(dict(headers), data, result)
    if not result.get("encoding"):
        raise _Decline("unknown encoding")
    start = re.search(rb"<\w", data)
    if start is None:
        raise _Decline("no root element")
    doctype_version = None
    if _HEAD_DECL.search(data, 0, start.start()):
        # feedparser strips the DOCTYPE (keeping only "safe" entities, which we leave to it)
        doctype_version, data, entities = replace_doctype(data)
        start = re.search(rb"<\w", data)
        if entities or start is None or _HEAD_DECL.search(data, 0, start.start()):
            raise _Decline("DOCTYPE with entities")

    events = etree.iterparse(io.BytesIO(data), events=("start-ns",), **_PARSER_OPTS)
    decls = [(p or "", uri) for _, (p, uri) in events]
    root = events.root
    unknown = _namespaces(decls)

    qname = etree.QName(root)
    ns = (qname.namespace or "").lower()
    if qname.localname == "rss" and (not ns or "backend.userland.com/rss" in ns):
        root_tag = "rss"
    elif qname.localname == "feed" and ns == _NS_ATOM10:
        root_tag = "feed"
    elif qname.localname == "RDF" and ns == _NS_RDF:
        root_tag = "rdf"
    else:
        raise _Decline(f"root element {qname.localname}")
    root_attrs = _attrs(root)
    version = doctype_version or _version(root_tag, decls, root_attrs)

    # feedparser's base: Content-Location, then xml:base as its (leaky) base stack has it
    contentloc = headers.get("content-location", "")
    track = bool(root.xpath("count(//@*[local-name()='base'])") > ("base" in root_attrs))
    base = _next_base(contentloc, root_attrs)
    if not track:
        base = _next_base(base, {})
        if _next_base(base, {}) != base:
            track = True
            base = _next_base(contentloc, root_attrs)
    walker = _Walker(base, version, unknown, track, names_media(data, decls))

    if root_tag == "feed":
        walker.feed = _Ctx("feed")
        walker.children(root, walker.feed, 1)
    else:
        outside = _Ctx("outside")
        for ch in root:
            if root_tag == "rss" and walker.name(ch.tag) != "channel":
                raise _Decline("RSS element outside <channel>")
            walker.visit(ch, outside, 2)
    feed = walker.feed or _Ctx("feed")
    raw = feed.raw
    return RawFeed(
        version=version,
        title=raw.title,
        title_type=raw.title_type,
        link=raw.link,
        entries=walker.entries,
        warning=describe_bozo(result.get("bozo_exception")),
    )
