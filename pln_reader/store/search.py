"""SQL for full-text search (FTS5 over titles, summaries, article text and notes)."""

from __future__ import annotations

import re

from ..core.errors import InputError
from ..core.models import Link, SearchHit
from ..core.text import clean_text
from .db import Storage
from .links import _LINK_SELECT, _link_from_row


def search_links(store: Storage, query: str, *, limit: int = 50) -> list[Link]:
    """Full-text search (FTS5) over titles, summaries, article text and notes, best first."""
    match = _fts_query(query)
    if not match:
        raise InputError("the search query is empty")
    sql = (
        _LINK_SELECT
        + " JOIN (SELECT rowid, rank FROM link_search WHERE link_search MATCH ?) AS hits"
        " ON hits.rowid = k.id ORDER BY hits.rank LIMIT ?"
    )
    return [_link_from_row(r) for r in store.query(sql, [match, limit])]


_HIT_FIELDS = ("title", "summary", "article", "note")  # link_search's columns, in order
_FIELD_ORDER = ("title", "article", "note", "summary")  # the order a result names them in
_MARK_START, _MARK_END = "\x02", "\x03"  # control characters: cleaned out of stored text
SNIPPET_TOKENS = 8


RANKED_NEWEST = 2000
"""A common word is ranked among its newest matches only: the best (bm25) of the newest this
many are shown. FTS5 scores every match it ranks (bm25 over the 44,000 matches of a common word
in 100,000 links is ~50-100 ms of SQL); within the newest 2,000 it is ~5 ms. A query with fewer
matches is ranked among all of them, in exactly the order an unbounded ``ORDER BY rank`` gives."""


def search_hits(store: Storage, query: str, *, limit: int = 50, offset: int = 0,
                newest: int = RANKED_NEWEST) -> list[SearchHit]:
    """Like :func:`search_links`, with the fields that matched and a snippet (FTS5
    ``snippet()``) of the first field other than the title, else of the title. ``offset``:
    skip the best ones (a next page of results).

    Best first by bm25, among the ``newest`` matches (by link id: the links added last) when
    there are more: for a common word the results are the best of its newest ``newest``
    matches, not of every match (see :data:`RANKED_NEWEST`). The scores are the same either
    way (bm25 counts the whole index), only the older matches are left out."""
    match = _fts_query(query)
    if not match:
        raise InputError("the search query is empty")
    snippets = ", ".join(
        f"snippet(link_search, {i}, '{_MARK_START}', '{_MARK_END}', '…', {SNIPPET_TOKENS})"
        for i in range(len(_HIT_FIELDS)))
    # The oldest of the newest ``newest`` matches (none: fewer match; ``newest`` 0: no bound). FTS5 walks the doclist
    # by rowid without scoring it: ~1-2 ms for a common word.
    oldest = store.query(
        "SELECT rowid FROM link_search WHERE link_search MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        [match, newest - 1]) if newest > 0 else []
    # The snippets in the ranked query itself: FTS5 makes them for the rows kept by LIMIT only
    # (with "rowid IN (...)" instead it made them for every match: 5x slower at 100,000 links).
    # A rowid range is a constraint FTS5 takes into its ranked scan: it scores only those rows.
    ranked = (f"SELECT rowid, highlight(link_search, 0, '{_MARK_START}', '{_MARK_END}'), {snippets}"
              " FROM link_search WHERE link_search MATCH ?")
    if not oldest:
        rows = store.query(ranked + " ORDER BY rank LIMIT ? OFFSET ?", [match, limit, offset])
    else:
        rows = store.query(ranked + " AND rowid >= ? ORDER BY rank LIMIT ? OFFSET ?",
                           [match, oldest[0][0], limit, offset])
    if not rows:
        return []
    marks = ", ".join("?" * len(rows))
    links = {k.id: k for k in map(_link_from_row, store.query(
        _LINK_SELECT + f" WHERE k.id IN ({marks})", [r[0] for r in rows]))}
    hits = []
    for r in rows:
        link = links.get(r[0])
        if link is None:
            continue
        title = r[1] or ""
        by_field = {f: r[i + 2] for i, f in enumerate(_HIT_FIELDS) if _MARK_START in (r[i + 2] or "")}
        fields = tuple(f for f in _FIELD_ORDER if f in by_field)
        shown = next((f for f in fields if f != "title"), fields[0] if fields else None)
        hits.append(SearchHit(link, fields, _snippet_pieces(by_field[shown]) if shown else (),
                              _snippet_pieces(title) if "title" in by_field else ()))
    return hits


def _snippet_pieces(snippet: str) -> tuple[tuple[str, bool], ...]:
    """``a \x02b\x03 c`` as ``(("a ", False), ("b", True), (" c", False))``, each piece cleaned
    to one line of plain text."""
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{_MARK_START}{_MARK_END}]", snippet)):
        spaced = re.sub(r"\s+", " ", part)
        core = clean_text(spaced) or ""  # strips the ends: put one space back where there was one
        text = (" " if spaced[:1] == " " else "") + core + (" " if core and spaced[-1:] == " " else "")
        if text:
            pieces.append((text, i % 2 == 1))
    if pieces:  # the passage itself starts and ends on a word
        pieces[0] = (pieces[0][0].lstrip(), pieces[0][1])
        pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
    return tuple(p for p in pieces if p[0])


def _fts_query(text: str) -> str:
    """Turn what the user typed into an FTS5 query: every word must match (prefix for the last).

    Each word is quoted, so FTS5 syntax characters in user input cannot cause a syntax error.
    """
    words = [w.replace('"', '""') for w in text.split() if w.strip('"')]
    if not words:
        return ""
    terms = [f'"{w}"' for w in words]
    terms[-1] += "*"
    return " ".join(terms)
