"""Readwise's highlights CSV (readwise.io/export, "Export to CSV").

As Readwise writes it: one row a highlight, header ``Highlight,Book Title,Book Author,Amazon Book
ID,Note,Color,Tags,Location Type,Location,Highlighted at,Document tags``; ``Highlighted at`` like
``2024-05-01 10:00:00+00:00``; tags separated by commas (those starting with ``.`` are Readwise's
own commands, such as ``.h1``, and are left out).

The file names a document by its title only. pln needs a link, so a row's link is its ``URL``
column where the file has one, else the Amazon page of its ``Amazon Book ID``; a row with
neither is skipped and counted (its url is empty). A row with a note and no passage is a note
on the document. The documents are marked read, not saved: they were read where highlighted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .records import (
    Highlight,
    SavedItem,
    csv_rows,
    iso_time,
    note_text,
    passage_text,
    tag_names,
    title_text,
)

HEADER = ("Highlight", "Book Title", "Book Author", "Amazon Book ID", "Note", "Color", "Tags",
          "Location Type", "Location", "Highlighted at", "Document tags")


def _tags(value: str) -> list[str]:
    return [t for t in (p.strip() for p in value.split(",")) if t and not t.startswith(".")]


def read_readwise(stream: IO[bytes]) -> Iterator[SavedItem]:
    for line, row in csv_rows(stream, "readwise", ("Highlight", "Book Title")):
        where = f"line {line}"
        url = (row.get("URL") or "").strip()
        asin = (row.get("Amazon Book ID") or "").strip()
        if not url and asin:
            url = f"https://www.amazon.com/dp/{asin}"
        at = iso_time(row.get("Highlighted at", "").strip(), where, "readwise")
        passage = passage_text(row.get("Highlight"))
        note = note_text(row.get("Note"))
        if passage is None and note is None:
            continue
        yield SavedItem(
            where=where, url=url, title=title_text(row.get("Book Title")), saved_at=at,
            tags=tag_names(_tags(row.get("Document tags", "")) + _tags(row.get("Tags", ""))),
            saved=False, read=True,
            highlights=(Highlight(passage, note, at),) if passage else (),
            notes=(note,) if passage is None and note else (),
        )
