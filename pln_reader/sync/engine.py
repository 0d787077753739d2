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
from dataclasses import dataclass
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
from .client import LABEL, READ, READING_LIST, STARRED, GReaderClient, Item, Subscription

log = logging.getLogger("pln_reader")

FULL_CHECK = timedelta(hours=1)
"""How long an unchanged unread-count fingerprint is trusted before everything is asked again."""
FIRST_LOOKBACK = timedelta(days=7)
"""How far back the first sync asks for items, besides every unread and starred one."""
RETRY_REFUSED = timedelta(days=1)
"""A feed the server would not subscribe to (it could not fetch it) is offered again after this."""
MAX_LABELS = 50
"""Most item labels (tags) whose items are asked for in one full sync."""
MAX_UNKNOWN = 2000
"""Most unknown unread or starred items fetched in one sync (the newest first)."""


@dataclass
class SyncReport:
    pushed: int = 0
    """Changes from the outbox sent to the server."""
    sent: int = 0
    """Other local changes found and sent (subscriptions, moves, state)."""
    applied: int = 0
    """Read and saved changes from the server applied here."""
    added: int = 0
    removed: int = 0
    lists: int = 0
    """Lists created, renamed, moved or deleted here to follow the server's folders."""
    items: int = 0
    """Server items newly matched to links."""
    requests: int = 0
    waiting: int = 0
    full: bool = False


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


