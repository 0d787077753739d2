"""`pln doctor`: check the data directory, settings, database, tools and the sources' hosts.

It does not open the library (a broken settings file or database is what it must report), so it
takes the data directory from ``--home`` itself and runs the checks of
:mod:`pln_reader.library.doctor`.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from . import format as fmt
from .options import echo_json, home_option, json_option

_COLOURS = {"ok": "green", "warn": "yellow", "fail": "red"}


@click.command()
@home_option
@click.option("--offline", is_flag=True, help="Do not check that the sources' hosts answer.")
@json_option
def doctor(offline: bool, as_json: bool) -> None:
    """Check the setup; each problem with its fix.

    The data directory, settings, database, free disk, editor, browser, media player and the
    sources' hosts: each line is ok, warn or fail; the exit status is 1 on any fail.
    """
    from ..library.doctor import any_failed, run_checks

    home = click.get_current_context().find_root().meta.get("pln.home")
    results = run_checks(home, offline=offline)
    if as_json:
        echo_json([{"check": r.check, "status": r.status, "message": r.message, "fix": r.fix}
                   for r in results])
    else:
        for r in results:
            _print(r)
        counts = {status: sum(r.status == status for r in results) for status in _COLOURS}
        click.echo(f"\n{counts['ok']} ok, {fmt.plural(counts['warn'], 'warning')}, "
                   f"{fmt.plural(counts['fail'], 'failure')}")
    if any_failed(results):
        sys.exit(1)


def _print(r: Any) -> None:
    status = click.style(f"{r.status:<4}", fg=_COLOURS.get(r.status))
    click.echo(f"{status} {fmt.shown(r.check)}: {fmt.shown(r.message)}")
    if r.fix and r.status != "ok":
        click.echo(f"     fix: {fmt.shown(r.fix)}")


COMMANDS = (doctor,)
