"""The pure rules of a refresh: when is a source due again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pln_reader.core.config import load_settings
from pln_reader.refresh.run import cache_seconds, next_due_error, next_due_ok

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_cache_headers() -> None:
    assert cache_seconds({"cache-control": "public, max-age=7200"}, NOW) == 7200
    assert cache_seconds({"expires": "Fri, 20 Nov 2026 15:00:00 GMT"}, NOW) == 3 * 3600
    assert cache_seconds({"expires": "0"}, NOW) is None
    assert cache_seconds({}, NOW) is None


def test_next_due_after_success(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert next_due_ok(settings, None, {}, NOW) == NOW + timedelta(minutes=60)
    assert next_due_ok(settings, 15, {}, NOW) == NOW + timedelta(minutes=15)
    # the server may ask for more time, up to a day; never less than the interval
    assert next_due_ok(settings, None, {"cache-control": "max-age=10800"}, NOW) == NOW + timedelta(hours=3)
    assert next_due_ok(settings, None, {"cache-control": "max-age=9999999"}, NOW) == NOW + timedelta(hours=24)
    assert next_due_ok(settings, None, {"cache-control": "max-age=60"}, NOW) == NOW + timedelta(minutes=60)


def test_next_due_after_errors(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert next_due_error(settings, 1, None, NOW) == NOW + timedelta(minutes=15)
    assert next_due_error(settings, 2, None, NOW) == NOW + timedelta(minutes=30)
    assert next_due_error(settings, 30, None, NOW) == NOW + timedelta(hours=24)
    assert next_due_error(settings, 1, 7200, NOW) == NOW + timedelta(hours=2)  # Retry-After wins
    assert next_due_error(settings, 1, 10**9, NOW) == NOW + timedelta(hours=24)  # but is capped


def test_jobs_take_turns_by_host() -> None:
    """A worker admits jobs in order: one host's run of jobs must not fill every slot."""
    from pln_reader.refresh.pipeline import Job, interleave_hosts

    jobs = [Job(i, f"http://{host}/feed/{i}.xml", "feed", None, None, None)
            for i, host in enumerate(["a.example"] * 3 + ["b.example"] * 2 + ["c.example"])]
    order = [job.url.split("/")[2] for job in interleave_hosts(jobs)]
    assert order == ["a.example", "b.example", "c.example", "a.example", "b.example", "a.example"]
    assert sorted(j.id for j in interleave_hosts(jobs)) == list(range(6))
