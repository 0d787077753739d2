"""Fetch worker processes started before their jobs are known (refresh.pipeline.prestart):
they do the work they are given, stop when given none, and a worker that dies has its jobs
reported, never lost. Real processes, a real server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from pln_reader.core.config import FetchSettings, RefreshSettings
from pln_reader.refresh.pipeline import (
    PROCESS_THRESHOLD,
    Failed,
    Fetched,
    Job,
    Pipeline,
    Workers,
    prestart,
)
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
    assert prestart(PROCESS_THRESHOLD - 1, FETCH, RefreshSettings(workers=2)) is None
    assert prestart(PROCESS_THRESHOLD * 10, FETCH, RefreshSettings(workers=1)) is None
    workers = prestart(PROCESS_THRESHOLD, FETCH, RefreshSettings(workers=2))
    assert workers is not None and workers.count == 2
    workers.close()
    assert ended(workers)


def test_prestarted_workers_fetch_what_they_are_given(feeds: FeedServer) -> None:
    jobs = jobs_for(feeds, 2 * PROCESS_THRESHOLD)
    workers = prestart(len(jobs), FETCH, RefreshSettings(workers=2))
    assert workers is not None
    outcomes = list(Pipeline(jobs, FETCH, RefreshSettings(workers=2), workers))
    assert sorted(o.job.id for o in outcomes) == [j.id for j in jobs]
    assert all(isinstance(o, Fetched) and o.prepared is not None for o in outcomes)
    assert ended(workers) and finished(workers)


def test_workers_left_without_work_stop(feeds: FeedServer) -> None:
    # Never given anything (the refresh failed before its feeds' run): closing ends them.
    idle = Workers(2, FETCH)
    idle.close()
    assert ended(idle)
    # More workers than shares (one small host stays with one worker): the others are told
    # to stop, and the work is all done by the one.
    jobs = jobs_for(feeds, PROCESS_THRESHOLD)
    three = Workers(3, FETCH)
    outcomes = list(Pipeline(jobs, FETCH, RefreshSettings(workers=3), three))
    assert len(outcomes) == len(jobs) and not [o for o in outcomes if isinstance(o, Failed)]
    assert ended(three) and finished(three)
    # No jobs at all: the pipeline closes them too.
    unused = Workers(2, FETCH)
    assert list(Pipeline([], FETCH, RefreshSettings(workers=2), unused)) == []
    assert ended(unused)


def test_a_worker_that_dies_has_its_jobs_reported_as_failed(feeds: FeedServer) -> None:
    jobs = jobs_for(feeds, 200, delay=0.05)
    workers = Workers(2, FETCH)
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
