"""The write half of a refresh: decide due times, write each source's changes in one transaction.

Fetching and parsing happen in :mod:`pln_reader.refresh.pipeline`; this module consumes its outcomes in
the thread that owns the database connection.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from ..core.config import Settings
from ..core.errors import FetchError, OPMLError, PlnError
from ..core.models import RefreshSummary, ServerPull, SourceResult
from ..core.secrets import scrub
from ..feeds.prepare import Prepared
from ..net.hosts import seconds_until
from ..store import entries as storage_entries
from ..store.db import Storage, WriteGroup, backoff
from .pipeline import Failed, Fetched, Job, Outcome, Pipeline, Unchanged
from .workers import Workers

log = logging.getLogger("pln_reader")

Progress = Callable[[int, int, SourceResult], None]

# The error back-off starts here and doubles up to the cap in the settings.
ERROR_BASE_MINUTES = 15
# Cache-Control/Expires may stretch the interval, never beyond this.
MAX_CACHE_HOURS = 24


def cache_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """Freshness lifetime the server asked for (Cache-Control max-age, else Expires)."""
    control = headers.get("cache-control", "")
    match = re.search(r"max-age\s*=\s*(\d+)", control)
    if match:
        return float(match.group(1))
    expires = headers.get("expires")
    return seconds_until(expires, now) if expires else None


def next_due_ok(
    settings: Settings, interval_minutes: int | None, headers: Mapping[str, str], now: datetime
) -> datetime:
    interval = timedelta(minutes=interval_minutes or settings.refresh.interval_minutes)
    wanted = cache_seconds(headers, now)
    if wanted is not None:
        interval = max(interval, min(timedelta(seconds=wanted), timedelta(hours=MAX_CACHE_HOURS)))
    return now + interval


def next_due_error(settings: Settings, failures: int, retry_after: float | None, now: datetime) -> datetime:
    wait = backoff(failures, base_minutes=ERROR_BASE_MINUTES, cap_hours=settings.refresh.backoff_cap_hours)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=min(retry_after, settings.refresh.backoff_cap_hours * 3600)))
    return now + wait


# New links indexed for search this many at a time during a refresh (the rest at its end):
# FTS5 indexes a few thousand rows at once several times faster than one source's at a time.
SEARCH_BATCH = 2000
# Sources written in one transaction at most (each in a savepoint of its own): about a tenth of
# a second of writing, the longest another process waits for the lock because of it.
GROUP_SOURCES = 25


class Refresher:
    """Runs one refresh over a set of due sources."""

    def __init__(
        self,
        store: Storage,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        progress: Progress | None = None,
        sync_opml: Callable[[int, bytes, str], tuple[int, int]] | None = None,
    ):
        self.store = store
        self.settings = settings
        self.clock = clock
        self.progress = progress
        self.sync_opml = sync_opml
        self.results: list[SourceResult] = []

    def run(self, rows: list[sqlite3.Row], *, total: int | None = None,
            workers: Workers | None = None) -> None:
        """Fetch ``rows`` and write what changed; ``workers``: processes :func:`.workers.prestart`
        started for them (they are used and closed)."""
        try:
            self._run(rows, total=total, workers=workers)
        finally:  # new links are searchable when the run ends, however it ends
            self.index_new_links()

    def index_new_links(self) -> None:
        """Index the new links that wait for the search index (a refresh batches them)."""
        with self.store.transaction():
            storage_entries.index_pending(self.store)

    def _run(self, rows: list[sqlite3.Row], *, total: int | None = None,
             workers: Workers | None = None) -> None:
        jobs = [
            Job(r["id"], r["url"], r["kind"], r["etag"], r["last_modified"], r["body_hash"]) for r in rows
        ]
        meta = {r["id"]: r for r in rows}
        total = total or len(jobs)
        not_modified: list[tuple[int, datetime]] = []
        pipeline = Pipeline(jobs, self.settings.fetch, self.settings.refresh, workers)
        group = WriteGroup(self.store)
        try:
            for outcome in pipeline:
                now = self.clock()
                row = meta[outcome.job.id]
                if isinstance(outcome, Unchanged):
                    due = next_due_ok(self.settings, row["interval_minutes"], outcome.headers, now)
                    not_modified.append((outcome.job.id, due))
                    if outcome.permanent_url:
                        with group.source():
                            self.store.move_source_url(outcome.job.id, outcome.permanent_url)
                    # Batched: a warm refresh of many sources is one write, not one per source.
                    if len(not_modified) >= 200:
                        with group.source():
                            self.store.record_not_modified(not_modified, now)
                        not_modified.clear()
                    result = SourceResult(outcome.job.id, outcome.job.url, "not_modified",
                                          title=row["title"])
                else:
                    with group.source():
                        result = self._written(outcome, row, now)
                self.results.append(result)
                if self.progress is not None:
                    self.progress(len(self.results), total, result)
                # Sources share a commit while outcomes queue up; the lock is let go as soon as
                # none is waiting, so nothing else waits for it while the network is slow.
                if group.sources >= GROUP_SOURCES or (group.sources and not pipeline.waiting()):
                    group.commit()
            with group.source():
                self.store.record_not_modified(not_modified, self.clock())
        finally:
            group.commit()

    def _written(self, outcome: Outcome, row: sqlite3.Row, now: datetime) -> SourceResult:
        """What a changed, failed or deferred source's outcome writes (inside its savepoint)."""
        if isinstance(outcome, Failed) and outcome.error.reason == "host_paused":
            wait = timedelta(seconds=outcome.error.retry_after or 60)
            self.store.record_deferred(outcome.job.id, next_due=now + wait)
            return SourceResult(outcome.job.id, outcome.job.url, "deferred",
                                reason=str(outcome.error), title=row["title"])
        if isinstance(outcome, Failed):
            return self._failed(outcome.job, row, outcome.error.reason, str(outcome.error),
                                outcome.error.retry_after, None, now)
        assert isinstance(outcome, Fetched)
        return self._fetched(outcome, row, now)

    def _failed(
        self, job: Job, row: sqlite3.Row, reason: str, message: str, retry_after: float | None,
        new_url: str | None, now: datetime,
    ) -> SourceResult:
        failures = int(row["failures"]) + 1
        due = next_due_error(self.settings, failures, retry_after, now)
        message = scrub(message, self.settings.secrets())
        self.store.record_failure(job.id, now=now, reason=message, next_due=due, new_url=new_url)
        log.info("refresh failed: %s", message)
        return SourceResult(job.id, job.url, "failed", reason=message, title=row["title"])

    def _fetched(self, outcome: Fetched, row: sqlite3.Row, now: datetime) -> SourceResult:
        job = outcome.job
        new_url = outcome.permanent_url
        if job.kind == "opml":
            return self._fetched_opml(outcome, row, now)
        prepared = outcome.prepared
        if not isinstance(prepared, Prepared):
            message = f"{job.url}: {outcome.parse_error}"
            return self._failed(job, row, "parse_error", message, None, new_url, now)
        due = next_due_ok(self.settings, row["interval_minutes"], outcome.headers, now)
        with self.store.transaction():
            new, updated = storage_entries.write_entries(self.store, job.id, prepared.rows, now,
                                                       search_batch=SEARCH_BATCH)
            self.store.record_success(
                job.id,
                now=now,
                next_due=due,
                etag=outcome.headers.get("etag"),
                last_modified=outcome.headers.get("last-modified"),
                body_hash=outcome.body_hash,
                title=prepared.title,
                site_url=prepared.site_url,
                new_url=new_url,
                warning=prepared.warning,
            )
        status = "new" if new else ("updated" if updated else "unchanged")
        return SourceResult(job.id, job.url, status, new=new, updated=updated,
                            title=prepared.title or row["title"])

    def _fetched_opml(self, outcome: Fetched, row: sqlite3.Row, now: datetime) -> SourceResult:
        job = outcome.job
        assert self.sync_opml is not None and outcome.body is not None
        try:
            with self.store.transaction():
                added, removed = self.sync_opml(job.id, outcome.body, outcome.final_url)
                due = next_due_ok(self.settings, row["interval_minutes"], outcome.headers, now)
                self.store.record_success(
                    job.id, now=now, next_due=due, etag=outcome.headers.get("etag"),
                    last_modified=outcome.headers.get("last-modified"), body_hash=outcome.body_hash,
                    new_url=outcome.permanent_url,
                )
        except OPMLError as exc:
            message = f"{job.url}: {exc}"
            return self._failed(job, row, "parse_error", message, None, outcome.permanent_url, now)
        status = "new" if added else ("updated" if removed else "unchanged")
        return SourceResult(job.id, job.url, status, new=added, updated=removed, title=row["title"])


    def run_social(self, rows: list[sqlite3.Row], *, total: int | None = None) -> None:
        """Mastodon and Bluesky sources: paged API calls, one source after another."""
        try:
            self._run_social(rows, total=total)
        finally:
            self.index_new_links()

    def _run_social(self, rows: list[sqlite3.Row], *, total: int | None = None) -> None:
        from ..social.client import SocialClient
        from ..social.fetch import fetch_source

        total = total or len(rows)
        with SocialClient(self.settings) as client:
            for row in rows:
                now = self.clock()
                job = Job(row["id"], row["url"], row["kind"], None, None, None)
                try:
                    fetched = fetch_source(client, self.store, self.settings, kind=row["kind"],
                                           url=row["url"], cursor=row["cursor"], now=now)
                except PlnError as exc:
                    reason = exc.reason if isinstance(exc, FetchError) else "input_error"
                    retry = exc.retry_after if isinstance(exc, FetchError) else None
                    result = self._failed(job, row, reason, str(exc), retry, None, now)
                else:
                    due = next_due_ok(self.settings, row["interval_minutes"], {}, now)
                    with self.store.transaction():
                        new, updated = storage_entries.write_entries(self.store, job.id, fetched.rows, now,
                                                                   search_batch=SEARCH_BATCH)
                        self.store.record_success(job.id, now=now, next_due=due, etag=None,
                                                  last_modified=None, body_hash=None, title=fetched.title)
                        self.store.set_cursor(job.id, fetched.cursor)
                    status = "new" if new else ("updated" if updated else "unchanged")
                    result = SourceResult(job.id, job.url, status, new=new, updated=updated,
                                          title=row["title"])
                self.results.append(result)
                if self.progress is not None:
                    self.progress(len(self.results), total, result)


def summary_of(results: list[SourceResult], *, skipped: int = 0,
               server: ServerPull | None = None) -> RefreshSummary:
    return RefreshSummary(tuple(results), skipped=skipped, server=server)
