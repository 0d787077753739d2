"""`pln doctor`: the checks support would ask for, as typed results (ok / warn / fail, and a fix).

The checks never need :func:`~pln_reader.library.open_library` to succeed: they read the
settings file and the database themselves (the database read-only, so a corrupt or newer one is
reported and left as it is). A check that cannot do its work reports that as its result.

Each check is a small function of a :class:`Context` that returns one :class:`CheckResult` (or
several, or none); :data:`CHECKS` runs them in the order shown. Adding a check is a function and
one line in :data:`CHECKS`. Every message and fix is cleaned for the terminal (text comes from
settings, paths and servers) and has every secret of the settings or the environment hidden
(:func:`pln_reader.core.secrets.scrub`).
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..core.config import (
    DB_FILE,
    SETTINGS_FILE,
    Settings,
    default_home,
    load_settings,
    private_file_problem,
)
from ..core.errors import ConfigError
from ..core.secrets import scrub
from ..core.text import clean_text

if TYPE_CHECKING:
    from ..store.health import DatabaseHealth

log = logging.getLogger("pln_reader")

Status = Literal["ok", "warn", "fail"]
STATUSES: tuple[Status, ...] = ("ok", "warn", "fail")

DISK_WARN_BYTES = 500 * 1024 * 1024
DISK_FAIL_BYTES = 50 * 1024 * 1024
CLICK_EDITOR_FALLBACKS = ("sensible-editor", "vim", "nano")
"""What click.edit (`pln note --edit`) tries when neither $VISUAL nor $EDITOR is set, then vi."""
MAX_HOSTS = 20
HOST_TIMEOUT_S = 3.0
HOST_CONCURRENCY = 8
SECRET_SETTINGS = (("social", "mastodon_token"), ("sync", "password"))
"""Settings that hold a secret, as (section, key): read from the file itself (it may not load) to
hide them and to name them when the file is not mode 600. Keep it in step with
``Settings.secrets()``."""
SECRET_ENV = ("PLN_MASTODON_TOKEN", "PLN_READER_SOCIAL_MASTODON_TOKEN", "PLN_SYNC_PASSWORD",
              "PLN_READER_SYNC_PASSWORD")
"""Environment variables that hold a secret (the PLN_READER_<SECTION>_<KEY> forms included)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of `pln doctor`: what was checked, how it stands, and what to do about it."""

    check: str
    status: Status
    message: str
    fix: str | None = None


def ok(check: str, message: str) -> CheckResult:
    return CheckResult(check, "ok", message)


def warn(check: str, message: str, fix: str) -> CheckResult:
    return CheckResult(check, "warn", message, fix)


def fail(check: str, message: str, fix: str) -> CheckResult:
    return CheckResult(check, "fail", message, fix)


class Context:
    """What the checks look at, each part loaded once and only when a check asks for it."""

    def __init__(self, home: Path, *, offline: bool = False, env: Mapping[str, str] | None = None):
        self.home = home
        self.offline = offline
        self.env: Mapping[str, str] = os.environ if env is None else env

    @property
    def settings_path(self) -> Path:
        return self.home / SETTINGS_FILE

    @property
    def db_path(self) -> Path:
        return self.home / DB_FILE

    @cached_property
    def loaded(self) -> tuple[Settings | None, str | None]:
        """The settings, or why they cannot be loaded."""
        try:
            return load_settings(self.home, env=self.env), None
        except ConfigError as exc:
            return None, str(exc)
        except OSError as exc:
            return None, f"{self.settings_path}: cannot be read ({exc.strerror or exc})"

    @property
    def settings(self) -> Settings:
        """The settings, or the defaults when they cannot be loaded (other checks still run)."""
        return self.loaded[0] or Settings(home=self.home)

    @cached_property
    def file_secrets(self) -> dict[str, str]:
        """The secrets written in the settings file (``section.key`` -> value), if it parses."""
        try:
            data = tomllib.loads(self.settings_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        found = {}
        for section, key in SECRET_SETTINGS:
            table = data.get(section)
            value = table.get(key) if isinstance(table, dict) else None
            if isinstance(value, str) and value:
                found[f"{section}.{key}"] = value
        return found

    @cached_property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be shown, whatever a message quotes."""
        found = {self.env.get(name, "") for name in SECRET_ENV} | set(self.file_secrets.values())
        settings = self.loaded[0]
        if settings is not None:
            found |= set(settings.secrets())
        return tuple(s for s in found if s)

    @cached_property
    def database(self) -> DatabaseHealth:
        from ..store.health import inspect_database

        return inspect_database(self.db_path)

    def which(self, command: str) -> str | None:
        return shutil.which(command, path=self.env.get("PATH", os.defpath))


