"""Lists' sources: adding feeds, sites, OPML lists and social sources, removing them, OPML
import and export, and the demo's lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.config import Settings
from ..core.errors import (
    DiscoveryError,
    FetchError,
    InputError,
    ParseError,
    PlnError,
)
from ..core.models import Source
from ..core.secrets import scrub
from ..core.urls import is_http_url, path_to_url
from ..store import links as storage_links
from ..store.db import Storage

if TYPE_CHECKING:  # the network and parsing stack loads only when a command needs it
    from ..net.fetch import Response
    from ..social.identify import SocialSource


@dataclass(frozen=True, slots=True)
class AddResult:
    target: str
    source: Source | None = None
    created: bool = False
    error: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    lists_created: int
    sources_created: int
    skipped: tuple[str, ...] = ()
    """Outlines left out, each with its reason."""
    repairs: tuple[str, ...] = ()
    """What was repaired in a slightly malformed file."""


class SourcesMixin:
    """Sources and the OPML that carries them (the facade's lists and sources part)."""

    store: Storage
    settings: Settings
    clock: Callable[[], datetime]
    _list_id_of: Callable[[str | None], int | None]
    _list_ids: Callable[..., list[int]]
    _sync_record: Callable[..., None]
    _list_paths: Callable[[], dict[int, str]]
    sync_enabled: bool

    # -- sources -------------------------------------------------------------------------------

    def sources(self, *, list_name: str | None = None) -> list[Source]:
        list_id = self._list_id_of(list_name)
        return self.store.sources(list_id=list_id)

    def find_source(self, ref: str) -> Source:
        return self.store.find_source(ref)

    def remove_source(self, ref: str) -> Source:
        """Remove a source and its entries; links the user saved or annotated stay."""
        source = self.store.find_source(ref)
        with self.store.transaction():
            self.store.remove_source(source.id)
            if source.kind == "feed" and is_http_url(source.url):
                self._sync_record("unsubscribe", url=source.url)
        return source

    def add(self, targets: Sequence[str], *, lists: Sequence[str] = ()) -> list[AddResult]:
        """Add feeds, sites (autodiscovery) or OPML lists by URL or local path.

        Each target succeeds or fails on its own; a feed's entries are stored at once.
        """
        results = []
        for target in targets:
            try:
                results.append(self._add_one(target.strip(), lists))
            except PlnError as exc:
                results.append(AddResult(target, error=scrub(str(exc), self.settings.secrets())))
        return results

    def _resolve_target(self, target: str) -> Response:
        from ..net.fetch import fetch_one, read_local

        if not target:
            raise InputError("empty URL or path")
        if is_http_url(target):
            return fetch_one(self.settings.fetch, target)
        path = Path(target).expanduser()
        if target.startswith("file:") or path.exists():
            return read_local(str(path) if not target.startswith("file:") else target,
                              int(self.settings.fetch.max_body_mb * 1024 * 1024))
        if "://" in target:
            raise InputError(f"{target}: only http(s) URLs and local files can be added")
        raise InputError(f"{target}: not a URL and no such file")

    def _add_one(self, target: str, lists: Sequence[str]) -> AddResult:
        from ..feeds.discover import sniff
        from ..social.identify import identify

        social = identify(self.settings, target.strip())
        if social is not None:
            return self._add_social(target, social, lists)
        response = self._resolve_target(target)
        kind = sniff(response.body, response.content_type)
        if kind == "html":
            response = self._discover(target, response)
            kind = "feed"
        if kind == "opml":
            return self._add_opml(target, response, lists)
        from ..feeds.prepare import body_hash, prepare

        prepared = prepare(response.body, response.url, dict(response.headers))
        if isinstance(prepared, str):
            raise ParseError(f"{target}: {prepared}")
        now = self.clock()
        url = response.permanent_url or response.requested
        with self.store.transaction():
            list_ids = self._list_ids(lists, create=True)
            source_id, created = self.store.add_source(
                "feed", url, title=prepared.title, site_url=prepared.site_url, now=now)
            for list_id in list_ids:
                self.store.add_to_list(list_id, [source_id])
            if created and self.sync_enabled and is_http_url(url):
                folder = self._list_paths().get(list_ids[0]) if list_ids else None
                self._sync_record("subscribe", url=url, folder=folder, title=prepared.title)
            if created:
                storage_links.write_entries(self.store, source_id, prepared.rows, now)
                from ..refresh.run import next_due_ok

                self.store.record_success(
                    source_id, now=now, next_due=next_due_ok(self.settings, None, response.headers, now),
                    etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                    body_hash=body_hash(response.body),
                )
        note = None if created else "already subscribed"
        return AddResult(target, self.store.get_source(source_id), created, note=note)

    def _add_social(self, target: str, social: SocialSource, lists: Sequence[str]) -> AddResult:
        """Subscribe to a Mastodon list or hashtag or a Bluesky list, and fetch its posts now."""
        from ..refresh.run import Refresher

        now = self.clock()
        with self.store.transaction():
            list_ids = self._list_ids(list(lists) or [social.title or "Social"], create=True)
            source_id, created = self.store.add_source(social.kind, social.url, title=social.title,
                                                       site_url=social.site_url, now=now)
            for list_id in list_ids:
                self.store.add_to_list(list_id, [source_id])
        if not created:
            return AddResult(target, self.store.get_source(source_id), False, note="already subscribed")
        refresher = Refresher(self.store, self.settings, clock=self.clock)
        refresher.run_social(self.store.due_sources(now, force=True, source_id=source_id))
        [result] = refresher.results
        note = (f"{result.new} posts" if result.status != "failed"
                else f"added, but the first fetch failed: {result.reason}")
        return AddResult(target, self.store.get_source(source_id), True, note=note)

    def _discover(self, target: str, page: Response) -> Response:
        from ..feeds.discover import common_feed_urls, feed_links, sniff
        from ..net.fetch import fetch_one

        candidates = feed_links(page.body, page.url)
        tried: list[str] = []
        for url in candidates or common_feed_urls(page.url):
            tried.append(url)
            try:
                response = fetch_one(self.settings.fetch, url)
            except FetchError:
                continue
            if sniff(response.body, response.content_type) == "feed":
                return response
        how = "the feeds it links to" if candidates else "the usual feed paths"
        raise DiscoveryError(f"{target}: no feed found (the page announces none; tried {how}: "
                             f"{', '.join(tried)})" if not candidates else
                             f"{target}: no working feed found (tried {how}: {', '.join(tried)})")

    def _add_opml(self, target: str, response: Response, lists: Sequence[str]) -> AddResult:
        from ..feeds.prepare import body_hash
        from ..opml.read import parse_opml
        from ..refresh.opml_source import sync
        from ..refresh.run import next_due_ok

        local = response.url.startswith("file:")
        doc = parse_opml(response.body, base_url=response.url, allow_local=local)  # validates first
        now = self.clock()
        names = list(lists) or [doc.title or "Subscribed list"]
        with self.store.transaction():
            list_ids = self._list_ids(names, create=True)
            source_id, created = self.store.add_source(
                "opml", response.permanent_url or response.requested, title=doc.title, now=now)
            for list_id in list_ids:
                self.store.add_to_list(list_id, [source_id])
            added, _ = sync(self.store, source_id, response.body, response.url, now=now)
            self.store.record_success(
                source_id, now=now, next_due=next_due_ok(self.settings, None, response.headers, now),
                etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                body_hash=body_hash(response.body),
            )
        note = f"{added} feeds into {', '.join(names)}; run `pln refresh` to fetch them"
        return AddResult(target, self.store.get_source(source_id), created, note=note)

    # -- OPML import / export ------------------------------------------------------------------

    def import_opml(self, data: bytes, *, base_url: str | None = None) -> ImportResult:
        """Import topic lists and feeds from OPML, all in one transaction."""
        from ..opml.read import parse_opml
        from .opml import import_document

        doc = parse_opml(data, base_url=base_url, allow_local=True)
        lists, sources = import_document(self.store, doc, now=self.clock())
        return ImportResult(lists, sources, tuple(doc.skipped), tuple(doc.repairs))

    def export_opml(self, *, title: str = "pln_reader topic lists") -> bytes:
        from ..opml.write import write_opml
        from .opml import export_document

        return write_opml(export_document(self.store, title=title))

    def import_opml_file(self, path: Path) -> ImportResult:
        """Import an OPML file; its relative feed paths resolve against the file's folder."""
        return self.import_opml(path.read_bytes(), base_url=path_to_url(path))

    def load_demo(self) -> None:
        """Import the demo lists; their feeds are local files, fetched by the next refresh."""
        from ..demo import DEMO_OPML

        self.import_opml_file(DEMO_OPML)

    # -- social --------------------------------------------------------------------------------

    def mastodon_lists(self, instance: str | None = None) -> tuple[str, list[dict[str, object]]]:
        """The user's lists on a Mastodon instance (default: the one of ``[social]
        mastodon_account``), as the instance's origin and the lists the API returns."""
        from ..social import mastodon as api
        from ..social.client import SocialClient, origin

        social = self.settings.social
        if instance is None:
            instance = api.token_instance(social)
            if instance is None:
                raise InputError("which instance? give --instance https://your.instance or set "
                                 "[social] mastodon_account = \"@you@your.instance\"")
        instance = origin(instance) if "://" in instance else f"https://{instance}"
        token = api.need_token(social, instance)
        with SocialClient(self.settings) as client:
            return instance, api.lists(client, instance, token)
