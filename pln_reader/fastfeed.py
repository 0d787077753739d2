"""Fast path: well-formed RSS 0.9x/1.0/2.0 and Atom 1.0 read with lxml, as feedparser reads them.

:func:`parse_fast` returns the same raw values (title, link, id, dates, author, summary, content)
that feedparser 6 (``sanitize_html=False, resolve_relative_uris=False``) would give, or ``None``
when the document is anything it does not model exactly; the caller then uses feedparser.

It re-implements the parts of feedparser's SAX handler that decide those values (which element
wins, depth rules, guid-as-link, the latin-1/cp1252 repairs) and reuses feedparser's own pure
helpers for encoding detection, URL joining and date parsing, so results match by construction.
Anything unusual (DOCTYPE, nested xml:base, odd namespace prefixes, markup inside titles, CDF,
Atom 0.3, ...) is declined. ``tests/unit/test_parse_equivalence.py`` checks it on the corpus.

The shape every reader produces, :class:`RawFeed` / :class:`RawEntry`, is in :mod:`pln_reader.rawfeed`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from feedparser.encodings import convert_to_utf8
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import replace_doctype
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from pln_reader.rawfeed import RawEntry, RawFeed, describe_bozo, parse_date


class _Decline(Exception):
    """The document needs feedparser's full treatment."""


# --- feedparser's vocabulary ---------------------------------------------------------------

_MATCH: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_STD_PREFIXES = {v.lower() for v in _MATCH.values() if v}
_NS_RSS10 = "http://purl.org/rss/1.0/"
_NS_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_NS_ATOM10 = "http://www.w3.org/2005/atom"
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_HTML_TYPES = _FeedParserMixin.html_types
_map_type: Callable[[str], str] = _FeedParserMixin.map_content_type
_looks_like_html: Callable[[str], bool] = _FeedParserMixin.looks_like_html
_FP_HANDLERS = {
    n.split("_", 2)[2] for n in dir(_FeedParserMixin) if n.startswith(("_start_", "_end_"))
}
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
_AMP_REF = re.compile("&([A-Za-z0-9_]+);")
_CP1252 = {k: v for k, v in _cp1252.items()}
_C1 = re.compile("[\x80-\x9f]")

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Handlers that cannot change any value we read: visited generically. Those that collect text
# as "content" must be leaves (markup inside them switches feedparser into xhtml mode).
_HARMLESS = _words("""
    category dc_subject media_category itunes_category keywords tags media_keywords
    itunes_keywords enclosure cloud generator language dc_language created dcterms_created
    expirationdate dcterms_valid width height newlocation itunes_image itunes_link itunes_block
    itunes_explicit media_rating media_credit media_restriction media_license media_thumbnail
    media_player media_content media_group georss_point georss_line georss_polygon georss_box
    georss_where where gml_point gml_linestring gml_polygon gml_exterior gml_linearring gml_pos
    gml_poslist psc_chapters psc_chapter cc_license creativecommons_license name email url uri
    homepage itunes_name itunes_email webmaster dc_publisher itunes_owner contributor
    dc_contributor
""")
_CONTENTISH_HARMLESS = _words("""
    subtitle tagline itunes_subtitle rights copyright dc_rights info feedburner_browserfriendly
""")
# Generic element names that would shadow keys the feedparser adapter reads.
_SHADOWING = re.compile(r".*_(parsed|detail)$|guidislink$|links$|authors$|contributors$")
_PUBLISHED = _words("pubdate published issued dcterms_issued")
_UPDATED = _words("updated modified lastbuilddate dc_date dcterms_modified")
_AUTHORS = _words("author managingeditor dc_author dc_creator itunes_author")
_PERSON_FIELDS = {
    "name": "name", "itunes_name": "name", "email": "email", "itunes_email": "email",
    "uri": "href", "url": "href", "homepage": "href",
}  # fmt: skip
_PERSON_PARTS = _AUTHORS | _PERSON_FIELDS.keys() | _words(
    "contributor dc_contributor webmaster dc_publisher itunes_owner"
)
# Content handlers push two frames and pop one: inside an author the stray frame swallows the
# author's text and its end tag, so feedparser's result there is not worth modelling.
_NOT_IN_AUTHOR = _PERSON_PARTS | _words("""
    content content_encoded fullitem body xhtml_body summary itunes_summary description
    dc_description media_description
""")
# Handlers that push a text frame of their own (so their text never joins an author's).
_PUSHING = _PUBLISHED | _UPDATED | _words("""
    title dc_title media_title guid id description dc_description media_description summary
    itunes_summary content_encoded category dc_subject media_category itunes_category keywords
    generator language dc_language created dcterms_created subtitle tagline itunes_subtitle
    rights copyright dc_rights info image itunes_image
""")
_IMAGE_CHILDREN = {
    "image": {"title", "link", "description", "url", "href", "width", "height"},
    "textinput": {"title", "link", "description", "name"},
}

