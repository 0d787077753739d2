"""SQL for filter rules and the links they hide (issue 22; what a rule is: :mod:`..core.rules`).

Matches run in SQL: words and phrases through the search index (``link_search``), authors and
sharers through indexes of the entries, domains on the link's URL. Regular expressions (on
titles) run in Python with a time bound: in batches when a rule is applied
(:func:`~pln_reader.core.rules.search_many`), one title at a time inside a keep-only rule's
SQL (``pln_regex``). ``rule_hides`` records which rule hides which link; removing a rule
deletes its rows (a cascade), and the links come back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from ..core.errors import InputError, NotFoundError
from ..core.rules import (
    PREVIEW_DAYS,
    RegexMatcher,
    Rule,
    RulePreview,
    check_rule,
    fts_query,
    search_many,
)
from .db import Storage, from_db, to_db
from .links import in_list_clause

# The link's host: what lies between "://" and the next "/" (canonical URLs have a path).
_REST = "substr(k.url, instr(k.url, '://') + 3)"
_HOST = (f"lower(CASE WHEN instr({_REST}, '/') > 0 THEN substr({_REST}, 1, instr({_REST}, '/') - 1)"
         f" ELSE {_REST} END)")

_matchers: dict[str, RegexMatcher] = {}


def _regex(pattern: str, title: str | None) -> int:
    matcher = _matchers.get(pattern)
    if matcher is None:
        matcher = _matchers[pattern] = RegexMatcher(pattern)
    return int(matcher(title))


def _functions(conn: sqlite3.Connection) -> None:
    conn.create_function("pln_regex", 2, _regex, deterministic=True)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def match_clause(kind: str, pattern: str) -> tuple[str, list[Any]]:
    """SQL over ``links k`` that is true when the rule's pattern matches the link."""
    if kind in ("word", "phrase"):
        return ("k.id IN (SELECT rowid FROM link_search WHERE link_search MATCH ?)",
                [fts_query(kind, pattern)])
    if kind == "regex":  # titles only: a summary can be pages long, and this runs in Python
        return "pln_regex(?, k.title)", [pattern]
    if kind == "author":  # through the index of authors, not the entries' rows
        return (("k.id IN (SELECT e.link_id FROM entries e INDEXED BY entries_author"
                " WHERE e.author IS NOT NULL AND e.author LIKE ? ESCAPE '\\')"), [_like(pattern)])
    if kind == "domain":
        # A cheap LIKE first; the host is worked out only for the URLs that contain the domain.
        return (f"(k.url LIKE ? ESCAPE '\\' AND ({_HOST} = ? OR {_HOST} LIKE ? ESCAPE '\\'))",
                [_like(pattern), pattern, "%." + pattern])
    if kind == "sharer":
        # As "shared by N" counts them: the handle on the entries of social sources.
        return (("k.id IN (SELECT e.link_id FROM entries e INDEXED BY entries_sharer"
                " WHERE e.sharer_handle IS NOT NULL"
                " AND '@' || ltrim(lower(e.sharer_handle), '@') = ?)"), [pattern])
    raise ValueError(kind)


def match_set(kind: str, pattern: str) -> tuple[str, list[Any]] | None:
    """SQL selecting the ids (``id``) of the links a rule matches, for the kinds an index
    answers (a rule that matches few links then costs little whatever the number of links)."""
    if kind in ("word", "phrase"):
        return "SELECT rowid AS id FROM link_search WHERE link_search MATCH ?", [fts_query(kind, pattern)]
    if kind == "author":
        return (("SELECT e.link_id AS id FROM entries e INDEXED BY entries_author WHERE"
                " e.author IS NOT NULL AND e.author LIKE ? ESCAPE '\\'"), [_like(pattern)])
    if kind == "sharer":
        return (("SELECT e.link_id AS id FROM entries e INDEXED BY entries_sharer WHERE"
                " e.sharer_handle IS NOT NULL AND '@' || ltrim(lower(e.sharer_handle), '@') = ?"),
                [pattern])
    return None


