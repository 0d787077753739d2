"""Faults the real server will not make on demand (a proxy makes them), a wrong password, and
the CLI: setup finds the API, status never shows the password, offline changes wait."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pln_reader.cli.main import cli
from pln_reader.core.config import load_settings
from pln_reader.core.errors import ConfigError, SyncError
from tests.integration.conftest import FAST_SETTINGS
from tests.integration.server import FeedServer

from .conftest import Device, FaultyProxy, FreshRSS, OtherClient, rss

LINKS = [f"https://kill.example.org/{n}" for n in range(1, 4)]


@pytest.mark.parametrize("drop_from", [2, 3, 4, 6, 9])
def test_the_server_gone_mid_sync_loses_nothing(device: Device, feeds: FeedServer, other: OtherClient,
                                                proxy: FaultyProxy, drop_from: int) -> None:
    url = feeds.serve("/k.xml", rss("Kill", [(f"K {n}", u) for n, u in enumerate(LINKS, 1)]))
    gone = feeds.serve("/gone.xml", rss("Gone", [("G", "https://gone.example.org/1")]))
    a = device("a", server=proxy.url("/api/greader.php"))
    a.add([url], lists=["Teaching"])
    a.add([gone], lists=["Teaching"])
    a.sync()
    a.save(LINKS[0], fetch_new=False)
    a.mark_read(LINKS[1])
    a.tag(LINKS[2], ["later"])
    a.edit_list("Teaching", new_name="School")
    a.remove_source(gone)
    proxy.drop_from = proxy.count + drop_from
    with pytest.raises(SyncError) as failed:
        a.sync()
    assert failed.value.reason == "unreachable"
    assert a.sync_status().waiting >= 1 or drop_from > 7
    proxy.drop_from = None
    print(a.sync(), proxy.paths)
    assert a.sync_status().waiting == 0
    assert other.state(LINKS[0]) == (False, True)
    assert other.state(LINKS[1]) == (True, False)
    assert "user/-/label/later" in other.items()[LINKS[2]]["categories"]
    assert other.folder_of(url) == "School"
    assert gone not in other.subscriptions()
    assert a.get_link(LINKS[0]).saved and a.get_link(LINKS[1]).read


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_server_is_waited_for_as_it_asks(device: Device, proxy: FaultyProxy,
                                                status: int) -> None:
    a = device("a", server=proxy.url("/api/greader.php"))
    proxy.busy, proxy.busy_status = 1, status
    started = time.monotonic()
    report = a.sync()
    assert time.monotonic() - started >= 1.0
    assert report.requests >= 2


def test_a_wrong_password_names_the_server(device: Device, freshrss: FreshRSS, tmp_path: Path) -> None:
    a = device("a")
    assert a.check_sync_server() is None  # what `pln doctor` calls: answers, takes the password
    path = a.settings.settings_path
    path.write_text(path.read_text().replace(freshrss.api_password, "wrong"))
    a.settings = load_settings(a.settings.home)
    with pytest.raises(SyncError) as failed:
        a.sync()
    assert failed.value.reason == "auth"
    assert "127.0.0.1" in str(failed.value) and "refused the password" in str(failed.value)
    assert "wrong" not in str(failed.value)
    assert a.check_sync_server() == str(failed.value)


def test_offline_changes_wait_and_nothing_fails(device: Device, feeds: FeedServer) -> None:
    url = feeds.serve("/o.xml", rss("Off", [("O", "https://off.example.org/1")]))
    a = device("a", server="http://127.0.0.1:9/api/greader.php")
    a.add([url], lists=["Teaching"])
    a.save("https://off.example.org/1", fetch_new=False)
    a.mark_read("https://off.example.org/1")
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(a.settings.home), "sync"])
    assert result.exit_code == 1
    assert "sync: server unreachable, 3 changes waiting" in result.stderr


def pln(home: Path, *args: str, env: dict[str, str] | None = None, ok: bool = True):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--home", str(home), *args], env=env, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, (result.output, result.stderr)
    return result


def test_setup_finds_the_api_under_the_root_and_keeps_the_password_private(
        freshrss: FreshRSS, other: OtherClient, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(FAST_SETTINGS)
    out = pln(home, "sync", "setup", freshrss.url, "--user", freshrss.user,
              env={"PLN_SYNC_PASSWORD": freshrss.api_password})
    assert f"found the Google Reader API at {freshrss.api_url}" in out.output
    settings_file = home / "settings.toml"
    assert stat.S_IMODE(os.stat(settings_file).st_mode) == 0o600
    assert "[fetch]" in settings_file.read_text()  # the rest of the file is kept
    status = pln(home, "sync", "status")
    assert freshrss.api_url in status.output and "changes waiting: 0" in status.output
    assert freshrss.api_password not in status.output
    first = pln(home, "sync")
    assert first.output.startswith("sync: ")
    assert freshrss.api_password not in first.output + first.stderr
    # a settings file others can read is refused while it holds the password
    settings_file.chmod(0o644)
    with pytest.raises(ConfigError, match="sync password"):
        load_settings(home)
    settings_file.chmod(0o600)
    pln(home, "sync", "off")
    assert "password" not in settings_file.read_text()
    assert "not set up" in pln(home, "sync", "status", ok=False).stderr


def test_setup_says_what_it_tried_when_nothing_answers(feeds: FeedServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = pln(home, "sync", "setup", feeds.base, "--user", "me", env={"PLN_SYNC_PASSWORD": "pw"},
                 ok=False)
    assert result.exit_code == 1
    assert "answers like a Google Reader API" in result.stderr
    assert f"{feeds.base}/api/greader.php/accounts/ClientLogin" in result.stderr
    assert "pw" not in result.stderr.replace("pln", "")
    assert not (home / "settings.toml").exists()


def test_setup_with_a_wrong_password_says_it_was_refused(freshrss: FreshRSS, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = pln(home, "sync", "setup", freshrss.api_url, "--user", freshrss.user,
                 env={"PLN_SYNC_PASSWORD": "not-it"}, ok=False)
    assert "refused the password" in result.stderr and "not-it" not in result.stderr


def test_added_then_removed_is_not_brought_back(device: Device, feeds: FeedServer,
                                                other: OtherClient, proxy: FaultyProxy) -> None:
    one = feeds.serve("/once.xml", rss("Once", [("O", "https://once.example.org/1")]))
    two = feeds.serve("/twice.xml", rss("Twice", [("T", "https://twice.example.org/1")]))
    a = device("a", server=proxy.url("/api/greader.php"))
    a.add([one], lists=["Teaching"])
    a.remove_source(one)  # before any sync
    a.add([two], lists=["Teaching"])
    # the subscribe reaches the server, then the connection goes before its id is seen
    proxy.before["subscription/edit"] = lambda: setattr(proxy, "drop_from", proxy.count + 1)
    with pytest.raises(SyncError):
        a.sync()
    assert set(other.subscriptions()) == {two}
    a.remove_source(two)
    proxy.drop_from = None
    a.sync()
    assert other.subscriptions() == {}
    assert a.sources() == []
    a.sync()
    assert a.sources() == []


def test_setup_asks_for_the_password_without_echoing_it(freshrss: FreshRSS, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = CliRunner().invoke(cli, ["--home", str(home), "sync", "setup", freshrss.url, "--user",
                                      freshrss.user], input=freshrss.api_password + "\n",
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert freshrss.api_password not in result.output + result.stderr
    assert "found the Google Reader API" in result.output
    assert load_settings(home).sync.password == freshrss.api_password


def test_the_real_server_killed_mid_sync_loses_nothing(tmp_path: Path, feeds: FeedServer) -> None:
    """A FreshRSS of its own, killed (SIGKILL) in the middle of a sync, then started again."""
    import json as json_
    import signal
    import socket
    import subprocess

    from pln_reader.library.facade import open_library

    from .conftest import START, FaultyProxy, OtherClient

    where = tmp_path / "own-freshrss"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def start() -> FreshRSS:
        done = subprocess.run(["bash", str(START.resolve()), str(where), str(port)], check=False,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.fail(f"FreshRSS did not start: {done.stderr[-300:]}")
        info = json_.loads(done.stdout.strip().splitlines()[-1])
        return FreshRSS(info["url"], info["api_url"], info["user"], info["api_password"],
                        info["root"], int(info["pid"]))

    server = start()
    proxy = FaultyProxy(server.url)
    proxy.start()
    links = [f"https://killed.example.org/{n}" for n in range(1, 4)]
    url = feeds.serve("/killed.xml", rss("Killed", [(f"K {n}", u) for n, u in enumerate(links, 1)]))
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(
        FAST_SETTINGS + f'[sync]\nserver = "{proxy.url("/api/greader.php")}"\nuser = "{server.user}"'
        f'\npassword = "{server.api_password}"\n')
    (home / "settings.toml").chmod(0o600)
    try:
        with open_library(home, settings=load_settings(home)) as a:
            a.add([url], lists=["Teaching"])
            a.sync()
            for link in links:
                a.save(link, fetch_new=False)
            a.mark_read(links[0])
            pid = server.pid
            proxy.before["edit-tag"] = lambda: os.kill(pid, signal.SIGKILL)
            with pytest.raises(SyncError) as failed:
                a.sync()
            assert failed.value.reason == "unreachable"
            assert a.sync_status().waiting == 4  # the batch the server died on is still waiting
            server = start()
            a.sync()
            assert a.sync_status().waiting == 0
            other = OtherClient(server)
            assert [other.state(link) for link in links] == [(True, True), (False, True), (False, True)]
            assert all(a.get_link(link).saved for link in links)
    finally:
        proxy.stop()
        try:
            os.kill(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_the_password_and_token_are_never_stored_or_logged(
        device: Device, feeds: FeedServer, other: OtherClient, freshrss: FreshRSS,
        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    url = feeds.serve("/secret.xml", rss("Secret", [("S", "https://secret.example.org/1")]))
    a = device("a")
    a.add([url], lists=["Teaching"])
    a.save("https://secret.example.org/1", fetch_new=False)
    with caplog.at_level(logging.DEBUG):
        a.sync()
        a.sync()
    token = other.http.headers["Authorization"].split("auth=", 1)[1]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in logged and freshrss.api_password not in logged
    home = a.settings.home
    stored = b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("pln.db"))
    assert token.encode() not in stored and freshrss.api_password.encode() not in stored
    assert token not in (home / "settings.toml").read_text()
