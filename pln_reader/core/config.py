"""Settings: defaults in code, overridden by ``settings.toml`` in the home, then by env.

Precedence (highest first): explicit ``--home`` / keyword arguments, environment variables,
the settings file, the defaults below. Every key is documented in ``config/settings.example.toml``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

APP_NAME = "pln_reader"
SETTINGS_FILE = "settings.toml"
DB_FILE = "pln.db"
ENV_HOME = "PLN_READER_HOME"
ENV_PREFIX = "PLN_READER_"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_body_mb: float = 10.0
    max_redirects: int = 5
    allow_private_redirects: bool = False
    """Follow a redirect from a public address to a private, loopback or link-local one."""
    user_agent: str = "pln_reader/0.1 (+https://github.com/pln-reader/pln_reader)"


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    concurrency: int = 128
    per_host: int = 8
    per_host_max: int = 16
    """Requests at once to a host with at least 20 feeds due in a run, answering fast (median
    under 200 ms) and sending no 429 or 503 in it; set it to ``per_host`` to keep that fixed."""
    interval_minutes: int = 60
    backoff_cap_hours: float = 24.0
    workers: int = 0
    """Processes that fetch and parse in a big refresh; 0 means one per CPU core."""


@dataclass(frozen=True, slots=True)
class QueueSettings:
    stale_days: int = 14
    """A saved link still unread after this many days is flagged as stale."""


@dataclass(frozen=True, slots=True)
class SocialSettings:
    bluesky_appview: str = "https://public.api.bsky.app"
    """The Bluesky AppView answering public list and author feeds (env PLN_BLUESKY_APPVIEW)."""
    bluesky_handle: str = ""
    """Your own Bluesky handle, for `pln shares sync`."""
    mastodon_account: str = ""
    """Your own Mastodon account (``@you@instance.example``), for `pln shares sync`."""
    mastodon_token: str = field(default="", repr=False)
    """Access token with scope read (env PLN_MASTODON_TOKEN); never printed or exported. It is
    sent only to the instance of ``mastodon_account`` (or ``mastodon_instance``)."""
    mastodon_instance: str = ""
    """The instance the token belongs to, when ``mastodon_account`` is not set."""
    lookback_days: int = 7
    """How far back the first refresh of a new social source (and a share sync) reaches."""
    max_pages: int = 10
    """Most pages one refresh asks a social API for."""
    page_size: int = 40
    """Posts asked for per page (Mastodon allows up to 40, Bluesky up to 100)."""
    shortener_hosts: str = "t.co,bit.ly,buff.ly,ow.ly,lnkd.in,tinyurl.com,dlvr.it,trib.al"
    """Hosts whose links are short links, resolved once (HEAD, following redirects)."""


@dataclass(frozen=True, slots=True)
class VaultSettings:
    dir: str = ""
    """The Markdown vault's folder (``~`` and paths relative to the home allowed): notes,
    highlights and shares are written there after each change. Empty: only `pln export vault`."""


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """The context of each share channel on the practice map: professional, personal or both."""

    mastodon: str = "both"
    bluesky: str = "both"
    linkedin: str = "professional"
    twitter: str = "both"
    threads: str = "both"
    blog: str = "both"
    email: str = "professional"
    team: str = "professional"
    meeting: str = "professional"
    other: str = "both"

    @property
    def professional(self) -> tuple[str, ...]:
        """The channels whose context is professional."""
        return tuple(name for name in self.__dataclass_fields__ if getattr(self, name) == "professional")


@dataclass(frozen=True, slots=True)
class BackupSettings:
    keep: int = 7
    """Automatic backups kept in the data directory's backups/ (one a day at most, and one before
    every migration); 0 turns them off."""


@dataclass(frozen=True, slots=True)
class UISettings:
    theme: str = "auto"
    """A Textual theme name, or ``auto``: the terminal's own colours (ansi-light on a light
    background as told by COLORFGBG, else ansi-dark)."""


@dataclass(frozen=True, slots=True)
class MediaSettings:
    player: str = ""
    """The program that plays episodes and videos, with its options (``mpv --no-video``,
    ``vlc --play-and-exit``); the URL is added as one more argument, never through a shell.
    Empty: the first of mpv, vlc found on PATH, else the browser."""


@dataclass(frozen=True, slots=True)
class LearnedSettings:
    """`pln learned` and the UI's weekly list (each overridden by the command's options)."""

    style: str = "post"
    """``post``: the list to paste (nothing private); ``report``: everything, with the figures."""
    intro: str = ""
    """A paragraph (Markdown) under the post's title, e.g. "Here are some of the things I learned"."""
    include: str = ""
    """``read``: a post also lists links read without a note or a share."""
    template: str = ""
    """Your own template file (its name says its format: ``week.md.j2``, ``week.html.j2``,
    ``week.atom.j2``), used instead of the built-in one for that format; ``~`` and paths
    relative to the home are allowed."""
    output: str = ""
    """Where the UI writes the weekly list: ``{week}`` and ``{ext}`` are filled in, a relative
    path is in the home (default: ``exports/learned-{week}.{ext}``)."""
    format: str = "md"
    """The format the UI writes: md, html or atom."""


