"""Subscribed OPML lists: on each refresh, the list's member feeds are synced into its topic lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..opml.read import OPMLDocument, OutlineList, OutlineSource, parse_opml
from ..store.db import Storage


def walk_sources(doc: OPMLDocument) -> Iterator[OutlineSource]:
    """Every source in the document, each URL once, in document order."""
    seen: set[str] = set()

    def visit(lists: tuple[OutlineList, ...]) -> Iterator[OutlineSource]:
        for item in lists:
            yield from item.sources
            yield from visit(item.children)

    for source in [*doc.unfiled, *visit(doc.lists)]:
        if source.url not in seen:
            seen.add(source.url)
            yield source


def sync(store: Storage, source_id: int, body: bytes, url: str, *, now: datetime) -> tuple[int, int]:
    """Sync the feeds of OPML ``body`` (fetched from ``url``) under source ``source_id``.

    New feeds are added to every topic list the OPML source belongs to; feeds that left the
    document are marked inactive (their entries stay). Returns (added or reactivated, deactivated).
    Runs inside the caller's transaction; raises :class:`~pln_reader.core.errors.OPMLError`.
    """
    local = url.startswith("file:")
    doc = parse_opml(body, base_url=url, allow_local=local)
    list_ids = store.lists_of_source(source_id)
    before = {row["url"]: (row["id"], bool(row["active"])) for row in store.children_of(source_id)}
    wanted: list[int] = []
    added = 0
    for item in walk_sources(doc):
        if item.kind != "feed":  # nested OPML includes are not followed (no include loops)
            continue
        known = before.get(item.url)
        if known is None:
            new_id, created = store.add_source("feed", item.url, title=item.title, site_url=item.html_url,
                                               parent_id=source_id, now=now)
            added += created
            wanted.append(new_id)
        else:
            if not known[1]:
                added += 1
            wanted.append(known[0])
    store.set_active(wanted, True)
    for list_id in list_ids:
        store.add_to_list(list_id, wanted)
    gone = [sid for u, (sid, active) in before.items() if active and sid not in set(wanted)]
    store.set_active(gone, False)
    if doc.title:
        store.title_if_missing(source_id, doc.title)
    return added, len(gone)
