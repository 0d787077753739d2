"""Lists' sources: adding feeds, sites, OPML lists and social sources, removing them, OPML
import and export, and the demo's lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.config import Settings
from ..core.errors import (
    DiscoveryError,
    FetchError,
    InputError,
    ParseError,
    PlnError,
)
from ..core.models import RefreshSummary, Source
from ..core.secrets import scrub
from ..core.text import plural
from ..core.urls import is_http_url, path_to_url
from ..store import entries as storage_entries
from ..store import links as storage_links
from ..store.db import Storage

if TYPE_CHECKING:  # the network and parsing stack loads only when a command needs it
    from ..net.fetch import Response
    from ..refresh.run import Progress
    from ..social.identify import SocialSource


@dataclass(frozen=True, slots=True)
class AddResult:
    target: str
    source: Source | None = None
    created: bool = False
    error: str | None = None
    note: str | None = None
    repairs: tuple[str, ...] = ()
    """What was repaired in a slightly malformed OPML file."""


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
    _record_activity: Callable[..., None]
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
            self._record_activity("source_pruned", source_id=source.id, detail="removed")
        return source

    def move_source(self, ref: str, *, to_list: str, from_list: str | None = None) -> Source:
        """Put a source in the list ``to_list``, taking it out of ``from_list`` (None: out of
        every other list). Its links and entries stay as they are."""
        from ..store.sync import remove_from_list

        source = self.store.find_source(ref)
        target = self.store.get_list(to_list)
        leaving = [self.store.get_list(from_list).id] if from_list else self.store.lists_of_source(source.id)
        with self.store.transaction():
            for list_id in leaving:
                if list_id != target.id:
                    remove_from_list(self.store, list_id, source.id)
            self.store.add_to_list(target.id, [source.id])
        return self.store.get_source(source.id)

    def mute_source(self, ref: str, *, muted: bool = True) -> Source:
        """Stop fetching a source, keeping it and its entries (or fetch it again: ``muted=False``)."""
        source = self.store.find_source(ref)
        if source.active == (not muted):
            return source
        with self.store.transaction():
            self.store.set_active([source.id], not muted)
            if muted:
                self._record_activity("source_pruned", source_id=source.id, detail="muted")
        return self.store.get_source(source.id)

    def add(self, targets: Sequence[str], *, lists: Sequence[str] = ()) -> list[AddResult]:
        """Add feeds, sites (autodiscovery) or OPML lists by URL or local path.

        Each target succeeds or fails on its own; a feed's entries are stored at once.
        """
        results = []
        started = self.clock()
        for target in targets:
            try:
                results.append(self._add_one(target.strip(), lists))
            except PlnError as exc:
                results.append(AddResult(target, error=scrub(str(exc), self.settings.secrets())))
        self._after_refresh(started)  # type: ignore[attr-defined]  # stories and rules: library/rules.py
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
                self._record_activity("source_added", source_id=source_id, detail="feed")
                storage_entries.write_entries(self.store, source_id, prepared.rows, now)
                from ..refresh.run import next_due_ok

                self.store.record_success(
                    source_id, now=now, next_due=next_due_ok(self.settings, None, response.headers, now),
                    etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                    body_hash=body_hash(response.body), warning=prepared.warning,
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
            if created:
                self._record_activity("source_added", source_id=source_id, detail=social.kind)
        if not created:
            return AddResult(target, self.store.get_source(source_id), False, note="already subscribed")
        refresher = Refresher(self.store, self.settings, clock=self.clock)
        refresher.run_social(self.store.due_sources(now, force=True, source_id=source_id))
        [result] = refresher.results
        note = (plural(result.new, "post") if result.status != "failed"
                else f"added, but the first fetch failed: {result.reason}")
        return AddResult(target, self.store.get_source(source_id), True, note=note)

    def _discover(self, target: str, page: Response) -> Response:
        from ..feeds.discover import common_feed_urls, feed_links, media_feed_urls, sniff
        from ..net.fetch import fetch_one

        # the page's own feed link first; else a video channel's or playlist's feed from its id
        candidates = feed_links(page.body, page.url) or media_feed_urls(page.body, page.url)
        if not candidates and not is_http_url(page.url):  # a local page has no site to ask
            raise DiscoveryError(f"{target}: not a feed: an HTML page with no feed link")
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
        raise DiscoveryError(f"{target}: not a feed: an HTML page with no feed link (tried {how}: "
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
            if created:
                self._record_activity("source_added", source_id=source_id, detail="opml")
            self.store.record_success(
                source_id, now=now, next_due=next_due_ok(self.settings, None, response.headers, now),
                etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                body_hash=body_hash(response.body),
            )
        note = f"{plural(added, 'feed')} into {', '.join(names)}; run `pln refresh` to fetch them"
        return AddResult(target, self.store.get_source(source_id), created, note=note,
                         repairs=tuple(doc.repairs))

    # -- OPML import / export ------------------------------------------------------------------

    def import_opml(self, data: bytes, *, base_url: str | None = None) -> ImportResult:
        """Import topic lists and feeds from OPML, all in one transaction."""
        from ..opml.read import parse_opml
        from .opml import import_document

        doc = parse_opml(data, base_url=base_url, allow_local=True)
        with self.store.transaction():
            lists, sources = import_document(self.store, doc, now=self.clock())
            self._record_activity("source_added", detail="feed", times=sources)
        return ImportResult(lists, sources, tuple(doc.skipped), tuple(doc.repairs))

    def export_opml(self, *, title: str = "pln_reader topic lists") -> bytes:
        from ..opml.write import write_opml
        from .opml import export_document

        return write_opml(export_document(self.store, title=title))

    def import_opml_file(self, path: Path) -> ImportResult:
        """Import an OPML file; its relative feed paths resolve against the file's folder."""
        return self.import_opml(path.read_bytes(), base_url=path_to_url(path))

    def load_demo(self, *, progress: Progress | None = None) -> RefreshSummary:
        """Load the demo, all offline: its lists, a refresh of their bundled feeds (local files),
        the bundled article pages stored as the links' articles, and (into a library with no
        sources yet, so never twice) a fortnight of activity."""
        from ..demo import DEMO_OPML

        fresh = not self.store.sources()  # the demo's activity never goes into a library in use
        self.import_opml_file(DEMO_OPML)
        summary: RefreshSummary = self.refresh(force=True, progress=progress)  # type: ignore[attr-defined]
        self._load_demo_articles()
        if fresh:
            self._load_demo_activity()
        return summary

    def _load_demo_articles(self) -> None:
        """Each bundled page goes through the extraction a fetched page takes; none is fetched."""
        import json

        from ..articles.extract import extract_article
        from ..demo import DEMO_ACTIVITY, DEMO_ARTICLES
        from ..net.fetch import read_local
        from ..store import articles as storage_articles

        pages: dict[str, str] = json.loads(DEMO_ACTIVITY.read_text(encoding="utf-8"))["articles"]
        limit = int(self.settings.fetch.max_body_mb * 1024 * 1024)
        for url, name in pages.items():
            link_id = storage_links.link_id_for(self.store, url)
            if link_id is None:  # the feeds no longer link to it
                continue
            page = read_local(str(DEMO_ARTICLES / name), limit)
            extracted = extract_article(page.body, url=url, content_type="text/html; charset=utf-8")
            storage_articles.save_article(
                self.store, link_id, storage_articles.extracted_values(extracted, url, self.clock()))

    def _load_demo_activity(self) -> None:
        """Saves, reads, notes, highlights, shares, applied entries and skim time, placed in this
        week (so far) and the last full week before the moment the demo is loaded."""
        import json

        from ..core.periods import last_full_week, local_zone
        from ..demo import DEMO_ACTIVITY

        actions: list[dict[str, Any]] = json.loads(
            DEMO_ACTIVITY.read_text(encoding="utf-8"))["activity"]
        clock = self.clock
        now = clock()
        last = last_full_week(now, local_zone())
        assert last.start is not None and last.end is not None
        spans = {"last": (last.start, last.end), "this": (last.end, now)}
        every = [link.url for link in self.links()]  # type: ignore[attr-defined]
        try:
            for action in sorted(actions, key=lambda a: (a["week"] == "this", a["at"])):
                start, end = spans[action["week"]]
                at = start + (end - start) * float(action["at"])
                self.clock = lambda at=at: at  # type: ignore[misc]  # each change at its own time
                self._demo_action(action, at, every)
        finally:
            self.clock = clock  # type: ignore[method-assign]

    def _demo_action(self, action: dict[str, Any], at: datetime, every: list[str]) -> None:
        me: Any = self  # the facade, whose other parts do the work
        url = action.get("url", "")
        match action["do"]:
            case "seen":
                me.mark_seen(every if url == "*" else [url])
            case "skim":
                me.record_skim(action["list"], at, action["minutes"] * 60)
            case "save":
                me.save(url, fetch_new=False)
            case "read":
                if me.get_link(url).saved_at is not None:
                    me.archive(url)
                else:
                    me.mark_read(url)
            case "note":
                me.add_note(url, action["text"])
            case "highlight":
                me.add_highlight(url, action["passage"], comment=action.get("comment"))
            case "share":
                me.share(url, channel=action["channel"], at=at, comment=action.get("comment"),
                         fetch_new=False)
            case "applied":
                me.record_applied(url, action["text"], at=at)
            case other:
                raise ValueError(f"unknown demo action {other!r}")

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
