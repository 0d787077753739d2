from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pln_reader.cli.main import cli
from pln_reader.core.config import load_settings
from pln_reader.library.facade import Library, open_library
from tests.integration.server import FeedServer

FAST_SETTINGS = """
[fetch]
connect_timeout = 2.0
read_timeout = 0.5
max_body_mb = 1.0
[refresh]
workers = 1
"""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    (path / "settings.toml").write_text(FAST_SETTINGS)
    return path


@pytest.fixture
def library(home: Path) -> Iterator[Library]:
    lib = open_library(home, settings=load_settings(home))
    yield lib
    lib.close()


@pytest.fixture
def pln(home: Path):  # type: ignore[no-untyped-def]
    """Run the CLI against ``home``; stdout and stderr apart."""
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, (result.output, result.stderr)
        return result

    return run
