"""A feed on the internet cannot redirect pln into the user's own network.

Everything runs on loopback: a resolver hook says which names are "on the internet" (a global
address is reported for them, while the socket connects to the local test server), so nothing
ever connects elsewhere. Private targets are refused before any connection to them is tried.
"""

from __future__ import annotations

import _socket
import asyncio
import dataclasses
import socket
from collections.abc import Callable
from urllib.parse import quote

import pytest

from pln_reader.core.config import FetchSettings
from pln_reader.core.errors import FetchError
from pln_reader.net.addresses import Address, first_private, is_private, system_resolve
from pln_reader.net.fetch import Fetcher, Response
from tests.integration.server import FeedServer

SETTINGS = FetchSettings(connect_timeout=2, read_timeout=1, max_body_mb=1, max_redirects=5)
BODY = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
PUBLIC_IP = "93.184.216.34"  # a global address, reported only: the socket goes to 127.0.0.1


def numeric(host: str, port: int) -> list[Address] | None:
    """What a numeric host (any spelling) means, parsed as the system resolver parses it, with
    no lookup; None for a name. (tests/conftest.py lets no other resolution through.) Should a
    guard ever fail, the socket goes to a closed loopback port, never to that address."""
    try:
        infos = _socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except OSError:
        return None
    return [Address(str(sa[0]), family, sa) if str(sa[0]).startswith("127.")
            else Address(str(sa[0]), socket.AF_INET, ("127.0.0.1", 9))
            for family, _, _, _, sa in infos]


def resolver(server: FeedServer, names: dict[str, list[str]]) -> tuple[Callable, list[str]]:
    """Names in ``names`` resolve to the listed addresses (each call takes the next list entry,
    the last one repeating) and connect to the test server; numeric hosts mean their address;
    other names resolve as usual (loopback only)."""
    port = server.server_address[1]
    calls: list[str] = []

    async def resolve(host: str, port_: int) -> list[Address]:
        calls.append(host)
        if host in names:
            answers = names[host]
            ip = answers[min(calls.count(host), len(answers)) - 1]
            return [Address(ip, socket.AF_INET, ("127.0.0.1", port))]
        return numeric(host, port_) or await system_resolve(host, port_)

    return resolve, calls


def fetch(url: str, resolve: Callable, settings: FetchSettings = SETTINGS) -> Response:
    async def run() -> Response:
        async with Fetcher(settings, concurrency=2, per_host=2, resolve=resolve) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(run())


def hop(server: FeedServer, host: str, target: str) -> str:
    return f"http://{host}:{server.server_address[1]}/redirect/302?to={quote(target, safe='')}"


@pytest.mark.parametrize("ip", ["10.0.0.5", "192.168.1.1", "172.16.0.1", "127.0.0.1", "169.254.169.254",
                                "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1",
                                "224.0.0.1", "not an address"])
def test_private_addresses(ip: str) -> None:
    assert is_private(ip)


@pytest.mark.parametrize("ip", [PUBLIC_IP, "8.8.8.8", "2606:4700::1111"])
def test_public_addresses(ip: str) -> None:
    assert not is_private(ip)


@pytest.mark.parametrize("target", [
    "http://10.0.0.5/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://0x0a0b0c0d/feed",          # 10.11.12.13, spelled as one hex number
    "http://167772161/",               # 10.0.0.1 as a decimal
    "http://[fd00::1]/feed",
    "http://[::ffff:192.168.0.1]/",
    "http://localhost:1/feed",
])
def test_a_redirect_from_a_public_address_to_a_private_one_is_refused(server: FeedServer, target: str) -> None:
    resolve, _ = resolver(server, {"feeds.public.test": [PUBLIC_IP]})
    with pytest.raises(FetchError) as caught:
        fetch(hop(server, "feeds.public.test", target), resolve)
    assert caught.value.reason == "blocked_redirect"
    assert "private address" in str(caught.value) and "allow_private_redirects" in str(caught.value)


def test_numeric_spellings_mean_the_address_they_spell() -> None:
    assert first_private(numeric("0x0a0b0c0d", 80) or []) == "10.11.12.13"
    assert first_private(numeric("167772161", 80) or []) == "10.0.0.1"
    assert first_private(numeric(PUBLIC_IP, 80) or []) is None


def test_a_name_that_turns_private_at_connect_time_is_refused(server: FeedServer) -> None:
    # Public when checked, loopback when connected to (DNS rebinding): the connect-time guard.
    server.serve("/f.xml", BODY)
    port = server.server_address[1]
    resolve, calls = resolver(server, {"feeds.public.test": [PUBLIC_IP],
                                       "rebind.test": [PUBLIC_IP, "127.0.0.1"]})
    with pytest.raises(FetchError) as caught:
        fetch(hop(server, "feeds.public.test", f"http://rebind.test:{port}/f.xml"), resolve)
    assert caught.value.reason == "blocked_redirect"
    assert calls.count("rebind.test") == 2  # checked, then refused at connect


def test_public_to_public_redirects_are_followed(server: FeedServer) -> None:
    server.serve("/f.xml", BODY)
    port = server.server_address[1]
    resolve, _ = resolver(server, {"feeds.public.test": [PUBLIC_IP], "cdn.public.test": ["8.8.4.4"]})
    got = fetch(hop(server, "feeds.public.test", f"http://cdn.public.test:{port}/f.xml"), resolve)
    assert got.body == BODY and got.url == f"http://cdn.public.test:{port}/f.xml"


def test_a_private_source_may_redirect_within_the_private_network(server: FeedServer) -> None:
    # The user subscribed to http://127.0.0.1/... (an intranet): its own redirects are followed.
    server.serve("/f.xml", BODY)
    got = fetch(server.url(f"/redirect/302?to={quote(server.url('/f.xml'), safe='')}"), system_resolve)
    assert got.body == BODY


def test_the_setting_allows_redirects_into_the_private_network(server: FeedServer) -> None:
    server.serve("/f.xml", BODY)
    resolve, _ = resolver(server, {"feeds.public.test": [PUBLIC_IP]})
    allowing = dataclasses.replace(SETTINGS, allow_private_redirects=True)
    got = fetch(hop(server, "feeds.public.test", server.url("/f.xml")), resolve, allowing)
    assert got.body == BODY
