"""The fetch -> parse half of a refresh, run away from the thread that writes to the database.

Big refreshes run in worker processes, one per core: each runs an asyncio loop that fetches
its share of the sources with a bounded :class:`~pln_reader.net.fetch.Fetcher` and parses changed
bodies in a helper thread (so parsing never blocks fetching). Outcomes come back to the calling
process through a bounded queue, in the order they finish; the caller only writes. Keeping the
writer alone in its process matters: sqlite releases the GIL on every statement, and a busy
fetch thread beside it would make each statement wait for the GIL.

The processes are started before the jobs are made (:mod:`.workers`): they load the network
stack meanwhile, then get their share over a pipe. Small refreshes run the same loop in a
thread of the calling process (no process start-up).

Memory stays bounded: a worker runs ``concurrency + QUEUE_DEPTH`` runners, each with one job
at a time until its outcome is in the queue, so at most that many bodies exist per worker, plus
the queue; at most :data:`BACKLOG` of them parsed, and :data:`FIRST_FETCHES` first fetches.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.config import FetchSettings, RefreshSettings
from ..core.errors import FetchError, NotModified
from ..feeds.prepare import Prepared, body_hash, prepare
from .workers import PROCESS_THRESHOLD, QUEUE_DEPTH, WorkerDone, WorkerGone, Workers, worker_count

if TYPE_CHECKING:
    from ..articles.extract import Extracted
    from ..net.fetch import Fetcher, Response

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
TRANSCRIPT_ACCEPT = ("text/vtt, application/x-subrip, application/json;q=0.9, text/html;q=0.8,"
                     " text/plain;q=0.7, */*;q=0.5")
# Fetches at once per worker of sources never fetched before (a first refresh): 32 bodies
# arrive faster than one parser takes them even at 300 ms a request.
FIRST_FETCHES = 32
# Parsed outcomes a worker holds before the writer takes them (one parsing, the rest waiting).
BACKLOG = 4
# Feeds due on one host from which they are shared out between the worker processes.
SPLIT_HOST = 64


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    """The source's id (the link's id for an ``article`` job)."""
    url: str
    kind: str
    """``feed`` (parsed into entries), ``opml`` (body returned), ``article`` (extracted) or
    ``transcript`` (an episode's transcript, extracted as its article)."""
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A changed body, parsed (``prepared``) or with the reason it could not be parsed."""

    job: Job
    prepared: Prepared | Extracted | None
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


# -- the worker loop (runs in a worker process, or in a thread for small refreshes) ------------


async def _fetch_and_prepare(fetcher: Fetcher, job: Job, parse: concurrent.futures.Executor,
                             backlog: asyncio.Semaphore | None = None) -> Outcome:
    """Fetch ``job`` and parse a changed body. A body is parsed only with a ``backlog`` slot,
    which the caller frees once the outcome is handed on (when a :class:`Fetched` comes back)."""
    try:
        response = await fetcher.fetch(job.url, etag=job.etag, last_modified=job.last_modified,
                                       accept={"article": PAGE_ACCEPT, "transcript": TRANSCRIPT_ACCEPT}
                                       .get(job.kind))
    except NotModified as exc:
        return Unchanged(job, {}, exc.permanent_url)
    except FetchError as exc:
        return Failed(job, exc)
    # Hashed in the parse thread: hashing lets go of the GIL, and getting it back in this
    # thread meant waiting for the parser's turn to end (~1 ms a body).
    digest = await asyncio.get_running_loop().run_in_executor(parse, body_hash, response.body)
    if digest == job.body_hash:
        return Unchanged(job, response.headers, response.permanent_url)
    if backlog is not None:
        await backlog.acquire()
    try:
        return await _prepare(job, response, digest, parse)
    except BaseException:
        if backlog is not None:
            backlog.release()
        raise


async def _prepare(job: Job, response: Response, digest: str,
                   parse: concurrent.futures.Executor) -> Fetched:
    prepared: Prepared | Extracted | None = None
    parse_error: str | None = None
    body: bytes | None = response.body
    loop = asyncio.get_running_loop()
    if job.kind == "article":
        from ..articles.extract import extract_article

        prepared = await loop.run_in_executor(
            parse, functools.partial(extract_article, response.body, url=response.url,
                                     content_type=response.headers.get("content-type", ""))
        )
        body = None
    elif job.kind == "transcript":
        from ..articles.transcript import extract_transcript

        prepared = await loop.run_in_executor(
            parse, functools.partial(extract_transcript, response.body, url=response.url,
                                     content_type=response.headers.get("content-type", ""))
        )
        body = None
    elif job.kind == "feed":
        result = await loop.run_in_executor(parse, prepare, response.body, response.url, dict(response.headers))
        if isinstance(result, str):
            parse_error = result
        else:
            prepared = result
        body = None
    return Fetched(job, prepared, parse_error, body, response.headers, digest, response.url,
                   response.permanent_url)


def jobs_by_host(jobs: Sequence[Job]) -> list[list[Job]]:
    """The jobs grouped by host (host and port), in order of first appearance."""
    from ..net.hosts import host_key

    by_host: dict[str, list[Job]] = {}
    for job in jobs:
        by_host.setdefault(host_key(job.url), []).append(job)
    return list(by_host.values())


def interleave_hosts(jobs: Sequence[Job]) -> list[Job]:
    """Jobs in turns, one host after another. Jobs are admitted in this order, and a run of one
    host's jobs would fill every slot while that host's own limit lets only a few proceed."""
    queues = jobs_by_host(jobs)
    order: list[Job] = []
    for turn in range(max((len(q) for q in queues), default=0)):
        order.extend(q[turn] for q in queues if turn < len(q))
    return order


@dataclass(frozen=True, slots=True)
class Limits:
    """What one worker may send: in total, to a host, to a busy fast host; and, by host, the
    feeds due in the whole run and how many workers share the host's feeds."""

    concurrency: int
    per_host: int
    per_host_max: int
    due: Mapping[str, int] = field(default_factory=dict)
    split: Mapping[str, int] = field(default_factory=dict)


async def _worker_loop(
    jobs: Sequence[Job], fetch: FetchSettings, limits: Limits,
    put: Callable[[object], None], put_nowait: Callable[[object], None],
) -> None:
    from ..net.fetch import Fetcher

    concurrency = limits.concurrency

    jobs = interleave_hosts(jobs)

    loop = asyncio.get_running_loop()
    # Parsed outcomes not yet handed to the writer: when the writer is behind, bodies wait
    # unparsed (smaller than what parsing makes of them) rather than pile up parsed.
    backlog = asyncio.Semaphore(BACKLOG)
    # A source never fetched brings a whole body to parse: more of them in flight than the
    # parser takes in the meantime only fills memory (the rest, likely 304s, have every slot).
    first = asyncio.Semaphore(min(concurrency, FIRST_FETCHES))
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pln-parse") as parse, \
            concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pln-put") as putter:

        async def one(fetcher: Fetcher, job: Job) -> None:
            never = job.etag is None and job.last_modified is None and job.body_hash is None
            async with first if never else contextlib.nullcontext():
                try:
                    outcome = await _fetch_and_prepare(fetcher, job, parse, backlog)
                except Exception as exc:  # noqa: BLE001  (never lose a source: report it as failed)
                    outcome = Failed(job, FetchError(f"{job.url}: {type(exc).__name__}: {exc}",
                                                     reason="internal_error"))
                try:
                    put_nowait(outcome)
                except queue.Full:  # the writer is behind: wait in a thread (the runner waits)
                    await loop.run_in_executor(putter, put, outcome)
                finally:
                    if isinstance(outcome, Fetched):
                        backlog.release()

        async with Fetcher(fetch, concurrency=concurrency, per_host=limits.per_host,
                           per_host_max=limits.per_host_max, due=limits.due,
                           split=limits.split) as fetcher:
            # A fixed set of runners takes the jobs in turn (at most concurrency + QUEUE_DEPTH
            # outcomes exist at once): with a task per job the loop stepped through every one of
            # a worker's jobs up front and through crowds of waiters on every semaphore wake-up
            # (a third of the CPU of 500 conditional GETs).
            todo = iter(jobs)

            async def runner() -> None:
                for job in todo:
                    await one(fetcher, job)

            await asyncio.gather(*(runner() for _ in range(min(len(jobs), concurrency + QUEUE_DEPTH))))


