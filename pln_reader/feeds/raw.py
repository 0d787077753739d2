"""The raw shape every feed reader produces (before cleaning), and the date helpers they share.

:mod:`pln_reader.feeds.parse` turns a :class:`RawFeed` into the cleaned :class:`~pln_reader.feeds.parsed.ParsedFeed`.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.urls import _urljoin as _fp_urljoin


@dataclass(slots=True)
class RawEntry:
    """An entry as a reader found it: strings not yet cleaned, links not yet absolute."""

    title: str | None = None
    title_type: str | None = None
    """The title's MIME type (``text/html`` means markup and entities; None: plain text)."""
    link: str | None = None
    id: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    summary: str | None = None
    summary_type: str | None = None
    contents: list[tuple[str, str]] = field(default_factory=list)
    """(value, MIME type) pairs, in document order."""
    content_base: str | None = None
    """The base URL (``xml:base`` over the document's URL) in effect for the content."""
    media: RawMedia | None = None
    """Enclosures, Media RSS, iTunes and Podcasting 2.0 values (:mod:`pln_reader.feeds.media`)."""


@dataclass(slots=True)
class RawMedia:
    """An entry's media as found: candidate files in document order, and what the entry says."""

    candidates: list[tuple[str, str | None, str | None, object, object, bool]] = field(
        default_factory=list)
    """(url, MIME type, medium, length, duration, is_default) of each enclosure or media:content."""
    duration: object = None
    """itunes:duration (the entry's own, for a file that does not say)."""
    image: str | None = None
    episode: object = None
    transcripts: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(url, MIME type, language) of each podcast:transcript."""
    chapters: str | None = None
    chapter_list: list[tuple[str, str]] = field(default_factory=list)
    """(start, title) of each Podlove Simple Chapter in the feed itself."""


@dataclass(slots=True)
class RawFeed:
    version: str
    title: str | None = None
    title_type: str | None = None
    link: str | None = None
    entries: list[RawEntry] = field(default_factory=list)
    warning: str | None = None



def struct_to_datetime(value: Any) -> datetime | None:
    """feedparser's UTC ``struct_time`` -> aware datetime (None for anything else)."""
    if not isinstance(value, (time.struct_time, tuple)) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in value[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


@functools.lru_cache(maxsize=2048)
def parse_date(value: str) -> datetime | None:
    """Parse a feed date exactly as feedparser does (cached: feeds repeat their dates)."""
    try:
        return struct_to_datetime(_parse_date(value))
    except Exception:  # noqa: BLE001 -- feedparser's date handlers raise odd things on odd input
        return None


def describe_bozo(exc: BaseException | None) -> str | None:
    """A short, human description of feedparser's ``bozo_exception``."""
    if exc is None:
        return None
    name = type(exc).__name__
    msg = str(exc).strip()
    if name == "SAXParseException":
        return f"not well-formed XML ({msg.replace('<unknown>:', 'line ', 1)})"
    if name in ("CharacterEncodingOverride", "CharacterEncodingUnknown"):
        return f"encoding: {msg}"
    if name == "NonXMLContentType":
        return f"content type: {msg}"
    return f"{name}: {msg}" if msg else name


# An absolute http(s) URL that urllib's urljoin would give back unchanged: lower-case scheme, a
# host with no leading slash and no "[" or "]" (an IPv6 literal, or a host urllib rejects: left
# to feedparser's join, so both paths follow one rule), no empty "?" or "#", no ";params"
# (which urlunparse rewrites).
_PLAIN_ABSOLUTE = re.compile(r"https?://[^\s/?#;\\\[\]]+(?:/[^\s?#;\\]*)?(?:\?[^\s#;\\]+)?(?:#[^\s;\\]+)?")


def urljoin(base: str | None, uri: str) -> str:
    """feedparser's ``_urljoin`` (what the equivalence tests compare against), with a fast path
    for the common case of a link that is already a plain absolute URL."""
    if _PLAIN_ABSOLUTE.fullmatch(uri):
        return uri
    return _fp_urljoin(base, uri)


def is_plain_absolute(uri: str) -> bool:
    return _PLAIN_ABSOLUTE.fullmatch(uri) is not None
