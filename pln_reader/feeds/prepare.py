"""Pure work done off the main thread for each fetched feed body (runs in a process pool).

Parsing, canonicalising entry links and digesting entries all happen here, so the process
that writes to the database only compares digests and writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.errors import ParseError
from ..core.media import to_json
from ..core.models import EntryRow
from ..core.urls import canonical_or_none
from .parsed import ParsedEntry, ParsedFeed


@dataclass(frozen=True, slots=True)
class Prepared:
    title: str | None
    site_url: str | None
    version: str
    warning: str | None
    rows: tuple[EntryRow, ...]


def _digest(entry: ParsedEntry, media: str | None) -> str:
    h = hashlib.blake2b(digest_size=16)
    for value in (
        entry.url,
        entry.title,
        entry.author,
        entry.published.isoformat() if entry.published else None,
        entry.updated.isoformat() if entry.updated else None,
        entry.summary,
        None if entry.content_chars is None else str(entry.content_chars),
    ):
        h.update(b"\x00" if value is None else value.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    if media is not None:  # only then: entries without media keep the digest they had
        h.update(media.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def rows_for(feed: ParsedFeed) -> tuple[EntryRow, ...]:
    rows = []
    for e in feed.entries:
        media = to_json(e.media)
        rows.append(EntryRow(
            key=e.id,
            link_url=canonical_or_none(e.url),
            url=e.url,
            title=e.title,
            author=e.author,
            published=e.published,
            updated=e.updated,
            summary=e.summary,
            content_chars=e.content_chars,
            digest=_digest(e, media),
            media=media,
        ))
    return tuple(rows)


def prepare(body: bytes, url: str, headers: Mapping[str, str]) -> Prepared | str:
    """Parse and prepare a feed body; a parse failure comes back as its message (a str).

    Returning the message instead of raising keeps worker exceptions (and their pickling)
    out of the process pool.
    """
    # Imported here, not at the top: a refresh where every feed answers 304 never parses, and
    # should not pay for loading feedparser and lxml.
    from .parse import parse_feed

    try:
        feed = parse_feed(body, url=url, headers=headers, content=False)
    except ParseError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001  (a parser bug must not take the whole refresh down)
        return f"could not parse the feed ({type(exc).__name__}: {exc})"
    return Prepared(
        title=feed.title,
        site_url=feed.link,
        version=feed.version,
        warning=feed.warning,
        rows=rows_for(feed),
    )


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()
