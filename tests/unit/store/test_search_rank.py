"""Search ranks a common word among its newest matches only (store.search.RANKED_NEWEST); a
rarer one exactly as an unbounded bm25 ``ORDER BY rank`` does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pln_reader.core.models import EntryRow
from pln_reader.store import entries as storage_entries
from pln_reader.store import search as storage_search
from pln_reader.store.db import Storage, open_storage

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LINKS = 30


@pytest.fixture
def store(tmp_path: Path) -> Storage:
    """30 links, oldest first; every one has "equity" in its title, more often (a better bm25)
    in the older ones; the first 7 also have "rare" in the summary, in texts of growing length."""
    s = open_storage(tmp_path / "pln.db")
    sid, _ = s.add_source("feed", "https://a.example/feed", now=NOW)
    rows = []
    for i in range(LINKS):
        words = ["equity"] * (1 + (LINKS - i) // 4) + [f"filler{j}" for j in range(i % 5 + 2)]
        summary = " ".join(["rare"] * (1 + i % 3) + ["word"] * (i * 3 + 1)) if i < 7 else "plain text"
        rows.append(EntryRow(key=str(i), link_url=f"https://x.example/{i}", url=f"https://x.example/{i}",
                             title=" ".join(words), author=None, published=NOW - timedelta(days=LINKS - i),
                             updated=None, summary=summary, content_chars=None, digest="d"))
    with s.transaction():
        for entry in rows:  # one at a time: the link ids grow with the rows
            storage_entries.write_entries(s, sid, [entry], NOW)
    yield s
    s.close()


def _bm25(store: Storage, match: str) -> dict[int, float]:
    """Every match's bm25 score, by link id, from FTS5 directly."""
    return {r[0]: r[1] for r in store.query(
        "SELECT rowid, bm25(link_search) FROM link_search WHERE link_search MATCH ?", [match])}


def _ids(hits: list) -> list[int]:  # type: ignore[type-arg]
    return [h.link.id for h in hits]


def test_fewer_matches_than_the_bound_keep_the_unbounded_order(store: Storage) -> None:
    unbounded = [r[0] for r in store.query(
        "SELECT rowid FROM link_search WHERE link_search MATCH ? ORDER BY rank", ['"rare"*'])]
    assert len(unbounded) == 7
    for newest in (0, 7, 10, 1000):  # 0: no bound; 7: exactly as many as match
        assert _ids(storage_search.search_hits(store, "rare", newest=newest)) == unbounded
    pages = [i for offset in range(0, 7, 3)
             for i in _ids(storage_search.search_hits(store, "rare", limit=3, offset=offset, newest=10))]
    assert pages == unbounded


def test_a_common_word_is_ranked_among_its_newest_matches(store: Storage) -> None:
    scores = _bm25(store, '"equity"*')
    assert len(scores) == LINKS
    newest = sorted(scores, reverse=True)[:10]
    expected = sorted(newest, key=lambda i: scores[i])
    assert len({scores[i] for i in newest}) == 10  # no ties: the order is bm25's alone
    hits = storage_search.search_hits(store, "equity", newest=10)
    assert _ids(hits) == expected
    assert [h.title[0] for h in hits[:1]] == [("equity", True)]  # passages made for the kept rows
    best_overall = min(scores, key=lambda i: scores[i])
    assert best_overall not in newest  # the older matches score better, and are left out
    assert _ids(storage_search.search_hits(store, "equity", newest=0))[0] == best_overall
    pages = [i for offset in range(0, 12, 4)
             for i in _ids(storage_search.search_hits(store, "equity", limit=4, offset=offset, newest=10))]
    assert pages == expected  # the third page stops at the bound
