"""`pln doctor` through click's runner, on real homes: healthy, broken settings, a secret in a
readable file, a corrupt and a newer database, an unusable data directory, hosts on loopback."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pln_reader.cli.main import cli
from pln_reader.library import open_library
from tests.integration.server import FeedServer

RSS = (b"<rss version='2.0'><channel><title>T</title>"
       b"<item><title>A</title><link>https://example.org/a</link></item></channel></rss>")
TOKEN = "tok-SECRET-7f3a9c1e55"

Pln = Callable[..., Result]
"""The `pln` fixture: run the CLI on the test's home."""


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only an editor, a browser and a media player, named by EDITOR and BROWSER."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("nano", "firefox", "mpv"):
        exe = bin_dir / name
        exe.write_text("#!/bin/sh\nexit 0\n")
        exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("EDITOR", "nano")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("BROWSER", "firefox")
    for name in ("PLN_MASTODON_TOKEN", "PLN_BLUESKY_APPVIEW"):
        monkeypatch.delenv(name, raising=False)
    return bin_dir


def doctor(pln: Pln, *args: str) -> tuple[Result, list[dict[str, str | None]]]:
    """Run `pln doctor` twice, as text and as JSON; both must agree on the exit status."""
    text = pln("doctor", *args, ok=False)
    data = pln("doctor", "--json", *args, ok=False)
    assert data.exit_code == text.exit_code, (text.output, data.output)
    assert "Traceback" not in text.output + text.stderr + data.stderr
    return text, json.loads(data.stdout)


def by_check(items: list[dict[str, str | None]]) -> dict[str, dict[str, str | None]]:
    return {str(item["check"]): item for item in items}


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def test_healthy_home_is_all_ok(pln: Pln, home: Path, server: FeedServer, tools: Path) -> None:
    pln("add", server.serve("/a.xml", RSS))
    result, items = doctor(pln)
    assert result.exit_code == 0, result.output
    assert {item["status"] for item in items} == {"ok"}, items
    checks = by_check(items)
    assert set(checks) == {"data directory", "settings", "database", "schema", "disk space", "editor",
                           "browser", "media player", "host"}
    assert checks["data directory"]["message"] == f"{home} (writable)"
    assert checks["database"]["message"] == f"{home / 'pln.db'} (quick_check ok)"
    assert checks["schema"]["message"].startswith("up to date")  # type: ignore[union-attr]
    assert checks["editor"]["message"] == f"nano ($EDITOR, {tools / 'nano'})"
    assert checks["media player"]["message"] == f"mpv ({tools / 'mpv'})"
    assert checks["host"]["message"] == f"127.0.0.1:{server.server_address[1]} answers (HTTP 200)"
    assert all(item["fix"] is None for item in items)
    for line in result.stdout.splitlines()[:-2]:
        assert line.startswith("ok   "), line
    assert f"ok   data directory: {home} (writable)" in result.stdout
    assert result.stdout.rstrip().endswith("9 ok, 0 warnings, 0 failures")


