"""Fetch worker processes started before their jobs are known (refresh.workers.prestart):
they do the work they are given, stop when given none, and a worker that dies has its jobs
reported, never lost: the first one, which forks the others, or one it forked. Real processes,
a real server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from pln_reader.core.config import FetchSettings, RefreshSettings
from pln_reader.refresh.pipeline import Failed, Fetched, Job, Pipeline
from pln_reader.refresh.workers import PROCESS_THRESHOLD, Workers, prestart
from tests.integration.server import FeedServer

FETCH = FetchSettings(connect_timeout=5, read_timeout=20)
BODY = (b"<rss version='2.0'><channel><title>t</title>"
        b"<item><title>a</title><link>https://e.org/a</link></item></channel></rss>")


@pytest.fixture
def feeds(server: FeedServer) -> FeedServer:
    def answer(h) -> None:  # type: ignore[no-untyped-def]
        time.sleep(float(h.path.rsplit("/", 2)[-2]) if h.path.count("/") >= 3 else 0)
        h.send_plain(200, BODY, content_type="application/rss+xml")

    server.prefix_routes["/w/"] = answer
    return server


def jobs_for(server: FeedServer, n: int, *, delay: float = 0) -> list[Job]:
    where = f"/w/{delay}" if delay else "/w"
    return [Job(i, server.url(f"{where}/{i}.xml"), "feed") for i in range(n)]


def ended(workers: Workers, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(p.is_alive() for p in workers.procs):
            return True
        time.sleep(0.05)
    return False


def finished(workers: Workers) -> bool:
    """Each exited by itself, or was ended by the pipeline once it had said it was done."""
    return all(p.exitcode in (0, -signal.SIGTERM) for p in workers.procs)


def test_prestart_only_for_a_refresh_big_enough_for_processes() -> None:
    assert prestart(PROCESS_THRESHOLD - 1, 2) is None
    assert prestart(PROCESS_THRESHOLD * 10, 1) is None
    workers = prestart(PROCESS_THRESHOLD, 2)
    assert workers is not None and workers.count == 2
    workers.close()
    assert ended(workers)
    # Not yet known (`pln refresh` starts them before it opens the library): one per core.
    unknown = prestart(None, 3)
    assert unknown is not None and unknown.count == 3
    unknown.close()
    assert ended(unknown)


def test_prestarted_workers_fetch_what_they_are_given(feeds: FeedServer) -> None:
    jobs = jobs_for(feeds, 2 * PROCESS_THRESHOLD)
    workers = prestart(len(jobs), 2)
    assert workers is not None
    outcomes = list(Pipeline(jobs, FETCH, RefreshSettings(workers=2), workers))
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]
    assert all(isinstance(o, Fetched) and o.prepared is not None for o in outcomes)
    assert ended(workers) and finished(workers)


def test_workers_left_without_work_stop(feeds: FeedServer) -> None:
    # Never given anything (the refresh failed before its feeds' run): closing ends them.
    for method in ("fork", "spawn"):
        idle = Workers(2, method=method)
        idle.close()
        assert ended(idle)
    # More workers than shares (one small host stays with one worker): the others are told
    # to stop, and the work is all done by the one.
    jobs = jobs_for(feeds, PROCESS_THRESHOLD)
    three = Workers(3, method="fork")
    outcomes = list(Pipeline(jobs, FETCH, RefreshSettings(workers=3), three))
    assert len(outcomes) == len(jobs) and not [o for o in outcomes if isinstance(o, Failed)]
    assert ended(three) and finished(three)
    # No jobs at all: the pipeline closes them too.
    unused = Workers(2)
    assert list(Pipeline([], FETCH, RefreshSettings(workers=2), unused)) == []
    assert ended(unused)


def forked_children(workers: Workers, count: int, within: float = 10) -> list[int]:
    """The pids of the workers the first one forked (Linux /proc), once there are ``count``."""
    first = workers.procs[0].pid
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        pids: list[int] = []
        for task in os.listdir(f"/proc/{first}/task"):
            with open(f"/proc/{first}/task/{task}/children") as f:
                pids += [int(p) for p in f.read().split()]
        if len(pids) >= count:
            return pids
        time.sleep(0.01)
    raise AssertionError("the first worker forked no others")


def gone(pid: int, within: float = 10) -> bool:
    """Ended (a zombie counts: it runs no more)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="forks workers on Linux")


