"""Podcast episodes and videos: the media a link carries, and how it is named and timed.

Pure: no I/O. Parsers build a :class:`Media` (feeds/), the store keeps it as JSON (store/), the
faces label it with :func:`time_label` and :func:`noun`, and the player refuses any URL
:func:`playable_url` does not accept.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .durations import duration

KINDS = ("audio", "video")
"""What a link's media is; a link without media is an article."""

MAX_DURATION_S = 7 * 24 * 3600
"""Longer than this is a feed's mistake (milliseconds, a date), not an episode: no duration."""


@dataclass(frozen=True, slots=True)
class Transcript:
    url: str
    type: str | None = None
    """MIME type as the feed gives it: text/vtt, application/x-subrip, application/json, text/html."""
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Chapter:
    start_seconds: int
    title: str


@dataclass(frozen=True, slots=True)
class Media:
    """The main audio or video of a feed entry (its enclosure, Media RSS content or attachment)."""

    url: str
    """An absolute http(s) URL (nothing else is ever kept)."""
    kind: str
    """``audio`` or ``video`` (:data:`KINDS`)."""
    type: str | None = None
    """MIME type, e.g. ``audio/mpeg``."""
    length: int | None = None
    """Size in bytes, when the feed says."""
    duration_seconds: int | None = None
    image: str | None = None
    """Episode or video artwork (itunes:image, media:thumbnail)."""
    episode: int | None = None
    transcripts: tuple[Transcript, ...] = field(default=())
    chapters: str | None = None
    """URL of the episode's chapters document (Podcasting 2.0 ``podcast:chapters``)."""
    chapter_list: tuple[Chapter, ...] = field(default=())
    """Chapters given in the feed itself (Podlove Simple Chapters)."""


# -- durations ---------------------------------------------------------------------------------

_CLOCK = re.compile(r"(?:(\d{1,3}):)?(\d{1,4}):(\d{1,2})(?:[.,]\d+)?")
_ISO = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,9}(?:\.\d+)?")


def parse_duration(value: object) -> int | None:
    """Seconds from ``1:02:03``, ``62:03``, ``3723``, ``3723.4``, ``PT1H2M3S``; None otherwise.

    Anything else (``garbage``, ``-5``, ``0``, absurdly long) gives None: a duration is a hint,
    never a reason to fail a feed.
    """
    seconds: float | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = float(value) if math.isfinite(value) else None
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 32:
            return None
        if m := _CLOCK.fullmatch(text):
            hours, minutes, secs = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
            if secs < 60 and (m.group(1) is None or minutes < 60):
                seconds = hours * 3600 + minutes * 60 + secs
        elif _NUMBER.fullmatch(text):
            seconds = float(text)
        elif (m := _ISO.fullmatch(text)) and any(m.groups()):
            d, h, mi, s = m.groups()
            seconds = (int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60
                       + float((s or "0").replace(",", ".")))
    if seconds is None or not 0 < seconds <= MAX_DURATION_S:
        return None
    return max(1, round(seconds))


_ZERO = re.compile(r"[0:.,]+|PT0+S", re.IGNORECASE)


def parse_offset(value: object) -> int | None:
    """:func:`parse_duration`, where 0 (the start of an episode) is a value too."""
    if isinstance(value, str) and _ZERO.fullmatch(value.strip()):
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
        return 0
    return parse_duration(value)


