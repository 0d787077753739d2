"""Which export a file is, told from its first bytes: an OPML root, a CSV header, JSON keys,
or a ZIP's member names."""

from __future__ import annotations

import csv
import io
import re

FORMATS = ("pocket", "instapaper", "omnivore", "wallabag", "readwise", "opml")

_ZIP = b"PK\x03\x04"
_OMNIVORE_METADATA = re.compile(r"(^|/)metadata_\d+_to_\d+\.json$")


def detect_zip(names: list[str]) -> str | None:
    """A ZIP's format from its member names (Omnivore: ``metadata_0_to_20.json`` ...)."""
    return "omnivore" if any(_OMNIVORE_METADATA.search(n) for n in names) else None


def detect(head: bytes, zip_names: list[str] | None = None) -> str | None:
    """The format of a file from its first bytes (and, for a ZIP, its member names); None
    when it is none of them."""
    if head.startswith(_ZIP):
        return detect_zip(zip_names or [])
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "opml" if re.search(r"<opml[\s>]", text[:4096], re.IGNORECASE) else None
    if text.startswith(("[", "{")):
        return "wallabag" if '"is_archived"' in text or '"is_starred"' in text else None
    first = text.split("\n", 1)[0]
    try:
        header = {h.strip() for h in next(csv.reader(io.StringIO(first)), [])}
    except csv.Error:
        return None
    if {"url", "time_added", "status"} <= header:
        return "pocket"
    if {"URL", "Title", "Folder", "Timestamp"} <= header:
        return "instapaper"
    if {"Highlight", "Book Title"} <= header:
        return "readwise"
    return None