def _run_share(jobs: Sequence[Job], fetch: FetchSettings, limits: Limits, out: Any) -> None:
    """A worker process's work (see :mod:`.workers`): its share of the jobs."""
    asyncio.run(_worker_loop(jobs, fetch, limits, out.put, out.put_nowait))


class Pipeline:
    """Iterate over it to get one :data:`Outcome` per job, in the order they finish.

    ``workers``: processes :func:`.workers.prestart` started for these jobs; the pipeline uses them
    (whatever the number of jobs) and closes them."""

    def __init__(self, jobs: Sequence[Job], fetch: FetchSettings, refresh: RefreshSettings,
                 workers: Workers | None = None):
        self.jobs = list(jobs)
        self.fetch_settings = fetch
        self.refresh_settings = refresh
        self.workers = worker_count(refresh.workers) if workers is None else workers.count
        self._prestarted = workers
        self._out: Any = None

    def waiting(self) -> bool:
        """Whether another outcome is ready now (a hint: the writer commits when none is)."""
        out = self._out
        return out is not None and not out.empty()

    def __iter__(self) -> Iterator[Outcome]:
        if not self.jobs:
            if self._prestarted is not None:
                self._prestarted.close()
            return iter(())
        if self._prestarted is not None or (len(self.jobs) >= PROCESS_THRESHOLD and self.workers > 1):
            return self._in_processes()
        return self._in_thread()

    def _limits(self, workers: int, split: Mapping[str, int] | None = None) -> Limits:
        # The total is shared out; a host's limits are shared by the workers its feeds went to.
        from ..net.hosts import host_key

        settings = self.refresh_settings
        due: dict[str, int] = {}
        for job in self.jobs:
            key = host_key(job.url)
            due[key] = due.get(key, 0) + 1
        return Limits(max(1, settings.concurrency // workers), max(1, settings.per_host),
                      max(1, settings.per_host_max), due, dict(split or {}))

    def _shares(self, n: int) -> tuple[list[list[Job]], dict[str, int]]:
        """Deal whole hosts to workers, biggest first to the least loaded; a host's jobs stay
        together (one worker enforces its limit, and its connections get reused). A host with
        more feeds than an even share of the run (a farm on one host) is dealt to every worker
        instead, so its feeds are parsed in parallel; each worker then gets 1/n of its limits.
        Returns the shares and the hosts split so, by the number of workers sharing them."""
        from ..net.hosts import host_key

        shares: list[list[Job]] = [[] for _ in range(n)]
        split: dict[str, int] = {}
        whole: list[list[Job]] = []
        for jobs in jobs_by_host(self.jobs):
            if n > 1 and len(jobs) * n > len(self.jobs) and len(jobs) >= SPLIT_HOST:
                split[host_key(jobs[0].url)] = n
                for i, job in enumerate(jobs):
                    shares[i % n].append(job)
            else:
                whole.append(jobs)
        for jobs in sorted(whole, key=len, reverse=True):
            min(shares, key=len).extend(jobs)
        kept = [share for share in shares if share]
        if len(kept) < n:  # too few jobs to share a split host out: each has its whole limit
            split = {key: min(count, len(kept)) for key, count in split.items()}
        return kept, split

    def _in_thread(self) -> Iterator[Outcome]:
        out: queue.Queue[object] = queue.Queue(maxsize=QUEUE_DEPTH)
        self._out = out
        limits = self._limits(1)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(_worker_loop(self.jobs, self.fetch_settings, limits,
                                         out.put, out.put_nowait))
            except BaseException as exc:  # noqa: BLE001  (surfaced in the caller's thread)
                failure.append(exc)
            finally:
                out.put(WorkerDone(0))

        thread = threading.Thread(target=run, name="pln-fetch", daemon=True)
        thread.start()
        try:
            while not isinstance(item := out.get(), WorkerDone):
                yield item  # type: ignore[misc]
        finally:
            # An early stop leaves the worker blocked on a full queue: drain it.
            while thread.is_alive():
                try:
                    out.get(timeout=0.1)
                except queue.Empty:
                    pass
            thread.join()
        if failure:
            raise failure[0]

    def _in_processes(self) -> Iterator[Outcome]:
        workers = self._prestarted or Workers(self.workers)
        self._prestarted = None
        try:
            shares, split = self._shares(workers.count)
            n = len(shares)
            limits = self._limits(n, split)
            workers.give([(_run_share, (share, self.fetch_settings, limits)) for share in shares])
            out = self._out = workers.out
            reported: set[int] = set()
            running = set(range(n))
            while running:
                try:
                    item = out.get(timeout=1.0)
                except queue.Empty:
                    for i in sorted(running):
                        if not workers.alive(i):  # died without saying so: report its jobs
                            running.discard(i)
                            yield from self._lost(shares[i], reported, workers.exitcode(i))
                    continue
                if isinstance(item, WorkerDone):
                    running.discard(item.worker)
                    continue
                if isinstance(item, WorkerGone):
                    if item.worker in running:
                        running.discard(item.worker)
                        yield from self._lost(shares[item.worker], reported, item.exitcode)
                    continue
                reported.add(item.job.id)  # type: ignore[attr-defined]
                yield item  # type: ignore[misc]
        finally:
            workers.close()

    @staticmethod
    def _lost(jobs: list[Job], reported: set[int], exitcode: int | None) -> Iterator[Outcome]:
        for job in jobs:
            if job.id not in reported:
                yield Failed(job, FetchError(f"{job.url}: the fetch worker stopped (exit code {exitcode})",
                                             reason="internal_error"))
