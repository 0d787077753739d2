"""Imports from other read-later services: the readers of imports/ give records, written here.

One transaction per file: a malformed file (an :class:`~pln_reader.imports.records.ExportFileError`
naming its line or member) imports nothing. A row whose URL is not an http(s) URL is skipped and
counted, the rest imported. What pln has already is kept: an import only fills in what is empty
(a save date, a read, an archive), adds tags, and adds the highlights and notes it does not
have yet (same link, kind and text), so a second import of a file changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..core.errors import InputError
from ..core.urls import canonical_or_none
from ..imports.detect import FORMATS, detect, detect_zip
from ..imports.records import ExportFileError, SavedItem
from ..store import links as storage_links
from ..store.db import Storage
from ..store.notes import add_annotation, has_annotation, set_tags
from ..store.shares import add_events

ImportProgress = Callable[[int, int], None]
"""Called as (bytes read so far, bytes in all) while a file is read."""

_SKIPS_SHOWN = 20


@dataclass
class ReadingImport:
    """What an import of a service's export brought."""

    format: str
    links: int = 0
    """Distinct documents in the file with a usable URL."""
    new_links: int = 0
    archived: int = 0
    starred: int = 0
    tags: int = 0
    """Distinct tags in the file."""
    highlights: int = 0
    """Highlights added (those pln had already are not counted)."""
    notes: int = 0
    skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    """The first few skipped rows, each with where it is and why."""

    def summary(self) -> str:
        parts = [_count(self.links, "link"), f"{self.new_links:,} new", f"{self.archived:,} archived"]
        if self.starred:
            parts.append(f"{self.starred:,} starred")
        parts.append(_count(self.tags, "tag"))
        if self.highlights:
            parts.append(_count(self.highlights, "highlight"))
        if self.notes:
            parts.append(_count(self.notes, "note"))
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        return f"{self.format}: " + ", ".join(parts)


