"""The "as parsed" shapes: what a parser hands to the library before anything is stored.

Every string here has already been cleaned for the terminal (:func:`pln_reader.core.text.clean_text`),
every datetime is aware UTC and every URL is absolute. These are kept apart from the stored
models in :mod:`pln_reader.core.models`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pln_reader.core.media import Media


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    id: str
    """The entry's guid/id, or a stable id derived from its content when it has none."""
    url: str | None
    """The entry's link, absolute (resolved against the feed's base)."""
    title: str | None
    author: str | None
    published: datetime | None
    updated: datetime | None
    summary: str | None
    """Plain text (markup removed), multi-line, for previews and search."""
    content: str | None
    """Sanitised HTML (no script, no event handlers, no javascript: links), or None (also when
    parsed with ``content=False``)."""
    media: Media | None = None
    """The episode's or video's file (only http(s) URLs), or None for an article."""
    content_chars: int | None = None
    """The length of the entry's full text as the feed sent it (markup included; the summary's
    when it has no other), or None for none: what reading time is estimated from."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    """The site the feed belongs to (absolute URL), if it says."""
    version: str
    """The format, e.g. ``rss20``, ``rss10``, ``atom10``, ``atom03``, ``json11``."""
    entries: tuple[ParsedEntry, ...] = field(default=())
    warning: str | None = None
    """Set when the feed was readable but not well-formed (feedparser's bozo), its encoding had
    to be guessed, or it gave no entries (``no entries: <why>``)."""
