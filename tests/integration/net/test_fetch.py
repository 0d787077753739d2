"""The fetcher on its own, against the local server: limits, redirects, conditional GET."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pln_reader.core.config import FetchSettings
from pln_reader.core.errors import FetchError, NotModified
from pln_reader.net.fetch import Fetcher, Response, fetch_one, read_local
from pln_reader.net.hosts import parse_retry_after
from tests.integration.server import FeedServer

SETTINGS = FetchSettings(connect_timeout=2, read_timeout=0.5, max_body_mb=1, max_redirects=3)
BODY = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


def get(url: str, **kw: str | None) -> Response:
    async def run() -> Response:
        async with Fetcher(SETTINGS, concurrency=4, per_host=2) as f:
            return await f.fetch(url, **kw)  # type: ignore[arg-type]

    return asyncio.run(run())


def test_conditional_get_gives_not_modified(server: FeedServer) -> None:
    url = server.serve("/f.xml", BODY)
    first = get(url)
    assert first.body == BODY and first.headers["etag"]
    with pytest.raises(NotModified):
        get(url, etag=first.headers["etag"])
    with pytest.raises(NotModified):
        get(url, last_modified=first.headers["last-modified"])


def test_gzip_is_decoded(server: FeedServer) -> None:
    url = server.serve("/g.xml", BODY * 100, gzip=True)
    assert get(url).body == BODY * 100


@pytest.mark.parametrize(("path", "reason"), [("/big", "too_large"), ("/bomb", "too_large"),
                                               ("/loop/a", "redirect_loop"), ("/slow?s=2", "timeout"),
                                               ("/status/404", "http_error:404")])
def test_limits(server: FeedServer, path: str, reason: str) -> None:
    with pytest.raises(FetchError) as info:
        get(server.url(path))
    assert info.value.reason == reason
    assert server.url(path.split("?")[0]) in str(info.value)  # the message names the URL


def test_declared_content_length_over_the_cap_is_refused_before_download(server: FeedServer) -> None:
    url = server.serve("/huge.xml", b"x" * (2 << 20))
    with pytest.raises(FetchError, match="larger than 1 MB"):
        get(url)


def test_redirects(server: FeedServer) -> None:
    server.serve("/target.xml", BODY)
    permanent = get(server.url("/redirect/301?to=/target.xml"))
    assert permanent.permanent_url == server.url("/target.xml") and permanent.body == BODY
    temporary = get(server.url("/redirect/302?to=/target.xml"))
    assert temporary.permanent_url is None and temporary.url == server.url("/target.xml")
    # a chain longer than max_redirects
    for i in range(5):
        server.route(f"/hop{i}", lambda h, i=i: h.send_plain(302, b"", {"Location": f"/hop{i + 1}"}))
    with pytest.raises(FetchError) as info:
        get(server.url("/hop0"))
    assert info.value.reason == "too_many_redirects"


def test_redirect_to_a_file_url_is_refused(server: FeedServer) -> None:
    url = server.route("/evil", lambda h: h.send_plain(302, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError) as info:
        get(url)
    assert info.value.reason == "bad_redirect"


def test_retry_after() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    later = (now + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(later, now) == 3600
    assert parse_retry_after("soon") is None


def test_429_carries_retry_after(server: FeedServer) -> None:
    with pytest.raises(FetchError) as info:
        get(server.url("/status/429?retry=90"))
    assert info.value.retry_after == 90 and "429" in str(info.value)


def test_connection_refused_is_a_network_error() -> None:
    with pytest.raises(FetchError) as info:
        fetch_one(SETTINGS, "http://127.0.0.1:9/feed")
    assert info.value.reason == "network_error"


def test_local_files(tmp_path: Path) -> None:
    path = tmp_path / "f.xml"
    path.write_bytes(BODY)
    assert read_local(str(path), 1000).body == BODY
    assert read_local(path.as_uri(), 1000).url == path.as_uri()
    with pytest.raises(FetchError, match="larger than"):
        read_local(str(path), 10)
    with pytest.raises(FetchError, match="no such file"):
        read_local(str(tmp_path / "missing.xml"), 1000)


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    import os
    import socket
    import time

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(tmp_path / "sock"))
    try:
        cases = {"/dev/zero": "a device", str(fifo): "a FIFO", str(tmp_path / "sock"): "a socket",
                 str(tmp_path): "a directory"}
        for target, kind in cases.items():
            started = time.monotonic()
            with pytest.raises(FetchError, match=f"is {kind}, not a feed file"):
                read_local(target, 1 << 20)
            assert time.monotonic() - started < 1  # no hang on a FIFO, no reading /dev/zero
    finally:
        unix.close()


def test_the_cap_counts_bytes_read_not_the_reported_size() -> None:
    # /proc reports a size of 0 for files that have content: the cap still holds.
    with pytest.raises(FetchError, match="larger than"):
        read_local("/proc/self/status", 100)
    assert b"Name:" in read_local("/proc/self/status", 1 << 20).body


def test_adding_a_device_is_a_clean_error(library) -> None:  # type: ignore[no-untyped-def]
    [result] = library.add(["/dev/zero"])
    assert result.error and "is a device" in result.error and library.sources() == []


def test_per_host_limit_bounds_concurrency(server: FeedServer) -> None:
    import threading
    import time

    active = 0
    peak = 0
    lock = threading.Lock()

    def slowish(h):  # type: ignore[no-untyped-def]
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.1)
        with lock:
            active -= 1
        h.send_plain(200, BODY)

    server.route("/p", slowish)

    async def run() -> None:
        async with Fetcher(SETTINGS, concurrency=10, per_host=2) as f:
            await asyncio.gather(*(f.fetch(server.url("/p")) for _ in range(6)))

    asyncio.run(run())
    assert peak == 2


def test_a_closed_port_is_a_clear_network_error() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        fetch_one(FetchSettings(connect_timeout=2.0), f"http://127.0.0.1:{port}/feed.xml")
    assert caught.value.reason == "network_error"
    assert "refused the connection" in str(caught.value)


def test_many_requests_reuse_few_connections(server: FeedServer) -> None:
    """Keep-alive works through the asyncio socket backend: 40 GETs to one host, <= 8 sockets."""
    url = server.serve("/k.xml", b"<rss version='2.0'><channel><title>K</title></channel></rss>")

    async def run() -> list[Response | FetchError]:
        async with Fetcher(FetchSettings(), concurrency=8, per_host=8) as fetcher:
            async def one() -> Response | FetchError:
                try:
                    return await fetcher.fetch(url)
                except FetchError as exc:
                    return exc
            return await asyncio.gather(*(one() for _ in range(40)))

    results = asyncio.run(run())
    assert all(isinstance(r, Response) and b"<title>K</title>" in r.body for r in results)
    assert server.hits["/k.xml"] == 40
