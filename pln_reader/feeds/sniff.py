"""What a document is before it is parsed: its first characters as text, its root element, and,
for what is not a feed, what it seems to be (``a JPEG image``, ``an HTML page with no feed link``)."""

from __future__ import annotations

import codecs
import dataclasses
import re

from pln_reader.feeds.parsed import ParsedFeed

_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_HTML_PAGE = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_NESTED_ENTITY = re.compile(rb"""<!ENTITY\s+%?\s*[\w.:-]+\s+(?:"[^"]*&[^"]*"|'[^']*&[^']*')""")
_FEED_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:rss|feed|rdf|channel|item|entry)[\s>/]", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)")


def _sniff(data: bytes) -> str:
    """The start of the document as text, enough to tell JSON, XML, HTML and nothing apart."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) : len(bom) + 2048].decode(enc, "ignore")
    if data[:2] in (b"\x00<", b"<\x00"):  # UTF-16 without a BOM
        return data[:2048].decode("utf-16-be" if data[0] == 0 else "utf-16-le", "ignore")
    head = data[:2048].decode("latin-1")
    if not head.strip(" \t\r\n\x00") and data[2048:].strip(b" \t\r\n\x00"):
        return "?"  # long leading whitespace: not empty
    return head.replace("\x00", "")


def _root_name(data: bytes) -> str:
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", data[:4096], flags=re.DOTALL)
    m = _ROOT.search(body)
    return m.group(1).decode("latin-1") if m else ""


# Magic numbers of what people most often add by mistake, and what to call them.
_MAGIC = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio or video file"),
    (b"\x7fELF", "a program (ELF)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def what_it_is(data: bytes) -> str | None:
    """What a document that is not a feed seems to be (``a JPEG image``), or None."""
    head = data[:64]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:8] == b"ftyp":
        return "an MP4 audio or video file"
    sample = data[:4096]
    utf16 = sample[:2] in (b"\x00<", b"<\x00") or sample.startswith(tuple(b for b, _ in _BOMS))
    if b"\x00" in sample and not utf16:
        return "a binary file"
    return None


def _not_a_feed(data: bytes, warning: str | None) -> str:
    kind = what_it_is(data)
    if kind is not None:
        return f"not a feed: {kind}"
    root = _root_name(data)
    if root.lower() in ("html", "body", "head"):
        return "not a feed: an HTML page with no feed link"
    if root:
        return f"not a feed: root element <{root}> is not RSS, Atom or RDF"
    if b"<" not in data[:4096]:
        return "not a feed: a text file with no XML or JSON in it"
    if warning:
        return f"not a feed: empty document ({warning})"
    return "not a feed: empty document"


_ENTRY_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]", re.IGNORECASE)
_CHANNEL_TAG = re.compile(rb"<(?:[\w.-]+:)?channel[\s>/]", re.IGNORECASE)


def _why_empty(feed: ParsedFeed, data: bytes) -> ParsedFeed:
    """A feed with no entries says why in its warning (issue 24.7), so ``pln sources`` can."""
    if feed.entries:
        return feed
    if _ENTRY_TAG.search(data):
        reason = "no entries: its items could not be read"
    elif feed.version.startswith("rss") and not _CHANNEL_TAG.search(data):
        reason = "no entries: the document has no <channel>"
    elif feed.version.startswith("atom"):
        reason = "no entries: the feed has no <entry> elements"
    else:
        reason = "no entries: the channel has no items"
    warning = f"{reason} ({feed.warning})" if feed.warning else reason
    return dataclasses.replace(feed, warning=warning)
