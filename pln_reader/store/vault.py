"""SQL for the Markdown vault: which links have a file, and under which name (a link keeps its
file name when its title changes)."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.models import Link
from .db import Storage
from .links import _LINK_SELECT, _link_from_row


def vault_link_ids(store: Storage) -> list[int]:
    """Links with a note, a highlight, a share or an applied entry, and links that already have
    a file."""
    return [r[0] for r in store.query(
        "SELECT link_id FROM annotations UNION SELECT link_id FROM shares"
        " UNION SELECT link_id FROM applied UNION SELECT link_id FROM vault_files ORDER BY 1")]


def links_by_id(store: Storage, ids: Sequence[int]) -> dict[int, Link]:
    found: dict[int, Link] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ", ".join("?" * len(chunk))
        for row in store.query(f"{_LINK_SELECT} WHERE k.id IN ({marks})", chunk):
            found[row["id"]] = _link_from_row(row)
    return found


def file_names(store: Storage) -> dict[int, str]:
    return {r[0]: r[1] for r in store.query("SELECT link_id, name FROM vault_files")}


def remember_names(store: Storage, names: dict[int, str]) -> None:
    if not names:
        return
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO vault_files (link_id, name) VALUES (?, ?)",
                         list(names.items()))
