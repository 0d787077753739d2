"""The pure parts of `pln doctor`: thresholds, tool lookup, host grouping, and how results are
cleaned, kept free of secrets and isolated from a check that breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_reader.library.doctor import (
    DISK_FAIL_BYTES,
    DISK_WARN_BYTES,
    CheckResult,
    Context,
    check_data_directory,
    check_editor,
    check_media_player,
    check_settings,
    disk_status,
    distinct_hosts,
    run_checks,
)

MB = 1024 * 1024


def test_disk_thresholds() -> None:
    assert DISK_WARN_BYTES == 500 * MB and DISK_FAIL_BYTES == 50 * MB
    assert disk_status(0) == "fail"
    assert disk_status(50 * MB - 1) == "fail"
    assert disk_status(50 * MB) == "warn"
    assert disk_status(500 * MB - 1) == "warn"
    assert disk_status(500 * MB) == "ok"


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    for name in ("code", "vlc", "vim"):
        (path / name).write_text("#!/bin/sh\n")
        (path / name).chmod(0o755)
    return path


def test_editor_visual_first_with_arguments(tmp_path: Path, bin_dir: Path) -> None:
    ctx = Context(tmp_path, env={"PATH": str(bin_dir), "VISUAL": "code --wait", "EDITOR": "nano"})
    assert check_editor(ctx) == CheckResult("editor", "ok", f"code ($VISUAL, {bin_dir / 'code'})")
    unset = check_editor(Context(tmp_path, env={"PATH": str(bin_dir)}))
    assert unset.status == "warn" and "falls back to vim" in unset.message
    missing = check_editor(Context(tmp_path, env={"PATH": str(bin_dir), "EDITOR": "nano"}))
    assert missing.status == "warn" and missing.fix


def test_media_player_in_preference_order(tmp_path: Path, bin_dir: Path) -> None:
    found = check_media_player(Context(tmp_path, env={"PATH": str(bin_dir)}))
    assert found.message == f"vlc ({bin_dir / 'vlc'})"
    assert check_media_player(Context(tmp_path, env={"PATH": str(tmp_path)})).status == "warn"


def test_distinct_hosts_most_sources_first() -> None:
    urls = ["https://a.example/1", "https://b.example/1", "https://b.example/2", "http://a.example:8080/x"]
    hosts = distinct_hosts(urls, lambda u: u.split("/")[2])
    assert hosts == [("b.example", "https://b.example/1"), ("a.example", "https://a.example/1"),
                     ("a.example:8080", "http://a.example:8080/x")]


def test_settings_from_the_environment_are_checked_too(tmp_path: Path) -> None:
    result = check_settings(Context(tmp_path, env={"PLN_READER_FETCH_MAX_REDIRECTS": "many"}))
    assert result.status == "fail" and "fetch.max_redirects" in result.message


def test_results_are_cleaned_secret_free_and_a_broken_check_is_one_fail(tmp_path: Path) -> None:
    def loud(ctx: Context) -> CheckResult:
        return CheckResult("name\x1b[31m", "warn", "host says \x1b]0;pwned\x07hi\nthere", "fix \u202eit")

    def leaky(ctx: Context) -> list[CheckResult]:
        return [CheckResult("leak", "ok", f"token is {ctx.env['PLN_MASTODON_TOKEN']}")]

    def broken(ctx: Context) -> CheckResult:
        raise RuntimeError("boom")

    def silent(ctx: Context) -> None:
        return None

    results = run_checks(tmp_path, env={"PLN_MASTODON_TOKEN": "abcd-1234-secret"},
                         checks=[loud, leaky, broken, silent])
    assert results == [
        CheckResult("name", "warn", "host says hi there", "fix it"),
        CheckResult("leak", "ok", "token is [hidden]"),
        CheckResult("broken", "fail", "the check itself failed: RuntimeError: boom",
                    "please report this, with the output of `pln doctor`"),
    ]


def test_a_data_directory_everyone_may_write_to_is_a_warning(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o777)
    result = check_data_directory(Context(home, env={}))
    assert result.status == "warn" and "mode 777" in result.message
    assert result.fix == f"run `chmod o-w {home}`"


def test_a_readable_secret_is_reported_with_the_other_problem(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('[social]\nmastodon_token = "abcd-1234-secret"\n[fetch]\nread_timeout = "slow"\n')
    settings.chmod(0o640)
    result = check_settings(Context(tmp_path, env={}))
    assert result.status == "fail"
    assert result.message.startswith(f"{settings} holds a secret (social.mastodon_token) but others "
                                     "can read it (mode 640); also setting fetch.read_timeout")
    assert f"chmod 600 {settings}" in str(result.fix)
