"""SQL for the episodes and videos of links: their transcripts and files."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.media import from_json
from ..core.models import Link
from .db import Storage
from .links import get_link

_TRANSCRIPT_ORDER = ("text/vtt", "application/x-subrip", "application/srt", "text/srt",
                     "application/json", "text/html", "text/plain")


def transcript_urls(store: Storage, link_ids: Sequence[int]) -> dict[int, str]:
    """link id -> the transcript to read as its article (WebVTT or SRT first: they carry times)."""
    found: dict[int, str] = {}
    ids = list(link_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for link_id, media in store.conn.execute(
                "SELECT link_id, media FROM entries WHERE media IS NOT NULL AND link_id IN"
                f" ({', '.join('?' * len(chunk))}) ORDER BY id", chunk):
            parsed = from_json(media)
            if link_id in found or parsed is None or not parsed.transcripts:
                continue
            best = min(parsed.transcripts, key=lambda t: _TRANSCRIPT_ORDER.index(t.type)
                       if t.type in _TRANSCRIPT_ORDER else len(_TRANSCRIPT_ORDER))
            found[link_id] = best.url
    return found


def media_file_links(store: Storage, link_ids: Sequence[int]) -> dict[int, str | None]:
    """link id -> MIME type, for links whose address is their episode's or video's file."""
    found: dict[int, str | None] = {}
    ids = list(link_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for link_id, mime in store.conn.execute(
                "SELECT k.id, json_extract(e.media, '$.type') FROM entries e JOIN links k"
                " ON k.id = e.link_id WHERE e.media IS NOT NULL AND json_extract(e.media, '$.url') = k.url"
                f" AND k.id IN ({', '.join('?' * len(chunk))})", chunk):
            found[link_id] = mime
    return found


def link_for_media(store: Storage, media_url: str) -> Link | None:
    """The link whose entry carries this episode or video file, or None."""
    row = store.conn.execute(
        "SELECT k.url FROM entries e JOIN links k ON k.id = e.link_id WHERE e.media IS NOT NULL"
        " AND json_extract(e.media, '$.url') = ? ORDER BY e.id LIMIT 1", [media_url]).fetchone()
    return None if row is None else get_link(store, row[0])