def _scope(list_id: int | None, column: str = "k.id") -> tuple[str, list[Any]]:
    if list_id is None:
        return "1", []
    return in_list_clause(list_id, column)


def _rule_from_row(row: sqlite3.Row) -> Rule:
    return Rule(id=row["id"], action=row["action"], kind=row["kind"], pattern=row["pattern"],
                list_id=row["list_id"], list_name=row["list_name"],
                created_at=from_db(row["created_at"]), hides=row["hides"])


_RULE_SELECT = """
    SELECT r.*, l.name AS list_name,
      (SELECT count(*) FROM rule_hides h WHERE h.rule_id = r.id) AS hides
    FROM rules r LEFT JOIN lists l ON l.id = r.list_id
"""


def rules(store: Storage) -> list[Rule]:
    return [_rule_from_row(r) for r in store.query(_RULE_SELECT + " ORDER BY r.id")]


def get_rule(store: Storage, rule_id: int) -> Rule:
    rows = store.query(_RULE_SELECT + " WHERE r.id = ?", [rule_id])
    if not rows:
        raise NotFoundError(f"no rule #{rule_id} (see `pln rule list`)")
    return _rule_from_row(rows[0])


def has_rules(store: Storage) -> bool:
    return store.conn.execute("SELECT EXISTS (SELECT 1 FROM rules WHERE action != 'spotlight')"
                              ).fetchone()[0] == 1


def add_rule(store: Storage, action: str, kind: str, pattern: str, list_id: int | None,
             now: datetime) -> int:
    """Save a rule and hide what it hides among the stored links; returns its id."""
    pattern = check_rule(action, kind, pattern)
    with store.transaction() as conn:
        # Matches ignore case, so "AI" and "ai" are one rule (not so for a regex: \W is not \w).
        collate = "" if kind == "regex" else " COLLATE NOCASE"
        same = conn.execute(f"SELECT id FROM rules WHERE action = ? AND kind = ? AND pattern = ?{collate}"
                            " AND list_id IS ?", [action, kind, pattern, list_id]).fetchone()
        if same is not None:
            raise InputError(f"that rule exists already (#{same[0]})")
        rule_id = int(conn.execute(
            "INSERT INTO rules (list_id, action, kind, pattern, created_at) VALUES (?, ?, ?, ?, ?)",
            [list_id, action, kind, pattern, to_db(now)]).lastrowid or 0)
        if action == "mute":
            _apply_mute(store, rule_id, kind, pattern, list_id, None)
        elif action == "keep":
            _apply_keep(store, list_id, None)
    return rule_id


def remove_rule(store: Storage, rule_id: int) -> Rule:
    """Delete a rule: the links it hid come back (a keep rule's scope is worked out again)."""
    rule = get_rule(store, rule_id)
    with store.transaction() as conn:
        conn.execute("DELETE FROM rules WHERE id = ?", [rule_id])  # its rule_hides go with it
        if rule.action == "keep":
            _apply_keep(store, rule.list_id, None)
    return rule


