"""One sync: log in, push the outbox in order, then pull what changed on the server.

Read and starred state is merged three ways: the local state, the server's, and the state both
last agreed on (``sync_items``). A local change not pushed yet wins over the server's state seen
at the same sync; a server change pln has not seen wins over older local state; the first time
an item meets a link, read and saved are the union of both sides (nothing is dropped).

Requests stay within FreshRSS issue #2566's seven: ClientLogin, unread-count (a fingerprint:
when it is unchanged, subscriptions and unread ids are not asked for again, for up to
``FULL_CHECK``), subscription/list, tag/list, stream/items/ids (unread; starred; each item
label; new since the last sync, with ``ot``), stream/items/contents for the ids pln does not know; edits use token and
edit-tag. Servers without unread-count (Miniflux) get the full set each time.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..core.config import Settings
from ..core.errors import SyncError
from ..core.text import clean_text
from ..core.urls import canonical_or_none
from ..store import links as storage_links
from ..store import notes as storage_notes
from ..store import sync as db
from ..store.db import Storage, from_db, to_db
from . import folders
from .client import LABEL, READ, READING_LIST, STARRED, GReaderClient, Item
from .report import SyncReport
from .subscriptions import FolderSync

log = logging.getLogger("pln_reader")

FULL_CHECK = timedelta(hours=1)
"""How long an unchanged unread-count fingerprint is trusted before everything is asked again."""
FIRST_LOOKBACK = timedelta(days=7)
"""How far back the first sync asks for items, besides every unread and starred one."""
MAX_LABELS = 50
"""Most item labels (tags) whose items are asked for in one full sync."""
MAX_UNKNOWN = 2000
"""Most unknown unread or starred items fetched in one sync (the newest first)."""


ClientFactory = Callable[[str, Any], GReaderClient]


def run_sync(store: Storage, settings: Settings, *, now: datetime,
             client_factory: ClientFactory = GReaderClient) -> SyncReport:
    """Push local changes, then pull; SyncError (outbox kept) when the server fails."""
    conf = settings.sync
    if not conf.enabled:
        raise SyncError("sync is not set up: run `pln sync setup URL --user NAME`", reason="off")
    if not conf.password:
        raise SyncError("no sync password: set PLN_SYNC_PASSWORD or run `pln sync setup` again",
                        reason="auth")
    report = SyncReport()
    api = client_factory(conf.server, settings.fetch)
    try:
        api.login(conf.user, conf.password)
        run = _Run(store, api, now, report)
        run.push_outbox()
        run.pull()
    except SyncError as exc:
        db.set_meta(store, "last_error", str(exc))
        raise
    finally:
        report.requests = api.requests
        api.close()
    db.set_meta(store, "last_sync", to_db(now))
    db.set_meta(store, "last_error", None)
    report.waiting = db.outbox_count(store)
    return report


def check_server(settings: Settings) -> str | None:
    """For `pln doctor`: None when the server answers and takes the password, else why not."""
    conf = settings.sync
    if not conf.enabled:
        return None
    if not conf.password:
        return "sync: no password (set PLN_SYNC_PASSWORD or run `pln sync setup` again)"
    try:
        with GReaderClient(conf.server, settings.fetch) as api:
            api.login(conf.user, conf.password)
    except SyncError as exc:
        return str(exc)
    return None


class _Run(FolderSync):
    def __init__(self, store: Storage, api: GReaderClient, now: datetime, report: SyncReport):
        self.store = store
        self.api = api
        self.now = now
        self.report = report
        self.pushed_upto = 0
        self.subscribe_pending = False
        self._paths: tuple[int, dict[int, str]] | None = None

    # -- push --------------------------------------------------------------------------------------

    def push_outbox(self) -> None:
        rows = db.outbox(self.store)
        if rows:
            self.pushed_upto = rows[-1][0]
        i = 0
        while i < len(rows):
            oid, kind, payload = rows[i]
            if kind in ("read", "star", "tag"):
                # Consecutive changes of the same kind and value go in one batch of edits.
                j = i
                group = []
                while j < len(rows) and rows[j][1] == kind and \
                        rows[j][2].get("value") == payload.get("value") and \
                        rows[j][2].get("tag") == payload.get("tag"):
                    group.append(rows[j])
                    j += 1
                self._push_state(kind, [g[2]["url"] for g in group], bool(payload.get("value")),
                                 payload.get("tag"))
                db.outbox_done(self.store, [g[0] for g in group])
                self.report.pushed += len(group)
                i = j
                continue
            self._push_one(kind, payload)
            db.outbox_done(self.store, [oid])
            self.report.pushed += 1
            i += 1

    def _item_ids(self, urls: list[str]) -> list[str]:
        ids: list[str] = []
        for url in urls:
            link_id = storage_links.link_id_for(self.store, url)
            if link_id is not None:
                ids += db.items_of_link(self.store, link_id)
        return ids

    def _push_state(self, kind: str, urls: list[str], value: bool, tag: str | None) -> None:
        ids = self._item_ids(urls)
        if not ids:
            return  # no server item has these links (yet): the first meeting merges them
        if kind == "tag":
            if tag:
                self.api.edit_tag(ids, add=LABEL + tag if value else None,
                                  remove=None if value else LABEL + tag)
                db.set_item_tag(self.store, ids, tag.casefold(), value)
            return
        state, column = (READ, "read") if kind == "read" else (STARRED, "starred")
        self.api.edit_tag(ids, add=state if value else None, remove=None if value else state)
        db.set_base(self.store, ids, column, value)

    def _sub_by_url(self, url: str) -> Any:
        for row in db.subscriptions(self.store):
            if row["url"] == url:
                return row
        return None

    def _push_one(self, kind: str, p: dict[str, Any]) -> None:
        if kind == "subscribe":
            # Sent by the pull, which first reads the server's subscriptions: it may have this
            # feed already, written another way (and one added and removed again sends nothing).
            self.subscribe_pending = True
        elif kind == "unsubscribe":
            if self.store.source_id_for_url(p["url"]) is not None:
                return  # removed and added again: it stays
            row = self._sub_by_url(p["url"])
            if row is not None:
                self.api.unsubscribe(row["stream_id"])
                db.drop_subscription(self.store, row["stream_id"])
            else:  # sent, but its id not seen yet: unsubscribe when the list shows it
                self._set_forget(self._forget() | {p["url"]})
        elif kind == "rename":
            self._push_rename(p["old"], p["new"])
        elif kind == "delete_list":
            path = p["path"]
            for row in db.subscriptions(self.store):
                if row["folder"] == path:
                    self.api.move(row["stream_id"], None, path)
                    db.put_subscription(self.store, row["stream_id"], row["source_id"], row["url"], None)
            if path in self._server_folders():
                self.api.delete_folder(path)
                self._set_server_folders(self._server_folders() - {path})

    def _push_rename(self, old: str, new: str) -> None:
        """rename-tag, then each feed moved by itself: FreshRSS answers OK to a rename onto a
        folder name it still keeps (empty, so no client sees it) and renames nothing."""
        known = self._server_folders()
        changed = {}
        for name in sorted(known, key=len):
            target = folders.renamed(name, old, new)
            if target is not None and target != name:
                self.api.rename_folder(name, target)
                changed[name] = target
        if changed:
            self._set_server_folders({changed.get(n, n) for n in known})
        for row in db.subscriptions(self.store):
            target = folders.renamed(row["folder"] or "", old, new) if row["folder"] else None
            if target is not None:
                self.api.move(row["stream_id"], target, row["folder"])
                db.put_subscription(self.store, row["stream_id"], row["source_id"], row["url"], target)

    # -- pull --------------------------------------------------------------------------------------

    def pull(self) -> None:
        counts = self.api.unread_count()
        fingerprint = _fingerprint(counts)
        last_full = from_db(db.meta(self.store, "last_full"))
        full = (fingerprint is None or fingerprint != db.meta(self.store, "fingerprint")
                or last_full is None or self.subscribe_pending
                or self.now - last_full >= FULL_CHECK)
        self.report.full = full
        unread: set[str] | None = None
        unread_complete = False
        new_items: list[Item] = []
        if full:
            subs = self.api.subscriptions()
            sent_before = self.report.sent
            if self.reconcile_subscriptions(subs):
                self.map_new_subscriptions(self.api.subscriptions())
            edited = self.report.sent > sent_before
            unread, unread_complete = self.api.item_ids(READING_LIST, exclude=READ)
            last = from_db(db.meta(self.store, "last_sync"))
            # An hour's margin: the server stamps items by its own clock, not this machine's.
            since = (last - timedelta(hours=1)) if last else self.now - FIRST_LOOKBACK
            recent, _ = self.api.item_ids(READING_LIST, since=int(since.timestamp()),
                                          max_ids=MAX_UNKNOWN)
        else:
            recent = set()
            edited = False
        labelled: dict[str, tuple[str, set[str]]] | None = None
        if full:
            labelled = {}
            folder_names = {f.casefold() for f in self._server_folders()}
            # A label named like a folder would read the folder's items (FreshRSS looks names
            # up as folders first): such a label is left alone.
            names = [n for n in self.api.tags() if n.casefold() not in folder_names]
            for name in names[:MAX_LABELS]:
                ids, _ = self.api.item_ids(LABEL + name, max_ids=MAX_UNKNOWN)
                labelled[name.casefold()] = (name, ids)
        starred, starred_complete = self.api.item_ids(STARRED)
        known = db.known_items(self.store)
        tagged = set().union(*(ids for _, ids in labelled.values())) if labelled else set()
        unknown = (recent | (unread or set()) | starred | tagged) - known
        if unknown:
            newest_first = sorted(unknown, key=int, reverse=True)[:MAX_UNKNOWN]
            new_items = self.api.items(newest_first)
        sent_before = self.report.sent
        self.map_items(new_items)
        self.reconcile_states(unread, unread_complete, starred, starred_complete)
        if labelled is not None:
            self.reconcile_tags(labelled)
        if edited or self.report.sent > sent_before:
            # our own edits change the counts: take the fingerprint after them
            fingerprint = _fingerprint(self.api.unread_count())
        db.set_meta(self.store, "fingerprint", fingerprint)
        if full:
            db.set_meta(self.store, "last_full", to_db(self.now))

    # -- items and their state -------------------------------------------------------------------

    def map_items(self, items: list[Item]) -> None:
        """Match new server items to links by canonical URL; the first meeting merges state."""
        known = db.known_items(self.store)
        pushes: dict[tuple[str, bool], list[str]] = {}
        for item in items:
            if item.id in known:
                continue
            url = canonical_or_none(item.url)
            if url is None:
                continue
            with self.store.transaction():
                link_id = storage_links.ensure_link(
                    self.store, url, title=clean_text(html.unescape(item.title or "")), now=self.now)
                local_read, local_saved = db.link_read_saved(self.store, link_id)
                read = local_read or item.read
                starred = local_saved or item.starred
                if read and not local_read:
                    storage_links.set_state(self.store, [link_id], "read_at", self.now)
                if starred and not local_saved:
                    storage_links.set_state(self.store, [link_id], "saved_at", self.now)
                db.map_item(self.store, item.id, link_id, stream_id=item.stream_id, read=read,
                            starred=starred)
            known.add(item.id)
            self.report.items += 1
            if read and not item.read:
                pushes.setdefault((READ, True), []).append(item.id)
            if starred and not item.starred:
                pushes.setdefault((STARRED, True), []).append(item.id)
        for (state, _), ids in pushes.items():
            self.api.edit_tag(ids, add=state)
            self.report.sent += len(ids)

    def reconcile_states(self, unread: set[str] | None, unread_complete: bool,
                         starred: set[str], starred_complete: bool) -> bool:
        pending = db.outbox_state_urls(self.store, self.pushed_upto)
        edits: dict[tuple[str, bool], list[str]] = {}
        for row in db.item_states(self.store):
            iid = row["item_id"]
            base_read, base_star = bool(row["read"]), bool(row["starred"])
            if unread is None:
                s_read = base_read
            elif iid in unread:
                s_read = False
            else:
                s_read = True if unread_complete else base_read
            s_star = True if iid in starred else (False if starred_complete else base_star)
            for kind, column, server, base, local in (
                    ("read", "read", s_read, base_read, bool(row["local_read"])),
                    ("star", "starred", s_star, base_star, bool(row["local_saved"]))):
                if server != base:
                    if (kind, row["url"]) in pending:
                        continue  # a local change made during this sync: it wins, next time
                    if local != server:
                        self._apply_local(row["link_id"], kind, server)
                        self.report.applied += 1
                    db.set_base(self.store, [iid], column, server)
                elif local != base:
                    if (kind, row["url"]) in pending:
                        continue
                    edits.setdefault((READ if kind == "read" else STARRED, local), []).append(iid)
                    db.set_base(self.store, [iid], column, local)
        for (state, value), ids in edits.items():
            self.api.edit_tag(ids, add=state if value else None, remove=None if value else state)
            self.report.sent += len(ids)
        return bool(edits)

    def reconcile_tags(self, labelled: dict[str, tuple[str, set[str]]]) -> None:
        """Tags <-> item labels, three ways like read and saved; ``labelled``: case-folded
        label -> (its name, the ids of the items carrying it)."""
        pending = db.outbox_state_urls(self.store, self.pushed_upto)
        base = db.item_tags(self.store)
        local = db.link_tags(self.store)
        on_server: dict[str, set[str]] = {}
        for cf, (_, ids) in labelled.items():
            for iid in ids:
                on_server.setdefault(iid, set()).add(cf)
        pushes: dict[tuple[str, bool], tuple[str, list[str]]] = {}
        for row in db.item_states(self.store):
            iid, link_id, url = row["item_id"], row["link_id"], row["url"]
            agreed = base.get(iid, set())
            server = on_server.get(iid, set())
            mine = local.get(link_id, {})
            add_here: list[str] = []
            drop_here: list[str] = []
            for cf in server - agreed:  # labelled elsewhere
                if (f"tag:{cf}", url) not in pending:
                    if cf not in mine:
                        add_here.append(labelled[cf][0])
                    db.set_item_tag(self.store, [iid], cf, True)
            for cf in (agreed - server) & set(labelled):  # label taken off elsewhere
                if (f"tag:{cf}", url) not in pending:
                    if cf in mine:
                        drop_here.append(mine[cf])
                    db.set_item_tag(self.store, [iid], cf, False)
            for cf in set(mine) - agreed - server:  # tagged here, not sent yet
                pushes.setdefault((cf, True), (mine[cf], []))[1].append(iid)
                db.set_item_tag(self.store, [iid], cf, True)
            for cf in (agreed & server & set(labelled)) - set(mine):  # untagged here
                if (f"tag:{cf}", url) not in pending:
                    pushes.setdefault((cf, False), (labelled[cf][0], []))[1].append(iid)
                    db.set_item_tag(self.store, [iid], cf, False)
            if add_here or drop_here:
                storage_notes.set_tags(self.store, link_id, add_here, drop_here, self.now)
                self.report.applied += len(add_here) + len(drop_here)
        for (_, value), (name, item_ids) in pushes.items():
            self.api.edit_tag(item_ids, add=LABEL + name if value else None,
                              remove=None if value else LABEL + name)
            self.report.sent += len(item_ids)

    def _apply_local(self, link_id: int, kind: str, value: bool) -> None:
        with self.store.transaction():
            if kind == "read":
                storage_links.set_state(self.store, [link_id], "read_at", self.now if value else None)
                if not value:
                    storage_links.set_state(self.store, [link_id], "archived_at", None)
            else:
                storage_links.set_state(self.store, [link_id], "saved_at", self.now if value else None)


def _fingerprint(counts: list[Any]) -> str | None:
    if not counts:  # no unread-count on this server: nothing to compare, ask everything
        return None
    return hashlib.sha256(json.dumps(counts, sort_keys=True).encode()).hexdigest()
