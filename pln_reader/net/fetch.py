"""HTTP fetching with httpx: timeouts, redirects, a size cap, conditional GET, per-host limits.

Parsers never fetch; this module is the only one that does (plus local files, read with the
same size cap). Decompression is ours, so the size cap holds after decompression too (a gzip
bomb stops at the cap instead of filling memory).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import ssl
import stat
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ..core.config import FetchSettings
from ..core.errors import NO_SERVER, REFUSED, UNREACHABLE, FetchError, NotModified
from ..core.urls import file_path, path_to_url
from .addresses import PUBLIC_ONLY, Address, PrivateAddress, Resolve, first_private, system_resolve
from .hosts import HostGate, HostPaused, host_key, parse_retry_after

_PERMANENT = {301, 308}
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    """The final URL after redirects."""
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased names; only the ones callers use."""
    permanent_url: str | None = None
    """Set when every redirect on the way was permanent (301/308): the resource moved."""
    requested: str = ""
    """The URL asked for (before redirects)."""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


_KEEP_HEADERS = ("content-type", "etag", "last-modified", "cache-control", "expires", "content-location")


class _Decoder:
    """Incremental gzip/deflate decoding that never produces more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int, url: str):
        self.limit = limit
        self.url = url
        self.size = 0
        self.parts: list[bytes] = []
        encoding = encoding.strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self.z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.z = zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib or gzip header, autodetected
        elif encoding in ("", "identity"):
            self.z = None
        else:
            raise FetchError(f"{url}: unsupported Content-Encoding {encoding!r}", reason="bad_encoding")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(
                f"{self.url}: response larger than {self.limit // (1024 * 1024)} MB", reason="too_large"
            )
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.z is None:
            self._add(chunk)
            return
        try:
            data = self.z.decompress(chunk, self.limit - self.size + 1)
            self._add(data)
            while self.z.unconsumed_tail:
                data = self.z.decompress(self.z.unconsumed_tail, self.limit - self.size + 1)
                self._add(data)
        except zlib.error as exc:
            raise FetchError(f"{self.url}: corrupt compressed body ({exc})", reason="bad_encoding") from None

    def finish(self) -> bytes:
        if self.z is not None:
            try:
                self._add(self.z.flush())
            except zlib.error as exc:
                raise FetchError(f"{self.url}: corrupt compressed body ({exc})", reason="bad_encoding") from None
        return b"".join(self.parts)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The certificate-verifying TLS context, made once (loading the CA store costs ~60 ms) and
    shared by every host's https pool."""
    return httpx.create_ssl_context(trust_env=False)


class _LazyTLSTransport(httpx.AsyncBaseTransport):
    """An https transport (certificates verified) created on first use, with the redirect
    guard around httpcore's network backend."""

    def __init__(self, limits: httpx.Limits, resolve: Resolve):
        self._limits = limits
        self._resolve = resolve
        self._transport: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            from .tcp_backend import GuardedBackend

            transport = httpx.AsyncHTTPTransport(verify=_tls_context(), limits=self._limits,
                                                 trust_env=False)
            pool = transport._pool  # httpx (pinned below 0.29) offers no other way in
            pool._network_backend = GuardedBackend(pool._network_backend, self._resolve)
            self._transport = transport
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


_NO_NAME = ("Name or service not known", "nodename nor servname", "getaddrinfo failed",
            "No address associated", "Temporary failure in name resolution")


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def network_error_message(url: str, exc: BaseException) -> str:
    """What went wrong reaching ``url``, in words a user can act on."""
    detail = str(exc) or type(exc).__name__
    host = urlsplit(url).hostname or url
    if any(marker in detail for marker in _NO_NAME):
        return f"{url}: {NO_SERVER} {host} (offline, or a mistyped address?)"
    if "Connection refused" in detail:
        return f"{url}: the server {host} {REFUSED} (is the address right?)"
    if "Network is unreachable" in detail:
        return f"{url}: {UNREACHABLE} to {host} (offline?)"
    return f"{url}: {detail}"


