"""`pln applied`: record that a link changed what you did, and list, edit or delete those entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from . import format as fmt
from .options import echo_json, home_option, json_option, with_library


def _when(value: str | None, option: str) -> datetime | None:
    """A date or date-time typed by the user; without a zone it is local time."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-16 or 2026-11-16T09:30",
                                 param_hint=option) from None
    return when.astimezone() if when.tzinfo is None else when


def applied_json(a: Any) -> dict[str, Any]:
    return {"id": a.id, "url": a.link_url, "title": a.link_title, "text": a.text, "at": fmt.iso(a.at),
            "lists": list(a.lists)}


class AppliedGroup(click.Group):
    """``pln applied URL TEXT`` records an entry; ``list``, ``edit`` and ``delete`` manage them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["record", *args]
        return super().parse_args(ctx, args)


@click.group(cls=AppliedGroup, no_args_is_help=True)
def applied() -> None:
    """What changed because of a link: `pln applied URL TEXT [--at DATETIME]` records it.

    For example: pln applied https://example.org/post "Tried two-question starters with Year 9:
    most recalled the point". The review's funnel ends with it, and the weekly list has a
    "What I tried" part.
    """


@applied.command("record", hidden=True)
@home_option
@click.argument("url")
@click.argument("text")
@click.option("--at", "at", metavar="DATETIME", help="When (default now; local time unless a zone is given).")
@json_option
@with_library
def record(library: Any, url: str, text: str, at: str | None, as_json: bool) -> None:
    """Record that URL changed what you did (a link in no feed is created, as sharing does)."""
    applied_id = library.record_applied(url, text, at=_when(at, "--at"))
    entry = library.get_applied(applied_id)
    if as_json:
        echo_json(applied_json(entry))
        return
    click.echo(f"applied {entry.id} recorded: {fmt.shown(entry.link_title or entry.link_url, 60)}")


@applied.command("list")
@home_option
@click.option("--list", "list_name", metavar="NAME", help="Only entries of links in this list.")
@click.option("--since", metavar="DATE", help="Only entries on or after DATE (local time).")
@json_option
@with_library
def list_cmd(library: Any, list_name: str | None, since: str | None, as_json: bool) -> None:
    """Every applied entry, latest first."""
    items = library.applied(list_name=list_name, since=_when(since, "--since"))
    if as_json:
        echo_json([applied_json(a) for a in items])
        return
    if not items:
        click.echo("nothing applied yet: `pln applied URL TEXT`" if since is None and list_name is None
                   else "no applied entries match")
        return
    for a in items:
        local = a.at.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(f"[{a.id}] {local}  {fmt.shown(a.link_title or a.link_url, 60)}")
        for line in fmt.shown_multiline(a.text).splitlines() or [""]:
            click.echo(f"    {line}")


@applied.command("edit")
@home_option
@click.argument("applied_id", metavar="ID", type=int)
@click.argument("text", required=False)
@click.option("--at", "at", metavar="DATETIME", help="The new time (local time unless a zone is given).")
@click.option("--edit", "use_editor", is_flag=True, help="Change the text in $EDITOR.")
@with_library
def edit(library: Any, applied_id: int, text: str | None, at: str | None, use_editor: bool) -> None:
    """Change an applied entry's TEXT (in $EDITOR when neither TEXT nor --at is given on a
    terminal) or its time (--at)."""
    import sys

    when = _when(at, "--at")
    if text is None and (use_editor or (at is None and sys.stdin.isatty())):
        current = library.get_applied(applied_id)
        written = click.edit(current.text, extension=".md")
        if written is None or written.strip() == current.text.strip():
            raise click.UsageError("the editor closed without a change: nothing changed")
        text = written
    if text is None and when is None:
        raise click.UsageError("nothing to change: give the new TEXT or --at DATETIME (or --edit)")
    entry = library.edit_applied(applied_id, text=text, at=when)
    click.echo(f"updated applied {entry.id}")


@applied.command("delete")
@home_option
@click.argument("applied_id", metavar="ID", type=int)
@with_library
def delete(library: Any, applied_id: int) -> None:
    """Delete an applied entry (its id is in `pln applied list`)."""
    gone = library.delete_applied(applied_id)
    click.echo(f"deleted applied {gone.id} ({fmt.shown(gone.link_title or gone.link_url, 60)})")


COMMANDS = (applied,)
