"""The typed records every export reader yields, and the error of a malformed file.

    ParseError (core)
     └── ExportFileError   a file that is not the export it claims to be; names the line or member
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from ..core.errors import ParseError
from ..core.text import clean_text

# Fields of a few megabytes are real (an Omnivore or Wallabag article body, a long note);
# csv's default limit of 128 KiB would call them malformed.
csv.field_size_limit(64 * 1024 * 1024)


class ExportFileError(ParseError):
    """A malformed export file; the message names the format and the line or member."""


@dataclass(frozen=True)
class Highlight:
    body: str
    """The quoted passage (single-line text, cleaned as feed text is)."""
    comment: str | None = None
    """The user's note on it (Markdown kept, control characters removed)."""
    at: datetime | None = None


@dataclass(frozen=True)
class SavedItem:
    """One saved document of an export, as the service held it."""

    where: str
    """Where it is in the file ("line 12", "metadata_0_to_20.json item 3"): for messages."""
    url: str
    """As written in the file: the library canonicalises it (and skips it when it cannot).
    Several records may name one document (Readwise: one row a highlight)."""
    title: str | None = None
    saved_at: datetime | None = None
    tags: tuple[str, ...] = ()
    archived: bool = False
    """Archived or read in the service (pln: read and archived)."""
    saved: bool = True
    """In the service's list of saved documents (pln: saved); highlights alone are not."""
    read: bool = False
    """Read, but not archived (pln: read)."""
    starred: bool = False
    highlights: tuple[Highlight, ...] = ()
    notes: tuple[str, ...] = ()
    """Notes on the whole document."""


def title_text(value: str | None) -> str | None:
    return clean_text(value)


def note_text(value: str | None) -> str | None:
    return clean_text(value, multiline=True)


def passage_text(value: str | None) -> str | None:
    """A highlighted passage: one line, as ``add_highlight`` stores them."""
    return clean_text(" ".join(value.split())) if value else None


def tag_names(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Tags cleaned as pln's own are (no leading ``#``), without repeats, in order."""
    seen: dict[str, None] = {}
    for value in values:
        tag = (clean_text(value) or "").lstrip("#").strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def epoch(value: str, where: str, fmt: str) -> datetime | None:
    """A Unix time in seconds (Pocket, Instapaper); empty is None."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise ExportFileError(f"{fmt}: {where}: {value!r} is not a Unix time") from None


def iso_time(value: object, where: str, fmt: str) -> datetime | None:
    """An ISO 8601 time (naive ones are taken as UTC); empty is None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ExportFileError(f"{fmt}: {where}: {value!r} is not a date")
    text = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ExportFileError(f"{fmt}: {where}: {value!r} is not a date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def csv_rows(stream: IO[bytes], fmt: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a UTF-8 CSV export as (line, row), after checking its header has ``required``.

    Streams: memory stays bounded by the longest row. A row with more fields than the header,
    undecodable bytes or a broken quote is an :class:`ExportFileError` naming its line.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    line = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ExportFileError(f"{fmt}: the file is empty")
        names = [h.strip() for h in header]
        missing = [r for r in required if r not in names]
        if missing:
            raise ExportFileError(f"{fmt}: line 1: the header has no {', '.join(missing)} column "
                                  f"(is this a {fmt} export?)")
        line = reader.line_num + 1
        for fields in reader:
            if not any(f.strip() for f in fields):
                line = reader.line_num + 1
                continue
            if len(fields) > len(names):
                raise ExportFileError(f"{fmt}: line {line}: {len(fields)} fields, "
                                      f"the header has {len(names)}")
            yield line, dict(zip(names, fields, strict=False))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ExportFileError(f"{fmt}: line {line}: {exc}") from None
    except UnicodeDecodeError:
        raise ExportFileError(f"{fmt}: near line {line}: the file is not UTF-8 text") from None
    finally:
        text.detach()