# No DTD, no entity expansion, no network, libxml2's size limits (no XXE, no billion laughs).
_PARSER_OPTS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _fix(s: str) -> str:
    """feedparser's last steps on element text: undo utf-8-read-as-latin-1, map cp1252 C1."""
    if s.isascii():
        return s
    try:
        s = s.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    # str.translate walks every character in Python; only call it when there is work to do
    return s.translate(_CP1252) if _C1.search(s) else s


def _leaf(el: etree._Element) -> str:
    if len(el):
        raise _Decline("markup inside a text element")
    return el.text or ""


def _attrs(el: etree._Element) -> dict[str, str]:
    """Attributes keyed the way feedparser's strict parser keys them."""
    d: dict[str, str] = {}
    for k, v in el.items():
        if k[0] == "{":
            ns, local = k[1:].split("}", 1)
            p = _MATCH.get(ns.lower(), "")
            keys = {(p + ":" + local if p else local).lower(), local.lower()}
        else:
            keys = {k.lower()}
        for key in keys:
            val = v.lower() if key in ("rel", "type") else v
            if d.get(key, val) != val:
                raise _Decline("ambiguous attributes")
            d[key] = val
    return d


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
        elif self.kind == "feed" and key == "title":  # the only feed-level value we read
            setattr(self.raw, key, value)


class _Walker:
    def __init__(self, base: str, version: str, unknown_prefix: Mapping[str, str], track: bool):
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
        if self.content_type(_attrs(el), "text/plain") == "application/xhtml+xml":
            raise _Decline("xhtml title")
        value = _fix(_leaf(el).strip())
        if not (-1 < self.title_depth <= depth):
            ctx.store("title", value, depth)
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
            alternate = attrs["rel"] == "alternate" and _map_type(attrs["type"]) in _HTML_TYPES
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

    def h_channel(self, el: etree._Element, name: str, ctx: _Ctx, depth: int) -> None:
        if ctx.kind != "outside" or self.feed is not None:
            raise _Decline("nested or repeated channel")
        attrs = _attrs(el)
        if "href" in attrs or "lastmod" in attrs:
            raise _Decline("CDF channel")
        self.feed = _Ctx("feed")
        self.children(el, self.feed, depth)


