"""How many requests one host gets at once, measured by the host itself (a real server on
127.0.0.1 that counts the requests it is answering): 8, up to 16 while the host is busy in the
run, fast and not throttling, and nothing while it has asked to be left alone."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from pln_reader.core.config import FetchSettings, RefreshSettings
from pln_reader.core.errors import FetchError
from pln_reader.net.fetch import Fetcher
from pln_reader.net.hosts import host_key
from pln_reader.refresh.pipeline import Failed, Job, Pipeline
from tests.integration.server import FeedServer

SETTINGS = FetchSettings(connect_timeout=5, read_timeout=5)
BODY = b"<rss version='2.0'><channel><title>t</title><item><title>a</title><link>https://e.org/a</link></item></channel></rss>"


class Farm:
    """Feeds at /h/N on one host, each answered after ``delay`` seconds; counts the requests
    in flight (``peak``), and answers request number ``refuse_at`` with ``refusal``."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.delay = 0.02
        self.active = self.peak = self.count = 0
        self.refuse_at: int | None = None
        self.refusal: tuple[int, dict[str, str]] = (429, {})
        self.refused_at: float | None = None
        self.started: list[float] = []
        self.lock = threading.Lock()
        server.prefix_routes["/h/"] = self.answer

    def answer(self, h) -> None:
        with self.lock:
            self.count += 1
            number = self.count
            self.started.append(time.monotonic())
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delay)
            if number == self.refuse_at:
                status, headers = self.refusal
                with self.lock:
                    self.refused_at = time.monotonic()
                h.send_plain(status, b"slow down", headers)
            else:
                h.send_plain(200, BODY, content_type="application/rss+xml")
        finally:
            with self.lock:
                self.active -= 1

    def urls(self, n: int) -> list[str]:
        return [self.server.url(f"/h/{i}") for i in range(n)]


@pytest.fixture
def farm(server: FeedServer) -> Iterator[Farm]:
    yield Farm(server)


def fetch_all(urls: list[str], *, due: int | None = None, split: int = 1,
              per_host: int = 8, per_host_max: int = 16) -> list[object]:
    key = host_key(urls[0])

    async def run() -> list[object]:
        async with Fetcher(SETTINGS, concurrency=64, per_host=per_host, per_host_max=per_host_max,
                           due={key: len(urls) if due is None else due},
                           split={key: split}) as fetcher:

            async def one(url: str) -> object:
                try:
                    return await fetcher.fetch(url)
                except FetchError as exc:
                    return exc

            return await asyncio.gather(*(one(u) for u in urls))

    return asyncio.run(run())


def test_a_busy_fast_host_gets_up_to_16(farm: Farm) -> None:
    results = fetch_all(farm.urls(120))
    assert all(not isinstance(r, FetchError) for r in results)
    assert 8 < farm.peak <= 16


def test_a_host_with_few_feeds_due_keeps_8(farm: Farm) -> None:
    fetch_all(farm.urls(60), due=19)  # 19 due in the run: not a busy host
    assert 1 < farm.peak <= 8


def test_a_slow_host_keeps_8(farm: Farm) -> None:
    farm.delay = 0.25  # a median over 200 ms
    fetch_all(farm.urls(40))
    assert 1 < farm.peak <= 8


def test_per_host_max_as_per_host_keeps_the_limit_fixed(farm: Farm) -> None:
    fetch_all(farm.urls(120), per_host=4, per_host_max=4)
    assert 1 < farm.peak <= 4


def test_a_503_keeps_the_host_at_8_for_the_run(farm: Farm) -> None:
    farm.refuse_at = 1
    farm.refusal = (503, {})  # no Retry-After: not a pause, but no more than the base limit
    results = fetch_all(farm.urls(120))
    assert sum(isinstance(r, FetchError) for r in results) == 1
    assert 1 < farm.peak <= 8


def test_a_429_pauses_the_host_for_the_time_it_asks(farm: Farm) -> None:
    farm.refuse_at = 12
    farm.refusal = (429, {"Retry-After": "120"})
    # One request at a time, so "after" is exact: nothing is sent once the host has asked.
    results = fetch_all(farm.urls(60), per_host=1, per_host_max=1)
    assert farm.refused_at is not None and farm.count == 12
    paused = [r for r in results if isinstance(r, FetchError) and r.reason == "host_paused"]
    assert len(paused) == 48
    assert all(100 < (r.retry_after or 0) <= 120 for r in paused)
    assert "asked to be left alone (retry after 1" in str(paused[0])


