"""The social commands through the CLI: add, mastodon lists, posts, links --sort shared, shares sync."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pln_reader.cli.main import cli
from tests.social_server import (
    BLUESKY_HANDLE,
    BLUESKY_LIST_URI,
    MASTODON_TOKEN,
    FakeBluesky,
    FakeMastodon,
)


@pytest.fixture
def servers() -> Iterator[tuple[FakeMastodon, FakeBluesky]]:
    with FakeMastodon() as mastodon, FakeBluesky() as bluesky:
        yield mastodon, bluesky


@pytest.fixture
def run(tmp_path: Path, servers: tuple[FakeMastodon, FakeBluesky], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    mastodon, bluesky = servers
    home = tmp_path / "home"
    home.mkdir()
    settings = home / "settings.toml"
    settings.write_text(f'[social]\nbluesky_appview = "{bluesky.base}"\nlookback_days = 3650\n'
                        f'mastodon_account = "{mastodon.base}/@reader"\nbluesky_handle = "{BLUESKY_HANDLE}"\n')
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, (result.output, result.stderr)
        return result

    return invoke


def test_mastodon_lists_shows_ids_and_the_add_command(run, servers) -> None:  # type: ignore[no-untyped-def]
    mastodon, _ = servers
    out = run("mastodon", "lists").output
    assert "42" in out and f"pln add {mastodon.base}/lists/42" in out
    assert MASTODON_TOKEN not in out
    data = json.loads(run("mastodon", "lists", "--json").output)
    assert {d["id"] for d in data} == {"42", "43"}


def test_add_refresh_posts_links_sorted_by_sharers_and_sync(run, servers) -> None:  # type: ignore[no-untyped-def]
    mastodon, _ = servers
    assert "added" in run("add", f"{mastodon.base}/lists/42", "--list", "Network").output
    assert "added" in run("add", BLUESKY_LIST_URI, "--list", "Network").output
    top = json.loads(run("links", "--sort", "shared", "--limit", "1", "--json").output)
    assert top[0]["url"] == "https://evidence.example.org/reading" and top[0]["shared_by"] >= 3
    posts = run("posts", f"{mastodon.base}/lists/42").output
    assert "(no link)" in posts  # posts without a link are shown per source
    synced = json.loads(run("shares", "sync", "--json").output)
    assert synced["recorded"] >= 2
    assert json.loads(run("shares", "sync", "--json").output)["recorded"] == 0
    shares = json.loads(run("shares", "--json").output)
    assert {s["origin"] for s in shares} == {"mastodon", "bluesky"}
    sources = run("sources").output
    assert MASTODON_TOKEN not in sources


def test_sync_without_accounts_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "empty"
    result = CliRunner().invoke(cli, ["--home", str(home), "shares", "sync"])
    assert result.exit_code == 1 and "mastodon_account" in result.stderr


def test_sync_goes_on_when_one_account_fails(tmp_path: Path, servers, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    mastodon, bluesky = servers
    home = tmp_path / "h2"
    home.mkdir()
    (home / "settings.toml").write_text(
        f'[social]\nbluesky_appview = "{bluesky.base}"\nlookback_days = 3650\n'
        f'mastodon_account = "{mastodon.base}/@nobody"\nbluesky_handle = "{BLUESKY_HANDLE}"\n')
    runner = CliRunner()
    runner.invoke(cli, ["--home", str(home), "add", BLUESKY_LIST_URI], catch_exceptions=False)
    result = runner.invoke(cli, ["--home", str(home), "shares", "sync"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "nobody" in result.stderr and BLUESKY_HANDLE in result.output  # Bluesky still synced
