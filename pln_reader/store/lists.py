"""SQL for topic lists: their rows with source and unread counts, and their sources."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError, NotFoundError
from ..core.models import AIMS, CONTEXTS, TopicList, budget_problem
from .rows import to_db


class ListsMixin:
    """The lists part of :class:`pln_reader.store.db.Storage` (its connection and transactions)."""

    conn: sqlite3.Connection
    if TYPE_CHECKING:
        def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]: ...

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def _list_from_row(self, row: sqlite3.Row) -> TopicList:
        return TopicList(
            id=row["id"],
            name=row["name"],
            purpose=row["purpose"],
            context=row["context"],
            budget_minutes=row["budget_minutes"],
            parent_id=row["parent_id"],
            source_count=row["source_count"],
            unread=row["unread"],
            aim=row["aim"],
        )

    _LIST_SQL = """
        SELECT l.*,
          (SELECT count(*) FROM list_sources ls WHERE ls.list_id = l.id) AS source_count,
          (SELECT count(DISTINCT e.link_id) FROM list_sources ls
             JOIN entries e ON e.source_id = ls.source_id
             LEFT JOIN link_state st ON st.link_id = e.link_id
           WHERE ls.list_id = l.id AND e.link_id IS NOT NULL
             AND st.read_at IS NULL AND st.hidden_at IS NULL AND st.archived_at IS NULL{rules}
          ) AS unread
        FROM lists l
    """
    # Links a rule hides in the list are not counted (the clause only when a rule hides any).
    _LIST_RULES = ("\n             AND NOT EXISTS (SELECT 1 FROM rule_hides h WHERE h.link_id = e.link_id"
                   " AND (h.list_id IS NULL OR h.list_id = l.id))")

    def _list_sql(self) -> str:
        hides = self.conn.execute("SELECT EXISTS (SELECT 1 FROM rule_hides)").fetchone()[0]
        return self._LIST_SQL.format(rules=self._LIST_RULES if hides else "")

    _LIST_SQL_NAMES = """
        SELECT l.*, (SELECT count(*) FROM list_sources ls WHERE ls.list_id = l.id) AS source_count,
          0 AS unread
        FROM lists l
    """
    """The lists without their unread counts (what the UI paints first: the counts cost most)."""

    def lists(self, *, counts: bool = True) -> list[TopicList]:
        sql = self._list_sql() if counts else self._LIST_SQL_NAMES
        rows = self.query(sql + " ORDER BY l.position, l.name COLLATE NOCASE")
        return [self._list_from_row(r) for r in rows]

    def get_list(self, name: str) -> TopicList:
        rows = self.query(self._list_sql() + " WHERE l.name = ? COLLATE NOCASE", [name])
        if not rows:
            raise NotFoundError(f"no topic list named {name!r} (see `pln lists`)")
        return self._list_from_row(rows[0])

    def find_list_id(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [name]).fetchone()
        return row[0] if row else None

    @staticmethod
    def _check_list_fields(context: str | None, budget: int | None, aim: str | None = None) -> None:
        if context is not None and context not in CONTEXTS:
            raise InputError(f"context must be one of {', '.join(CONTEXTS)}, not {context!r}")
        if aim is not None and aim not in AIMS:
            raise InputError(f"an aim must be one of {', '.join(AIMS)}, not {aim!r}")
        if budget is not None and (problem := budget_problem(budget)) is not None:
            raise InputError(problem)

    def create_list(
        self,
        name: str,
        *,
        purpose: str | None = None,
        context: str | None = None,
        budget_minutes: int | None = None,
        parent_id: int | None = None,
        now: datetime,
        aim: str | None = None,
    ) -> int:
        name = name.strip()
        if not name:
            raise InputError("a topic list needs a name")
        self._check_list_fields(context, budget_minutes, aim)
        if self.find_list_id(name) is not None:
            raise InputError(f"a topic list named {name!r} already exists")
        with self.transaction() as conn:
            position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM lists").fetchone()[0]
            cur = conn.execute(
                "INSERT INTO lists (name, purpose, context, budget_minutes, parent_id, position,"
                " created_at, aim) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [name, purpose, context, budget_minutes, parent_id, position, to_db(now), aim],
            )
            return int(cur.lastrowid or 0)

    def edit_list(self, name: str, **changes: Any) -> None:
        """Change ``new_name``, ``purpose``, ``context``, ``budget_minutes``, ``aim`` (only those
        given; an ``aim`` of None clears it)."""
        current = self.get_list(name)
        self._check_list_fields(changes.get("context"), changes.get("budget_minutes"), changes.get("aim"))
        sets: dict[str, Any] = {}
        new_name = changes.pop("new_name", None)
        if new_name is not None:
            new_name = new_name.strip()
            if not new_name:
                raise InputError("a topic list needs a name")
            other = self.find_list_id(new_name)
            if other is not None and other != current.id:
                raise InputError(f"a topic list named {new_name!r} already exists")
            sets["name"] = new_name
        for key in ("purpose", "context", "budget_minutes", "aim"):
            if key in changes:
                sets[key] = changes[key]
        if not sets:
            return
        assignments = ", ".join(f"{key} = ?" for key in sets)
        with self.transaction() as conn:
            conn.execute(f"UPDATE lists SET {assignments} WHERE id = ?", [*sets.values(), current.id])

    def set_list_parent(self, list_id: int, parent_id: int | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE lists SET parent_id = ? WHERE id = ?", [parent_id, list_id])

    def delete_list(self, name: str) -> None:
        current = self.get_list(name)
        with self.transaction() as conn:
            conn.execute("DELETE FROM lists WHERE id = ?", [current.id])

    def add_to_list(self, list_id: int, source_ids: Iterable[int]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO list_sources (list_id, source_id) VALUES (?, ?)",
                [(list_id, sid) for sid in source_ids],
            )

    def list_tree(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM lists ORDER BY position, name COLLATE NOCASE")

    def list_memberships(self) -> list[sqlite3.Row]:
        return self.query(
            "SELECT ls.list_id, s.* FROM list_sources ls JOIN sources s ON s.id = ls.source_id"
            " ORDER BY ls.list_id, s.title COLLATE NOCASE, s.url"
        )
