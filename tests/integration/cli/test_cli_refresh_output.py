"""What `pln refresh` says, through the real CLI against a local server."""

from __future__ import annotations

import re

from tests.integration.server import FeedServer

RSS = (b"<rss version='2.0'><channel><title>Teacher blog</title><item><title>One</title>"
       b"<link>https://example.org/one</link></item></channel></rss>")


def test_a_failure_names_the_source_once_and_offline_is_said_once(pln) -> None:  # type: ignore[no-untyped-def]
    server = FeedServer().start()
    url = server.serve("/a.xml", RSS)
    pln("add", url)
    server.stop()  # nothing listens on its port any more: the connection is refused
    result = pln("refresh", "--force")
    lines = result.stdout.splitlines()
    assert lines == [
        "1 source: 0 with new entries (0 entries), 0 updated, 0 not modified, 1 failed",
        "  failed: Teacher blog: the server 127.0.0.1 refused the connection (is the address right?)",
        "no server could be reached: this machine seems to be offline",
    ]
    assert result.stderr.count(url) == 0 and result.stdout.count("127.0.0.1") == 1


def test_a_failure_that_is_not_a_connection_error_is_not_called_offline(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    url = server.serve("/a.xml", RSS)
    pln("add", url)
    server.update("/a.xml", b"\xff\xd8\xff\xe0 not a feed any more")
    lines = pln("refresh", "--force").stdout.splitlines()
    assert lines[1:] == ["  failed: Teacher blog: not a feed: a JPEG image"]


def test_nothing_due_says_when_and_names_force(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    pln("add", server.serve("/a.xml", RSS))
    out = pln("refresh").stdout
    assert re.fullmatch(r"nothing due: the next source is due at \d{4}-\d\d-\d\d \d\d:\d\d "
                        r"\(in (60|59) minutes\); `pln refresh --force` fetches every source now\n", out), out


def test_nothing_to_refresh_in_an_empty_library(pln) -> None:  # type: ignore[no-untyped-def]
    assert pln("refresh").stdout == "nothing to refresh: no sources yet (pln add URL)\n"