CheckOutput = CheckResult | Iterable[CheckResult] | None
Check = Callable[[Context], CheckOutput]


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def _mode(path: Path) -> str:
    return f"{path.stat().st_mode & 0o777:o}"


# -- the checks, in the order they are shown --------------------------------------------------


def check_data_directory(ctx: Context) -> CheckResult:
    name, home = "data directory", ctx.home
    use_other = "or use another with --home DIR (or PLN_READER_HOME)"
    if home.exists() and not home.is_dir():
        return fail(name, f"{home} is not a directory", f"move that file away, {use_other}")
    if not home.exists():
        parent = _existing_ancestor(home.parent)
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return ok(name, f"{home} (not created yet: pln creates it on first use)")
        return fail(name, f"{home} does not exist and cannot be created ({parent} is not writable)",
                    f"create it: `mkdir -p {home}`, {use_other}")
    if not os.access(home, os.R_OK | os.W_OK | os.X_OK):
        return fail(name, f"{home} is not writable (mode {_mode(home)})", f"run `chmod u+rwx {home}`")
    db = ctx.db_path
    if db.is_file() and not os.access(db, os.R_OK | os.W_OK):
        return fail(name, f"{db} is not writable (mode {_mode(db)})", f"run `chmod u+rw {db}`")
    if home.stat().st_mode & 0o002:
        return warn(name, f"{home} (writable, also by every other user: mode {_mode(home)})",
                    f"run `chmod o-w {home}`")
    return ok(name, f"{home} (writable)")


def check_settings(ctx: Context) -> CheckResult:
    name, path = "settings", ctx.settings_path
    error = ctx.loaded[1]
    if error is not None:
        private = private_file_problem(path) if path.is_file() and ctx.file_secrets else None
        if private:
            held = ", ".join(ctx.file_secrets)
            also = "" if error == private else f"; also {error.removeprefix(f'{path}: ')}"
            return fail(name, f"{path} holds a secret ({held}) but others can read it "
                              f"(mode {_mode(path)}){also}",
                        f"run `chmod 600 {path}`, or move the secret to its environment variable "
                        "(PLN_MASTODON_TOKEN for the Mastodon token)")
        return fail(name, error, f"correct it in {path} (or in the environment variable named); "
                                 "config/settings.example.toml lists every key with its default")
    if not path.is_file():
        return ok(name, f"no {SETTINGS_FILE} in the data directory: the defaults apply")
    private = f", holds a secret, mode {_mode(path)}" if ctx.file_secrets else ""
    return ok(name, f"{path} (valid{private})")


_DB_FIX = ("restore it from a backup; or move it aside (pln starts a new, empty one) and import your "
           "lists again with `pln import FILE.opml`")


def check_database(ctx: Context) -> CheckResult:
    name, found = "database", ctx.database
    if not found.exists:
        return ok(name, f"{found.path} (not created yet: pln creates it on first use)")
    if found.error is not None:
        return fail(name, f"{found.path} cannot be read: {found.error}", _DB_FIX)
    if found.problems:
        return fail(name, f"{found.path} is damaged: quick_check says {'; '.join(found.problems)}",
                    f"`sqlite3 {found.path} .recover` may save most of it; else {_DB_FIX}")
    return ok(name, f"{found.path} (quick_check ok)")


def check_schema(ctx: Context) -> CheckResult | None:
    name, found = "schema", ctx.database
    if not found.exists or found.error is not None or found.problems:
        return None  # nothing to read: the database check says why
    if found.unknown:
        return fail(name, f"made by a newer pln_reader: upgrade (migrations this one does not know: "
                          f"{', '.join(found.unknown)})",
                    "upgrade pln_reader (`pip install -U pln_reader`); until then do not use this "
                    "older version on this database")
    if not found.applied:
        return ok(name, "no tables yet (pln creates them on first use)")
    if found.pending:
        return ok(name, f"{len(found.applied)} migrations applied; {len(found.pending)} more are applied "
                        "the next time pln opens it")
    return ok(name, f"up to date ({found.applied[-1]})")