@dataclass(frozen=True, slots=True)
class StoriesSettings:
    """One row per story: links from different sources with near-duplicate titles."""

    similarity: float = 0.8
    """Word-set (Jaccard) similarity of cleaned titles at or above which two links are one story."""
    window_days: float = 3.0
    """Versions of one story are published at most this many days apart."""


@dataclass(frozen=True, slots=True)
class SyncSettings:
    server: str = ""
    """The Google Reader API base (FreshRSS: ``https://host/api/greader.php``); empty: sync off."""
    user: str = ""
    password: str = field(default="", repr=False)
    """The API password (env PLN_SYNC_PASSWORD); never printed, logged or sent elsewhere."""
    interval_minutes: int = 10
    """How often the UI syncs while it is open."""
    fetch: str = "server"
    """``server``: `pln refresh` takes the synced feeds' entries from the server and fetches
    only the rest itself; ``local``: it fetches every source itself (only state syncs)."""
    direct_after_days: int = 7
    """With ``fetch = "server"``, a synced feed from which the server has delivered nothing for
    this many days is fetched directly too, at its own interval, until the server delivers
    again (the Google Reader API does not say which feeds fail on the server)."""

    @property
    def enabled(self) -> bool:
        return bool(self.server and self.user)


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    fetch: FetchSettings = field(default_factory=FetchSettings)
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    ui: UISettings = field(default_factory=UISettings)
    social: SocialSettings = field(default_factory=SocialSettings)
    learned: LearnedSettings = field(default_factory=LearnedSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    vault: VaultSettings = field(default_factory=VaultSettings)
    channels: ChannelSettings = field(default_factory=ChannelSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    stories: StoriesSettings = field(default_factory=StoriesSettings)
    keys: Mapping[str, str] = field(default_factory=dict)
    """UI key bindings changed by the user: binding id -> keys (``"j,down"``); checked by the UI."""

    @property
    def db_path(self) -> Path:
        return self.home / DB_FILE

    @property
    def settings_path(self) -> Path:
        return self.home / SETTINGS_FILE

    @property
    def backup_dir(self) -> Path:
        return self.home / "backups"

    def secrets(self) -> tuple[str, ...]:
        """Every secret the settings hold, for :func:`pln_reader.core.secrets.scrub`."""
        return tuple(s for s in (self.social.mastodon_token, self.sync.password) if s)


_SECTIONS: dict[str, type] = {"fetch": FetchSettings, "refresh": RefreshSettings, "queue": QueueSettings,
                              "ui": UISettings, "social": SocialSettings, "learned": LearnedSettings,
                              "backup": BackupSettings, "sync": SyncSettings,
                              "vault": VaultSettings, "channels": ChannelSettings,
                              "media": MediaSettings,
                              "stories": StoriesSettings}

_CHOICES = {("learned", "style"): ("post", "report"), ("learned", "include"): ("", "read"),
            ("learned", "format"): ("md", "html", "atom"), ("sync", "fetch"): ("server", "local"),
            **{("channels", f.name): ("professional", "personal", "both")
               for f in dataclasses.fields(ChannelSettings)}}

# Names the social features document (besides the PLN_READER_SOCIAL_* form).
_SOCIAL_ENV = {"PLN_BLUESKY_APPVIEW": "bluesky_appview", "PLN_MASTODON_TOKEN": "mastodon_token"}
_SYNC_ENV = {"PLN_SYNC_PASSWORD": "password"}
# Keys whose values are secrets: never shown in an error, and a file holding one must be private.
_SECRETS = {("social", "mastodon_token"): "a Mastodon token", ("sync", "password"): "a sync password"}


def default_home() -> Path:
    """``PLN_READER_HOME`` if set, else the platform's user data directory."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}

# Allowed ranges of numeric settings (both ends included); other numbers: 0 to _MAX_NUMBER.
_RANGES: dict[str, tuple[float, float]] = {
    "fetch.connect_timeout": (0.1, 600), "fetch.read_timeout": (0.1, 3600),
    "fetch.max_body_mb": (0.01, 1024), "fetch.max_redirects": (0, 50),
    "refresh.concurrency": (1, 1024), "refresh.per_host": (1, 256),
    "refresh.per_host_max": (1, 256),
    "refresh.interval_minutes": (1, 525_600), "refresh.backoff_cap_hours": (0.1, 8760),
    "refresh.workers": (0, 256),
    "queue.stale_days": (1, 3650), "backup.keep": (0, 1000), "sync.interval_minutes": (1, 10_080),
    "sync.direct_after_days": (1, 3650),
    "stories.similarity": (0.5, 1.0), "stories.window_days": (0, 30),
    "social.lookback_days": (1, 3650), "social.max_pages": (1, 1000), "social.page_size": (1, 100),
}
_MAX_NUMBER = 1_000_000_000


def _coerce(section: str, key: str, value: Any, target: Any) -> Any:
    where = f"{section}.{key}"
    kind = type(target)
    wanted = _KIND_NAMES.get(kind, kind.__name__)
    if isinstance(value, str) and kind is not str:
        try:
            value = kind(value)
        except ValueError:
            raise ConfigError(f"setting {where}: expected {wanted}, got {value!r}") from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) != isinstance(target, bool):
        secret = "token" in key or "password" in key
        shown = "a value of another kind (not shown: it may be a secret)" if secret else repr(value)
        raise ConfigError(f"setting {where}: expected {wanted}, got {shown}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = _RANGES.get(where, (0, _MAX_NUMBER))
        if not math.isfinite(value) or not low <= value <= high:
            def num(x: float) -> str:
                return f"{x:g}" if isinstance(x, float) else str(x)
            raise ConfigError(f"setting {where}: must be between {num(low)} and {num(high)}, got {value!r}")
    choices = _CHOICES.get((section, key))
    if choices is not None and value not in choices:
        shown = ", ".join(repr(c) for c in choices if c) + (" or empty" if "" in choices else "")
        raise ConfigError(f"setting {where}: expected one of {shown}, got {value!r}")
    return value


def _apply(section: str, base: Any, values: Mapping[str, Any]) -> Any:
    known = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting {section}.{key} (known: {', '.join(sorted(known))})")
        changes[key] = _coerce(section, key, value, known[key])
    return dataclasses.replace(base, **changes)


def load_settings(home: Path | str | None = None, *, env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings for ``home`` (default: :func:`default_home`)."""
    env = os.environ if env is None else env
    home_path = Path(home).expanduser() if home is not None else default_home()
    data: dict[str, Any] = {}
    settings_file = home_path / SETTINGS_FILE
    if settings_file.is_file():
        try:
            data = tomllib.loads(settings_file.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{settings_file}: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{settings_file}: cannot be read ({exc.strerror or exc})") from None
    try:
        return _load(home_path, settings_file, data, env)
    except ConfigError as exc:
        if data and not str(exc).startswith(str(settings_file)):
            raise ConfigError(f"{settings_file}: {exc}") from None
        raise


def _load(home_path: Path, settings_file: Path, data: dict[str, Any], env: Mapping[str, str]) -> Settings:
    for name, value in data.items():
        if name not in _SECTIONS and name != "keys":
            known = ", ".join([*_SECTIONS, "keys"])
            raise ConfigError(f"unknown section [{name}] (known: {known})")
        if not isinstance(value, dict):
            raise ConfigError(f"[{name}] must be a section of settings (a table such as [{name}] "
                              f"followed by key = value lines), not {type(value).__name__}")
    keys = dict(data.get("keys", {}))
    for action, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"setting keys.{action}: expected keys such as \"j,down\", got {value!r}")
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        values = dict(data.get(name, {}))
        prefix = f"{ENV_PREFIX}{name.upper()}_"
        for key, value in env.items():
            if key.startswith(prefix):
                values[key[len(prefix) :].lower()] = value
        if name == "social":
            values.update({field_: env[var] for var, field_ in _SOCIAL_ENV.items() if env.get(var)})
        if name == "sync":
            values.update({field_: env[var] for var, field_ in _SYNC_ENV.items() if env.get(var)})
        sections[name] = _apply(name, cls(), values)
    for (section, key), what in _SECRETS.items():
        if data.get(section, {}).get(key):
            _check_private(settings_file, what, section, key)
    return Settings(home=home_path, keys=keys, **sections)


_SECRET_ENV = {("social", "mastodon_token"): "PLN_MASTODON_TOKEN", ("sync", "password"): "PLN_SYNC_PASSWORD"}


def _check_private(path: Path, what: str, section: str, key: str) -> None:
    """A file holding a secret must be readable by its owner only."""
    problem = private_file_problem(path, what, _SECRET_ENV[(section, key)])
    if problem:
        raise ConfigError(problem)


def private_file_problem(path: Path, what: str = "a Mastodon token",
                         env: str = "PLN_MASTODON_TOKEN") -> str | None:
    """Why ``path``, which holds a secret, is not private enough (None when it is private)."""
    if os.name != "posix":
        return None
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return (f"{path} holds {what} but others can read it (mode {mode:o}): "
                f"run `chmod 600 {path}`, or set {env} instead")
    return None


def _toml_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _without_section(text: str, section: str) -> list[str]:
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        header = line.strip()
        if header.startswith("[") and not header.startswith("[["):
            inside = header.split("#", 1)[0].strip() == f"[{section}]"
        if not inside:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def write_sync_settings(home: Path, *, server: str, user: str, password: str) -> Path:
    """Write the ``[sync]`` section of ``settings.toml`` (the rest kept), as a file only its
    owner can read: it holds the password."""
    from .files import write_atomically

    path = home / SETTINGS_FILE
    text = path.read_text("utf-8") if path.is_file() else ""
    lines = _without_section(text, "sync")
    kept = _sync_choices(text)
    if lines:
        lines.append("")
    lines += ["[sync]", f"server = {_toml_string(server)}", f"user = {_toml_string(user)}", *kept]
    if password:
        lines.append(f"password = {_toml_string(password)}")
    home.mkdir(parents=True, exist_ok=True)
    write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8"), mode=0o600)
    return path


_SYNC_CHOICES = ("fetch", "interval_minutes", "direct_after_days")


def _sync_choices(text: str) -> list[str]:
    """The ``[sync]`` lines a new setup keeps (``fetch``, ``interval_minutes``,
    ``direct_after_days``): the user's choices, not the account."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        header = line.strip()
        if header.startswith("[") and not header.startswith("[["):
            inside = header.split("#", 1)[0].strip() == "[sync]"
        elif inside and header.split("=", 1)[0].strip() in _SYNC_CHOICES:
            kept.append(header)
    return kept


def remove_sync_settings(home: Path) -> None:
    """Drop the ``[sync]`` section (server, user, password) from ``settings.toml``."""
    from .files import write_atomically

    path = home / SETTINGS_FILE
    if not path.is_file():
        return
    lines = _without_section(path.read_text("utf-8"), "sync")
    mode = path.stat().st_mode & 0o777
    write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8") if lines else b"", mode=mode)
