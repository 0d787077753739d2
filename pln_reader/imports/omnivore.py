"""Omnivore's export ZIP (Settings > Export, 2024).

As Omnivore's exporter wrote it (``packages/api/src/jobs/export.ts``): members
``metadata_{from}_to_{to}.json``, each a JSON array of items with ``id``, ``slug``, ``title``,
``description``, ``author``, ``url``, ``state`` (``SUCCEEDED``, ``ARCHIVED``, ...),
``readingProgress`` (0 to 100), ``thumbnail``, ``labels`` (names), ``savedAt``, ``updatedAt``,
``publishedAt`` (ISO 8601); ``content/{slug}.html``, the readable article (not imported: pln
fetches its own); and ``highlights/{slug}.md``, the item's highlights joined by a blank line,
each ``> {quote} `` (a blank line inside the quote written as ``> ``), then a blank line and its
labels as ``#name`` words, then a blank line and its note. A block before the first quote is a
note on the item. A note paragraph that itself starts with ``> `` cannot be told from a new
highlight; it is read as one.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import IO

from .records import (
    ExportFileError,
    Highlight,
    SavedItem,
    iso_time,
    note_text,
    passage_text,
    tag_names,
    title_text,
)

_METADATA = re.compile(r"(?:^|/)metadata_(\d+)_to_(\d+)\.json$")
_MAX_MEMBER = 256 * 1024 * 1024
_LABELS = re.compile(r"#\S+(?:\s+#\S+)*")


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    if info.file_size > _MAX_MEMBER:
        raise ExportFileError(f"omnivore: {info.filename}: {info.file_size:,} bytes, too large")
    try:
        with z.open(info) as f:
            data = f.read(_MAX_MEMBER + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ExportFileError(f"omnivore: {info.filename}: cannot be read ({exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportFileError(f"omnivore: {info.filename}: not UTF-8 text") from None


def parse_highlights(text: str) -> tuple[list[Highlight], list[str], list[str]]:
    """(highlights, notes on the item, labels) of one ``highlights/{slug}.md``."""
    highlights: list[tuple[str, list[str]]] = []
    notes: list[str] = []
    labels: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        if not block.strip():
            continue
        if block.startswith(">"):
            lines = [line[1:].lstrip(" ") if line.startswith(">") else line for line in block.split("\n")]
            highlights.append((" ".join(lines), []))
        elif highlights and not highlights[-1][1] and _LABELS.fullmatch(block.strip()):
            labels += [w.lstrip("#") for w in block.split()]
        elif highlights:
            highlights[-1][1].append(block)
        else:
            notes.append(block)
    found: list[Highlight] = []
    for quote, note in highlights:
        body = passage_text(quote)
        if body:
            found.append(Highlight(body, note_text("\n\n".join(note)) if note else None))
    return found, [n for n in (note_text(b) for b in notes) if n], labels


def open_zip(stream: IO[bytes]) -> zipfile.ZipFile:
    """The ZIP in a seekable binary file (the caller closes it)."""
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportFileError(f"omnivore: not a ZIP file ({exc})") from None


def read_omnivore(z: zipfile.ZipFile, on_member: Callable[[int, int], None] | None = None
                  ) -> Iterator[SavedItem]:
    """The items of an opened Omnivore ZIP; ``on_member(done, all)`` as metadata members go."""
    infos = {i.filename: i for i in z.infolist()}
    metadata = sorted((int(m.group(1)), name) for name in infos if (m := _METADATA.search(name)))
    if not metadata:
        raise ExportFileError("omnivore: the ZIP has no metadata_*_to_*.json member "
                              "(is this an Omnivore export?)")
    for done, (_, name) in enumerate(metadata):
        if on_member is not None:
            on_member(done, len(metadata))
        prefix = name[: -len(name.rpartition("/")[2])]
        try:
            items = json.loads(_read(z, infos[name]))
        except json.JSONDecodeError as exc:
            raise ExportFileError(f"omnivore: {name}: line {exc.lineno}: not valid JSON: "
                                  f"{exc.msg}") from None
        if not isinstance(items, list):
            raise ExportFileError(f"omnivore: {name}: not a JSON list of items")
        for index, item in enumerate(items, 1):
            yield _item(z, infos, prefix, name, index, item)
    if on_member is not None:
        on_member(len(metadata), len(metadata))


def _item(z: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], prefix: str, member: str,
          index: int, item: object) -> SavedItem:
    where = f"{member} item {index}"
    if not isinstance(item, dict) or "url" not in item:
        raise ExportFileError(f"omnivore: {where}: not an item with a url")
    url, title, slug, state = item.get("url"), item.get("title"), item.get("slug"), item.get("state")
    labels = item.get("labels") or []
    if not all(isinstance(v, str | None) for v in (url, title, slug, state)):
        raise ExportFileError(f"omnivore: {where}: url, title, slug or state is not text")
    if not isinstance(labels, list) or not all(isinstance(n, str) for n in labels):
        raise ExportFileError(f"omnivore: {where}: labels is not a list of names")
    progress = item.get("readingProgress") or 0
    if not isinstance(progress, int | float):
        raise ExportFileError(f"omnivore: {where}: readingProgress is {progress!r}")
    highlights: list[Highlight] = []
    notes: list[str] = []
    if slug:
        md = infos.get(f"{prefix}highlights/{slug}.md")
        if md is not None:
            highlights, notes, hl_labels = parse_highlights(_read(z, md))
            labels = [*labels, *hl_labels]
    status = (state or "").upper()
    return SavedItem(
        where=where, url=(url or "").strip(), title=title_text(title),
        saved_at=iso_time(item.get("savedAt"), where, "omnivore"), tags=tag_names(labels),
        archived=status == "ARCHIVED", read=progress >= 100, highlights=tuple(highlights),
        notes=tuple(notes),
    )
