"""Storage on a real SQLite file: sources, lists, the refresh write path and user state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError, NotFoundError
from pln_reader.core.models import EntryRow
from pln_reader.store import entries as storage_entries
from pln_reader.store import links as storage_links
from pln_reader.store import search as storage_search
from pln_reader.store.db import Storage, backoff, open_storage

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Storage:
    s = open_storage(tmp_path / "pln.db")
    yield s
    s.close()


def row(key: str, url: str | None, title: str = "T", digest: str = "d1", **kw: object) -> EntryRow:
    return EntryRow(key=key, link_url=url, url=url, title=title, author=None,
                    published=kw.get("published", NOW - timedelta(days=1)), updated=None,  # type: ignore[arg-type]
                    summary=kw.get("summary", "summary"), content_chars=None, digest=digest)  # type: ignore[arg-type]


def test_lists_crud(store: Storage) -> None:
    store.create_list("Teaching", purpose="Why", context="professional", budget_minutes=10, now=NOW)
    with pytest.raises(InputError, match="already exists"):
        store.create_list("teaching", now=NOW)
    with pytest.raises(InputError, match="context must be one of"):
        store.create_list("Other", context="work", now=NOW)
    store.edit_list("TEACHING", new_name="Schools", budget_minutes=5)
    topic = store.get_list("schools")
    assert (topic.name, topic.purpose, topic.budget_minutes) == ("Schools", "Why", 5)
    store.delete_list("Schools")
    with pytest.raises(NotFoundError):
        store.get_list("Schools")


def test_same_link_from_two_sources_is_one_link(store: Storage) -> None:
    a, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    b, _ = store.add_source("feed", "https://b.example/feed", now=NOW)
    with store.transaction():
        assert storage_entries.write_entries(store, a, [row("1", "https://x.example/post")], NOW) == (1, 0)
    with store.transaction():
        assert storage_entries.write_entries(store, b, [row("z", "https://x.example/post")], NOW) == (1, 0)
    links = storage_links.query_links(store)
    assert len(links) == 1
    assert set(links[0].sources) == {"https://a.example/feed", "https://b.example/feed"}


def test_rewrite_detects_updates_and_keeps_dropped_entries(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("1", "https://x.example/1"), row("2", "https://x.example/2")], NOW)
    with store.transaction():
        # entry 1 changed, entry 2 dropped out of the feed, entry 3 is new
        result = storage_entries.write_entries(
            store, sid, [row("1", "https://x.example/1", title="New title", digest="d2"),
                         row("3", "https://x.example/3")], NOW)
    assert result == (1, 1)
    titles = {k.url: k.title for k in storage_links.query_links(store)}
    assert titles == {"https://x.example/1": "New title", "https://x.example/2": "T", "https://x.example/3": "T"}


def test_refresh_write_never_touches_user_state(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("1", "https://x.example/1")], NOW)
    link_id = storage_links.link_id_for(store, "https://x.example/1")
    assert link_id is not None
    storage_links.set_state(store, [link_id], "read_at", NOW)
    storage_links.set_state(store, [link_id], "saved_at", NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("1", "https://x.example/1", title="changed", digest="x")], NOW)
    link = storage_links.get_link(store, "https://x.example/1")
    assert (link.title, link.read, link.saved) == ("changed", True, True)


def test_search_matches_titles_and_summaries(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [
            row("1", "https://x.example/1", title="Retrieval practice", summary="quizzes"),
            row("2", "https://x.example/2", title="Supervision", summary="reflective café practice"),
        ], NOW)
    assert [k.url for k in storage_search.search_links(store, "retrieval")] == ["https://x.example/1"]
    assert {k.url for k in storage_search.search_links(store, "practice")} == {"https://x.example/1", "https://x.example/2"}
    assert [k.url for k in storage_search.search_links(store, "cafe")] == ["https://x.example/2"]  # diacritics
    assert [k.url for k in storage_search.search_links(store, 'refl')] == ["https://x.example/2"]  # prefix
    assert storage_search.search_links(store, 'AND OR "(') == []  # FTS syntax is quoted, not an error
    with pytest.raises(InputError):
        storage_search.search_links(store, '  ')


def test_new_links_wait_for_the_search_index_only_when_batched(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("1", "https://x.example/1", title="Retrieval now")], NOW)
    assert [k.url for k in storage_search.search_links(store, "retrieval")] == ["https://x.example/1"]
    # a refresh batches: below the batch size the links wait, and one call indexes them all
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("2", "https://x.example/2", title="Retrieval later"),
                                                 row("3", "https://x.example/3", title="Retrieval too")],
                                    NOW, search_batch=3)
    assert [k.url for k in storage_search.search_links(store, "later")] == []
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("4", "https://x.example/4", title="Fourth")],
                                    NOW, search_batch=3)  # three wait: indexed
    assert {k.url for k in storage_search.search_links(store, "retrieval")} == {
        f"https://x.example/{i}" for i in (1, 2, 3)}
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("5", "https://x.example/5", title="Fifth")],
                                    NOW, search_batch=3)
        assert storage_entries.index_pending(store, at_least=3) == 0
        assert storage_entries.index_pending(store) == 1
    assert [k.url for k in storage_search.search_links(store, "fifth")] == ["https://x.example/5"]


def test_a_waiting_link_keeps_its_article_and_notes_and_a_reused_id_is_indexed(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [row("1", "https://x.example/1", title="Waiting")],
                                    NOW, search_batch=100)
    link_id = storage_links.link_id_for(store, "https://x.example/1")
    with store.transaction() as conn:  # saved while the link waits: no index row to update yet
        conn.execute("INSERT INTO articles (link_id, status, text, fetched_at) VALUES (?, 'ok',"
                     " 'metacognition in the article', '2026')", [link_id])
        conn.execute("INSERT INTO annotations (link_id, kind, body, created_at, updated_at)"
                     " VALUES (?, 'note', 'scaffolding in my note', '2026', '2026')", [link_id])
        storage_entries.index_pending(store)
    assert [h.fields for h in storage_search.search_hits(store, "metacognition")] == [("article",)]
    assert [h.fields for h in storage_search.search_hits(store, "scaffolding")] == [("note",)]
    # the newest link deleted and its id given to the next link: that one is indexed too
    newest = storage_links.ensure_link(store, "https://x.example/new", title="Ephemeral", now=NOW)
    with store.transaction() as conn:
        conn.execute("DELETE FROM links WHERE id = ?", [newest])
    again = storage_links.ensure_link(store, "https://x.example/again", title="Reborn", now=NOW)
    assert again == newest
    assert [k.url for k in storage_search.search_links(store, "reborn")] == ["https://x.example/again"]
    assert storage_search.search_links(store, "ephemeral") == []


def test_search_hits_name_the_fields_and_mark_the_words(store: Storage) -> None:
    from pln_reader.store import notes

    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    with store.transaction():
        storage_entries.write_entries(store, sid, [
            row("1", "https://x.example/1", title="Equity in feedback", summary="how we mark"),
            row("2", "https://x.example/2", title="Supervision", summary="a note on practice"),
        ], NOW)
    second = storage_links.get_link(store, "https://x.example/2")
    notes.add_annotation(store, second.id, "note", "Ask about equity of\n\x1b[31maccess\x1b[0m", None, NOW)
    hits = {h.link.url: h for h in storage_search.search_hits(store, "equity")}
    assert hits["https://x.example/1"].fields == ("title",)
    assert ("Equity", True) in hits["https://x.example/1"].snippet
    assert hits["https://x.example/1"].title == (("Equity", True), (" in feedback", False))
    assert hits["https://x.example/2"].title == () and hits["https://x.example/2"].snippet_field == "note"
    assert hits["https://x.example/2"].fields == ("note",)
    text = "".join(t for t, _ in hits["https://x.example/2"].snippet)
    assert text == "Ask about equity of access" and "\x1b" not in text
    assert [t for t, marked in hits["https://x.example/2"].snippet if marked] == ["equity"]
    both = storage_search.search_hits(store, "supervision practice")
    assert both[0].fields == ("title", "summary") and ("practice", True) in both[0].snippet
    assert both[0].snippet_field == "summary"
    assert storage_search.search_hits(store, "nothing-like-this") == []
    ranked = [h.link.url for h in storage_search.search_hits(store, "equity")]
    pages = [h.link.url for offset in (0, 1, 2)
             for h in storage_search.search_hits(store, "equity", limit=1, offset=offset)]
    assert len(ranked) == 2 and pages == ranked  # a page at a time, in the same order


def test_due_sources_and_backoff(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    assert [r["id"] for r in store.due_sources(NOW)] == [sid]
    store.record_failure(sid, now=NOW, reason="HTTP 500", next_due=NOW + timedelta(minutes=15), new_url=None)
    assert store.due_sources(NOW) == []
    assert [r["id"] for r in store.due_sources(NOW, force=True)] == [sid]
    assert store.get_source(sid).status == "error"
    assert backoff(1, base_minutes=15, cap_hours=24) == timedelta(minutes=15)
    assert backoff(3, base_minutes=15, cap_hours=24) == timedelta(minutes=60)
    assert backoff(50, base_minutes=15, cap_hours=24) == timedelta(hours=24)


def test_inactive_sources_are_not_due(store: Storage) -> None:
    sid, _ = store.add_source("feed", "https://a.example/feed", now=NOW)
    store.set_active([sid], False)
    assert store.due_sources(NOW, force=True) == []
    # adding it again reactivates it
    assert store.add_source("feed", "https://a.example/feed", now=NOW) == (sid, False)
    assert store.get_source(sid).active


def test_transaction_rolls_back_everything(store: Storage) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_source("feed", "https://a.example/feed", now=NOW)
        raise RuntimeError("boom")
    assert store.sources() == []


def test_many_links_come_back_in_order_past_the_parameter_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pln_reader.store.db import open_storage
    from pln_reader.store.links import query_links

    store = open_storage(tmp_path / "pln.db")
    with store.transaction() as conn:
        conn.executemany("INSERT INTO links (url, title, published, first_seen) VALUES (?, ?, ?, ?)",
                         [(f"https://x.example/{i}", f"t{i}", f"2026-01-01T00:00:{i % 60:02d}+00:00",
                           "2026-01-01") for i in range(1200)])
    links = query_links(store)
    assert len(links) == 1200
    assert [k.published for k in links] == sorted((k.published for k in links), reverse=True)
    store.close()


def test_a_list_page_is_the_same_whether_the_links_are_walked_or_gathered(store: Storage) -> None:
    big = store.create_list("Big", now=NOW)
    small = store.create_list("Small", now=NOW)
    sources = [store.add_source("feed", f"https://s{i}.example/feed", now=NOW)[0] for i in range(4)]
    for sid in sources[:3]:
        store.add_to_list(big, [sid])
    store.add_to_list(small, [sources[3]])
    for i in range(12):  # sources in no list: the small list's share of the sources is small
        store.add_source("feed", f"https://other{i}.example/feed", now=NOW)
    with store.transaction():
        for i, sid in enumerate(sources):
            count = 2 if sid == sources[3] else 60
            storage_entries.write_entries(store, sid, [
                row(f"{i}-{j}", f"https://x.example/{(i * 37 + j) % 150}", digest=f"{i}{j}",
                    published=NOW - timedelta(hours=(j * 7 + i) % 50)) for j in range(count)], NOW)
    storage_links.set_state(store, [1, 2, 3], "hidden_at", NOW)
    for list_id in (big, small):
        assert storage_links._walk_pays(store, list_id, 5) is (list_id == big)  # both plans run
        members = {r[0] for r in store.query(
            "SELECT e.link_id FROM entries e JOIN list_sources ls ON ls.source_id = e.source_id"
            " WHERE ls.list_id = ?", [list_id])} - {1, 2, 3}
        everything = storage_links.query_links(store, limit=None)
        expected = [k.id for k in everything if k.id in members]
        pages = [k.id for offset in range(0, len(expected) + 10, 10)
                 for k in storage_links.query_links(store, list_id=list_id, limit=10, offset=offset)]
        assert pages == expected and len(expected) >= 2


def test_entry_rows_cross_processes_whole() -> None:
    import pickle

    full = EntryRow(key="k", link_url="https://x.example/1", url="https://x.example/1?utm=1",
                    title="T", author="A", published=NOW, updated=NOW + timedelta(hours=1),
                    summary="s", content_chars=8, digest="d", sharer_handle="@a@b.example",
                    post_url="https://b.example/@a/1", post_text="look", media='{"url": "m"}')
    assert pickle.loads(pickle.dumps(full, protocol=pickle.HIGHEST_PROTOCOL)) == full
    assert pickle.loads(pickle.dumps(row("k", None))) == row("k", None)


def test_a_write_group_keeps_each_source_whole(tmp_path: Path) -> None:
    import sqlite3

    from pln_reader.store.db import WriteGroup

    store = open_storage(tmp_path / "pln.db")
    ids = [store.add_source("feed", f"https://a.example/{n}", now=NOW)[0] for n in range(3)]
    group = WriteGroup(store)
    for n in (0, 1):
        with group.source():
            storage_entries.write_entries(store, ids[n], [row("1", f"https://x.example/{n}")], NOW)
    assert group.sources == 2
    other = sqlite3.connect(tmp_path / "pln.db")
    assert other.execute("SELECT count(*) FROM links").fetchone()[0] == 0  # not committed yet
    with pytest.raises(RuntimeError), group.source():
        storage_entries.write_entries(store, ids[2], [row("1", "https://x.example/2")], NOW)
        raise RuntimeError("the third source fails half-way")
    # the failing source is rolled back, the two before it are committed, nothing stays open
    assert not store.conn.in_transaction and group.sources == 0
    assert sorted(r[0] for r in other.execute("SELECT url FROM links")) == [
        "https://x.example/0", "https://x.example/1"]
    assert other.execute("SELECT count(*) FROM entries WHERE source_id = ?", [ids[2]]).fetchone()[0] == 0
    with group.source():
        storage_entries.write_entries(store, ids[2], [row("1", "https://x.example/2")], NOW)
    group.commit()
    assert other.execute("SELECT count(*) FROM links").fetchone()[0] == 3
    other.close()
    store.close()


def test_a_nested_transaction_that_fails_undoes_only_its_own_writes(store: Storage) -> None:
    with store.transaction():
        store.add_source("feed", "https://a.example/kept", now=NOW)
        with pytest.raises(InputError), store.transaction():
            store.add_source("feed", "https://a.example/undone", now=NOW)
            raise InputError("the nested part fails and is caught by the outer")
        store.add_source("feed", "https://a.example/after", now=NOW)
    assert sorted(s.url for s in store.sources()) == ["https://a.example/after", "https://a.example/kept"]