def _status_error(url: str, response: httpx.Response) -> FetchError:
    code = response.status_code
    retry = parse_retry_after(response.headers.get("retry-after")) if code in (429, 503) else None
    message = f"{url}: HTTP {code} {response.reason_phrase or ''}".rstrip()
    if retry is not None:
        message += f" (retry after {int(retry)} s)"
    return FetchError(message, reason=f"http_error:{code}", retry_after=retry)


def _plain_http_transport(limits: httpx.Limits, resolve: Resolve) -> httpx.AsyncHTTPTransport:
    """httpx's transport for http://, its connection pool on asyncio sockets (see net/tcp_backend.py)."""
    from .tcp_backend import AsyncioBackend

    transport = httpx.AsyncHTTPTransport(verify=False, limits=limits, trust_env=False)
    # httpx (pinned below 0.29) keeps its httpcore pool in ``_pool`` and offers no way to give
    # it a network backend; the pool is rebuilt with the same limits and ours.
    transport._pool = httpcore.AsyncConnectionPool(
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=AsyncioBackend(resolve),
    )
    return transport


class Fetcher:
    """An async fetcher bounded in total and per host. Use as ``async with Fetcher(...)``.

    A host gets ``per_host`` requests at once, up to ``per_host_max`` while it is busy in the
    run (``due``: its feeds due, by :func:`host_key`), fast and not throttling; a 429 or 503
    pauses it as it asks (see :mod:`pln_reader.net.hosts`). ``split``: hosts whose feeds other
    worker processes share, by how many workers (each gets its share of the limits).
    """

    def __init__(self, settings: FetchSettings, *, concurrency: int = 16, per_host: int = 8,
                 per_host_max: int | None = None, due: Mapping[str, int] | None = None,
                 split: Mapping[str, int] | None = None, resolve: Resolve = system_resolve):
        self.settings = settings
        self._resolve = resolve
        self.limit = int(settings.max_body_mb * 1024 * 1024)
        self._total = asyncio.Semaphore(max(1, concurrency))
        self._per_host_n = max(1, per_host)
        self._per_host_max = max(self._per_host_n, per_host_max or self._per_host_n)
        self._due = dict(due or {})
        self._split = dict(split or {})
        self.hosts: dict[str, HostGate] = {}
        # httpcore scans every connection of a pool (a poll() per idle one) each time a request
        # starts or ends; each host therefore gets a pool of its own, which holds at most the
        # host's own few connections (its gate bounds them), made when the host is first met.
        self._limits = httpx.Limits(max_connections=self._per_host_max,
                                    max_keepalive_connections=self._per_host_max)
        # Requests go straight to httpx's transports: the client layer (cookies, auth, hooks,
        # URL merging) is not needed for a GET and cost a tenth of the CPU of a warm refresh.
        # Loading the CA store costs ~60 ms: plain http never needs it, so https gets its
        # (verifying) transport only when the first https URL comes along.
        self._transports: dict[str, tuple[httpx.AsyncHTTPTransport, _LazyTLSTransport]] = {}
        self._timeout = {"connect": settings.connect_timeout, "read": settings.read_timeout,
                         "write": settings.read_timeout, "pool": None}
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept": "application/atom+xml, application/rss+xml, application/feed+json,"
            " application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        }

    @contextlib.asynccontextmanager
    async def _get(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        key = host_key(url)
        pair = self._transports.get(key)
        if pair is None:
            pair = self._transports[key] = (_plain_http_transport(self._limits, self._resolve),
                                            _LazyTLSTransport(self._limits, self._resolve))
        plain, tls = pair
        transport: httpx.AsyncBaseTransport = plain if url.startswith("http://") else tls
        request = httpx.Request("GET", url, headers={**self._headers, **headers},
                                extensions={"timeout": self._timeout})
        response = await transport.handle_async_request(request)
        response.request = request
        try:
            yield response
        finally:
            await response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for plain, tls in self._transports.values():
            await plain.aclose()
            await tls.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET ``url``; raises :class:`NotModified` on 304 and :class:`FetchError` on failure."""
        if url.startswith("file:"):
            return read_local(url, self.limit)
        key = host_key(url)
        gate = self.hosts.get(key)
        if gate is None:
            gate = self.hosts[key] = HostGate(base=self._per_host_n, most=self._per_host_max,
                                              due=self._due.get(key, 0), split=self._split.get(key, 1))
        try:
            # The host's slot first: a request waiting for a busy host must not hold a global slot.
            async with gate.slot(), self._total:
                return await self._timed(gate, url, etag, last_modified, accept)
        except HostPaused as paused:
            wait = max(1, round(paused.retry_after))
            raise FetchError(f"{url}: not fetched: {urlsplit(url).hostname} asked to be left alone "
                             f"(retry after {wait} s)", reason="host_paused",
                             retry_after=paused.retry_after) from None

    async def _timed(self, gate: HostGate, url: str, etag: str | None, last_modified: str | None,
                     accept: str | None) -> Response:
        """One request, its time told to the host's gate (and a 429 or 503 too)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            response = await self._guarded(url, etag, last_modified, accept)
        except NotModified:
            await gate.answered(loop.time() - started)
            raise
        except FetchError as exc:
            if exc.reason in ("http_error:429", "http_error:503"):
                await gate.refused(int(exc.reason[-3:]), exc.retry_after)
            raise
        await gate.answered(loop.time() - started)
        return response

    async def _guarded(self, url: str, etag: str | None, last_modified: str | None,
                       accept: str | None) -> Response:
        """:meth:`_fetch` within the time bound, its failures as :class:`FetchError`."""
        try:
            async with asyncio.timeout(self.settings.connect_timeout + 2 * self.settings.read_timeout):
                return await self._fetch(url, etag, last_modified, accept)
        except TimeoutError:
            raise FetchError(f"{url}: timed out", reason="timeout") from None
        except httpx.TimeoutException:
            raise FetchError(f"{url}: timed out", reason="timeout") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: invalid URL ({exc})", reason="invalid_url") from None
        except httpx.HTTPError as exc:
            if _caused_by(exc, PrivateAddress):
                raise FetchError(f"{url}: redirected to a private address ({exc}); "
                                 "[fetch] allow_private_redirects = true allows it",
                                 reason="blocked_redirect") from None
            raise FetchError(network_error_message(url, exc), reason="network_error") from None

    async def _redirect_from_public(self, source: str, target: str) -> bool:
        """Whether a redirect from ``source`` to ``target`` leaves a public address (so the next
        connection must go to a public one); raises when ``target`` is private."""
        if self.settings.allow_private_redirects:
            return False
        started = await self._addresses(source)
        if not started or first_private(started) is not None:
            return False  # the user asked for their own network: its redirects may stay there
        private = first_private(await self._addresses(target))
        if private is not None:
            raise FetchError(f"{source}: redirected to {target}, a private address ({private}): "
                             "refused; [fetch] allow_private_redirects = true allows it",
                             reason="blocked_redirect")
        return True

    async def _addresses(self, url: str) -> list[Address]:
        parts = urlsplit(url)
        try:
            return await self._resolve(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        except OSError:
            return []

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None,
                     accept: str | None) -> Response:
        headers = {"Accept": accept} if accept else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        permanent = True
        seen = {url}
        public_only = False  # set for the hop after a redirect from a public address
        for _ in range(self.settings.max_redirects + 1):
            guard = PUBLIC_ONLY.set(public_only)  # read by the backends at connect time
            try:
                async with self._get(current, headers) as response:
                    result = await self._answer(url, current, response, seen, permanent)
            finally:
                PUBLIC_ONLY.reset(guard)
            if isinstance(result, Response):
                return result
            target, moved = result
            public_only = await self._redirect_from_public(current, target)
            permanent = permanent and moved
            current = target
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects", reason="too_many_redirects")

    async def _answer(self, url: str, current: str, response: httpx.Response, seen: set[str],
                      permanent: bool) -> Response | tuple[str, bool]:
        """The response read, or a redirect's (target, permanent)."""
        code = response.status_code
        if code != 200:
            await _drain(response)  # a fully read response leaves its connection reusable
        if code in _REDIRECTS and "location" in response.headers:
            target = urljoin(current, response.headers["location"].strip())
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(f"{url}: redirect to a non-http URL {target}", reason="bad_redirect")
            if target in seen:
                raise FetchError(f"{url}: redirect loop at {target}", reason="redirect_loop")
            seen.add(target)
            return target, code in _PERMANENT
        if code == 304:
            raise NotModified(permanent_url=current if permanent and current != url else None)
        if code >= 400 or code < 200:
            raise _status_error(url, response)
        length = response.headers.get("content-length")
        encoding = response.headers.get("content-encoding", "")
        if length and length.isdigit() and not encoding and int(length) > self.limit:
            raise FetchError(
                f"{url}: response larger than {self.limit // (1024 * 1024)} MB",
                reason="too_large",
            )
        decoder = _Decoder(encoding, self.limit, url)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
        body = decoder.finish()
        kept = {k: response.headers[k] for k in _KEEP_HEADERS if k in response.headers}
        return Response(
            url=current,
            body=body,
            headers=kept,
            permanent_url=current if permanent and current != url else None,
            requested=url,
        )


async def _drain(response: httpx.Response, limit: int = 65536) -> None:
    """Read a small body (a 304, a redirect, an error page) so the connection can be reused."""
    length = response.headers.get("content-length")
    if response.status_code in (204, 304) or (length is not None and length.isdigit() and int(length) <= limit):
        await response.aread()


def read_local(url_or_path: str, limit: int) -> Response:
    """Read a local file (``file:`` URL or path) with the same size cap as a download.

    Regular files only: a device (``/dev/zero``), a FIFO or a socket is refused before it is
    read (opened without blocking, checked on the open descriptor), and the cap counts the bytes
    read rather than trusting the size the file system reports.
    """
    path = Path(file_path(url_or_path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FetchError(f"{path}: no such file", reason="not_found") from None
    except IsADirectoryError:
        raise FetchError(f"{path}: is a directory, not a feed file", reason="not_found") from None
    except PermissionError:
        raise FetchError(f"{path}: permission denied", reason="blocked") from None
    except OSError as exc:  # a socket cannot be opened at all (ENXIO): say what it is
        with contextlib.suppress(OSError):
            _refuse_special(path, os.stat(path).st_mode)
        raise FetchError(f"{path}: {exc.strerror or exc}", reason="network_error") from None
    try:
        _refuse_special(path, os.fstat(fd).st_mode)
    except FetchError:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb", buffering=0) as handle:
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := handle.read(min(1 << 20, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"{path}: file larger than {limit // (1024 * 1024)} MB",
                                     reason="too_large")
                chunks.append(chunk)
        except OSError as exc:
            raise FetchError(f"{path}: {exc.strerror or exc}", reason="network_error") from None
    url = path_to_url(path)
    return Response(url=url, body=b"".join(chunks), headers={}, requested=url)


def _refuse_special(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    raise FetchError(f"{path}: is {kind}, not a feed file", reason="not_found")


async def fetch_many(
    settings: FetchSettings, urls: list[str], *, concurrency: int = 8, per_host: int = 4
) -> list[Response | FetchError]:
    """Fetch several URLs at once (for commands like ``pln add``); errors are returned."""
    async with Fetcher(settings, concurrency=concurrency, per_host=per_host) as fetcher:

        async def one(url: str) -> Response | FetchError:
            try:
                return await fetcher.fetch(url)
            except FetchError as exc:
                return exc

        return await asyncio.gather(*(one(u) for u in urls))


def fetch_one(settings: FetchSettings, url: str) -> Response:
    """Fetch one URL synchronously (raises :class:`FetchError`)."""
    result = asyncio.run(fetch_many(settings, [url]))[0]
    if isinstance(result, FetchError):
        raise result
    return result
