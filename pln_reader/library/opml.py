"""Topic lists <-> OPML documents (the pure OPML reading and writing is in :mod:`pln_reader.opml`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from ..opml.read import OPMLDocument, OutlineList, OutlineSource
from ..store.db import Storage


def import_document(store: Storage, doc: OPMLDocument, *, now: datetime) -> tuple[int, int]:
    """Create (or merge into) the document's lists and sources in one transaction.

    Lists are matched by name; a purpose, context or budget in the document replaces the
    stored one. Returns (lists created, sources created).
    """
    lists_created = 0
    sources_created = 0

    def add_sources(items: tuple[OutlineSource, ...]) -> list[int]:
        nonlocal sources_created
        ids = []
        for item in items:
            source_id, created = store.add_source(item.kind, item.url, title=item.title,
                                                  site_url=item.html_url, now=now)
            sources_created += created
            ids.append(source_id)
        return ids

    def visit(item: OutlineList, parent_id: int | None) -> None:
        nonlocal lists_created
        list_id = store.find_list_id(item.name)
        if list_id is None:
            list_id = store.create_list(item.name, purpose=item.purpose, context=item.context,
                                        budget_minutes=item.budget, parent_id=parent_id, now=now)
            lists_created += 1
        else:
            changes = {k: v for k, v in (("purpose", item.purpose), ("context", item.context),
                                         ("budget_minutes", item.budget)) if v is not None}
            if changes:
                store.edit_list(item.name, **changes)
        store.add_to_list(list_id, add_sources(item.sources))
        for child in item.children:
            visit(child, list_id)

    with store.transaction():
        add_sources(doc.unfiled)
        for item in doc.lists:
            visit(item, None)
    return lists_created, sources_created


def export_document(store: Storage, *, title: str) -> OPMLDocument:
    """The user's topic lists (nested as stored) with their top-level sources.

    Feeds that a subscribed OPML list brought in are not written: the list itself is.
    """
    members: dict[int, list[OutlineSource]] = defaultdict(list)
    in_a_list: set[int] = set()
    for row in store.list_memberships():
        in_a_list.add(row["id"])
        if row["parent_id"] is None:
            members[row["list_id"]].append(_outline_source(row))
    children: dict[int | None, list] = defaultdict(list)
    for row in store.list_tree():
        children[row["parent_id"]].append(row)

    def build(row: object) -> OutlineList:
        return OutlineList(
            name=row["name"],  # type: ignore[index]
            purpose=row["purpose"],  # type: ignore[index]
            context=row["context"],  # type: ignore[index]
            budget=row["budget_minutes"],  # type: ignore[index]
            sources=tuple(members[row["id"]]),  # type: ignore[index]
            children=tuple(build(child) for child in children[row["id"]]),  # type: ignore[index]
        )

    unfiled = tuple(
        _outline_source(row) for row in store.top_level_sources() if row["id"] not in in_a_list
    )
    return OPMLDocument(title=title, lists=tuple(build(r) for r in children[None]), unfiled=unfiled)


def _outline_source(row: object) -> OutlineSource:
    return OutlineSource(
        url=row["url"],  # type: ignore[index]
        title=row["title"],  # type: ignore[index]
        html_url=row["site_url"],  # type: ignore[index]
        kind=row["kind"],  # type: ignore[index]
    )