def _targets(store: Storage, link_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    """SQL restricting ``k.id`` to ``link_ids`` (every link with None), through a temp table."""
    if link_ids is None:
        return "1", []
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS rule_targets (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.rule_targets")
    conn.executemany("INSERT OR IGNORE INTO temp.rule_targets (id) VALUES (?)", [(i,) for i in link_ids])
    return "k.id IN (SELECT id FROM temp.rule_targets)", []


def _apply_mute(store: Storage, rule_id: int, kind: str, pattern: str, list_id: int | None,
                link_ids: Sequence[int] | None, *, targets: tuple[str, list[Any]] | None = None,
                titles: dict[Any, list[Any]] | None = None) -> None:
    _functions(store.conn)
    target, target_args = targets or _targets(store, link_ids)
    scope, scope_args = _scope(list_id)
    if kind == "regex":  # in batches in Python (see search_many), not one call per link
        sql = (f"SELECT k.id, k.title FROM links k WHERE {target} AND {scope} AND k.title IS NOT NULL",
               (*target_args, *scope_args))
        rows = titles.get(sql) if titles is not None else None
        if rows is None:
            rows = store.conn.execute(sql[0], sql[1]).fetchall()
            if titles is not None:  # the next regex rule of the run reads them from here
                titles[sql] = rows
        found, _ = search_many(pattern, [r[1] for r in rows])
        store.conn.executemany(
            "INSERT OR IGNORE INTO rule_hides (link_id, rule_id, list_id) VALUES (?, ?, ?)",
            [(rows[i][0], rule_id, list_id) for i in sorted(found)])
        return
    found = match_set(kind, pattern)
    if found is not None:  # from the index's matches, not over every target link
        sql, args = found
        conn = store.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS rule_found (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.rule_found")
        # Materialised first: given the targets to join, SQLite would ask the index once per target.
        conn.execute(f"INSERT OR IGNORE INTO temp.rule_found (id) SELECT id FROM ({sql}) WHERE id IS NOT NULL",
                     args)
        m_target, m_scope = target.replace("k.id", "m.id"), _scope(list_id, "m.id")
        conn.execute(
            f"INSERT OR IGNORE INTO rule_hides (link_id, rule_id, list_id) SELECT m.id, ?, ?"
            f" FROM temp.rule_found m WHERE {m_target} AND {m_scope[0]}",
            [rule_id, list_id, *target_args, *m_scope[1]])
        return
    match, match_args = match_clause(kind, pattern)
    store.conn.execute(
        f"INSERT OR IGNORE INTO rule_hides (link_id, rule_id, list_id) SELECT k.id, ?, ? FROM links k"
        f" WHERE {target} AND {scope} AND {match}",
        [rule_id, list_id, *target_args, *scope_args, *match_args])


def _apply_keep(store: Storage, list_id: int | None, link_ids: Sequence[int] | None, *,
                targets: tuple[str, list[Any]] | None = None, cleared: bool = False) -> None:
    """Keep-only rules of one scope: a link matching none of them is hidden by each of them
    (``cleared``: the targets' rows of ``rule_hides`` are deleted already)."""
    _functions(store.conn)
    _matchers.clear()  # each run counts its own timeouts
    conn = store.conn
    target, target_args = targets or _targets(store, link_ids)
    keeps = conn.execute("SELECT id, kind, pattern FROM rules WHERE action = 'keep' AND list_id IS ?",
                         [list_id]).fetchall()
    if not cleared:
        conn.execute(f"DELETE FROM rule_hides WHERE rule_id IN (SELECT id FROM rules WHERE action = 'keep'"
                     f" AND list_id IS ?) AND link_id IN (SELECT k.id FROM links k WHERE {target})",
                     [list_id, *target_args])
    if not keeps:
        return
    clauses, args = [], []
    for _, kind, pattern in keeps:
        clause, clause_args = match_clause(kind, pattern)
        clauses.append(clause)
        args += clause_args
    scope, scope_args = _scope(list_id)
    conn.execute(
        f"INSERT OR IGNORE INTO rule_hides (link_id, rule_id, list_id) SELECT k.id, r.id, r.list_id"
        f" FROM links k JOIN rules r ON r.action = 'keep' AND r.list_id IS ?"
        f" WHERE {target} AND {scope} AND NOT ({' OR '.join(clauses)})",
        [list_id, *target_args, *scope_args, *args])


def apply_rules(store: Storage, link_ids: Sequence[int]) -> None:
    """Work the rules out again for ``link_ids`` (new or changed at a refresh). Call inside a
    transaction; a handful of statements whatever the number of links (none without rules)."""
    if not link_ids or not has_rules(store):
        return
    conn = store.conn
    if len(set(link_ids)) >= conn.execute("SELECT count(*) FROM links").fetchone()[0]:
        targets: tuple[str, list[Any]] = ("1", [])  # every link (a first refresh): no temp table
        conn.execute("DELETE FROM rule_hides")
    else:
        targets = _targets(store, link_ids)
        conn.execute("DELETE FROM rule_hides WHERE link_id IN (SELECT id FROM temp.rule_targets)")
    rows = conn.execute("SELECT id, action, kind, pattern, list_id FROM rules"
                        " WHERE action != 'spotlight' ORDER BY id").fetchall()
    titles: dict[Any, list[Any]] = {}
    for rule_id, action, kind, pattern, list_id in rows:
        if action == "mute":
            _apply_mute(store, rule_id, kind, pattern, list_id, None, targets=targets, titles=titles)
    for list_id in dict.fromkeys(r[4] for r in rows if r[1] == "keep"):
        _apply_keep(store, list_id, None, targets=targets, cleared=True)  # deleted above


def spotlight_rules(store: Storage, list_id: int | None) -> list[Rule]:
    """Spotlight rules that apply to a view (every list's, and the list's own)."""
    rows = store.query(_RULE_SELECT + " WHERE r.action = 'spotlight' AND (r.list_id IS NULL"
                       " OR r.list_id IS ?) ORDER BY r.id", [list_id])
    return [_rule_from_row(r) for r in rows]


def preview_rule(store: Storage, action: str, kind: str, pattern: str, list_id: int | None,
                 now: datetime, *, examples: int = 5) -> RulePreview:
    """What the rule would do to the links first seen in the last :data:`PREVIEW_DAYS` days."""
    pattern = check_rule(action, kind, pattern)
    _functions(store.conn)
    since = to_db(now - timedelta(days=PREVIEW_DAYS))
    scope, scope_args = _scope(list_id)
    match, match_args = match_clause(kind, pattern)
    base = f"FROM links k WHERE k.first_seen >= ? AND {scope}"
    conn = store.conn
    considered = conn.execute(f"SELECT count(*) {base}", [since, *scope_args]).fetchone()[0]
    if kind == "regex":  # searched as at refresh: in batches, at most MAX_TIMEOUTS slow searches
        rows = conn.execute(f"SELECT k.title, k.url {base} ORDER BY k.published DESC, k.id DESC",
                            [since, *scope_args]).fetchall()
        found, timeouts = search_many(pattern, [r[0] or "" for r in rows])
        matched_rows = [rows[i] for i in sorted(found)]
        unmatched = [r for i, r in enumerate(rows) if i not in found][:examples]
        return _preview(action, considered, matched_rows, unmatched, timeouts, examples)
    _matchers.pop(pattern, None)  # a fresh count of timeouts
    matched_rows = conn.execute(
        f"SELECT k.title, k.url {base} AND {match} ORDER BY k.published DESC, k.id DESC",
        [since, *scope_args, *match_args]).fetchall()
    timeouts = _matchers[pattern].timeouts if pattern in _matchers else 0
    unmatched = conn.execute(
        f"SELECT k.title, k.url {base} AND NOT {match} ORDER BY k.published DESC, k.id DESC LIMIT ?",
        [since, *scope_args, *match_args, examples]).fetchall()
    return _preview(action, considered, matched_rows, unmatched, timeouts, examples)


def _preview(action: str, considered: int, matched_rows: Sequence[Any], unmatched: Sequence[Any],
             timeouts: int, examples: int) -> RulePreview:
    matched = len(matched_rows)
    hidden = matched if action == "mute" else considered - matched if action == "keep" else 0
    return RulePreview(action=action, considered=considered, matched=matched, hidden=hidden,
                       matched_examples=tuple((r[0] or r[1], r[1]) for r in matched_rows[:examples]),
                       unmatched_examples=tuple((r[0] or r[1], r[1]) for r in unmatched[:examples]),
                       timeouts=timeouts)
