"""Pure feed parsing: bytes (+ HTTP headers, + the feed's URL) -> :class:`ParsedFeed`.

Three readers, one output:

* JSON Feed 1.0/1.1: :mod:`pln_reader.feeds.jsonfeed` (feedparser 6 cannot read it);
* well-formed RSS 0.9x/1.0/2.0 and Atom 1.0: the lxml fast path in :mod:`pln_reader.feeds.fastfeed`,
  which gives the same values feedparser would;
* everything else (ill-formed XML, odd encodings, Atom 0.3, CDF, ...): feedparser, with its slow
  sanitiser and URI resolver switched off.

All three yield a :class:`~pln_reader.feeds.raw.RawFeed`; :func:`_finish` then makes URLs
absolute, derives missing ids, turns the summary into plain text, sanitises the content
(:mod:`.sanitize`; for the refresh it only measures it) and cleans every string for the
terminal. Nothing here does I/O or keeps state between calls (beyond compiled regexes, a date
cache and reusable nh3 cleaners), so it is safe in threads and process pools.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import re
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

from feedparser.urls import _urljoin

from pln_reader.core.errors import ParseError
from pln_reader.core.media import (
    Chapter,
    Media,
    Transcript,
    media_kind,
    parse_count,
    parse_duration,
    parse_offset,
    playable_url,
)
from pln_reader.core.text import clean_text
from pln_reader.feeds.encoding import fix_encoding
from pln_reader.feeds.fastfeed import NOT_WELL_FORMED, parse_fast, read_fast
from pln_reader.feeds.media import has_media, media_in_document
from pln_reader.feeds.parsed import ParsedEntry, ParsedFeed
from pln_reader.feeds.raw import (
    RawEntry,
    RawFeed,
    RawMedia,
    describe_bozo,
    is_plain_absolute,
    struct_to_datetime,
)
from pln_reader.feeds.sanitize import Sanitizers
from pln_reader.feeds.sniff import (
    _FEED_TAG,
    _HTML_PAGE,
    _NESTED_ENTITY,
    _not_a_feed,
    _root_name,
    _sniff,
    _why_empty,
)
from pln_reader.feeds.summary import PARA_BREAK, strip_markup, summary_of

__all__ = ["parse_feed"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def parse_feed(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    content: bool = True,
) -> ParsedFeed:
    """Parse a fetched feed document.

    ``headers`` are the HTTP response headers (only ``Content-Type`` matters: it can carry the
    encoding); ``url`` is where the document came from, the base for relative links. Raises
    :class:`~pln_reader.core.errors.ParseError` (and nothing else) when the bytes are not a feed.

    ``content=False`` leaves each entry's :attr:`~.ParsedEntry.content` out (None) and gives
    only its length: sanitising the full HTML was a third of the parse's work, and the refresh
    keeps no more than the length (for reading time).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ParseError(f"not a feed: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    try:
        hdrs = _lower_headers(headers)
        url = url if isinstance(url, str) and url.strip() else None
        head = _sniff(data)
        if not head.strip():
            raise ParseError("not a feed: empty document")
        if head.lstrip()[:1] in ("{", "[") or (
            "json" in hdrs.get("content-type", "").lower() and not head.lstrip().startswith("<")
        ):
            from pln_reader.feeds.jsonfeed import parse_json_feed

            return _finish(parse_json_feed(data), url, content)
        if _HTML_PAGE.match(head) and not _FEED_TAG.search(data):
            raise ParseError("not a feed: an HTML page with no feed link")
        if _NESTED_ENTITY.search(data, 0, 65536):
            # only an entity-expansion bomb needs entities built from entities; expat would
            # stop it, but only after a second or more of feedparser's per-character work
            raise ParseError("not a feed: the DTD declares nested entities (an expansion bomb?)")
        data, hdrs, note = _right_encoding(data, hdrs)
        fp_headers = _feedparser_headers(url, hdrs)
        try:
            raw = read_fast(data, fp_headers)
        except Exception:  # noqa: BLE001 -- a fast-path bug must never cost the user the feed
            raw = "the fast path failed"
        if isinstance(raw, str):
            raw = _read_with_feedparser(data, fp_headers, ill_formed=raw == NOT_WELL_FORMED)
        return _why_empty(_finish(_noted(raw, note), url, content), data)
    except ParseError:
        raise
    except Exception as exc:  # never let a parser bug escape as anything but ParseError
        detail = clean_text(str(exc)[:200]) or ""
        raise ParseError(f"not a feed: the parser failed ({type(exc).__name__}: {detail})") from exc


# --- the two XML readers, exposed for the equivalence test -------------------------------


def _parse_fast(
    data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None
) -> ParsedFeed | None:
    """The lxml fast path alone: a ParsedFeed, or None when it declines the document."""
    data, hdrs, note = _right_encoding(data, _lower_headers(headers))
    raw = parse_fast(data, _feedparser_headers(url, hdrs))
    return None if raw is None else _finish(_noted(raw, note), url)


def _parse_with_feedparser(
    data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """The feedparser path alone (same post-processing as the fast path)."""
    data, hdrs, note = _right_encoding(data, _lower_headers(headers))
    raw = _read_with_feedparser(data, _feedparser_headers(url, hdrs))
    return _finish(_noted(raw, note), url)


def _right_encoding(
    data: bytes, hdrs: dict[str, str]
) -> tuple[bytes, dict[str, str], str | None]:
    """The document in an encoding both readers decode right (see :mod:`.encoding`), and a
    note for the feed's warning when it had to be changed."""
    fixed, ctype, note = fix_encoding(data, hdrs.get("content-type"))
    if note is None:
        return data, hdrs, None
    if ctype is not None:
        hdrs = {**hdrs, "content-type": ctype}
    return fixed, hdrs, note


def _noted(raw: RawFeed, note: str | None) -> RawFeed:
    """``raw`` with the encoding note as its warning (a parser's own warning comes first)."""
    if note is not None:
        raw.warning = f"{raw.warning}; {note}" if raw.warning else note
    return raw


def _lower_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    if not headers:
        return {}
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _feedparser_headers(url: str | None, headers: Mapping[str, str]) -> dict[str, str]:
    # Without a Content-Type feedparser treats any header dict as a non-XML response (and
    # defaults to iso-8859-1); application/xml is what "no headers at all" means to it.
    out = {"content-type": headers.get("content-type") or "application/xml"}
    if _http_url(url):  # a local path or file: URL must not become the base of entry links
        out["content-location"] = url  # type: ignore[assignment]
    return out


# feedparser's settings are module globals: its calls from here take turns.
_FEEDPARSER = threading.Lock()


def _read_with_feedparser(data: bytes, headers: Mapping[str, str], *, ill_formed: bool = False) -> RawFeed:
    """feedparser's reading of ``data``. ``ill_formed``: lxml could not parse it; feedparser
    would try expat with its own handlers first (a pass that fails) and then read it loosely.
    Expat alone (:func:`_strict_error`) finds the error that pass would stop at for a fraction
    of its cost; feedparser then goes straight to its loose reading, with that error as its
    ``bozo_exception``, as its strict pass would have left it."""
    import feedparser
    import feedparser.api

    with _FEEDPARSER:
        # feedparser asks xml.sax for libxml2's driver first, on every parse; without it
        # installed (it is not a dependency) the failed import costs ~130 µs a call, half of
        # feedparser's time on a small feed, before it falls back to expat. Expat is what the
        # fast path is checked against, so it is named outright.
        feedparser.api.PREFERRED_XML_PARSERS = []
        error = _strict_error(data, headers) if ill_formed else None
        strict = feedparser.api._XML_AVAILABLE
        if error is not None:
            feedparser.api._XML_AVAILABLE = False  # the loose reading only
        # A BytesIO, never bytes: feedparser.parse() treats a bytes argument as a possible path.
        try:
            d = feedparser.parse(
                io.BytesIO(data),
                response_headers=dict(headers),
                sanitize_html=False,
                resolve_relative_uris=False,
            )
        except (UnicodeError, LookupError, ValueError) as exc:  # e.g. a garbled encoding name
            raise ParseError(f"not a feed: unreadable XML declaration ({type(exc).__name__})") from None
        finally:
            feedparser.api._XML_AVAILABLE = strict
    if error is not None:
        d["bozo"], d["bozo_exception"] = 1, error
    # dict.get, not FeedParserDict.get: the latter maps a missing "updated" to "published"
    get = dict.get
    feed = get(d, "feed") if isinstance(get(d, "feed"), dict) else {}
    entries = []
    for e in get(d, "entries") or ():
        if not isinstance(e, dict):
            continue
        detail = get(e, "summary_detail")
        content = get(e, "content")
        contents = [
            (get(c, "value"), get(c, "type") if isinstance(get(c, "type"), str) else "text/html")
            for c in (content if isinstance(content, list) else ())
            if isinstance(c, dict) and isinstance(get(c, "value"), str)
        ]
        first = content[0] if isinstance(content, list) and content else None
        base_from = first if isinstance(first, dict) else detail
        entries.append(
            RawEntry(
                title=_str(get(e, "title")),
                title_type=_detail_type(get(e, "title_detail")),
                link=_article_link(e),
                id=_str(get(e, "id")),
                published=struct_to_datetime(get(e, "published_parsed")),
                updated=struct_to_datetime(get(e, "updated_parsed")),
                author=_str(get(e, "author")),
                summary=_str(get(e, "summary")),
                summary_type=_str(get(detail, "type")) if isinstance(detail, dict) else None,
                contents=contents,
                content_base=_str(get(base_from, "base")) if isinstance(base_from, dict) else None,
            )
        )
    if entries and has_media(data):
        # the same reading of the same elements as the fast path (feedparser drops transcripts,
        # chapters and most of Media RSS); only when both readers see the same entries
        found = media_in_document(data)
        if found is not None and len(found) == len(entries):
            for entry, media in zip(entries, found, strict=True):
                entry.media = media
    version = _str(get(d, "version")) or ""
    title, link = _str(get(feed, "title")), _str(get(feed, "link"))
    warning = describe_bozo(get(d, "bozo_exception")) if get(d, "bozo") else None
    # CDF has no version feedparser can name; its root is <channel> in any case (<CHANNEL>)
    cdf = not version and _root_name(data).lower() == "channel"
    if not version and not entries and not title and not cdf:
        raise ParseError(_not_a_feed(data, warning))
    if not version:
        version = "cdf" if cdf else "unknown"
    return RawFeed(
        version=version,
        title=title,
        title_type=_detail_type(get(feed, "title_detail")),
        link=link,
        entries=entries,
        warning=warning,
    )


def _strict_error(data: bytes, headers: Mapping[str, str]) -> Exception | None:
    """The error feedparser's strict pass over ``data`` stops at: the same expat parser with
    the same features over the same bytes (its encoding conversion and DOCTYPE rewrite), with
    no handlers of feedparser's. None when that pass would not run or would not fail."""
    import xml.sax
    import xml.sax.handler
    import xml.sax.xmlreader

    from feedparser.encodings import convert_to_utf8
    from feedparser.sanitizer import replace_doctype

    if not data:
        return None
    result: dict[str, object] = {}
    try:
        converted = convert_to_utf8(dict(headers), data, result)
    except (UnicodeError, LookupError, ValueError):
        return None  # feedparser itself says why
    if not result.get("encoding"):
        return None  # feedparser reads it loosely from the start
    _, converted, _ = replace_doctype(converted)
    parser = xml.sax.make_parser([])
    parser.setFeature(xml.sax.handler.feature_namespaces, 1)
    with contextlib.suppress(xml.sax.SAXNotSupportedException):
        parser.setFeature(xml.sax.handler.feature_external_ges, 0)
    parser.setContentHandler(xml.sax.handler.ContentHandler())
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(converted))
    try:
        parser.parse(source)
    except xml.sax.SAXException as exc:
        return exc
    return None


def _article_link(entry: dict) -> str | None:
    """feedparser's link, unless it came from no alternate link and an alternate with an
    empty type exists (feedparser skips that one, so a guid or nothing stood in for it)."""
    link = _str(dict.get(entry, "link"))
    links = dict.get(entry, "links")
    alternates = [
        x for x in (links if isinstance(links, list) else ())
        if isinstance(x, dict) and dict.get(x, "rel") == "alternate"
        and isinstance(dict.get(x, "href"), str)
    ]
    if link is not None and any(dict.get(x, "href") == link for x in alternates):
        return link
    untyped = [x for x in alternates if not str(dict.get(x, "type") or "").strip()]
    return dict.get(untyped[-1], "href") if untyped else link


def _detail_type(detail: object) -> str | None:
    """The ``type`` of a feedparser ``*_detail`` dict, or None."""
    return _str(dict.get(detail, "type")) if isinstance(detail, dict) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


_RSS_AUTHOR = re.compile(r"[^\s@()]+@[^\s@()]+\s*\((.+)\)")


def _person(author: str | None) -> str | None:
    """RSS's ``email (Name)`` author as the name people know: ``Alex Morgan``."""
    match = _RSS_AUTHOR.fullmatch(author or "")
    return (match.group(1).strip() or author) if match else author


# --- post-processing shared by all readers ------------------------------------------------


def _finish(raw: RawFeed, url: str | None, content: bool = True) -> ParsedFeed:
    base = url if _http_url(url) else None
    feed_link = _absolute_http(raw.link, base)
    entry_base = base or feed_link
    sanitizers = Sanitizers() if content else None
    entries = tuple(_finish_entry(e, entry_base, sanitizers) for e in raw.entries)
    return ParsedFeed(
        title=plain_title(raw.title, raw.title_type),
        link=feed_link,
        version=raw.version,
        entries=entries,
        warning=clean_text(raw.warning),
    )


# Inline markup that HTML and XHTML titles carry (``Collar for <i>dogs</i>``): a title is shown
# as plain text, so these tags go and their text stays. Only inline tags are matched, so a
# plain-text title that talks about markup ("Styling the <div> element") keeps its words.
_TITLE_TAGS = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
    r"strike|strong|sub|sup|time|tt|u|var)(?:\s[^<>]*)?>|<br\s*/?>", re.IGNORECASE)