_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"""
    r"""([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def _sync_author(raw: RawEntry, detail: dict[str, str]) -> None:
    """feedparser's _sync_author_detail(): detail -> "name (email)", or author text -> detail."""
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            raw.author = f"{name} ({email})"
        elif name or email:
            raw.author = name or email
        return
    author = raw.author
    if not author:
        return
    email = None
    m = _EMAIL.search(author)
    if m:
        email = m.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def _serialize_inner(el: etree._Element) -> str:
    """Inner markup of an xhtml element, roughly as feedparser rebuilds it (tags, no xmlns)."""
    out = [_xml_escape(el.text or "")]
    for ch in el:
        tag = etree.QName(ch).localname.lower()
        attrs = "".join(
            f' {etree.QName(k).localname.lower()}="{_xml_escape(v, {chr(34): "&quot;"})}"'
            for k, v in ch.items()
        )
        out.append(f"<{tag}{attrs}>{_serialize_inner(ch)}</{tag}>")
        out.append(_xml_escape(ch.tail or ""))
    return "".join(out)


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


def _next_base(current: str, attrs: Mapping[str, str]) -> str:
    """feedparser's xml:base step for one element."""
    base = attrs.get("xml:base", attrs.get("base")) or current
    if current:
        return make_safe_absolute_uri(current, base) or current
    return _urljoin(current, base)


def _namespaces(decls: list[tuple[str, str]]) -> dict[str, str]:
    """Check the document's namespace declarations; return unknown URI -> its prefix.

    feedparser names an element of a known namespace by the standard prefix (remapped through
    the document's own prefixes) and one of an unknown namespace by its first prefix; reject
    the declarations under which those names would differ from ours.
    """
    by_prefix: dict[str, set[str]] = {}
    by_uri: dict[str, set[str]] = {}
    for prefix, uri in decls:
        by_prefix.setdefault(prefix, set()).add(uri)
        by_uri.setdefault(uri, set()).add(prefix)

    def std(uri: str) -> str | None:
        lowered = uri.lower()
        return "" if "backend.userland.com/rss" in lowered else _MATCH.get(lowered)

    declared_std = {s.lower() for s in map(std, by_uri) if s}
    unknown: dict[str, str] = {}
    for uri, prefixes in by_uri.items():
        s = std(uri)
        for prefix in prefixes:
            if s is None:
                # only ever a default namespace: feedparser uses bare local names (so do we)
                if len(prefixes) > 1 or (prefix and len(by_prefix[prefix]) > 1):
                    raise _Decline("ambiguous namespace prefix")
                if prefix.lower() in declared_std or prefix.lower() == "xml":
                    raise _Decline("unknown namespace on a prefix feedparser uses")
                unknown[uri] = prefix
            elif prefix and prefix != s and prefix.lower() in declared_std - {s.lower()}:
                raise _Decline("well-known prefix bound to another namespace")
    return unknown


def _version(root_tag: str, decls: list[tuple[str, str]], root_attrs: Mapping[str, str]) -> str:
    """The version feedparser reports: first telling namespace declaration, then the root."""
    version = ""
    for prefix, uri in decls:
        lowered = uri.lower()
        if not version:
            if not prefix and lowered == _NS_RSS090:
                version = "rss090"
            elif lowered == _NS_RSS10:
                version = "rss10"
            elif lowered == _NS_ATOM10:
                version = "atom10"
    if root_tag == "rss":
        if not version.startswith("rss"):
            attr = root_attrs.get("version", "")
            version = _RSS_VERSIONS.get(attr) or ("rss20" if attr.startswith("2.") else "rss")
        elif version:
            raise _Decline("RSS root with an RDF namespace")
        return version
    if root_tag == "feed" and version == "atom10":
        return version
    if root_tag == "rdf" and version in ("rss10", "rss090"):
        return version
    raise _Decline("not RSS 0.9x/1.0/2.0 or Atom 1.0")


_HEAD_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_fast(data: bytes, headers: Mapping[str, str]) -> RawFeed | None:
    """Read ``data`` like feedparser would, or return None to ask for feedparser.

    ``headers`` are the (lower-cased) response headers given to feedparser.
    """
    try:
        return _parse_fast(data, headers)
    except (_Decline, etree.LxmlError, RecursionError, UnicodeError, LookupError, ValueError):
        return None


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
    walker = _Walker(base, version, unknown, track)

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
        link=raw.link,
        entries=walker.entries,
        warning=describe_bozo(result.get("bozo_exception")),
    )
