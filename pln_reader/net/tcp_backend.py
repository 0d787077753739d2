"""A plain-TCP network backend for httpcore on asyncio's own socket calls.

httpcore reaches asyncio through anyio: a cancel scope, an exception map and attribute lookups
around every read and write. For plain ``http://`` fetches (the feed farm of the benchmarks, and
many small sites) that wrapping is a large part of the CPU of a refresh where every feed answers
304. This backend does the same work with ``loop.sock_recv`` / ``loop.sock_sendall`` and
``asyncio.timeout``; https keeps httpx's own transport (TLS through anyio).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
from httpcore._utils import is_socket_readable  # the same readiness check the anyio backend uses

from .addresses import PUBLIC_ONLY, PrivateAddress, Resolve, allowed, system_resolve


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend (TLS through anyio), with the redirect guard: while
    :data:`~pln_reader.net.addresses.PUBLIC_ONLY` is set, the name is resolved here, checked,
    and the checked address connected to; otherwise the backend is used as it is."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, resolve: Resolve = system_resolve) -> None:
        self._inner = inner
        self._resolve = resolve

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        if not PUBLIC_ONLY.get():
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            async with asyncio.timeout(timeout):
                addresses = allowed(host, await self._resolve(host, port))
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}") from None
        except OSError as exc:  # PrivateAddress, or the name does not resolve
            raise httpcore.ConnectError(str(exc)) from exc
        # The certificate is still checked against the name: httpcore passes it to start_tls.
        return await self._inner.connect_tcp(addresses[0].ip, port, timeout, local_address,
                                             socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        return await self._inner.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._loop = asyncio.get_running_loop()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._loop.sock_recv(self._sock, max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("timed out reading") from None
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                await self._loop.sock_sendall(self._sock, buffer)
        except TimeoutError:
            raise httpcore.WriteTimeout("timed out writing") from None
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._sock.close()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("this backend serves plain http only")

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._sock
        if info == "is_readable":
            return is_socket_readable(self._sock)
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Plain TCP on asyncio sockets; names resolved by ``resolve``, addresses checked by
    :func:`pln_reader.net.addresses.allowed` (a redirected fetch reaches public ones only)."""

    def __init__(self, resolve: Resolve = system_resolve) -> None:
        self._resolve = resolve

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                addresses = allowed(host, await self._resolve(host, port))
                error: OSError | None = None
                for resolved in addresses:
                    family, address = resolved.family, resolved.sockaddr
                    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
                    try:
                        sock.setblocking(False)
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        for option in socket_options or ():
                            sock.setsockopt(*option)
                        if local_address:
                            sock.bind((local_address, 0))
                        await loop.sock_connect(sock, address)
                    except OSError as exc:
                        sock.close()
                        error = exc
                        continue
                    except BaseException:
                        sock.close()
                        raise
                    return AsyncioStream(sock)
                raise error or OSError(f"no address for {host}")
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}") from None
        except PrivateAddress as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        except OSError as exc:
            # asyncio says "Connect call failed"; say what happened, as the OS does.
            if isinstance(exc, socket.gaierror) or not exc.errno:
                raise httpcore.ConnectError(str(exc)) from exc
            raise httpcore.ConnectError(f"[Errno {exc.errno}] {os.strerror(exc.errno)}") from exc

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
