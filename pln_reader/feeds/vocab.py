"""feedparser's vocabulary for the lxml fast path: which element names mean what, and the small
pure rules (xml:base, namespaces, versions, authors) that :mod:`pln_reader.feeds.fastfeed` applies.

Kept apart from the walker so each file reads on its own; every name here mirrors a rule of
feedparser 6 (``tests/unit/test_parse_equivalence.py`` checks the result on the corpus).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from pln_reader.feeds.raw import RawEntry


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
