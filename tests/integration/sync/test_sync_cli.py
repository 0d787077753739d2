"""The whole loop through the `pln` command line: two homes, one real FreshRSS."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from pln_reader.cli.main import cli
from tests.integration.conftest import FAST_SETTINGS
from tests.integration.server import FeedServer

from .conftest import FreshRSS, OtherClient, rss


def test_two_homes_through_the_cli(freshrss: FreshRSS, other: OtherClient, feeds: FeedServer,
                                   tmp_path: Path) -> None:
    url = feeds.serve("/cli.xml", rss("CLI feed", [("One", "https://cli.example.org/1"),
                                                   ("Two", "https://cli.example.org/2")]))
    env = {"PLN_SYNC_PASSWORD": freshrss.api_password}
    homes = {}
    for name in ("a", "b"):
        home = tmp_path / name
        home.mkdir()
        (home / "settings.toml").write_text(FAST_SETTINGS)
        homes[name] = home

    def pln(device: str, *args: str) -> Result:
        result = CliRunner().invoke(cli, ["--home", str(homes[device]), *args], env=env,
                                    catch_exceptions=False)
        assert result.exit_code == 0, (result.output, result.stderr)
        return result

    for name in homes:
        pln(name, "sync", "setup", freshrss.api_url, "--user", freshrss.user)
    pln("a", "list", "create", "Teaching")
    pln("a", "list", "create", "Assessment", "--parent", "Teaching")
    pln("a", "add", url, "--list", "Assessment")
    pln("a", "save", "https://cli.example.org/1")
    assert "changes waiting: 2" in pln("a", "sync", "status").output
    report = json.loads(pln("a", "sync", "--json").output)
    assert report["waiting"] == 0 and report["pushed"] == 2
    pln("b", "sync")
    lists = {t["name"]: t for t in json.loads(pln("b", "lists", "--json").output)}
    assert lists["Assessment"]["parent_id"] == lists["Teaching"]["id"]
    saved = json.loads(pln("b", "links", "--saved", "--json").output)
    assert [link["url"] for link in saved] == ["https://cli.example.org/1"]
    # take the nested list to the top on B: A follows
    pln("b", "list", "edit", "Assessment", "--parent", "")
    pln("b", "sync")
    assert other.folder_of(url) == "Assessment"
    pln("a", "sync")
    lists = {t["name"]: t for t in json.loads(pln("a", "lists", "--json").output)}
    assert lists["Assessment"]["parent_id"] is None


def test_doctor_checks_the_sync_server(freshrss: FreshRSS, tmp_path: Path) -> None:
    home = tmp_path / "doctor"
    home.mkdir()
    settings = home / "settings.toml"

    def doctor(password: str, *args: str) -> Result:
        settings.write_text(FAST_SETTINGS + f'[sync]\nserver = "{freshrss.api_url}"\n'
                            f'user = "{freshrss.user}"\npassword = "{password}"\n')
        settings.chmod(0o600)
        return CliRunner().invoke(cli, ["--home", str(home), "doctor", "--json", *args])

    good = json.loads(doctor(freshrss.api_password).output)
    [check] = [c for c in good if c["check"] == "sync server"]
    assert check["status"] == "ok" and "takes the password" in check["message"]
    bad = doctor("not-the-password")
    [check] = [c for c in json.loads(bad.output) if c["check"] == "sync server"]
    assert bad.exit_code == 1 and check["status"] == "fail" and "password" in check["message"]
    assert "not-the-password" not in bad.output and freshrss.api_password not in bad.output
    offline = json.loads(doctor("not-the-password", "--offline").output)
    assert [c["status"] for c in offline if c["check"] == "sync server"] == ["ok"]