def _count(n: int, word: str) -> str:
    """``1 link``, ``1,200 links``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def sniff(path: Path) -> str | None:
    """The format of the file at ``path`` (None: not one pln reads)."""
    with path.open("rb") as f:
        head = f.read(65536)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") and detect(head) is None:
            head += f.read(8 << 20)  # a first Wallabag entry holds its article before its flags
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                return detect_zip(z.namelist())
        except zipfile.BadZipFile:
            return None
    return detect(head)


def _items(fmt: str, stream: IO[bytes], path: Path, progress: ImportProgress | None,
           zipped: zipfile.ZipFile | None) -> Iterator[SavedItem]:
    if fmt == "omnivore":
        from ..imports.omnivore import read_omnivore

        total = path.stat().st_size
        step = None if progress is None else (lambda done, n: progress(done * total // n, total))
        if zipped is None:
            raise ValueError("an Omnivore export is read from its opened ZIP")
        return read_omnivore(zipped, step)
    if fmt == "pocket":
        from ..imports.pocket import read_pocket

        return read_pocket(stream)
    if fmt == "instapaper":
        from ..imports.instapaper import read_instapaper

        return read_instapaper(stream)
    if fmt == "readwise":
        from ..imports.readwise import read_readwise

        return read_readwise(stream)
    if fmt == "wallabag":
        from ..imports.wallabag import read_wallabag

        return read_wallabag(stream)
    raise InputError(f"pln cannot import {fmt} files yet")


class _Counting(io.RawIOBase):
    """A binary file that reports how far it has been read."""

    def __init__(self, raw: IO[bytes], total: int, progress: ImportProgress | None):
        self.raw, self.total, self.progress, self.done = raw, total, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        if self.progress is not None:
            self.progress(self.done, self.total)
        return len(data)


def write_items(store: Storage, items: Iterator[SavedItem], result: ReadingImport, *,
                now: datetime) -> list[int]:
    """Write the records into the store (call inside one transaction); returns the link ids
    that got highlights or notes."""
    annotated: list[int] = []
    tags: set[str] = set()
    seen: set[int] = set()
    archived: set[int] = set()
    starred: set[int] = set()
    for item in items:
        url = canonical_or_none(item.url)
        if url is None:
            result.skipped += 1
            if len(result.skip_reasons) < _SKIPS_SHOWN:
                why = f"not an http(s) URL: {item.url[:80]!r}" if item.url else "no URL"
                result.skip_reasons.append(f"{item.where}: {why}")
            continue
        when = item.saved_at or now
        link_id = storage_links.link_id_for(store, url)
        if link_id is None:
            link_id = storage_links.ensure_link(store, url, title=item.title, now=when)
            result.new_links += 1
        seen.add(link_id)
        # Every document of a read-later list was saved there; starred is pln's saved too.
        if item.saved and storage_links.set_state(store, [link_id], "saved_at", when):
            add_events(store, [link_id], "saved", when)
        if item.archived or item.read:
            storage_links.set_state(store, [link_id], "read_at", when)
        if item.archived:
            archived.add(link_id)
            storage_links.set_state(store, [link_id], "archived_at", when)
        if item.starred:
            starred.add(link_id)
        if item.tags:
            set_tags(store, link_id, list(item.tags), [], when)
            tags.update(item.tags)
        added = False
        for highlight in item.highlights:
            if not has_annotation(store, link_id, "highlight", highlight.body):
                add_annotation(store, link_id, "highlight", highlight.body, highlight.comment,
                               highlight.at or when)
                result.highlights += 1
                added = True
        for note in item.notes:
            if not has_annotation(store, link_id, "note", note):
                add_annotation(store, link_id, "note", note, None, when)
                result.notes += 1
                added = True
        if added:
            annotated.append(link_id)
    result.links, result.archived, result.starred = len(seen), len(archived), len(starred)
    result.tags = len(tags)
    return annotated


def import_reading_file(store: Storage, path: Path, fmt: str | None, *, now: datetime,
                        progress: ImportProgress | None = None) -> tuple[ReadingImport, list[int]]:
    """Import one export file of a read-later service, all in one transaction."""
    if fmt is None:
        fmt = sniff(path)
        if fmt is None:
            raise InputError(f"{path}: not an export pln can read (OPML, or Pocket, Instapaper, "
                             "Omnivore, Wallabag or Readwise); say which with --from")
    if fmt not in FORMATS or fmt == "opml":
        raise InputError(f"unknown format {fmt!r}")
    if fmt != "omnivore":
        with path.open("rb") as f:
            if f.read(4) == b"PK\x03\x04":
                raise ExportFileError(f"{path.name}: a ZIP archive, not a {fmt} export "
                                      "(Omnivore's export is a ZIP: --from omnivore)")
    result = ReadingImport(fmt)
    total = path.stat().st_size
    with path.open("rb") as raw, store.transaction():
        stream = io.BufferedReader(_Counting(raw, total, progress))
        try:
            zipped = None
            if fmt == "omnivore":
                from ..imports.omnivore import open_zip

                zipped = open_zip(raw)
            try:
                items = _items(fmt, stream, path, progress, zipped)
                annotated = write_items(store, items, result, now=now)
            finally:
                if zipped is not None:
                    zipped.close()
        except ExportFileError as exc:
            raise ExportFileError(f"{path.name}: {exc} (nothing was imported)") from None
    return result, annotated


class ImportsMixin:
    """The facade's imports from Pocket, Instapaper and the other read-later services."""

    store: Storage
    clock: Callable[[], datetime]
    _vault_update: Callable[..., None]

    def import_reading(self, path: Path, *, fmt: str | None = None,
                       progress: ImportProgress | None = None) -> ReadingImport:
        """Import a read-later service's export (format told from the content unless ``fmt``):
        links saved with their dates, tags, archived state, highlights and notes."""
        result, annotated = import_reading_file(self.store, path, fmt, now=self.clock(),
                                                progress=progress)
        self._vault_update(annotated)
        return result
