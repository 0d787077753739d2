"""`pln sync` commands: setup, a sync (push, then pull), status, off."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from . import format as fmt
from .options import echo_json, home_option, json_option, with_library


def _report_json(report: Any) -> dict[str, Any]:
    return {"pushed": report.pushed, "sent": report.sent, "applied": report.applied,
            "added": report.added, "removed": report.removed, "lists": report.lists,
            "items": report.items, "requests": report.requests, "waiting": report.waiting,
            "full": report.full}


@click.group(invoke_without_command=True)
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print what the sync did as a JSON object.")
@click.pass_context
def sync(ctx: click.Context, as_json: bool) -> None:
    """Sync with your feed server (FreshRSS, Miniflux, ...): push local changes, then pull."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(_run_sync, as_json=as_json)


@with_library
def _run_sync(library: Any, as_json: bool) -> None:
    from ..core.errors import SyncError

    try:
        report = library.sync()
    except SyncError as exc:
        waiting = library.sync_status().waiting if library.sync_enabled else 0
        if getattr(exc, "reason", "") == "unreachable":
            why = str(exc).removeprefix("sync: ")
            click.echo(f"sync: server unreachable, {fmt.plural(waiting, 'change')} waiting "
                       f"({fmt.shown(why)})", err=True)
            sys.exit(1)
        raise
    if as_json:
        echo_json(_report_json(report))
        return
    parts = [f"pushed {fmt.plural(report.pushed + report.sent, 'change')}",
             f"pulled {fmt.plural(report.applied, 'change')}"]
    if report.added or report.removed:
        parts.append(f"{fmt.plural(report.added, 'source')} added, {report.removed} removed")
    if report.lists:
        parts.append(f"{fmt.plural(report.lists, 'list change')}")
    if report.items:
        parts.append(f"{fmt.plural(report.items, 'new item')} matched")
    click.echo("sync: " + ", ".join(parts) + f" ({fmt.plural(report.requests, 'request')})")


@sync.command("setup")
@home_option
@click.argument("url")
@click.option("--user", required=True, help="Your user name on the server.")
@with_library
def sync_setup(library: Any, url: str, user: str) -> None:
    """Set up sync with the server at URL (its root, or its Google Reader API address).

    The password is read from PLN_SYNC_PASSWORD, else asked for (FreshRSS: the API password).
    """
    password = os.environ.get("PLN_SYNC_PASSWORD") or click.prompt(
        f"API password for {user}", hide_input=True, err=True)
    found = library.sync_setup(url, user=user, password=password)
    click.echo(f"found the Google Reader API at {fmt.shown(found.api_url)}")
    click.echo(f"sync set up for {fmt.shown(user)}: [sync] written to {found.settings_path} "
               "(mode 600); run `pln sync`")


@sync.command("status")
@home_option
@json_option
@with_library
def sync_status(library: Any, as_json: bool) -> None:
    """The server, user, last sync and changes waiting (never the password)."""
    status = library.sync_status()
    if as_json:
        echo_json({"server": status.server, "user": status.user,
                   "last_sync": fmt.iso(status.last_sync), "waiting": status.waiting,
                   "last_error": status.last_error})
        return
    last = status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if status.last_sync else "never"
    click.echo(f"server: {fmt.shown(status.server)}")
    click.echo(f"user: {fmt.shown(status.user)}")
    click.echo(f"last sync: {last}")
    click.echo(f"changes waiting: {status.waiting}")
    if status.last_error:
        click.echo(f"last error: {fmt.shown(status.last_error)}")


@sync.command("off")
@home_option
@with_library
def sync_off(library: Any) -> None:
    """Stop syncing: forget the server, user and password (your library stays)."""
    library.sync_off()
    click.echo("sync off: [sync] removed from settings.toml; the library stays as it is")


COMMANDS = (sync,)
