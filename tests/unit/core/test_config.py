from __future__ import annotations

import os
from pathlib import Path

import pytest

from pln_reader.core.config import default_home, load_settings
from pln_reader.core.errors import ConfigError


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert settings.home == tmp_path
    assert settings.db_path == tmp_path / "pln.db"
    assert settings.refresh.concurrency == 128
    assert settings.fetch.max_redirects == 5


def test_file_then_env_override(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("[refresh]\nconcurrency = 4\nper_host = 2\n[fetch]\nread_timeout = 5\n")
    settings = load_settings(tmp_path, env={"PLN_READER_REFRESH_CONCURRENCY": "9"})
    assert settings.refresh.concurrency == 9  # env wins over the file
    assert settings.refresh.per_host == 2
    assert settings.fetch.read_timeout == 5.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[refresh]\nconcurrency = 'many'\n", "refresh.concurrency"),
        ("[refresh]\nthreads = 3\n", "unknown setting refresh.threads"),
        ("[nope]\n", "unknown section [nope]"),
        ("[refresh\n", "settings.toml"),
        ("[refresh]\ninterval_minutes = -1\n", "must be between 1 and 525600, got -1"),
        # each of these crashed on load or on the first refresh
        ("[[refresh]]\ninterval_minutes = 5\n", "[refresh] must be a section of settings"),
        ("refresh = 5\n", "[refresh] must be a section of settings"),
        ("keys = 'j'\n", "[keys] must be a section of settings"),
        ("[fetch]\nmax_body_mb = nan\n", "fetch.max_body_mb: must be between 0.01 and 1024, got nan"),
        ("[fetch]\nmax_body_mb = inf\n", "fetch.max_body_mb: must be between 0.01 and 1024, got inf"),
        ("[refresh]\ninterval_minutes = 99999999999999999\n", "refresh.interval_minutes: must be between"),
        ("[fetch]\nmax_redirects = 100000\n", "fetch.max_redirects: must be between 0 and 50"),
        ("[queue]\nstale_days = 1e400\n", "queue.stale_days"),
    ],
)
def test_bad_settings_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "settings.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")) as caught:
        load_settings(tmp_path, env={})
    # one line that names the file
    assert str(caught.value).startswith(str(tmp_path / "settings.toml")) and "\n" not in str(caught.value)


def test_a_bad_value_from_the_environment_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="refresh.interval_minutes: must be between 1 and 525600"):
        load_settings(tmp_path, env={"PLN_READER_REFRESH_INTERVAL_MINUTES": "0"})


def test_home_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLN_READER_HOME", str(tmp_path / "x"))
    assert default_home() == tmp_path / "x"


def test_home_defaults_to_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLN_READER_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_home() == tmp_path / "pln_reader"


def test_example_settings_file_is_valid_and_matches_defaults(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[3] / "config" / "settings.example.toml"
    (tmp_path / "settings.toml").write_bytes(example.read_bytes())
    assert load_settings(tmp_path, env={}) == load_settings(tmp_path / "empty", env={}).__class__(
        home=tmp_path
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_unreadable_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[fetch]\n")
    path.chmod(0)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(tmp_path, env={})


def test_sync_settings_keep_the_password_private(tmp_path: Path) -> None:
    import os
    import stat

    from pln_reader.core.config import remove_sync_settings, write_sync_settings

    (tmp_path / "settings.toml").write_text('[ui]\ntheme = "nord"\n')
    write_sync_settings(tmp_path, server="https://rss.example.org/api/greader.php", user="sam",
                        password='se"cret\\pw')
    assert stat.S_IMODE(os.stat(tmp_path / "settings.toml").st_mode) == 0o600
    settings = load_settings(tmp_path, env={})
    assert settings.sync.password == 'se"cret\\pw' and settings.ui.theme == "nord"
    assert settings.sync.enabled and settings.sync.interval_minutes == 10
    assert "secret" not in repr(settings) and "se\"cret" not in repr(settings)
    (tmp_path / "settings.toml").chmod(0o640)
    with pytest.raises(ConfigError, match="sync password.*PLN_SYNC_PASSWORD"):
        load_settings(tmp_path, env={})
    remove_sync_settings(tmp_path)
    settings = load_settings(tmp_path, env={})
    assert not settings.sync.enabled and settings.ui.theme == "nord"


def test_sync_password_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('[sync]\nserver = "https://r.example.org"\nuser = "u"\n')
    (tmp_path / "settings.toml").chmod(0o644)  # no secret in the file: any mode will do
    settings = load_settings(tmp_path, env={"PLN_SYNC_PASSWORD": "from-env"})
    assert settings.sync.password == "from-env"


def test_a_bad_sync_password_value_is_not_shown(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("[sync]\npassword = 12345\n")
    (tmp_path / "settings.toml").chmod(0o600)
    with pytest.raises(ConfigError) as failed:
        load_settings(tmp_path, env={})
    assert "12345" not in str(failed.value)


def test_sync_fetch_is_server_or_local_and_survives_a_new_setup(tmp_path: Path) -> None:
    from pln_reader.core.config import write_sync_settings

    assert load_settings(tmp_path, env={}).sync.fetch == "server"
    (tmp_path / "settings.toml").write_text('[sync]\nfetch = "nearby"\n')
    with pytest.raises(ConfigError, match="sync.fetch.*'server' or 'local'|sync.fetch.*server"):
        load_settings(tmp_path, env={})
    (tmp_path / "settings.toml").write_text('[sync]\nserver = "https://old.example.org"\n'
                                            'user = "u"\nfetch = "local"\ndirect_after_days = 3\n')
    write_sync_settings(tmp_path, server="https://new.example.org", user="sam", password="pw")
    settings = load_settings(tmp_path, env={})
    assert (settings.sync.server, settings.sync.fetch) == ("https://new.example.org", "local")
    assert settings.sync.direct_after_days == 3
    (tmp_path / "settings.toml").write_text('[sync]\ndirect_after_days = 0\n')
    with pytest.raises(ConfigError, match="sync.direct_after_days: must be between 1 and 3650"):
        load_settings(tmp_path, env={})
