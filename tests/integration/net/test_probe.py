"""Host probes for `pln doctor`: a real loopback server, a closed port, a host too slow to answer."""

from __future__ import annotations

import socket
import time

from pln_reader.net.probe import host_of, probe_hosts
from tests.integration.server import FeedServer


def test_answers_refusals_and_timeouts(server: FeedServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/feed"
    fine, missing, slow = server.serve("/feed", b"<rss/>"), server.url("/nothing"), server.url("/slow?s=2")
    started = time.monotonic()
    probes = probe_hosts([fine, missing, closed, slow], user_agent="pln-test", timeout=0.3)
    assert time.monotonic() - started < 1.5  # at once, each within its timeout
    assert [(p.url, p.answered) for p in probes] == [(fine, True), (missing, True), (closed, False), (slow, False)]
    assert (probes[0].detail, probes[1].detail) == ("HTTP 200", "HTTP 404")  # any answer counts
    assert probes[2].detail == "the server 127.0.0.1 refused the connection (is the address right?)"
    assert probes[3].detail == "no answer within 0.3 s"
    assert {headers["User-Agent"] for _, headers in server.requests} == {"pln-test"}
    assert probe_hosts([], user_agent="x") == []


def test_host_of() -> None:
    assert host_of("https://User:pw@Example.ORG:8443/feed") == "example.org:8443"
    assert host_of("http://example.org/feed") == "example.org"
