"""Subscriptions <-> feed sources and folders <-> topic lists, three ways: the local state,
the server's, and what both last agreed on (``sync_subscriptions`` and the folders seen).

A folder renamed on either side renames the list (purpose, context and budget stay); one
deleted there (its feeds moved out) deletes the list if nothing else is in it; a subscription
made elsewhere lands in its folder's list; one gone from the server removes the source here.
"""

from __future__ import annotations

import html
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from ..core.text import clean_text
from ..core.urls import canonical_or_none
from ..store import sync as db
from ..store.db import Storage, from_db, to_db
from . import folders
from .client import GReaderClient, Subscription
from .report import SyncReport

log = logging.getLogger("pln_reader")

RETRY_REFUSED = timedelta(days=1)
"""A feed the server would not subscribe to (it could not fetch it) is offered again after this."""


class FolderSync:
    """The subscriptions and folders part of one sync run."""

    store: Storage
    api: GReaderClient
    now: datetime
    report: SyncReport
    _paths: tuple[int, dict[int, str]] | None

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

    def _forget(self) -> set[str]:
        return set(json.loads(db.meta(self.store, "forget") or "[]"))

    def _set_forget(self, urls: set[str]) -> None:
        db.set_meta(self.store, "forget", json.dumps(sorted(urls)) if urls else None)

    def _server_folders(self) -> set[str]:
        return set(json.loads(db.meta(self.store, "folders") or "[]"))

    def _set_server_folders(self, names: set[str]) -> None:
        db.set_meta(self.store, "folders", json.dumps(sorted(names), ensure_ascii=False))

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

    def _source_for(self, url: str) -> int | None:
        """The local feed with this URL, also when the server wrote it another way (host case,
        default port, tracking parameters: the canonical form)."""
        found = self.store.source_id_for_url(url)
        if found is not None:
            return found
        wanted = canonical_or_none(url)
        for row in db.feed_sources(self.store):
            if wanted is not None and canonical_or_none(row["url"]) == wanted:
                return int(row["id"])
        return None

    def _meet_subscription(self, s: Subscription) -> None:
        source_id = self._source_for(s.url)
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
        on_server = {s.url for s in server.values()} | {
            c for s in server.values() if (c := canonical_or_none(s.url))}
        paths = self.paths()
        refused: dict[str, str] = json.loads(db.meta(self.store, "refused") or "{}")
        sent = False
        for row in db.feed_sources(self.store):
            if row["id"] in mapped or row["url"] in on_server or \
                    canonical_or_none(row["url"]) in on_server:
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
                source_id = self._source_for(s.url)
                if source_id is not None:
                    db.put_subscription(self.store, s.stream_id, source_id, s.url, s.folder)
        self._set_server_folders(self._server_folders() | {
            s.folder for s in subs if s.folder and not folders.is_default(s.folder)})
