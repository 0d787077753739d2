"""SQL for links and the user's link state: link queries and listings (the refresh's write path
is in :mod:`.entries`).

One module of the store per table family; it uses the connection of :mod:`.db`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..core.errors import NotFoundError
from ..core.media import from_json
from ..core.models import NETWORKS, Author, Credits, Link, LinkEntry, Sharer
from .db import Storage, _split, from_db, to_db
from .entries import index_pending

# -- queries -------------------------------------------------------------------------------------

_LINK_SELECT = """
    SELECT k.id, k.url, k.title, k.summary, k.published, k.first_seen,
      st.read_at, st.saved_at, st.archived_at, st.hidden_at,
      (SELECT group_concat(label, char(31)) FROM (
         SELECT DISTINCT coalesce(s.title, s.url) AS label FROM entries e
         JOIN sources s ON s.id = e.source_id WHERE e.link_id = k.id)) AS source_names,
      (SELECT group_concat(name, char(31)) FROM (
         SELECT DISTINCT l.name FROM entries e
         JOIN list_sources ls ON ls.source_id = e.source_id
         JOIN lists l ON l.id = ls.list_id WHERE e.link_id = k.id ORDER BY l.name)) AS list_names,
      (SELECT count(*) FROM shares sh WHERE sh.link_id = k.id) AS share_count,
      (SELECT count(DISTINCT coalesce(e.sharer_handle, '#' || e.source_id)) FROM entries e
         WHERE e.link_id = k.id) AS sharer_count,
      (SELECT count(*) FROM annotations a WHERE a.link_id = k.id) AS annotation_count,
      (SELECT a.reading_minutes FROM articles a WHERE a.link_id = k.id AND a.status = 'ok')
        AS article_minutes,
      (SELECT max(e.content_chars) FROM entries e WHERE e.link_id = k.id) AS content_chars,
      (SELECT e.media FROM entries e WHERE e.link_id = k.id AND e.media IS NOT NULL
         ORDER BY e.id LIMIT 1) AS media,
      k.story_id, (SELECT count(*) FROM links k3 WHERE k3.story_id = k.story_id) AS versions,
      (SELECT group_concat('#' || r.id || ' ' || r.action || ' ' || r.kind || ' "' || r.pattern || '"'
         || coalesce(' in ' || (SELECT name FROM lists WHERE id = r.list_id), ''), char(31))
         FROM rule_hides h JOIN rules r ON r.id = h.rule_id WHERE h.link_id = k.id) AS hidden_by
    FROM links k LEFT JOIN link_state st ON st.link_id = k.id
