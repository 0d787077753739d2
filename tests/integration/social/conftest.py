"""The real GoToSocial, one per test session (per xdist worker): the tests fail, not skip, when it
cannot start."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.gotosocial import GoToSocial, start


@pytest.fixture(scope="session")
def gts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GoToSocial]:
    try:
        server = start(tmp_path_factory.mktemp("gotosocial"))
    except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"GoToSocial did not start: {exc}")
    try:
        yield server
    finally:
        server.close()