def parse_count(value: object) -> int | None:
    """A positive whole number (an enclosure's length, an episode number), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value >= 1 else None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdecimal() and len(text) <= 15:
            number = int(text)
            return number if number > 0 else None
    return None


# -- what a type says --------------------------------------------------------------------------

_AUDIO_EXT = frozenset(("mp3", "m4a", "m4b", "aac", "ogg", "oga", "opus", "wav", "flac", "mka"))
_VIDEO_EXT = frozenset(("mp4", "m4v", "mov", "webm", "mkv", "ogv", "avi", "m3u8"))


def media_kind(mime: str | None, url: str | None = None, medium: str | None = None) -> str | None:
    """``audio``, ``video`` or None (an image, a PDF, anything else) from what a feed says."""
    medium = (medium or "").strip().lower()
    if medium in KINDS:
        return medium
    mime = (mime or "").strip().lower()
    if mime.startswith("audio/"):
        return "audio"
    if mime.startswith("video/") or mime in ("application/x-shockwave-flash",
                                             "application/x-mpegurl", "application/vnd.apple.mpegurl"):
        return "video"
    if mime or medium:
        return None
    path = urlsplit(url or "").path.lower() if url else ""
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if ext in _AUDIO_EXT:
        return "audio"
    if ext in _VIDEO_EXT:
        return "video"
    return None


# -- safety ----------------------------------------------------------------------------------

# Whitespace and controls, quotes, and what a shell would act on (``$``, ``;``, backquotes, pipes,
# redirections): a URL that needs them is refused, not passed on (``&`` stays: queries use it).
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f-\x9f\"'`<>\\{}|^$;]")


def playable_url(url: object) -> str | None:
    """``url`` if it may be handed to a player or browser (absolute http(s), nothing a shell or
    a player's option parser could read as more than one URL), else None."""
    if not isinstance(url, str) or not url or len(url) > 4096 or _UNSAFE_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


# -- names and times -----------------------------------------------------------------------------


def minutes(seconds: int | None) -> int | None:
    """Whole minutes (at least 1) a duration takes, or None."""
    return None if not seconds else max(1, round(seconds / 60))


def time_label(kind: str | None, seconds: int | None, reading_minutes: int | None) -> str:
    """What the time column says: ``listen 48 min``, ``watch 12 min``, ``6 min`` (reading), or ""."""
    if kind in KINDS:
        verb = "listen" if kind == "audio" else "watch"
        mins = minutes(seconds)
        return f"{verb} {duration(mins)}" if mins else verb
    return duration(reading_minutes) if reading_minutes else ""


def clock(seconds: int | None) -> str | None:
    """A duration as a player shows it: ``48:03``, ``1:02:03``."""
    if not seconds:
        return None
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def size(length: int | None) -> str | None:
    """A file size a person reads: ``44 MB``, ``800 kB``."""
    if not length:
        return None
    if length >= 1_000_000:
        return f"{round(length / 1_000_000)} MB"
    return f"{max(1, round(length / 1000))} kB"


def media_line(media: Media) -> str:
    """What the preview and ``pln show`` say about the file: ``podcast episode 48 · 48:03 · 44 MB``."""
    what = "podcast episode" if media.kind == "audio" else "video"
    if media.episode:
        what += f" {media.episode}"
    extra = [clock(media.duration_seconds), size(media.length)]
    if media.transcripts:
        extra.append("transcript")
    if media.chapters:
        extra.append("chapters")
    return " · ".join([what, *(x for x in extra if x)]) + " · p to play"


def noun(kind: str | None) -> str:
    """How a sentence names a link: ``a podcast``, ``a video`` or ``an article``."""
    return {"audio": "a podcast", "video": "a video"}.get(kind or "", "an article")


def link_kind(kind: str | None) -> str:
    """A link is an ``article``, an ``episode`` or a ``video``."""
    return {"audio": "episode", "video": "video"}.get(kind or "", "article")


def chapters_from_json(body: bytes) -> tuple[Chapter, ...]:
    """A Podcasting 2.0 chapters document (``{"chapters": [{"startTime": 0, "title": ...}]}``),
    in time order; anything unreadable gives no chapters."""
    from .text import clean_text

    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return ()
    found = doc.get("chapters") if isinstance(doc, dict) else None
    out = []
    for item in found if isinstance(found, list) else ():
        if not isinstance(item, dict) or item.get("toc") is False:
            continue
        start, title = parse_offset(item.get("startTime")), item.get("title")
        name = clean_text(title) if isinstance(title, str) else None
        if start is not None and name:
            out.append(Chapter(start, name[:200]))
    return tuple(sorted(out, key=lambda c: c.start_seconds))


def chapter_lines(chapters: tuple[Chapter, ...]) -> list[str]:
    """``0:00  Welcome`` per chapter, as the reader and ``pln article`` list them."""
    return [f"{clock(c.start_seconds) or '0:00':>8}  {c.title}" for c in chapters]


# -- storage shape ---------------------------------------------------------------------------------


def to_json(media: Media | None) -> str | None:
    """The stored form (compact JSON; None for no media)."""
    if media is None:
        return None
    data: dict[str, Any] = {"url": media.url, "kind": media.kind}
    for key in ("type", "length", "duration_seconds", "image", "episode", "chapters"):
        value = getattr(media, key)
        if value is not None:
            data[key] = value
    if media.chapter_list:
        data["chapter_list"] = [[c.start_seconds, c.title] for c in media.chapter_list]
    if media.transcripts:
        data["transcripts"] = [
            {k: v for k, v in (("url", t.url), ("type", t.type), ("language", t.language)) if v}
            for t in media.transcripts
        ]
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def from_json(text: str | None) -> Media | None:
    """The stored form back (None for no media or a value that is not ours: never raises)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    url, kind = _opt_str(data, "url"), _opt_str(data, "kind")
    if url is None or playable_url(url) is None or kind not in KINDS:
        return None
    transcripts = tuple(
        Transcript(t["url"], _opt_str(t, "type"), _opt_str(t, "language"))
        for t in data.get("transcripts") or ()
        if isinstance(t, dict) and isinstance(t.get("url"), str)
    )
    chapter_list = tuple(
        Chapter(c[0], c[1]) for c in data.get("chapter_list") or ()
        if isinstance(c, list) and len(c) == 2 and isinstance(c[0], int) and not isinstance(c[0], bool)
        and isinstance(c[1], str))
    return Media(url=url, kind=kind, type=_opt_str(data, "type"), length=parse_count(data.get("length")),
                 chapter_list=chapter_list,
                 duration_seconds=parse_duration(data.get("duration_seconds")),
                 image=_opt_str(data, "image"), episode=parse_count(data.get("episode")),
                 transcripts=transcripts, chapters=_opt_str(data, "chapters"))
