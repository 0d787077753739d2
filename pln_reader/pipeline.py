"""The fetch -> parse half of a refresh, run off the calling thread.

An asyncio loop in a background thread fetches with a bounded :class:`~pln_reader.fetch.Fetcher`;
bodies that changed go to a process pool for :func:`~pln_reader.prepare.prepare`; outcomes come
back to the calling thread (which owns the database connection) through a queue, in the order
they finish. Memory stays bounded: a source holds a slot from before its fetch until the caller
has written it, so at most ``concurrency + backlog`` bodies exist at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from .config import FetchSettings, RefreshSettings
from .errors import FetchError, NotModified
from .prepare import Prepared, body_hash, prepare

# Below this many sources a process pool costs more to start than it saves.
POOL_THRESHOLD = 8


@dataclass(frozen=True, slots=True)
class Job:
    source_id: int
    url: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A changed body, parsed (``prepared``) or with the reason it could not be parsed."""

    job: Job
    prepared: Prepared | None
    parse_error: str | None
    body: bytes | None
    """Kept only for kinds the caller parses itself (OPML)."""
    headers: Mapping[str, str]
    body_hash: str
    final_url: str
    permanent_url: str | None


@dataclass(frozen=True, slots=True)
class Unchanged:
    job: Job
    headers: Mapping[str, str]
    permanent_url: str | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    job: Job
    error: FetchError


Outcome = Fetched | Unchanged | Failed
_DONE = object()


def _make_pool(workers: int) -> Executor:
    # forkserver: workers are forked from a clean single-threaded server with the parser
    # preloaded, never from this multi-threaded process.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pln_reader.prepare"])
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


class Pipeline:
    """Iterate over it to get one :data:`Outcome` per job, in the order they finish."""

    def __init__(self, jobs: Sequence[Job], fetch: FetchSettings, refresh: RefreshSettings):
        self.jobs = list(jobs)
        self.fetch_settings = fetch
        self.refresh_settings = refresh
        workers = refresh.parse_workers or os.cpu_count() or 1
        self._workers = max(1, workers)
        self._queue: queue.Queue[object] = queue.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._pool: Executor | None = None
        self._thread: threading.Thread | None = None

    def __iter__(self) -> Iterator[Outcome]:
        if not self.jobs:
            return
        if len(self.jobs) >= POOL_THRESHOLD and sum(j.kind == "feed" for j in self.jobs) >= POOL_THRESHOLD:
            self._pool = _make_pool(self._workers)
        else:
            self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="pln-fetch", daemon=True)
        self._thread.start()
        started.wait()
        try:
            while True:
                item = self._queue.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield item  # type: ignore[misc]
                self._release()  # the caller has finished with it (written it)
        finally:
            self.close()

    def _release(self) -> None:
        if self._loop is not None and self._slots is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._slots.release)
            except RuntimeError:  # the loop has just finished
                pass

    def close(self) -> None:
        if self._thread is not None:
            if self._loop is not None and not self._loop.is_closed():
                for task in getattr(self, "_tasks", []):
                    self._loop.call_soon_threadsafe(task.cancel)
            self._thread.join(timeout=30)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- the background thread --------------------------------------------------------------

    def _run(self, started: threading.Event) -> None:
        try:
            asyncio.run(self._main(started))
        except BaseException as exc:  # surfaced in the caller's thread
            self._queue.put(exc)
        finally:
            started.set()
            self._queue.put(_DONE)

    async def _main(self, started: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        settings = self.refresh_settings
        concurrency = max(1, settings.concurrency)
        backlog = max(2, 2 * self._workers)
        self._slots = asyncio.Semaphore(concurrency + backlog)
        started.set()
        from .fetch import Fetcher

        async with Fetcher(self.fetch_settings, concurrency=concurrency, per_host=settings.per_host) as fetcher:
            self._tasks = [asyncio.create_task(self._one(fetcher, job)) for job in self.jobs]
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _one(self, fetcher: object, job: Job) -> None:
        assert self._slots is not None and self._loop is not None
        await self._slots.acquire()
        try:
            outcome = await self._fetch_and_prepare(fetcher, job)
        except asyncio.CancelledError:
            self._slots.release()
            raise
        except Exception as exc:  # never lose a source: report it as failed
            outcome = Failed(job, FetchError(f"{job.url}: {type(exc).__name__}: {exc}", reason="internal_error"))
        self._queue.put(outcome)

    async def _fetch_and_prepare(self, fetcher: object, job: Job) -> Outcome:
        from .fetch import Fetcher

        assert isinstance(fetcher, Fetcher) and self._loop is not None
        try:
            response = await fetcher.fetch(job.url, etag=job.etag, last_modified=job.last_modified)
        except NotModified as exc:
            return Unchanged(job, {}, exc.permanent_url)
        except FetchError as exc:
            return Failed(job, exc)
        digest = body_hash(response.body)
        if digest == job.body_hash:
            return Unchanged(job, response.headers, response.permanent_url)
        prepared: Prepared | None = None
        parse_error: str | None = None
        body: bytes | None = response.body
        if job.kind == "feed":
            assert self._pool is not None
            result = await self._loop.run_in_executor(
                self._pool, prepare, response.body, response.url, dict(response.headers)
            )
            if isinstance(result, str):
                parse_error = result
            else:
                prepared = result
            body = None
        return Fetched(
            job=job,
            prepared=prepared,
            parse_error=parse_error,
            body=body,
            headers=response.headers,
            body_hash=digest,
            final_url=response.url,
            permanent_url=response.permanent_url,
        )
