"""The applied table: entries added, edited, listed, deleted, counted since a time, and gone with
their link."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError, NotFoundError
from pln_reader.store import applied as store_applied
from pln_reader.store import links as storage_links
from pln_reader.store.db import open_storage

T = datetime(2026, 11, 12, 15, 0, tzinfo=UTC)


def test_add_edit_list_delete_and_count(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    link = storage_links.ensure_link(store, "https://example.org/a", title="A", now=T)
    first = store_applied.add_applied(store, link, "tried it", T, T)
    second = store_applied.add_applied(store, link, "tried it again", T.replace(day=14), T)
    assert [a.id for a in store_applied.list_applied(store)] == [second, first]  # latest first
    assert store_applied.count_applied_since(store, "2026-11-12T15:00:00+00:00") == 2
    assert store_applied.count_applied_since(store, "2026-11-13T00:00:00Z") == 1
    assert store_applied.count_applied_since(store.conn, "2026-11-15") == 0  # a bare date, UTC
    assert store_applied.count_applied_since(store, "2026-11-12T16:00:00+01:00") == 2  # 15:00 UTC
    with pytest.raises(InputError, match="not an ISO-8601 date"):
        store_applied.count_applied_since(store, "last week")
    store_applied.edit_applied(store, first, text="tried it, well", at=None, now=T)
    [edited] = store_applied.list_applied(store, applied_id=first)
    assert (edited.text, edited.at, edited.link_url) == ("tried it, well", T, "https://example.org/a")
    assert store_applied.delete_applied(store, second).text == "tried it again"
    with pytest.raises(NotFoundError, match="no applied entry with id"):
        store_applied.delete_applied(store, second)
    with pytest.raises(NotFoundError):
        store_applied.edit_applied(store, 999, text="x", at=None, now=T)
    store.close()


def test_entries_go_with_their_link_and_text_is_required(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    link = storage_links.ensure_link(store, "https://example.org/a", title="A", now=T)
    store_applied.add_applied(store, link, "tried it", T, T)
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO applied (link_id, text, at, created_at, updated_at)"
                           " VALUES (?, NULL, ?, ?, ?)", [link, "x", "x", "x"])
    store.conn.execute("DELETE FROM links WHERE id = ?", [link])
    assert store_applied.count_applied_since(store, "2000-01-01") == 0
    store.close()


def test_a_list_aim_is_checked(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    store.create_list("Teaching", aim="resident", now=T)
    assert store.get_list("Teaching").aim == "resident"

    with pytest.raises(InputError, match="an aim must be one of visitor, between, resident"):
        store.edit_list("Teaching", aim="tourist")
    with pytest.raises(sqlite3.IntegrityError):  # the schema refuses it too
        store.conn.execute("UPDATE lists SET aim = 'tourist'")
    store.edit_list("Teaching", aim=None)
    assert store.get_list("Teaching").aim is None
    store.close()
