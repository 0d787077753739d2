"""Shared fixtures: no test touches the real home directory."""

from __future__ import annotations

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