# An entity left over once the title's own markup is decoded (``That&#8217;s``, ``&amp;``):
# the publisher escaped the title twice, and a reader should see the character.
_LEFT_ESCAPED = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def plain_title(value: str | None, ctype: str | None = None) -> str | None:
    """A title as the text a person reads, controls stripped and whitespace collapsed.

    An HTML or XHTML title (``ctype``) loses all its markup and has its entities decoded; a
    plain one loses only inline tags (so "Styling the <div> element" keeps its words). Either
    way an entity still visibly escaped after that (escaped twice) is decoded too.
    """
    if not value:
        return clean_text(value)
    if ctype in _HTML_TYPES:
        value = strip_markup(value)
    elif "<" in value:
        value = _TITLE_TAGS.sub("", value)
    if "&" in value and _LEFT_ESCAPED.search(value):
        value = html.unescape(value)
    return clean_text(value)


def _finish_entry(e: RawEntry, base: str | None, sanitizers: Sanitizers | None) -> ParsedEntry:
    """``sanitizers`` None: the content is measured, not kept (``parse_feed(content=False)``)."""
    url = _absolute_http(e.link, base)
    media = _finish_media(e.media, base, url) if e.media is not None else None
    if url is None and media is not None:
        url = media.url  # an episode with no web page of its own: its file is the link
    title = plain_title(e.title, e.title_type)

    summary_src, summary_type = e.summary, e.summary_type
    if not (summary_src and summary_src.strip()) and e.contents:
        summary_src, summary_type = e.contents[0]
    if summary_type is None:
        summary_type = next((t for v, t in e.contents if v == summary_src), "text/html")
    summary = None
    if summary_src:
        summary = clean_text(summary_of(summary_src, summary_type), multiline=True)

    content = content_chars = None
    chosen = _choose_content(e)
    if chosen is not None:
        value, ctype = chosen
        content_chars = len(value.strip())
        if sanitizers is not None:
            if ctype not in _HTML_TYPES:
                value = _text_to_html(value)
            # xml:base (resolved against the document's URL) first, as feedparser resolves it
            content_base = e.content_base if _http_url(e.content_base) else base or url
            content = clean_text(sanitizers[content_base].clean(value), multiline=True)

    entry_id = clean_text(e.id)
    if not entry_id:
        key = url or "\x1f".join(
            (title or "", e.published.isoformat() if e.published else "", summary or "")
        )
        entry_id = "pln:" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
    return ParsedEntry(
        id=entry_id,
        url=url,
        title=title,
        author=_person(clean_text(e.author)),
        published=e.published,
        updated=e.updated,
        summary=summary,
        content=content,
        content_chars=content_chars,
        media=media,
    )


