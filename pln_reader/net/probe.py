"""Does a host answer? A HEAD request per host, all at once, with short timeouts (`pln doctor`).

Any HTTP answer counts, an error status too (some servers refuse HEAD): the question is whether
the host can be reached, not whether the feed is fine (``pln refresh`` says that).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from .fetch import network_error_message


@dataclass(frozen=True, slots=True)
class Probe:
    url: str
    """The URL asked (one source of the host)."""
    host: str
    """``host`` or ``host:port`` as in the URL."""
    answered: bool
    detail: str
    """``HTTP 200`` when it answered, else why not."""


def host_of(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def why_not(url: str, exc: BaseException) -> str:
    """Why ``url`` could not be reached, without the URL (httpx wraps the socket's error)."""
    host = urlsplit(url).hostname or url
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return f"the server {host} refused the connection (is the address right?)"
        if isinstance(cause, socket.gaierror):
            return f"cannot find the server {host} (offline, or a mistyped address?)"
    return network_error_message(url, exc).removeprefix(f"{url}: ")


async def _probe_all(urls: Sequence[str], user_agent: str, timeout: float, concurrency: int) -> list[Probe]:
    slots = asyncio.Semaphore(max(1, concurrency))
    limits = httpx.Limits(max_connections=max(1, concurrency))
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
                                 limits=limits, headers={"User-Agent": user_agent}) as client:

        async def one(url: str) -> Probe:
            host = host_of(url)
            async with slots:
                try:
                    async with asyncio.timeout(timeout + 1):
                        response = await client.head(url)
                except (TimeoutError, httpx.TimeoutException):
                    return Probe(url, host, False, f"no answer within {timeout:g} s")
                except (httpx.HTTPError, OSError) as exc:
                    return Probe(url, host, False, why_not(url, exc))
            return Probe(url, host, True, f"HTTP {response.status_code}")

        return list(await asyncio.gather(*(one(u) for u in urls)))


def probe_hosts(urls: Sequence[str], *, user_agent: str, timeout: float = 3.0,
                concurrency: int = 8) -> list[Probe]:
    """HEAD each URL (one per host, say) at once; every result is returned, none raises."""
    if not urls:
        return []
    return asyncio.run(_probe_all(urls, user_agent, timeout, concurrency))
