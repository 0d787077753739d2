"""An episode's transcript (Podcasting 2.0 ``podcast:transcript``) as the episode's article text.

SRT, WebVTT, the Podcast Index JSON, HTML and plain text all become one plain text (paragraphs
by speaker, cues joined with spaces, so a highlight or a search can span cues) and, kept apart,
the cues: (character offset in that text, start second). The Markdown the reader shows carries
each paragraph's start time at its left (the margin). Pure: bytes in, :class:`Extracted` out.

SRT and WebVTT are read here rather than with a subtitle library: only the cue times and text
are needed, and the maintained subtitle parsers on the index each read one of the two formats.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata

from ..core.markdown import md_text
from ..core.media import clock
from ..core.text import clean_text
from .extract import MAX_HTML_BYTES, Extracted, _counts, _decode, _error_sentence

PARAGRAPH_CHARS = 700
"""A speaker's paragraph is cut at the first cue after this many characters."""

_TIME = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?")
_ARROW = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_SPEAKER = re.compile(r"^([A-Z][\w .'-]{0,40}):\s+(?=\S)")


def _seconds(value: str) -> float | None:
    m = _TIME.fullmatch(value.strip())
    if not m:
        return None
    hours, minutes, secs, frac = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int((frac or "0").ljust(3, "0")) / 1000


Cue = tuple[float | None, str | None, str]
"""(start second, speaker, text)."""


def _subtitle_cues(text: str) -> list[Cue]:
    """The cues of an SRT or WebVTT document (blocks of a time line and text lines)."""
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            m = _ARROW.match(line)
            if m:
                start = _seconds(m.group(1))
                body = " ".join(lines[i + 1:])
                voice = _VOICE.search(body)
                speaker = voice.group(1).strip() if voice else None
                words = " ".join(html.unescape(_TAG.sub("", body)).split())
                if speaker is None and (s := _SPEAKER.match(words)):
                    speaker, words = s.group(1), words[s.end():]
                if words:
                    cues.append((start, speaker, words))
                break
    return cues


def _json_cues(text: str) -> list[Cue] | None:
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    segments = doc.get("segments") if isinstance(doc, dict) else None
    if not isinstance(segments, list):
        return None
    cues: list[Cue] = []
    for seg in segments:
        if not isinstance(seg, dict) or not isinstance(seg.get("body"), str):
            continue
        start = seg.get("startTime")
        speaker = seg.get("speaker")
        cues.append((float(start) if isinstance(start, (int, float)) and not isinstance(start, bool)
                     else None, speaker if isinstance(speaker, str) and speaker.strip() else None,
                     " ".join(seg["body"].split())))
    return [c for c in cues if c[2]]


def _html_cues(text: str) -> list[Cue]:
    """A Podcasting 2.0 HTML transcript: ``<cite>Speaker:</cite> <time>0:15</time> <p>...</p>``."""
    import lxml.html

    try:
        root = lxml.html.fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return []
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    cues: list[Cue] = []
    start: float | None = None
    speaker: str | None = None
    for el in root.iter("cite", "time", "p", "li", "h1", "h2", "h3", "blockquote"):
        content = " ".join(el.text_content().split())
        if el.tag == "cite":
            speaker = content.rstrip(":").strip() or None
        elif el.tag == "time":
            start = _seconds(content)
        elif content:
            cues.append((start, speaker, content))
            start = None
    return cues


def _plain_cues(text: str) -> list[Cue]:
    return [(None, None, " ".join(p.split())) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _kind(body: str, content_type: str, declared: str | None) -> str:
    for hint in (declared or "", content_type):
        hint = hint.split(";")[0].strip().lower()
        if hint in ("text/vtt", "application/x-subrip", "application/srt", "text/srt"):
            return "subtitles"
        if hint in ("application/json",) or hint.endswith("+json"):
            return "json"
        if hint in ("text/html", "application/xhtml+xml"):
            return "html"
        if hint == "text/plain":
            break
    head = body.lstrip("\ufeff \t\r\n")[:200]
    if head.startswith("WEBVTT") or re.match(r"\d+\s*\n\s*\d{1,2}:\d\d:\d\d[,.]\d+\s+-->", head):
        return "subtitles"
    if head.startswith("{"):
        return "json"
    if head.startswith("<"):
        return "html"
    return "plain"


def _paragraphs(cues: list[Cue], *, merge: bool = True) -> tuple[str, str, tuple[tuple[int, float], ...]]:
    """(plain text, Markdown with start times at the left, cues as (offset, start second))."""
    paras: list[tuple[float | None, str | None, list[tuple[float | None, str]]]] = []
    for start, speaker, words in cues:
        words = clean_text(unicodedata.normalize("NFC", words)) or ""
        if not words:
            continue
        last = paras[-1] if paras else None
        if (last is None or not merge or (speaker and speaker != last[1])
                or sum(len(w) + 1 for _, w in last[2]) > PARAGRAPH_CHARS):
            paras.append((start, speaker or (last[1] if last else None), []))
        paras[-1][2].append((start, words))
    text_parts: list[str] = []
    md_parts: list[str] = []
    offsets: list[tuple[int, float]] = []
    position = 0
    previous: str | None = None
    for start, speaker, parts in paras:
        line = f"{speaker}: " if speaker and speaker != previous else ""
        previous = speaker
        for cue_start, words in parts:
            if line and not line.endswith(" "):
                line += " "
            if cue_start is not None:
                offsets.append((position + len(line), round(cue_start, 3)))
            line += words
        text_parts.append(line)
        position += len(line) + 1  # the newline between paragraphs
        stamp = None if start is None else (clock(round(start)) or "0:00")
        md_parts.append((f"`{stamp}` " if stamp else "") + md_text(line))
    return "\n".join(text_parts), "\n\n".join(md_parts), tuple(offsets)


def extract_transcript(body: bytes, *, url: str | None, content_type: str = "",
                       declared_type: str | None = None,
                       max_bytes: int = MAX_HTML_BYTES) -> Extracted:
    """A transcript's text, Markdown and cues; the same statuses as an article (too_large, empty)."""
    if len(body) > max_bytes:
        return Extracted(status="too_large", error=(
            f"The transcript is larger than {max_bytes / (1024 * 1024):g} MB, the most pln_reader reads."))
    text = _decode(body, content_type)
    kind = _kind(text, content_type, declared_type)
    if kind == "subtitles":
        cues = _subtitle_cues(text)
    elif kind == "json":
        cues = _json_cues(text) or []
    elif kind == "html":
        cues = _html_cues(text)
    else:
        cues = _plain_cues(text)
    plain, markdown, offsets = _paragraphs(cues, merge=kind != "plain")
    if not plain.strip():
        return Extracted(status="empty", error=_error_sentence("empty"))
    word_count, reading_minutes = _counts(plain)
    return Extracted(status="ok", markdown=markdown, text=plain, word_count=word_count,
                     reading_minutes=reading_minutes, cues=offsets)