def disk_status(free_bytes: int) -> Status:
    """Below 50 MB SQLite soon cannot write; below 500 MB a few refreshes with articles fill it."""
    if free_bytes < DISK_FAIL_BYTES:
        return "fail"
    return "warn" if free_bytes < DISK_WARN_BYTES else "ok"


def _size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def check_disk(ctx: Context) -> CheckResult:
    name = "disk space"
    where = _existing_ancestor(ctx.home)
    try:
        free = shutil.disk_usage(where).free
    except OSError as exc:
        return warn(name, f"cannot tell the free space at {where} ({exc.strerror or exc})",
                    "check it with `df -h`")
    status = disk_status(free)
    message = f"{_size(free)} free at {where}"
    if status == "ok":
        return ok(name, message)
    limit = _size(DISK_FAIL_BYTES if status == "fail" else DISK_WARN_BYTES)
    return CheckResult(name, status, f"{message} (less than {limit})",
                       "free some space there: the database and stored articles grow with every refresh")


def check_editor(ctx: Context) -> CheckResult:
    name = "editor"
    for var in ("VISUAL", "EDITOR"):
        value = ctx.env.get(var, "").strip()
        if value:
            break
    else:
        fallback = next((e for e in CLICK_EDITOR_FALLBACKS if ctx.which(e)), None) or (
            "vi" if ctx.which("vi") else None)
        then = f"falls back to {fallback}" if fallback else "finds no editor (no vim, nano or vi on PATH)"
        return warn(name, f"neither $VISUAL nor $EDITOR is set: `pln note --edit` {then}",
                    "set one in your shell profile, e.g. `export EDITOR=nano`")
    try:
        command = shlex.split(value)[0]
    except (ValueError, IndexError):
        command = value
    found = ctx.which(command)
    if found is None:
        return warn(name, f"${var} is {value!r}, which is not on PATH: `pln note --edit` cannot open it",
                    f"install {command}, or set ${var} to an editor you have")
    return ok(name, f"{command} (${var}, {found})")


def check_browser(ctx: Context) -> CheckResult:
    """$BROWSER when set (webbrowser tries it first), else what Python's webbrowser module finds."""
    choices = [c.strip() for c in ctx.env.get("BROWSER", "").split(os.pathsep) if c.strip()]
    for choice in choices:
        try:
            command = shlex.split(choice)[0]
        except (ValueError, IndexError):
            command = choice
        found = ctx.which(command)
        if found:
            return ok("browser", f"{command} ($BROWSER, {found})")
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        unknown = f" ($BROWSER names {', '.join(choices)}, not on PATH)" if choices else ""
        return warn("browser", f"none found{unknown}: pln cannot open links in a browser (`o` in the UI)",
                    "install a browser, or set $BROWSER to a command that opens a URL")
    return ok("browser", str(getattr(browser, "name", "") or type(browser).__name__))


def check_media_player(ctx: Context) -> CheckResult:
    """What `pln play` and `p` use: ``[media] player`` when set, else the first of mpv, vlc."""
    from ..core.errors import PlayerError
    from .player import PLAYERS, SETTING, player_argv

    setting = ctx.settings.media.player
    try:
        argv = player_argv(setting, which=ctx.which)
    except PlayerError as exc:
        return warn("media player", str(exc), f"install it, or change {SETTING} in settings.toml")
    if argv is not None:
        name = os.path.basename(argv[0])
        return ok("media player", f"{name} ({argv[0]})" + (f", from {SETTING}" if setting.strip() else ""))
    return warn("media player", f"none found on PATH (looked for {', '.join(PLAYERS)}): episodes and "
                "videos open in the browser", f"install mpv (or vlc), or set {SETTING} in settings.toml")


def distinct_hosts(urls: Sequence[str], host_of: Callable[[str], str]) -> list[tuple[str, str]]:
    """``(host, a URL on it)`` per host, the hosts with most sources first (then in given order)."""
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for url in urls:
        host = host_of(url)
        if host:
            first.setdefault(host, url)
            counts[host] += 1
    order = {host: i for i, host in enumerate(first)}
    return sorted(first.items(), key=lambda item: (-counts[item[0]], order[item[0]]))