class _Run:
    def __init__(self, store: Storage, api: GReaderClient, now: datetime, report: SyncReport):
        self.store = store
        self.api = api
        self.now = now
        self.report = report
        self.pushed_upto = 0
        self._paths: tuple[int, dict[int, str]] | None = None

    # -- lists -----------------------------------------------------------------------------------

    def paths(self) -> dict[int, str]:
        """list id -> path, cached until the lists change (``total_changes`` moves on)."""
        changes = db.changes(self.store)
        if self._paths is None or self._paths[0] != changes:
            self._paths = (changes, folders.list_paths(self.store.list_tree()))
        return self._paths[1]

    def list_at(self, path: str | None) -> int | None:
        if folders.is_default(path):
            return None
        for list_id, p in self.paths().items():
            if p == path:
                return list_id
        return None

    def ensure_list(self, path: str | None) -> int | None:
        """The list for a folder path, created (with its parents) when missing."""
        if path is None or folders.is_default(path):
            return None
        found = self.list_at(path)
        if found is not None:
            return found
        parent: int | None = None
        for part in folders.split(path):
            existing = self.store.find_list_id(part)
            if existing is None:
                existing = self.store.create_list(part, parent_id=parent, now=self.now)
                self.report.lists += 1
            elif self._parent_of(existing) != parent and existing != parent \
                    and not self._is_ancestor(existing, parent):
                db.move_list(self.store, existing, name=part, parent_id=parent)
                self.report.lists += 1
            parent = existing
        return parent

    def _is_ancestor(self, list_id: int, other: int | None) -> bool:
        seen: set[int] = set()
        while other is not None and other not in seen:
            if other == list_id:
                return True
            seen.add(other)
            other = self._parent_of(other)
        return False

    def _parent_of(self, list_id: int) -> int | None:
        row = db.list_row(self.store, list_id)
        return row["parent_id"] if row else None

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
            # Added and removed again before a sync: nothing to send.
            if self._sub_by_url(p["url"]) is None and self.store.source_id_for_url(p["url"]):
                self.api.subscribe(p["url"], p.get("folder"), p.get("title"))
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

    def _forget(self) -> set[str]:
        return set(json.loads(db.meta(self.store, "forget") or "[]"))

    def _set_forget(self, urls: set[str]) -> None:
        db.set_meta(self.store, "forget", json.dumps(sorted(urls)) if urls else None)

    def _server_folders(self) -> set[str]:
        return set(json.loads(db.meta(self.store, "folders") or "[]"))

    def _set_server_folders(self, names: set[str]) -> None:
        db.set_meta(self.store, "folders", json.dumps(sorted(names), ensure_ascii=False))

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
                or last_full is None
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

    # -- subscriptions and folders ---------------------------------------------------------------

    def reconcile_subscriptions(self, subs: list[Subscription]) -> bool:
        """Follow the server's subscriptions and folders here, and send the local ones it lacks;
        True when subscriptions were sent (their ids come with the next list)."""
        store = self.store
        rows = {r["stream_id"]: r for r in db.subscriptions(store)}
        server = {s.stream_id: s for s in subs}
        old_folders = self._server_folders()
        new_folders = {s.folder for s in subs if s.folder and not folders.is_default(s.folder)}
        # A folder gone while its feeds are still on the server was deleted there (its feeds
        # moved out); one gone with its last feed unsubscribed was not: that list stays.
        vanished = {f for f in old_folders - new_folders
                    if any(r["folder"] == f and sid in server for sid, r in rows.items())}
        self._follow_folder_changes(rows, server, old_folders, new_folders)
        rows = {r["stream_id"]: r for r in db.subscriptions(store)}
        forget = self._forget()
        for s in subs:
            row = rows.get(s.stream_id)
            if row is None and s.url in forget and self.store.source_id_for_url(s.url) is None:
                self.api.unsubscribe(s.stream_id)  # subscribed from here, then removed here
                forget.discard(s.url)
                self.report.sent += 1
            elif row is None:
                self._meet_subscription(s)
            elif row["source_id"] is None:
                self.api.unsubscribe(s.stream_id)  # removed here, not pushed yet
                db.drop_subscription(store, s.stream_id)
                self.report.sent += 1
            else:
                self._follow_subscription(s, row)
        for stream_id, row in rows.items():
            if stream_id not in server:
                if row["source_id"] is not None:  # unsubscribed elsewhere
                    store.remove_source(row["source_id"])
                    self.report.removed += 1
                db.drop_subscription(store, stream_id)
        for path in sorted(vanished, key=len, reverse=True):
            list_id = self.list_at(path)
            if list_id is not None and db.list_is_empty(store, list_id):
                store.delete_list(self._name_of(list_id))
                self.report.lists += 1
        self._set_server_folders(new_folders)
        self._set_forget(forget & {s.url for s in subs})
        return self._send_local_feeds(server)

    def _name_of(self, list_id: int) -> str:
        row = db.list_row(self.store, list_id)
        return str(row["name"]) if row else ""

    def _follow_folder_changes(self, rows: dict[str, Any], server: dict[str, Subscription],
                               old: set[str], new: set[str]) -> None:
        """A folder gone from the server whose feeds all sit in one new folder was renamed:
        rename the list (its purpose, context and budget stay)."""
        for gone in sorted(old - new, key=len):
            members = [r for r in rows.values() if r["folder"] == gone and r["stream_id"] in server]
            targets = {server[r["stream_id"]].folder for r in members}
            if len(targets) != 1:
                continue
            target = targets.pop()
            if target is None or target in old or folders.is_default(target):
                continue
            list_id = self.list_at(gone)
            if list_id is not None and self.list_at(target) is None:
                parts = folders.split(target)
                parent = self.ensure_list(folders.SEPARATOR.join(parts[:-1])) if len(parts) > 1 else None
                other = self.store.find_list_id(parts[-1])
                if other is None or other == list_id:
                    db.move_list(self.store, list_id, name=parts[-1], parent_id=parent)
                    self.report.lists += 1
            for r in members:
                db.put_subscription(self.store, r["stream_id"], r["source_id"], r["url"], target)

    def _local_path(self, source_id: int) -> str | None:
        list_id = db.first_list_of(self.store, source_id)
        return self.paths().get(list_id) if list_id is not None else None

    def _place(self, source_id: int, old: str | None, new: str | None) -> None:
        """Move a source from the list of folder ``old`` to the list of folder ``new``."""
        old_list = self.list_at(old) if old else None
        if old_list is not None:
            db.remove_from_list(self.store, old_list, source_id)
        new_list = self.ensure_list(new)
        if new_list is not None:
            self.store.add_to_list(new_list, [source_id])

    def _meet_subscription(self, s: Subscription) -> None:
        source_id = self.store.source_id_for_url(s.url)
        folder = None if folders.is_default(s.folder) else s.folder
        if source_id is None:
            source_id, _ = self.store.add_source(
                "feed", s.url, title=clean_text(html.unescape(s.title or "")), now=self.now)
            self._place(source_id, None, folder)
            self.report.added += 1
            db.put_subscription(self.store, s.stream_id, source_id, s.url, s.folder)
            return
        local = self._local_path(source_id)
        if local is None and folder is not None:
            self._place(source_id, None, folder)
        elif local != folder and local is not None:
            self.api.move(s.stream_id, local, s.folder)
            self.report.sent += 1
            db.put_subscription(self.store, s.stream_id, source_id, s.url, local)
            return
        db.put_subscription(self.store, s.stream_id, source_id, s.url, s.folder)

    def _follow_subscription(self, s: Subscription, row: Any) -> None:
        source_id = row["source_id"]
        if s.folder != row["folder"]:
            if not (folders.is_default(s.folder) and folders.is_default(row["folder"])):
                self._place(source_id, row["folder"], None if folders.is_default(s.folder) else s.folder)
            db.put_subscription(self.store, s.stream_id, source_id, s.url, s.folder)
            return
        local = self._local_path(source_id)
        if local != s.folder and not (local is None and folders.is_default(s.folder)):
            self.api.move(s.stream_id, local, s.folder)
            self.report.sent += 1
            db.put_subscription(self.store, s.stream_id, source_id, s.url, local)

    def _send_local_feeds(self, server: dict[str, Subscription]) -> bool:
        mapped = {r["source_id"] for r in db.subscriptions(self.store) if r["source_id"] is not None}
        on_server = {s.url for s in server.values()}
        paths = self.paths()
        refused: dict[str, str] = json.loads(db.meta(self.store, "refused") or "{}")
        sent = False
        for row in db.feed_sources(self.store):
            if row["id"] in mapped or row["url"] in on_server:
                continue
            when = from_db(refused.get(row["url"]))
            if when is not None and self.now - when < RETRY_REFUSED:
                continue  # the server could not subscribe to it lately: not asked every sync
            folder = paths.get(row["list_id"]) if row["list_id"] is not None else None
            if self.api.subscribe(row["url"], folder, row["title"]):
                sent = True
                self.report.sent += 1
                refused.pop(row["url"], None)
            else:
                log.info("sync: the server refused to subscribe to %s", row["url"])
                refused[row["url"]] = to_db(self.now) or ""
        db.set_meta(self.store, "refused", json.dumps(refused) if refused else None)
        return sent

    def map_new_subscriptions(self, subs: list[Subscription]) -> None:
        rows = {r["stream_id"] for r in db.subscriptions(self.store)}
        for s in subs:
            if s.stream_id not in rows:
                source_id = self.store.source_id_for_url(s.url)
                if source_id is not None:
                    db.put_subscription(self.store, s.stream_id, source_id, s.url, s.folder)
        self._set_server_folders(self._server_folders() | {
            s.folder for s in subs if s.folder and not folders.is_default(s.folder)})

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
