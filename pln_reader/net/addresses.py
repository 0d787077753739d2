"""Where a connection goes: name resolution, and the guard that keeps a redirect from the public
internet out of the user's own network.

A feed on the internet that redirects to ``http://10.0.0.5/``, ``http://169.254.169.254/`` (cloud
metadata) or ``http://0x0a0b0c0d/`` would make pln probe the user's network. So once a fetch
that started at a public address is redirected, every further connection of that fetch must go
to a public address: the target is checked before the request (:func:`first_private`) and
again at connect time (:data:`PUBLIC_ONLY`, read by the network backends), so a name that
resolves differently the second time gains nothing. Addresses are compared after resolution,
so every numeric spelling of an address counts as that address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

PUBLIC_ONLY: ContextVar[bool] = ContextVar("pln_public_only", default=False)
"""True while a fetch that left a public address is being redirected: connect to public
addresses only."""


@dataclass(frozen=True, slots=True)
class Address:
    """One resolved address: ``ip`` is what is checked, ``sockaddr`` where the socket connects
    (the same place, except in tests, whose resolver points names at loopback servers)."""

    ip: str
    family: int
    sockaddr: tuple[Any, ...]


Resolve = Callable[[str, int], Awaitable[list[Address]]]


async def system_resolve(host: str, port: int) -> list[Address]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [Address(str(sockaddr[0]), family, sockaddr) for family, _, _, _, sockaddr in infos]


def is_private(ip: str) -> bool:
    """Whether ``ip`` is in the user's own network or the machine: private, loopback,
    link-local, unique-local, multicast, reserved or unspecified (anything not global)."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return True  # not an address at all: never treat it as public
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def first_private(addresses: Iterable[Address]) -> str | None:
    """The first private address among ``addresses`` (None when all are public)."""
    return next((a.ip for a in addresses if is_private(a.ip)), None)


class PrivateAddress(OSError):
    """A connection a redirected fetch was about to open to a private address."""

    def __init__(self, host: str, ip: str) -> None:
        super().__init__(f"{host} is a private address ({ip}): a redirect may not lead there")
        self.host = host
        self.ip = ip


def allowed(host: str, addresses: list[Address]) -> list[Address]:
    """``addresses`` as they may be connected to now (raises :class:`PrivateAddress`)."""
    if PUBLIC_ONLY.get():
        private = first_private(addresses)
        if private is not None:
            raise PrivateAddress(host, private)
    return addresses