def check_hosts(ctx: Context) -> Iterator[CheckResult]:
    name = "host"
    if ctx.offline:
        yield ok(name, "the sources' hosts are not checked (--offline)")
        return
    found = ctx.database
    if found.error is not None or found.problems:
        yield warn(name, "the sources' hosts are not checked: the database cannot be read",
                   "see the database check above")
        return
    from ..net.probe import host_of, probe_hosts

    hosts = distinct_hosts(found.source_urls, host_of)
    if not hosts:
        yield ok(name, "no web sources to check")
        return
    probes = probe_hosts([url for _, url in hosts[:MAX_HOSTS]], user_agent=ctx.settings.fetch.user_agent,
                         timeout=HOST_TIMEOUT_S, concurrency=HOST_CONCURRENCY)
    for probe in probes:
        if probe.answered:
            yield ok(name, f"{probe.host} answers ({probe.detail})")
        else:
            yield warn(name, f"{probe.host} does not answer: {probe.detail}",
                       "check your internet connection; if only this host fails, the site may be down "
                       "or gone (`pln sources` shows each source's last error)")
    if len(hosts) > MAX_HOSTS:
        yield ok(name, f"{len(hosts) - MAX_HOSTS} more hosts not checked (at most {MAX_HOSTS}, "
                       "those with the most sources)")


def check_sync(ctx: Context) -> CheckResult | None:
    """The sync server answers and takes the password (nothing when sync is not set up)."""
    name = "sync server"
    if ctx.loaded[1] is not None or not ctx.settings.sync.enabled:
        return None
    server = ctx.settings.sync.server
    if ctx.offline:
        return ok(name, f"{server} is not checked (--offline)")
    from ..sync.engine import check_server

    problem = check_server(ctx.settings)
    if problem is None:
        return ok(name, f"{server} answers and takes the password of {ctx.settings.sync.user}")
    if "password" in problem:
        return fail(name, problem, "run `pln sync setup URL --user NAME` again with the right "
                                   "password (or set PLN_SYNC_PASSWORD)")
    return warn(name, problem, "check the address and the network; changes wait in the outbox")


def check_challenges(ctx: Context) -> Iterator[CheckResult]:
    """Every file in challenges/ is a challenge (nothing when there is no such folder)."""
    from ..reflect.challenge import available, user_folder

    folder = user_folder(ctx.home)
    if not folder.is_dir():
        return
    found, problems = available(ctx.home)
    for problem in problems:
        yield warn("challenges", problem, "correct the file (see README: A challenge of small "
                                          "steps) or move it out of the folder")
    mine = [c for c in found if c.origin != "built-in"]
    if not problems or mine:
        yield ok("challenges", f"{len(mine)} challenge file{'s' if len(mine) != 1 else ''} of yours "
                               f"in {folder} read")


CHECKS: list[Check] = [
    check_data_directory,
    check_settings,
    check_database,
    check_schema,
    check_disk,
    check_editor,
    check_browser,
    check_media_player,
    check_hosts,
    check_sync,
    check_challenges,
]
"""Every check, in the order shown. Another one is one more line here."""


# -- running them ------------------------------------------------------------------------------


def _safe(text: str | None, secrets: Sequence[str]) -> str | None:
    return None if text is None else clean_text(scrub(text, secrets)) or ""


def _run_one(check: Check, ctx: Context) -> list[CheckResult]:
    try:
        out = check(ctx)
        return [] if out is None else [out] if isinstance(out, CheckResult) else list(out)
    except Exception as exc:  # one broken check must not hide the others' answers
        log.debug("doctor check %s failed", check.__name__, exc_info=True)
        label = check.__name__.removeprefix("check_").replace("_", " ")
        return [fail(label, f"the check itself failed: {type(exc).__name__}: {exc}",
                     "please report this, with the output of `pln doctor`")]


def run_checks(
    home: Path | str | None = None, *, offline: bool = False, env: Mapping[str, str] | None = None,
    checks: Sequence[Check] | None = None,
) -> list[CheckResult]:
    """Run the checks (default :data:`CHECKS`) on ``home`` (default: the data directory in use)."""
    home_path = (Path(home).expanduser() if home is not None else default_home()).absolute()
    ctx = Context(home_path, offline=offline, env=env)
    results = [result for check in (CHECKS if checks is None else checks) for result in _run_one(check, ctx)]
    return [replace(r, check=_safe(r.check, ctx.secrets) or "", message=_safe(r.message, ctx.secrets) or "",
                    fix=_safe(r.fix, ctx.secrets)) for r in results]


def any_failed(results: Iterable[CheckResult]) -> bool:
    return any(r.status == "fail" for r in results)


__all__ = ["CHECKS", "Check", "CheckResult", "Context", "Status", "any_failed", "run_checks"]