def _media_url(value: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL safe to hand to a player, or None (file:, javascript:, a path...)."""
    if not value:
        return None
    absolute = _absolute_http(value, base)
    return playable_url(absolute) if absolute else None


def _finish_media(m: RawMedia, base: str | None, link: str | None) -> Media | None:
    """The entry's main audio or video (the default file, else the first), or None."""
    chosen: tuple[str, str, str | None, object, object] | None = None
    for url, mime, medium, length, duration, default in m.candidates:
        kind = media_kind(mime, url, medium)
        if kind is None:
            continue
        mime = clean_text(mime.strip().lower()[:100]) if mime and mime.strip() else None
        if mime == "application/x-shockwave-flash":
            # a YouTube feed's embed: the video's page is what a player (yt-dlp) plays
            absolute = playable_url(link) if link else None
        else:
            absolute = _media_url(url, base)
        if absolute is None:
            continue
        if chosen is None or default:
            chosen = (absolute, kind, mime, length, duration)
            if default:
                break
    if chosen is None:
        return None
    url, kind, mime, length, duration = chosen
    transcripts = []
    for t_url, t_type, language in m.transcripts:
        absolute = _media_url(t_url, base)
        if absolute is not None:
            transcripts.append(Transcript(
                absolute, clean_text(t_type.strip().lower()[:100]) if t_type else None,
                clean_text(language.strip()[:35]) if language and language.strip() else None))
    return Media(
        url=url, kind=kind, type=mime, length=parse_count(length),
        duration_seconds=parse_duration(duration) or parse_duration(m.duration),
        image=_media_url(m.image, base), episode=parse_count(m.episode),
        transcripts=tuple(transcripts), chapters=_media_url(m.chapters, base),
        chapter_list=_chapters(m.chapter_list))


def _chapters(found: list[tuple[str, str]]) -> tuple[Chapter, ...]:
    """Inline chapters with a start that can be read and a title, in time order."""
    out = []
    for start, title in found:
        seconds, name = parse_offset(start), plain_title(title)
        if seconds is not None and name:
            out.append(Chapter(seconds, name[:200]))
    return tuple(sorted(out, key=lambda c: c.start_seconds))


def _choose_content(e: RawEntry) -> tuple[str, str] | None:
    """The full HTML: the longest HTML content, else the longest other one, else the summary."""
    htmls = [c for c in e.contents if c[1] in _HTML_TYPES and c[0].strip()]
    others = [c for c in e.contents if c[1] not in _HTML_TYPES and c[0].strip()]
    for group in (htmls, others):
        if group:
            return max(group, key=lambda c: len(c[0]))
    if e.summary and e.summary.strip():
        return e.summary, e.summary_type or "text/html"
    return None


def _http_url(value: str | None) -> bool:
    if not value:
        return False
    if is_plain_absolute(value):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _absolute_http(link: str | None, base: str | None) -> str | None:
    """``link`` made absolute against ``base``; only http(s) URLs survive."""
    if not link:
        return None
    link = link.strip()
    if base and link and not link.startswith(("http://", "https://")):
        link = _urljoin(base, link)
    link = clean_text(link)
    return link if link and _http_url(link) else None


# --- text helpers ----------------------------------------------------------------------------

def _text_to_html(text: str) -> str:
    paras = (p.strip() for p in PARA_BREAK.split(text.replace("\r\n", "\n")))
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paras
        if p
    )
