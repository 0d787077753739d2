"""JSON Feed 1.0 / 1.1 reader (https://jsonfeed.org/version/1.1): bytes -> RawFeed.

A document that is not a JSON Feed (invalid or truncated JSON, no or an unknown ``version``,
RSS-in-JSON, wrong top-level types) raises :class:`ParseError`. Inside a valid feed a field of
the wrong type is skipped, counted, and reported in ``warning``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from pln_reader.core.errors import ParseError
from pln_reader.feeds.raw import RawEntry, RawFeed, RawMedia, parse_date

_VERSION = re.compile(r"https?://jsonfeed\.org/version/(1(?:\.1)?)/?", re.IGNORECASE)


class _Reader:
    def __init__(self) -> None:
        self.skipped = 0

    def text(self, obj: dict[str, Any], key: str) -> str | None:
        """A string field; other types are skipped (and counted)."""
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            # lone surrogates (legal in JSON escapes) cannot be stored or printed
            return (
                value.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(value) else value
            )
        self.skipped += 1
        return None

    def item_id(self, item: dict[str, Any]) -> str | None:
        value = item.get("id")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # the spec says string; numeric ids are common and stable
        return self.text(item, "id")

    def date(self, obj: dict[str, Any], key: str) -> datetime | None:
        value = self.text(obj, key)
        if not value or not value.strip():
            return None
        value = value.strip()
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return parse_date(value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC)

    def authors(self, obj: dict[str, Any]) -> str | None:
        """1.1 ``authors`` (a list) or 1.0 ``author`` (an object): the names, comma-joined."""
        found: list[dict[str, Any]] = []
        if "authors" in obj:
            value = obj["authors"]
            if isinstance(value, list):
                found.extend(a for a in value if isinstance(a, dict))
                self.skipped += sum(1 for a in value if not isinstance(a, dict))
            else:
                self.skipped += 1
        if not found and "author" in obj:
            if isinstance(obj["author"], dict):
                found.append(obj["author"])
            else:
                self.skipped += 1
        names = [n.strip() for n in (self.text(a, "name") for a in found) if n and n.strip()]
        return ", ".join(names) or None

    def entry(self, item: dict[str, Any], feed_author: str | None) -> RawEntry:
        summary = self.text(item, "summary")
        text = self.text(item, "content_text")
        html = self.text(item, "content_html")
        contents = [(v, t) for v, t in ((html, "text/html"), (text, "text/plain")) if v]
        if summary:
            summary_type = "text/plain"
        elif text:
            summary, summary_type = text, "text/plain"
        else:
            summary, summary_type = html, "text/html"
        return RawEntry(
            media=self.media(item),
            title=self.text(item, "title"),
            link=self.text(item, "url") or self.text(item, "external_url"),
            id=self.item_id(item),
            published=self.date(item, "date_published"),
            updated=self.date(item, "date_modified"),
            author=self.authors(item) or feed_author,
            summary=summary,
            summary_type=summary_type,
            contents=contents,
        )


    def media(self, item: dict[str, Any]) -> RawMedia | None:
        """``attachments`` (url, mime_type, size_in_bytes, duration_in_seconds) and the image."""
        attachments = item.get("attachments")
        if not isinstance(attachments, list) or not attachments:
            return None
        media = RawMedia(image=self.text(item, "image"))
        for a in attachments:
            if isinstance(a, dict) and isinstance(a.get("url"), str):
                mime = a.get("mime_type")
                media.candidates.append((a["url"], mime if isinstance(mime, str) else None, None,
                                         a.get("size_in_bytes"), a.get("duration_in_seconds"), False))
        return media if media.candidates else None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: str) -> bool:
    return not value.isascii() and _SURROGATE.search(value) is not None


def parse_json_feed(data: bytes) -> RawFeed:
    """Read a JSON Feed document; raise ParseError when it is not one."""
    try:
        text = data.decode(json.detect_encoding(data))
    except (UnicodeDecodeError, LookupError):
        raise ParseError("JSON Feed: the bytes are not UTF-8/16/32 text") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        what = f"{exc.msg.removesuffix(' at')} at line {exc.lineno}, column {exc.colno}"
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise ParseError(f"JSON Feed: truncated JSON ({what})") from None
        raise ParseError(f"JSON Feed: invalid JSON ({what})") from None
    except RecursionError:
        raise ParseError("JSON Feed: JSON nested too deeply") from None

    if not isinstance(doc, dict):
        raise ParseError(
            f"not a JSON Feed: the top level is a JSON {type(doc).__name__}, not an object"
        )
    version = doc.get("version")
    if version is None:
        if isinstance(doc.get("rss"), dict):
            raise ParseError(
                "not a JSON Feed: looks like RSS-in-JSON (an 'rss' object, no 'version')"
            )
        raise ParseError("not a JSON Feed: no 'version' key")
    if not isinstance(version, str):
        raise ParseError(
            f"JSON Feed: 'version' must be a URL string, not {json.dumps(version)[:40]}"
        )
    m = _VERSION.fullmatch(version.strip())
    if m is None:
        raise ParseError(f"JSON Feed: unsupported version {version.strip()[:80]!r}")
    items = doc.get("items")
    if not isinstance(items, list):
        what = "missing" if items is None else f"a {type(items).__name__}, not a list"
        raise ParseError(f"JSON Feed: 'items' is {what}")

    reader = _Reader()
    feed_author = reader.authors(doc)
    entries = []
    for item in items:
        if isinstance(item, dict):
            entries.append(reader.entry(item, feed_author))
        else:
            reader.skipped += 1
    title = reader.text(doc, "title")
    link = reader.text(doc, "home_page_url")
    warning = None
    if reader.skipped:
        warning = f"JSON Feed: skipped {reader.skipped} field(s) of the wrong type"
    return RawFeed(
        version="json11" if m.group(1) == "1.1" else "json10",
        title=title,
        link=link,
        entries=entries,
        warning=warning,
    )