"""

# Markup-stripped text runs about six characters a word; 230 words a minute is a common
# reading speed. Content shorter than a paragraph gives no estimate (it is only a teaser).
_CHARS_PER_MINUTE = 6 * 230
_MIN_CONTENT_CHARS = 600


def _reading_minutes(row: sqlite3.Row) -> int | None:
    if row["article_minutes"]:
        return int(row["article_minutes"])
    chars = row["content_chars"]
    if not chars or chars < _MIN_CONTENT_CHARS:
        return None
    return max(1, round(chars / _CHARS_PER_MINUTE))


def _link_from_row(row: sqlite3.Row) -> Link:
    return Link(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        summary=row["summary"],
        published=from_db(row["published"]),
        first_seen=from_db(row["first_seen"]),
        sources=_split(row["source_names"]),
        lists=_split(row["list_names"]),
        read=row["read_at"] is not None,
        saved=row["saved_at"] is not None,
        saved_at=from_db(row["saved_at"]),
        archived=row["archived_at"] is not None,
        hidden=row["hidden_at"] is not None,
        shares=row["share_count"],
        sharers=row["sharer_count"],
        annotations=row["annotation_count"],
        reading_minutes=_reading_minutes(row),
        media=from_json(row["media"]),
        story_id=row["story_id"],
        versions=max(1, row["versions"]),
        hidden_by=_split(row["hidden_by"]),
    )


def in_list_clause(list_id: int, column: str = "k.id") -> tuple[str, list[Any]]:
    """SQL (and its parameter) for "the link in ``column`` comes from a source of the list"."""
    return (
        (f"{column} IN (SELECT e.link_id FROM entries e JOIN list_sources ls"
        " ON ls.source_id = e.source_id WHERE ls.list_id = ? AND e.link_id IS NOT NULL)"),
        [list_id],
    )


def _in_list_exists(list_id: int) -> tuple[str, int]:
    """:func:`in_list_clause` as a correlated EXISTS (checked link by link, in index order)."""
    return (("EXISTS (SELECT 1 FROM entries e JOIN list_sources ls ON ls.source_id = e.source_id"
            " WHERE e.link_id = k.id AND ls.list_id = ?)"), list_id)


def _walk_pays(store: Storage, list_id: int, rows: int) -> bool:
    """Whether walking every link newest first finds ``rows`` of the list's sooner than
    gathering the whole list: the links walked (``rows`` x all links / the list's links)
    against the list's links gathered and sorted (each costs about twice a step). The list's
    share of the links is guessed from its share of the sources: counting its links would cost
    as much as gathering them."""
    row = store.conn.execute(
        "SELECT (SELECT count(*) FROM list_sources WHERE list_id = ?), (SELECT count(*) FROM sources),"
        " (SELECT coalesce(max(id), 0) FROM links)", [list_id]).fetchone()
    in_list, sources, total = row
    if not in_list or not sources:
        return False
    share = in_list / sources
    return max(rows, 1) / share < 2 * total * share


def has_rule_hides(store: Storage) -> bool:
    """Whether any rule hides a link (listings skip the rules' filter when none does)."""
    return store.conn.execute("SELECT EXISTS (SELECT 1 FROM rule_hides)").fetchone()[0] == 1


def _rule_hidden(list_id: int | None, k: str, *, any_list: bool = False) -> tuple[str, list[Any]]:
    """SQL: a rule hides link ``k`` in the view of ``list_id`` (every list's rules, and the
    list's own; with ``any_list``, a rule of any list)."""
    sql = f"EXISTS (SELECT 1 FROM rule_hides h WHERE h.link_id = {k}.id"
    if any_list:
        return sql + ")", []
    if list_id is None:
        return sql + " AND h.list_id IS NULL)", []
    return sql + " AND (h.list_id IS NULL OR h.list_id = ?))", [list_id]


def _filters(list_id: int | None, *, unread: bool = False, saved: bool = False, shared: bool = False,
             include_hidden: bool = False, contains: str | None = None,
             hidden: bool = False, rules: bool = False, k: str = "k",
             st: str = "st") -> tuple[list[str], list[Any]]:
    """WHERE clauses (over ``links k LEFT JOIN link_state st``, or the aliases given) for a view
    of links; ``rules``: some rule hides links (see :func:`has_rule_hides`)."""
    where: list[str] = []
    params: list[Any] = []
    if list_id is not None:
        clause, args = in_list_clause(list_id, f"{k}.id")
        where.append(clause)
        params += args
    if unread:
        where.append(f"{st}.read_at IS NULL AND {st}.archived_at IS NULL")
    if saved:
        where.append(f"{st}.saved_at IS NOT NULL AND {st}.archived_at IS NULL")
    if shared:
        where.append(f"{k}.id IN (SELECT link_id FROM shares)")
    if hidden:
        if rules:
            clause, args = _rule_hidden(list_id, k, any_list=list_id is None)
            where.append(f"({st}.hidden_at IS NOT NULL OR {clause})")
            params += args
        else:
            where.append(f"{st}.hidden_at IS NOT NULL")
    elif not include_hidden:
        where.append(f"{st}.hidden_at IS NULL")
        if rules:
            clause, args = _rule_hidden(list_id, k)
            where.append(f"NOT {clause}")
            params += args
    if contains and contains.strip():
        pattern = "%" + contains.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(f"({k}.title LIKE ? ESCAPE '\\' OR {k}.url LIKE ? ESCAPE '\\')")
        params += [pattern, pattern]
    return where, params


def _one_per_story(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL: link ``k`` is the newest link of its story that the view shows (one row per story)."""
    where, params = _filters(k="k2", st="st2", **filters)
    return ("(k.story_id IS NULL OR NOT EXISTS (SELECT 1 FROM links k2"
            " LEFT JOIN link_state st2 ON st2.link_id = k2.id WHERE k2.story_id = k.story_id"
            " AND k2.id != k.id AND (k2.published > k.published OR (k2.published = k.published"
            " AND k2.id > k.id))" + "".join(f" AND {w}" for w in where) + "))"), params


def query_links(
    store: Storage,
    *,
    list_id: int | None = None,
    unread: bool = False,
    saved: bool = False,
    shared: bool = False,
    include_hidden: bool = False,
    hidden: bool = False,
    contains: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "newest",
    since: datetime | None = None,
) -> list[Link]:
    """Links, newest first (saved: newest saved first; shared: latest share first).

    ``sort="shared"``: most distinct sharers first; ``since`` keeps links first seen from then on.
    """
    filters = {"list_id": list_id, "unread": unread, "saved": saved, "shared": shared,
                   "include_hidden": include_hidden, "contains": contains, "hidden": hidden,
                   "rules": has_rule_hides(store)}
    where, params = _filters(**filters)  # type: ignore[arg-type]
    if not hidden:  # hidden links are listed one by one, each with the rule that hid it
        clause, args = _one_per_story(filters)
        where.append(clause)
        params += args
    if since is not None:
        where.append("k.first_seen >= ?")
        params.append(to_db(since))
    if sort == "shared":
        order = ("(SELECT count(DISTINCT coalesce(e.sharer_handle, '#' || e.source_id)) FROM entries e"
                 " WHERE e.link_id = k.id) DESC, k.published DESC, k.id DESC")
    elif saved:
        order = "st.saved_at DESC, k.id DESC"
    elif shared:
        order = "(SELECT max(shared_at) FROM shares sh WHERE sh.link_id = k.id) DESC, k.id DESC"
    else:
        order = "k.published DESC, k.id DESC"
    if list_id is not None and order == "k.published DESC, k.id DESC" and _walk_pays(
            store, list_id, (limit or 0) + offset):
        # Walk the links newest first and keep the list's: a page of a big list stops after
        # its rows (under 2 ms at 100,000 links) instead of gathering and sorting the whole
        # list (60-200 ms). A small list is still gathered: walking would scan nearly all.
        where[0], params[0] = _in_list_exists(list_id)
    # The page's ids first, then the costly columns for those rows only: a list of 30,000
    # links costs one page, not 30,000 rows of correlated subqueries.
    page = (f"SELECT k.id FROM links k LEFT JOIN link_state st ON st.link_id = k.id"
            f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order}")
    if limit is not None or offset:
        page += " LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
    ids = [r[0] for r in store.conn.execute(page, params)]
    if not ids:
        return []
    rows: dict[int, sqlite3.Row] = {}
    for start in range(0, len(ids), 500):  # SQLite caps the number of parameters of a statement
        chunk = ids[start:start + 500]
        rows.update((r["id"], r) for r in store.query(
            _LINK_SELECT + f" WHERE k.id IN ({','.join('?' * len(chunk))})", chunk))
    return [_link_from_row(rows[i]) for i in ids]


def unread_links(store: Storage, list_id: int | None, *, keep_saved: bool = True, saved: bool = False,
                 shared: bool = False, contains: str | None = None) -> list[tuple[int, str]]:
    """(id, url) of the unread links a view shows (saved ones left out with ``keep_saved``)."""
    where, params = _filters(list_id, unread=True, saved=saved, shared=shared, contains=contains,
                             rules=has_rule_hides(store))
    if keep_saved:
        where.append("st.saved_at IS NULL")
    sql = "SELECT k.id, k.url FROM links k LEFT JOIN link_state st ON st.link_id = k.id WHERE "
    return [(r[0], r[1]) for r in store.conn.execute(sql + " AND ".join(where), params)]


def view_counts(store: Storage) -> dict[str, int]:
    row = store.conn.execute(
        "SELECT"
        " (SELECT count(*) FROM links k LEFT JOIN link_state st ON st.link_id = k.id"
        "   WHERE st.read_at IS NULL AND st.archived_at IS NULL AND st.hidden_at IS NULL"
        "   AND NOT EXISTS (SELECT 1 FROM rule_hides h WHERE h.link_id = k.id AND h.list_id IS NULL)),"
        " (SELECT count(*) FROM link_state WHERE saved_at IS NOT NULL AND archived_at IS NULL),"
        " (SELECT count(DISTINCT link_id) FROM shares)").fetchone()
    return {"all": row[0], "saved": row[1], "shared": row[2]}


def source_entries(store: Storage, source_id: int, *, limit: int) -> list[LinkEntry]:
    """A source's entries, newest first, also those without a link (posts that share none)."""
    rows = store.query(
        "SELECT coalesce(s.title, s.url) AS source, s.url AS source_url, e.title, e.author,"
        " e.published, e.summary, e.url, e.sharer_handle, e.post_url, e.post_text"
        " FROM entries e JOIN sources s ON s.id = e.source_id WHERE e.source_id = ?"
        " ORDER BY coalesce(e.published, e.first_seen) DESC, e.id DESC LIMIT ?", [source_id, limit])
    return [_entry(r) for r in rows]


def _entry(r: sqlite3.Row) -> LinkEntry:
    return LinkEntry(source=r["source"], source_url=r["source_url"], title=r["title"],
                     author=r["author"], published=from_db(r["published"]), summary=r["summary"],
                     url=r["url"], sharer_handle=r["sharer_handle"], post_url=r["post_url"],
                     post_text=r["post_text"])


def link_entries(store: Storage, link_id: int) -> list[LinkEntry]:
    """Every entry behind a link with its source, oldest first (who shared it, and what they said)."""
    rows = store.query(
        "SELECT coalesce(s.title, s.url) AS source, s.url AS source_url, e.title, e.author,"
        " e.published, e.summary, e.url, e.sharer_handle, e.post_url, e.post_text"
        " FROM entries e JOIN sources s ON s.id = e.source_id"
        " WHERE e.link_id = ? ORDER BY e.first_seen, e.id", [link_id])
    return [_entry(r) for r in rows]


def link_credits(store: Storage, link_ids: Sequence[int]) -> dict[int, Credits]:
    """Who brought each link: the people whose posts shared it (one per network and handle,
    in the order they were first seen, named as in their latest post) and the feed authors."""
    found: dict[int, tuple[dict[tuple[str, str], Sharer], dict[tuple[str, str], Author]]] = {}
    ids = list(dict.fromkeys(link_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        rows = store.query(
            "SELECT e.link_id, s.kind, coalesce(s.title, s.url) AS source, e.author,"
            " e.sharer_handle, e.post_url FROM entries e JOIN sources s ON s.id = e.source_id"
            f" WHERE e.link_id IN ({marks}) AND (e.sharer_handle IS NOT NULL OR e.author IS NOT NULL)"
            " ORDER BY e.first_seen, e.id", chunk)
        for r in rows:
            sharers, authors = found.setdefault(r["link_id"], ({}, {}))
            network = NETWORKS.get(r["kind"])
            if network and r["sharer_handle"]:
                key = (network, r["sharer_handle"])
                known = sharers.get(key)
                name = (r["author"] or "").strip() or (known.name if known else None)
                sharers[key] = Sharer(name=name, handle=r["sharer_handle"], network=network,
                                      post_url=(known.post_url if known else None) or r["post_url"])
            elif not network and (r["author"] or "").strip():
                author = Author(name=r["author"].strip(), source=r["source"])
                authors.setdefault((author.name.casefold(), author.source), author)
    return {k: Credits(tuple(s.values()), tuple(a.values())) for k, (s, a) in found.items()}


def get_link(store: Storage, url: str) -> Link:
    rows = store.query(_LINK_SELECT + " WHERE k.url = ?", [url])
    if not rows:
        raise NotFoundError(f"no link {url} in the library")
    return _link_from_row(rows[0])


def links_by_id(store: Storage, link_ids: Sequence[int]) -> list[Link]:
    """Links in the order of ``link_ids`` (ids not found are left out)."""
    rows: dict[int, sqlite3.Row] = {}
    ids = list(link_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows.update((r["id"], r) for r in store.query(
            _LINK_SELECT + f" WHERE k.id IN ({','.join('?' * len(chunk))})", chunk))
    return [_link_from_row(rows[i]) for i in ids if i in rows]


def link_id_for(store: Storage, url: str) -> int | None:
    row = store.conn.execute("SELECT id FROM links WHERE url = ?", [url]).fetchone()
    return row[0] if row else None


def ensure_link(store: Storage, url: str, *, title: str | None, now: datetime) -> int:
    """The link for ``url`` (canonical), created with no entries if it is new."""
    existing = link_id_for(store, url)
    if existing is not None:
        return existing
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO links (url, title, published, first_seen) VALUES (?, ?, ?, ?)",
            [url, title, to_db(now), to_db(now)],
        )
        index_pending(store)
        return int(cur.lastrowid or 0)


_STATE_COLUMNS = ("seen_at", "read_at", "saved_at", "archived_at", "hidden_at")


def set_state(store: Storage, link_ids: Sequence[int], column: str, value: datetime | None) -> int:
    """Set (or clear, with ``None``) one state column of links; returns how many changed."""
    if column not in _STATE_COLUMNS:
        raise ValueError(column)
    stamp = to_db(value)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO link_state (link_id) VALUES (?)", [(i,) for i in link_ids]
        )
        changed = 0
        for link_id in link_ids:
            if stamp is None:
                cur = conn.execute(
                    f"UPDATE link_state SET {column} = NULL WHERE link_id = ? AND {column} IS NOT NULL",
                    [link_id],
                )
            else:
                cur = conn.execute(
                    f"UPDATE link_state SET {column} = ? WHERE link_id = ? AND {column} IS NULL",
                    [stamp, link_id],
                )
            changed += cur.rowcount
        return changed


def read_at(store: Storage, link_id: int) -> datetime | None:
    row = store.conn.execute("SELECT read_at FROM link_state WHERE link_id = ?", [link_id]).fetchone()
    return from_db(row[0]) if row else None


