"""Pocket's CSV export: ``title,url,time_added,tags,status``.

As Pocket described it (help article "Exporting your Pocket list", 2025): one row a saved item;
``time_added`` a Unix time in seconds, ``tags`` separated by ``|``, ``status`` ``unread`` or
``archive``. Pocket's CSV carries no favourites and no highlights.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .records import ExportFileError, SavedItem, csv_rows, epoch, tag_names, title_text

HEADER = ("title", "url", "time_added", "tags", "status")


def read_pocket(stream: IO[bytes]) -> Iterator[SavedItem]:
    for line, row in csv_rows(stream, "pocket", ("url", "time_added", "status")):
        where = f"line {line}"
        status = row.get("status", "").strip().lower()
        if status not in ("unread", "archive", "archived", "read", ""):
            raise ExportFileError(f"pocket: {where}: unknown status {status!r} (unread or archive)")
        url = row.get("url", "").strip()
        title = title_text(row.get("title"))
        yield SavedItem(
            where=where, url=url, title=None if title == url else title,
            saved_at=epoch(row.get("time_added", ""), where, "pocket"),
            tags=tag_names(row.get("tags", "").split("|")),
            archived=status in ("archive", "archived", "read"),
        )
