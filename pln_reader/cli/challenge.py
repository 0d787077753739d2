"""`pln challenge`: a challenge of small steps (today's step, start, list, stop)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from . import format as fmt
from .options import echo_json, home_option, with_library


def _on(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value} is not a date (YYYY-MM-DD)", param_hint="--on") from None


def print_state(library: Any, state: Any) -> None:
    click.echo(library.challenge_text(state))


@click.group(invoke_without_command=True)
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print where the challenge is as a JSON object.")
@click.pass_context
def challenge(ctx: click.Context, as_json: bool) -> None:
    """A challenge of small steps: today's step, what is done and what is open."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(_show, as_json=as_json)


@with_library
def _show(library: Any, as_json: bool) -> None:
    state = library.challenge()
    if as_json:
        echo_json(library.challenge_json(state) if state else None)
        return
    if state is None:
        click.echo("no challenge is running: `pln challenge list` shows them, "
                   "`pln challenge start` starts connected-30")
        return
    print_state(library, state)


@challenge.command("start")
@home_option
@click.argument("name", required=False)
@click.option("--on", "on", metavar="DATE", callback=_on,
              help="The day it starts (YYYY-MM-DD; default today): its events count from then.")
@with_library
def challenge_start(library: Any, name: str | None, on: date | None) -> None:
    """Start a challenge: NAME (see `pln challenge list`; default connected-30) or a .toml file."""
    state = library.start_challenge(name, on=on)
    print_state(library, state)


@challenge.command("list")
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (see README).")
@with_library
def challenge_list(library: Any, as_json: bool) -> None:
    """The built-in challenges and yours (the challenges/ folder of the data directory)."""
    found, problems = library.challenges()
    for problem in problems:
        click.echo(f"warning: {fmt.shown(problem)}", err=True)
    if as_json:
        echo_json([{"name": c.name, "title": c.title, "days": c.days,
                    "minutes_per_day": c.minutes_per_day, "steps": len(c.steps), "origin": c.origin}
                   for c in found])
        return
    for c in found:
        where = "built-in" if c.origin == "built-in" else f"yours: {fmt.shown(c.origin)}"
        click.echo(f"{fmt.shown(c.name)}  {fmt.shown(c.title)} ({c.days} days, "
                   f"{c.minutes_per_day} minutes a day; {where})")


@challenge.command("stop")
@home_option
@with_library
def challenge_stop(library: Any) -> None:
    """Stop the running challenge (what it recorded stays)."""
    name = library.stop_challenge()
    click.echo(f"stopped the challenge {fmt.shown(name)}")


COMMANDS = (challenge,)
