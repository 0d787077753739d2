"""What every command shares: ``--home`` and ``--json``, opening the library, printing JSON.

The command modules import this, never :mod:`.main`, which gathers their commands on the group.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..core.errors import PlnError, database_error
from ..core.secrets import scrub

F = TypeVar("F", bound=Callable[..., Any])


def _set_home(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.find_root().meta["pln.home"] = value


def home_option(f: F) -> F:
    """``--home DIR``, accepted before the command or after it."""
    return click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        expose_value=False,
        is_eager=True,
        callback=_set_home,
        help="Use this data directory (overrides PLN_READER_HOME).",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print a JSON array (see README).")(f)


def with_library(f: F) -> F:
    """Open the library for the command and close it after; PlnError becomes a clean error."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import sqlite3

        from ..core.config import default_home
        from ..library import open_library

        home = click.get_current_context().find_root().meta.get("pln.home")
        folder = Path(home).expanduser() if home is not None else default_home()
        new = not folder.exists()
        with open_library(home) as library:
            if new:  # said once, so that a mistyped --home or PLN_READER_HOME is noticed
                click.echo(f"new library at {fmt_path(folder)}", err=True)
            try:
                library.daily_backup()  # once a day, when pln is used
                return f(library, *args, **kwargs)
            except PlnError as exc:  # a message may quote a server, which may quote a secret
                exc.args = (scrub(str(exc), library.settings.secrets()),)
                raise
            except sqlite3.Error as exc:  # a damaged, read-only or full database: one line
                raise database_error(exc, library.settings.db_path) from None

    return wrapper  # type: ignore[return-value]


def with_fetch_workers(f: F) -> F:
    """Start the refresh's fetch worker processes before anything else (above
    :func:`with_library`): they load the network stack while the library loads and opens, and
    the command gets them as ``workers`` for :meth:`Library.refresh`."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..library.prestart import refresh_workers

        with refresh_workers() as workers:
            return f(*args, workers=workers, **kwargs)

    return wrapper  # type: ignore[return-value]


def fmt_path(path: Path) -> str:
    """A path for a message: absolute, cleaned for the terminal."""
    from ..core.text import shown

    return shown(str(path.absolute()))


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
