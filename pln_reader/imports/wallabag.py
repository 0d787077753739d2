"""Wallabag's JSON export ("Export: JSON" of a list of articles, wallabag 2.x).

As wallabag's ``Entry`` entity serialises it (group ``export_all``): a JSON array of entries,
each with ``url``, ``title``, ``is_archived`` and ``is_starred`` (0 or 1), ``created_at`` (the
save time, ``2017-02-14 17:50:31`` or ISO 8601 with an offset), ``tags`` (label strings; the
API's ``{"label": ...}`` objects are read too) and ``annotations`` (``quote``: the passage,
``text``: the note, ``created_at``). The article HTML (``content``) is not imported: pln fetches
its own article when it is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .jsonstream import iter_json_array
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


def _flag(value: object, name: str, where: str) -> bool:
    if value in (None, 0, 1, True, False, "0", "1"):
        return value in (1, True, "1")
    raise ExportFileError(f"wallabag: {where}: {name} is {value!r}, not 0 or 1")


def _tags(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ExportFileError(f"wallabag: {where}: tags is not a list")
    names: list[str] = []
    for tag in value:
        label = tag.get("label") if isinstance(tag, dict) else tag
        if not isinstance(label, str):
            raise ExportFileError(f"wallabag: {where}: a tag is {tag!r}, not a name")
        names.append(label)
    return tag_names(names)


def _highlights(value: object, where: str) -> tuple[tuple[Highlight, ...], tuple[str, ...]]:
    """An annotation with a quote is a highlight; one with only text, a note on the entry."""
    if value is None:
        return (), ()
    if not isinstance(value, list):
        raise ExportFileError(f"wallabag: {where}: annotations is not a list")
    highlights: list[Highlight] = []
    notes: list[str] = []
    for a in value:
        if not isinstance(a, dict):
            raise ExportFileError(f"wallabag: {where}: an annotation is not an object")
        quote = a.get("quote")
        text = a.get("text")
        if not isinstance(quote, str | None) or not isinstance(text, str | None):
            raise ExportFileError(f"wallabag: {where}: an annotation's quote or text is not text")
        body, comment = passage_text(quote), note_text(text)
        if body:
            highlights.append(Highlight(body, comment, iso_time(a.get("created_at"), where, "wallabag")))
        elif comment:
            notes.append(comment)
    return tuple(highlights), tuple(notes)


def read_wallabag(stream: IO[bytes]) -> Iterator[SavedItem]:
    for index, (line, entry) in enumerate(iter_json_array(stream, "wallabag"), 1):
        where = f"line {line} (entry {index})"
        if not isinstance(entry, dict):
            raise ExportFileError(f"wallabag: {where}: an entry is not an object")
        if "url" not in entry or ("is_archived" not in entry and "created_at" not in entry):
            raise ExportFileError(f"wallabag: {where}: an entry without url, is_archived and "
                                  "created_at (is this a wallabag export?)")
        url = entry.get("url")
        title = entry.get("title")
        if not isinstance(url, str | None) or not isinstance(title, str | None):
            raise ExportFileError(f"wallabag: {where}: url or title is not text")
        highlights, notes = _highlights(entry.get("annotations"), where)
        yield SavedItem(
            where=where, url=(url or "").strip(), title=title_text(title),
            saved_at=iso_time(entry.get("created_at"), where, "wallabag"),
            tags=_tags(entry.get("tags"), where),
            archived=_flag(entry.get("is_archived"), "is_archived", where),
            starred=_flag(entry.get("is_starred"), "is_starred", where),
            highlights=highlights, notes=notes,
        )