def test_a_429_without_retry_after_pauses_too(farm: Farm) -> None:
    farm.refuse_at = 3
    farm.refusal = (429, {})
    results = fetch_all(farm.urls(40), per_host=1, per_host_max=1)
    paused = [r for r in results if isinstance(r, FetchError) and r.reason == "host_paused"]
    assert farm.count == 3 and len(paused) == 37
    assert all(r.retry_after and 50 < r.retry_after <= 60 for r in paused)


def test_a_429_in_full_flight_stops_what_was_not_yet_sent(farm: Farm) -> None:
    farm.refuse_at = 12
    farm.refusal = (429, {"Retry-After": "120"})
    results = fetch_all(farm.urls(200))
    paused = [r for r in results if isinstance(r, FetchError) and r.reason == "host_paused"]
    assert paused and farm.count + len(paused) == 200 and farm.count < 100


def test_a_host_shared_by_two_workers_gets_half_the_limits_in_each(farm: Farm) -> None:
    fetch_all(farm.urls(120), split=2)
    assert 4 < farm.peak <= 8


def test_a_one_host_farm_is_shared_between_workers_within_the_host_limit(farm: Farm) -> None:
    # 200 feeds on one host, two worker processes: each parses half, the host never sees
    # more than 16 requests at once in total.
    jobs = [Job(i, url, "feed") for i, url in enumerate(farm.urls(200))]
    pipeline = Pipeline(jobs, SETTINGS, RefreshSettings(workers=2))
    shares, split = pipeline._shares(2)
    assert [len(s) for s in shares] == [100, 100] and split == {host_key(jobs[0].url): 2}
    outcomes = list(pipeline)
    assert len(outcomes) == 200 and not [o for o in outcomes if isinstance(o, Failed)]
    assert 8 < farm.peak <= 16


def test_a_refresh_defers_what_a_paused_host_was_not_asked(farm: Farm, tmp_path) -> None:
    # Through the CLI: sources the host asked pln not to fetch yet are deferred (due again
    # when it may be asked), not failed; the summary says so once per host.
    from click.testing import CliRunner

    from pln_reader.cli.main import cli
    from pln_reader.core.config import load_settings
    from pln_reader.library.facade import open_library

    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text("[fetch]\nconnect_timeout = 2.0\nread_timeout = 2.0\n"
                                        "[refresh]\nworkers = 1\nper_host = 1\nper_host_max = 1\n")
    lib = open_library(home, settings=load_settings(home))
    sids = [lib.store.add_source("feed", url, now=lib.clock())[0] for url in farm.urls(10)]
    lib.close()
    farm.refuse_at = 4
    farm.refusal = (429, {"Retry-After": "600"})
    done = CliRunner().invoke(cli, ["refresh", "--home", str(home)])
    assert done.exit_code == 0, done.output
    assert "10 sources: 3 with new entries" in done.output and "1 failed, 6 deferred" in done.output
    assert "deferred: 6 sources on 127.0.0.1: the server asked pln to wait" in done.output
    lib = open_library(home, settings=load_settings(home))
    try:
        rows = lib.store.query("SELECT source_id, status, failures, next_due_at FROM fetch_state")
        deferred = [r for r in rows if r["status"] == "never"]
        assert len(deferred) == 6 and all(r["failures"] == 0 for r in deferred)
        for r in deferred:
            due = lib.find_source(str(r["source_id"])).next_due
            assert due is not None and due > lib.clock() + timedelta(seconds=590)
        assert len(sids) == 10
    finally:
        lib.close()


def test_first_fetches_are_bounded_per_worker_and_the_rest_are_not(
        farm: Farm, monkeypatch: pytest.MonkeyPatch) -> None:
    # A source never fetched brings a body to parse: few of them at once (FIRST_FETCHES), while
    # sources with validators (most answer 304) keep the host's whole limit.
    from pln_reader.refresh import pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "FIRST_FETCHES", 3)
    settings = RefreshSettings(workers=1)
    never = [Job(i, url, "feed") for i, url in enumerate(farm.urls(40))]
    assert len(list(Pipeline(never, SETTINGS, settings))) == 40
    assert farm.peak == 3
    farm.peak = 0
    known = [Job(i, url, "feed", etag=f'"v{i}"') for i, url in enumerate(farm.urls(40))]
    assert len(list(Pipeline(known, SETTINGS, settings))) == 40
    assert farm.peak > 3
