"""Topic lists <-> server folders: a nested list is the folder named by its path
(``Teaching/Assessment``). Pure functions over the list tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SEPARATOR = "/"
# Where servers put subscriptions that have no folder: these mean "in no list" here.
DEFAULT_FOLDERS = frozenset({"uncategorized", "all", "uncategorised", "sans catégorie"})


def is_default(folder: str | None) -> bool:
    return folder is None or folder.strip().casefold() in DEFAULT_FOLDERS


def list_paths(rows: Iterable[Any]) -> dict[int, str]:
    """list id -> its path of names from the top (a broken parent chain stops at the break);
    ``rows`` have ``id``, ``name`` and ``parent_id`` (sqlite3 rows or dicts)."""
    by_id = {int(r["id"]): (str(r["name"]), r["parent_id"]) for r in rows}
    paths: dict[int, str] = {}
    for list_id in by_id:
        names: list[str] = []
        seen: set[int] = set()
        current: int | None = list_id
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            name, parent = by_id[current]
            names.append(name)
            current = parent
        paths[list_id] = SEPARATOR.join(reversed(names))
    return paths


def split(path: str) -> list[str]:
    return [part.strip() for part in path.split(SEPARATOR) if part.strip()]


def renamed(path: str, old: str, new: str) -> str | None:
    """``path`` after the folder ``old`` became ``new`` (its subfolders follow), or None."""
    if path == old:
        return new
    if path.startswith(old + SEPARATOR):
        return new + path[len(old):]
    return None