def test_missing_tools_are_warnings_not_failures(pln: Pln, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor --wait")
    monkeypatch.setenv("BROWSER", "no-such-browser")
    result, items = doctor(pln, "--offline")
    assert result.exit_code == 0, result.output
    checks = by_check(items)
    assert checks["editor"]["status"] == "warn" and "not on PATH" in str(checks["editor"]["message"])
    assert checks["media player"]["status"] == "warn"
    assert "mpv, vlc" in str(checks["media player"]["message"])
    assert checks["media player"]["fix"]
    assert checks["browser"]["status"] in ("ok", "warn")  # webbrowser may know one of this machine's
    assert "warn editor: $EDITOR is 'no-such-editor --wait'" in result.stdout
    assert "     fix: install no-such-editor" in result.stdout

    monkeypatch.delenv("EDITOR")
    checks = by_check(doctor(pln, "--offline")[1])
    assert "neither $VISUAL nor $EDITOR is set" in str(checks["editor"]["message"])


@pytest.mark.parametrize(("content", "expected"), [
    ("[fetch\nconnect_timeout = 2\n", "settings.toml: "),
    ('[fetch]\nconnect_timeout = "soon"\n', "setting fetch.connect_timeout: expected a number"),
    ("[nonsense]\nx = 1\n", "unknown section [nonsense]"),
    ("social = 'not a section'\n", "[social] must be a section of settings"),
])
def test_broken_settings_fail_and_the_rest_still_runs(pln: Pln, home: Path, tools: Path,
                                                      content: str, expected: str) -> None:
    (home / "settings.toml").write_text(content)
    result, items = doctor(pln, "--offline")
    assert result.exit_code == 1
    checks = by_check(items)
    assert checks["settings"]["status"] == "fail"
    assert expected in str(checks["settings"]["message"])
    assert "settings.example.toml" in str(checks["settings"]["fix"])
    assert checks["data directory"]["status"] == "ok" and checks["database"]["status"] == "ok"
    assert "fail settings: " in result.stdout and "     fix: correct it in" in result.stdout
    assert result.stdout.rstrip().endswith("1 failure")


def test_a_readable_token_fails_and_is_never_shown(pln: Pln, home: Path, tools: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings = home / "settings.toml"
    settings.write_text(f'[social]\nmastodon_token = "{TOKEN}"\n')
    settings.chmod(0o644)
    # A message that would quote the token anyway ($EDITOR's value) has it replaced.
    monkeypatch.setenv("EDITOR", f"{TOKEN} --wait")
    result, items = doctor(pln, "--offline")
    assert result.exit_code == 1
    checks = by_check(items)
    assert checks["settings"]["status"] == "fail"
    assert checks["settings"]["message"] == (f"{settings} holds a secret (social.mastodon_token) "
                                             "but others can read it (mode 644)")
    assert f"chmod 600 {settings}" in str(checks["settings"]["fix"])
    assert "[hidden]" in str(checks["editor"]["message"])
    everything = result.output + result.stderr + json.dumps(items)
    assert TOKEN not in everything

    settings.chmod(0o600)
    monkeypatch.setenv("EDITOR", "nano")
    result, items = doctor(pln, "--offline")
    assert result.exit_code == 0, result.output
    assert by_check(items)["settings"]["message"] == f"{settings} (valid, holds a secret, mode 600)"
    assert TOKEN not in result.output + json.dumps(items)


def test_a_corrupt_database_fails_with_its_reason_and_is_untouched(pln: Pln, home: Path,
                                                                   tools: Path) -> None:
    db = home / "pln.db"
    garbage = b"this is not a database\x00\xff" * 400
    db.write_bytes(garbage)
    result, items = doctor(pln)
    assert result.exit_code == 1
    checks = by_check(items)
    assert checks["database"]["status"] == "fail"
    assert checks["database"]["message"] == f"{db} cannot be read: file is not a database"
    assert "backup" in str(checks["database"]["fix"])
    assert "schema" not in checks  # nothing to read: the database line says why
    assert checks["host"]["status"] == "warn"
    assert f"fail database: {db} cannot be read: file is not a database" in result.stdout
    assert db.read_bytes() == garbage
    assert sorted(p.name for p in home.iterdir()) == ["pln.db", "settings.toml"]
    # The other commands say the same in one line.
    other = pln("lists", ok=False)
    assert other.exit_code == 1 and other.stderr.startswith("error: cannot open the database")


def test_a_database_from_a_newer_pln_reader_fails(pln: Pln, home: Path, tools: Path) -> None:
    pln("lists")
    with sqlite3.connect(home / "pln.db") as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                     " VALUES ('pln_reader', '0099_from_the_future', '2027-01-01')")
    conn.close()
    result, items = doctor(pln, "--offline")
    assert result.exit_code == 1
    schema = by_check(items)["schema"]
    assert schema["status"] == "fail"
    assert "made by a newer pln_reader: upgrade" in str(schema["message"])
    assert "0099_from_the_future" in str(schema["message"])
    assert by_check(items)["database"]["status"] == "ok"


def test_a_data_directory_that_is_a_file_fails(tmp_path: Path, tools: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_dir = tmp_path / "home-file"
    not_a_dir.write_text("I am a file")
    monkeypatch.setenv("PLN_READER_HOME", str(not_a_dir))
    result = CliRunner().invoke(cli, ["doctor", "--offline", "--json"])
    assert result.exit_code == 1, result.output
    checks = by_check(json.loads(result.stdout))
    assert checks["data directory"]["status"] == "fail"
    assert checks["data directory"]["message"] == f"{not_a_dir} is not a directory"
    assert not_a_dir.read_text() == "I am a file"


def test_a_data_directory_that_cannot_be_created_fails(tmp_path: Path, tools: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    monkeypatch.setenv("PLN_READER_HOME", str(blocker / "pln"))
    result = CliRunner().invoke(cli, ["doctor", "--offline"])
    assert result.exit_code == 1, result.output
    assert f"fail data directory: {blocker / 'pln'} does not exist and cannot be created" in result.stdout
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any directory")
def test_a_read_only_data_directory_fails(pln: Pln, home: Path, tools: Path) -> None:
    home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result, items = doctor(pln, "--offline")
    finally:
        home.chmod(0o755)
    assert result.exit_code == 1
    assert by_check(items)["data directory"]["status"] == "fail"
    assert "is not writable" in str(by_check(items)["data directory"]["message"])


def test_hosts_that_answer_and_ones_that_do_not(pln: Pln, home: Path, server: FeedServer,
                                                tools: Path, tmp_path: Path) -> None:
    up = server.serve("/up.xml", RSS)
    also_up = server.serve("/also.xml", RSS.replace(b"<title>T</title>", b"<title>U</title>"))
    local = tmp_path / "local.xml"
    local.write_bytes(RSS)
    pln("add", up, also_up, str(local))
    down = closed_port_url()
    with open_library(home) as library:  # `pln add` would refuse a feed it cannot fetch
        library.store.add_source("feed", down, now=library.clock())
        library.store.add_source("feed", "https://feeds.example.org/rss", now=library.clock())
    before = server.hits["/up.xml"] + server.hits["/also.xml"]

    result, items = doctor(pln)
    assert result.exit_code == 0, result.output  # a host that does not answer is a warning
    hosts = [item for item in items if item["check"] == "host"]
    assert len(hosts) == 3  # one line per host, not per source; the local file is no host
    assert hosts[0] == {"check": "host", "status": "ok", "fix": None,
                        "message": f"127.0.0.1:{server.server_address[1]} answers (HTTP 200)"}
    down_host = down.split("/")[2]
    assert hosts[1]["status"] == "warn"
    assert hosts[1]["message"] == (f"{down_host} does not answer: the server 127.0.0.1 refused the "
                                   "connection (is the address right?)")
    assert "internet connection" in str(hosts[1]["fix"])
    # The tests' name lookups fail for every name but loopback, as when offline.
    assert hosts[2]["message"] == ("feeds.example.org does not answer: cannot find the server "
                                   "feeds.example.org (offline, or a mistyped address?)")
    assert server.hits["/up.xml"] + server.hits["/also.xml"] == before + 2  # once per run (text, JSON)
    assert f"warn host: {down_host} does not answer" in result.stdout
    assert str(local) not in result.stdout


def test_offline_makes_no_connection(pln: Pln, home: Path, server: FeedServer, tools: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pln("add", server.serve("/a.xml", RSS))
    hits = sum(server.hits.values())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pln doctor --offline connected to something")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    result, items = doctor(pln, "--offline")
    assert result.exit_code == 0, result.output
    assert sum(server.hits.values()) == hits
    assert [item["message"] for item in items if item["check"] == "host"] == [
        "the sources' hosts are not checked (--offline)"]


def test_json_shape_and_exit_codes(pln: Pln, home: Path, tools: Path) -> None:
    out = pln("doctor", "--json", "--offline")
    items = json.loads(out.stdout)
    assert isinstance(items, list) and items
    for item in items:
        assert set(item) == {"check", "status", "message", "fix"}
        assert item["status"] in ("ok", "warn", "fail")
        assert isinstance(item["message"], str) and item["message"]
        assert item["fix"] is None or isinstance(item["fix"], str)
    (home / "settings.toml").write_text("not toml at all [")
    assert pln("doctor", "--json", "--offline", ok=False).exit_code == 1
    assert pln("doctor", "--bogus", ok=False).exit_code == 2


def test_the_library_offers_the_same_checks(home: Path, tools: Path) -> None:
    with open_library(home) as library:
        results = library.doctor(offline=True)
    assert [r.check for r in results][:4] == ["data directory", "settings", "database", "schema"]
    assert {r.status for r in results} == {"ok"}


def test_challenge_files_that_do_not_read_are_warnings(pln: Pln, home: Path, tools: Path) -> None:
    _, items = doctor(pln, "--offline")
    assert "challenges" not in by_check(items)  # no challenges/ folder: nothing to say
    folder = home / "challenges"
    folder.mkdir()
    (folder / "good.toml").write_text(
        '[challenge]\nname = "good"\ntitle = "Good"\ndays = 1\nminutes_per_day = 5\n'
        '[[step]]\nday = 1\ntitle = "t"\ntext = "x"\ncheck = "saved"\n', encoding="utf-8")
    (folder / "bad.toml").write_text("[challenge\n", encoding="utf-8")
    text, items = doctor(pln, "--offline")
    assert text.exit_code == 0  # a warning, not a failure
    found = [i for i in items if i["check"] == "challenges"]
    assert [i["status"] for i in found] == ["warn", "ok"]
    assert str(folder / "bad.toml") in str(found[0]["message"]) and "not valid TOML" in str(found[0]["message"])
    assert found[1]["message"] == f"1 challenge file of yours in {folder} read"


def test_media_player_follows_the_setting(pln: Pln, home: Path, tools: Path) -> None:
    """`[media] player` is what `pln play` uses: doctor checks that one, not the defaults."""
    (tools / "myplayer").write_text("#!/bin/sh\n")
    (tools / "myplayer").chmod(0o755)
    with (home / "settings.toml").open("a") as f:
        f.write('[media]\nplayer = "myplayer --no-video"\n')
    checks = by_check(doctor(pln, "--offline")[1])
    assert checks["media player"]["status"] == "ok"
    assert checks["media player"]["message"] == f"myplayer ({tools / 'myplayer'}), from [media] player"
    (home / "settings.toml").write_text((home / "settings.toml").read_text().replace("myplayer", "gone"))
    checks = by_check(doctor(pln, "--offline")[1])
    assert checks["media player"]["status"] == "warn"
    assert "'gone' of [media] player is not on PATH" in str(checks["media player"]["message"])
