"""Instapaper's CSV export: ``URL,Title,Selection,Folder,Timestamp`` (newer files add ``Tags``).

As Instapaper describes it (Settings > Export > "Download .CSV file"): one row a bookmark;
``Selection`` is the text selected when it was saved, ``Folder`` is ``Unread``, ``Archive``,
``Starred`` or a folder of the user's, ``Timestamp`` a Unix time in seconds; ``Tags``, where
present, a JSON list of names. A folder of the user's becomes a tag; a selection, a highlight.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from .records import (
    ExportFileError,
    Highlight,
    SavedItem,
    csv_rows,
    epoch,
    passage_text,
    tag_names,
    title_text,
)

HEADER = ("URL", "Title", "Selection", "Folder", "Timestamp")
_FOLDERS = {"unread": "unread", "archive": "archive", "starred": "starred"}


def _tags(value: str, where: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    try:
        names = json.loads(value)
    except json.JSONDecodeError:
        raise ExportFileError(f"instapaper: {where}: Tags is not a JSON list: {value[:40]!r}") from None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ExportFileError(f"instapaper: {where}: Tags is not a list of names")
    return names


def read_instapaper(stream: IO[bytes]) -> Iterator[SavedItem]:
    for line, row in csv_rows(stream, "instapaper", ("URL", "Title", "Folder", "Timestamp")):
        where = f"line {line}"
        folder = (title_text(row.get("Folder")) or "Unread")
        kind = _FOLDERS.get(folder.lower())
        tags = _tags(row.get("Tags", ""), where)
        if kind is None:  # the user's own folder
            tags = [folder, *tags]
        saved_at = epoch(row.get("Timestamp", ""), where, "instapaper")
        selection = passage_text(row.get("Selection"))
        url = row.get("URL", "").strip()
        title = title_text(row.get("Title"))
        yield SavedItem(
            where=where, url=url, title=None if title == url else title, saved_at=saved_at,
            tags=tag_names(tags), archived=kind == "archive", starred=kind == "starred",
            highlights=(Highlight(selection, None, saved_at),) if selection else (),
        )
