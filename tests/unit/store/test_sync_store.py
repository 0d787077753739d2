"""The sync tables on a temp SQLite file: outbox order, what a removed source or link leaves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pln_reader.store import links as storage_links
from pln_reader.store import sync as db
from pln_reader.store.db import open_storage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_outbox_keeps_order_until_done(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    for n in range(3):
        with store.transaction():
            db.outbox_add(store, "read", {"url": f"https://x.example/{n}", "value": True}, NOW)
    rows = db.outbox(store)
    assert [p["url"] for _, _, p in rows] == [f"https://x.example/{n}" for n in range(3)]
    db.outbox_done(store, [rows[0][0]])
    assert db.outbox_count(store) == 2
    assert db.outbox_state_urls(store, rows[1][0]) == {("read", "https://x.example/2")}
    store.close()


def test_a_removed_source_leaves_its_subscription_to_unsubscribe(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    source_id, _ = store.add_source("feed", "https://f.example/feed", now=NOW)
    db.put_subscription(store, "feed/7", source_id, "https://f.example/feed", "Teaching")
    link_id = storage_links.ensure_link(store, "https://f.example/1", title=None, now=NOW)
    with store.transaction():
        db.map_item(store, "42", link_id, stream_id="feed/7", read=True, starred=False)
    store.remove_source(source_id)
    [row] = db.subscriptions(store)
    assert row["source_id"] is None and row["url"] == "https://f.example/feed"
    assert db.known_items(store) == {"42"}
    db.drop_subscription(store, "feed/7")  # the unsubscribe was pushed: its items go too
    assert db.subscriptions(store) == [] and db.known_items(store) == set()
    store.close()


def test_forget_all_leaves_the_library(tmp_path: Path) -> None:
    store = open_storage(tmp_path / "pln.db")
    link_id = storage_links.ensure_link(store, "https://f.example/1", title=None, now=NOW)
    with store.transaction():
        db.map_item(store, "1", link_id, stream_id=None, read=False, starred=True)
        db.outbox_add(store, "star", {"url": "https://f.example/1", "value": True}, NOW)
    db.set_item_tag(store, ["1"], "later", True)
    db.set_meta(store, "last_sync", "x")
    db.forget_all(store)
    assert (db.known_items(store), db.outbox_count(store), db.meta(store, "last_sync")) == (set(), 0, None)
    assert db.item_tags(store) == {}
    assert storage_links.link_id_for(store, "https://f.example/1") == link_id
    store.close()
