"""Shared fixtures: no test touches the real home directory."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("pln-home")
    monkeypatch.setenv("PLN_READER_HOME", str(home))
    for key in list(__import__("os").environ):
        if key.startswith("PLN_READER_") and key != "PLN_READER_HOME":
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    return home


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests reach 127.0.0.1 and nothing else: a name lookup for any other host fails at once
    (links in test feeds point at reserved names such as example.org)."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("localhost", "::1") and not name.startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not reach {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