@linux_only
def test_forked_workers_are_loaded_once_and_do_their_share(feeds: FeedServer) -> None:
    jobs = jobs_for(feeds, 3 * PROCESS_THRESHOLD)
    workers = Workers(3, method="fork")
    assert workers.forked and len(workers.procs) == 1 and workers.count == 3
    assert len(forked_children(workers, 2)) == 2  # forked by the first, not by this process
    outcomes = list(Pipeline(jobs, FETCH, RefreshSettings(workers=3), workers))
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]
    assert all(isinstance(o, Fetched) and o.prepared is not None for o in outcomes)
    assert ended(workers) and finished(workers)


@pytest.mark.parametrize("method", [pytest.param("fork", marks=linux_only), "spawn"])
def test_a_worker_that_dies_has_its_jobs_reported_as_failed(feeds: FeedServer, method: str) -> None:
    jobs = jobs_for(feeds, 200, delay=0.05)
    workers = Workers(2, method=method)
    pipeline = Pipeline(jobs, FETCH, RefreshSettings(workers=2), workers)
    outcomes = []
    for outcome in pipeline:
        if not outcomes:  # one outcome in: worker 0 is killed in the middle of its share
            threading.Timer(0.1, os.kill, (workers.procs[0].pid, signal.SIGKILL)).start()
        outcomes.append(outcome)
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]  # none lost
    lost = [o for o in outcomes if isinstance(o, Failed) and o.error.reason == "internal_error"]
    assert lost and all("the fetch worker stopped (exit code -9)" in str(o.error) for o in lost)
    assert ended(workers)


@linux_only
def test_a_forked_worker_that_dies_is_reported_by_the_first(feeds: FeedServer) -> None:
    jobs = jobs_for(feeds, 200, delay=0.05)
    workers = Workers(2, method="fork")
    [child] = forked_children(workers, 1)
    outcomes = []
    for outcome in Pipeline(jobs, FETCH, RefreshSettings(workers=2), workers):
        if not outcomes:
            threading.Timer(0.1, os.kill, (child, signal.SIGKILL)).start()
        outcomes.append(outcome)
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]
    lost = [o for o in outcomes if isinstance(o, Failed)]
    assert lost and all("the fetch worker stopped (exit code -9)" in str(o.error) for o in lost)
    fetched = [o for o in outcomes if isinstance(o, Fetched)]
    assert len(fetched) >= 100  # the first worker's share, all of it
    assert ended(workers) and finished(workers)


@linux_only
def test_forked_workers_are_reaped_in_the_order_they_end(feeds: FeedServer) -> None:
    # The last one forked dies first, while the others still work: it is reported then, not
    # once those forked before it have ended.
    jobs = jobs_for(feeds, 300, delay=0.05)
    workers = Workers(3, method="fork")
    children = forked_children(workers, 2)
    outcomes = []
    lost_at = None
    for outcome in Pipeline(jobs, FETCH, RefreshSettings(workers=3), workers):
        if not outcomes:
            os.kill(max(children), signal.SIGKILL)
        if isinstance(outcome, Failed) and lost_at is None:
            lost_at = len(outcomes)
        outcomes.append(outcome)
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]
    assert lost_at is not None and lost_at < len(jobs) - 100  # before the others were done


@linux_only
def test_forked_workers_die_with_the_first(feeds: FeedServer) -> None:
    # None is left running unseen: when the first worker dies, so do those it forked, and
    # every job of theirs not done is reported.
    jobs = jobs_for(feeds, 200, delay=0.05)
    workers = Workers(2, method="fork")
    [child] = forked_children(workers, 1)
    outcomes = []
    for outcome in Pipeline(jobs, FETCH, RefreshSettings(workers=2), workers):
        if not outcomes:
            threading.Timer(0.1, os.kill, (workers.procs[0].pid, signal.SIGKILL)).start()
        outcomes.append(outcome)
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]
    assert gone(child)
    assert len([o for o in outcomes if isinstance(o, Failed)]) > 100  # both shares cut short
