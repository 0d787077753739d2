"""Find highlighted passages again in an article's Markdown, and mark them there (pure).

A highlight quotes the article's plain text; the reader shows its Markdown, and the article
may have been extracted again since. So a passage is looked for by its letters and digits
alone, case folded: whitespace, punctuation, Markdown syntax and link targets in between do not
matter, as the store's own check (whitespace and case) does not mind them either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .text import clean_text

MARK_START, MARK_END = "\x02", "\x03"
"""Put around each line of a found passage; control characters, so never in cleaned text."""

_LINK_TARGET = re.compile(r"\]\([^)\n]*\)|<https?://[^>\s]*>")


@dataclass(frozen=True, slots=True)
class Passage:
    """A highlight to mark: its passage, and the comment shown under it."""

    passage: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class MarkedText:
    """Markdown with the found passages marked and their comments under them."""

    markdown: str
    found: tuple[Passage, ...]
    missing: tuple[Passage, ...]
    """Passages not in this text (the article changed): the reader lists them at the end."""


def _letters(text: str) -> tuple[str, list[int]]:
    """The letters and digits of ``text``, case folded, with where each came from."""
    skip = [False] * len(text)
    for match in _LINK_TARGET.finditer(text):
        for i in range(match.start() + 1, match.end()):  # keep the "]"; drop "(url)"
            skip[i] = True
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if skip[i] or not ch.isalnum():
            continue
        for folded in ch.casefold():
            chars.append(folded)
            where.append(i)
    return "".join(chars), where


def find_passage(text: str, passage: str) -> tuple[int, int] | None:
    """Where ``passage`` is in ``text`` (start, end) by letters and digits, or None."""
    wanted = "".join(ch for ch in passage.casefold() if ch.isalnum())
    if not wanted:
        return None
    letters, where = _letters(text)
    at = letters.find(wanted)
    if at < 0:
        return None
    return where[at], where[at + len(wanted) - 1] + 1


def _quote(comment: str) -> str:
    lines = (clean_text(comment, multiline=True) or "").splitlines() or [""]
    return "\n".join(["> ✎ " + lines[0], *("> " + line for line in lines[1:])])


def mark_passages(markdown: str, passages: Sequence[Passage]) -> MarkedText:
    """``markdown`` with each found passage's lines between :data:`MARK_START` and
    :data:`MARK_END`, and its comment as a quote after the paragraph it ends in."""
    spans: list[tuple[int, int, Passage]] = []
    missing: list[Passage] = []
    for item in passages:
        span = find_passage(markdown, item.passage)
        if span is None:
            missing.append(item)
        else:
            spans.append((*span, item))
    inserts: list[tuple[int, int, str]] = []  # (position, order, text): applied from the end
    for start, end, item in spans:
        line_start = start
        while line_start < end:
            line_end = markdown.find("\n", line_start, end)
            line_end = end if line_end < 0 else line_end
            segment = markdown[line_start:line_end]
            if segment.strip():
                first = line_start + (len(segment) - len(segment.lstrip()))
                last = line_start + len(segment.rstrip())
                if line_start != start:  # a following line: start after its Markdown syntax
                    found = re.match(r"\s*(?:[#>]+\s*|[-*+]\s+|\d+[.)]\s+)*", segment)
                    first = line_start + (found.end() if found else 0)
                inserts += [(first, 1, MARK_START), (last, 0, MARK_END)]
            line_start = line_end + 1
        if item.comment and item.comment.strip():
            paragraph_end = markdown.find("\n\n", end)
            at = len(markdown) if paragraph_end < 0 else paragraph_end
            inserts.append((at, 2, "\n\n" + _quote(item.comment)))
    out = markdown
    for position, _order, text in sorted(inserts, key=lambda i: (i[0], i[1]), reverse=True):
        out = out[:position] + text + out[position:]
    return MarkedText(out, tuple(s[2] for s in spans), tuple(missing))


def marked_ranges(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without the marks, and the (start, end) ranges they enclosed."""
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    opened: int | None = None
    length = 0
    for ch in text:
        if ch == MARK_START:
            opened = length
        elif ch == MARK_END:
            if opened is not None and length > opened:
                ranges.append((opened, length))
            opened = None
        else:
            plain.append(ch)
            length += 1
    if opened is not None and length > opened:
        ranges.append((opened, length))
    return "".join(plain), ranges
