"""A server that echoes the Authorization header in its errors cannot make pln show or store the
token (issue: a 401/500 body quoting `Bearer <token>` reached stderr, the database and JSON)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pln_reader.cli.main import cli
from pln_reader.core.secrets import HIDDEN, scrub
from pln_reader.library import open_library
from tests.integration.server import FeedServer, send_body

TOKEN = "s3cr3t-token-0123456789abcdef"


@pytest.fixture
def echo() -> Iterator[FeedServer]:
    """Answers like Mastodon, then echoes the request's Authorization header in every error."""
    server = FeedServer()

    def instance(h) -> None:  # type: ignore[no-untyped-def]
        send_body(h, 200, json.dumps({"uri": "echo.example", "version": "4.3.0"}).encode(),
                  "application/json")

    def echoing(code: int):  # type: ignore[no-untyped-def]
        def handler(h) -> None:  # type: ignore[no-untyped-def]
            body = {"error": f"refused {h.headers.get('Authorization')} (token={TOKEN})"}
            send_body(h, code, json.dumps(body).encode(), "application/json")
        return handler

    server.route("/api/v1/instance", instance)
    server.route("/api/v1/lists", echoing(401))
    server.route("/api/v1/lists/42", echoing(500))
    server.route("/api/v1/timelines/list/42", echoing(500))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def home(tmp_path: Path, echo: FeedServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", TOKEN)
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(f'[social]\nmastodon_instance = "{echo.base}"\n'
                                        "[fetch]\nconnect_timeout = 2.0\nread_timeout = 2.0\n")
    return home


def test_scrub_hides_known_secrets_and_credential_shapes() -> None:
    assert scrub(f"x {TOKEN} y", [TOKEN]) == f"x {HIDDEN} y"
    assert scrub("Authorization: Bearer abcdef123456") == f"Authorization: Bearer {HIDDEN}"
    assert scrub("GoogleLogin auth=pln/0123456789abcdef") == f"GoogleLogin auth={HIDDEN}"
    assert scrub("a tiny value: abc", ["abc"]) == "a tiny value: abc"  # too short to hide words
    assert scrub("nothing to hide") == "nothing to hide"


def test_an_echoed_token_is_neither_shown_nor_stored(home: Path, echo: FeedServer) -> None:
    runner = CliRunner()
    with open_library(home) as library:
        [added] = library.add([f"{echo.base}/lists/42"])
        assert added.error and TOKEN not in added.error and "HTTP 500" in added.error
        # A source made before (an earlier pln): its refresh fails with the echo.
        source_id, _ = library.store.add_source("mastodon_list", f"{echo.base}/lists/42",
                                                title="Echo", now=library.clock())
        summary = library.refresh(force=True)
        assert [r.status for r in summary.results] == ["failed"]
        assert TOKEN not in (summary.results[0].reason or "")
    conn = sqlite3.connect(home / "pln.db")
    [(stored,)] = conn.execute("SELECT error FROM fetch_state WHERE source_id = ?", [source_id])
    conn.close()
    assert stored and TOKEN not in stored and HIDDEN in stored
    for args in (["sources", "--json"], ["review", "--json"], ["mastodon", "lists"]):
        result = runner.invoke(cli, ["--home", str(home), *args])
        assert TOKEN not in result.output + result.stderr, args
    lists = runner.invoke(cli, ["--home", str(home), "mastodon", "lists"])
    assert lists.exit_code == 1 and "rejected the access token" in lists.stderr


def test_a_token_an_earlier_pln_stored_is_hidden_on_open(home: Path) -> None:
    with open_library(home) as library:
        source_id, _ = library.store.add_source("feed", "https://example.org/feed", title="F",
                                                now=library.clock())
        library.store.conn.execute("UPDATE fetch_state SET error = ? WHERE source_id = ?",
                                   [f"HTTP 401: Bearer {TOKEN} refused", source_id])
    with open_library(home) as library:
        [source] = library.sources()
        assert source.error == f"HTTP 401: Bearer {HIDDEN} refused"
