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


def _met(state: Any) -> str:
    """The local day a step was met."""
    from ..core.periods import local_zone

    return state.met_at.astimezone(local_zone()).date().isoformat() if state.met_at else ""


def _step_lines(state: Any, *, with_text: bool) -> list[str]:
    step = state.step
    mark = f"done {_met(state)}" if state.done else f"{state.count}/{step.n}"
    lines = [f"  day {step.day:>2}  {fmt.shown(step.title)} ({mark})"]
    if with_text:
        lines.append(f"          {fmt.shown(step.text)}")
    return lines


def print_state(state: Any) -> None:
    c = state.challenge
    click.echo(f"{fmt.shown(c.title)} ({fmt.shown(c.name)}): {c.minutes_per_day} minutes a day, "
               f"started {state.started_on.isoformat()}")
    if state.day < 1:
        click.echo(f"it starts on {state.started_on.isoformat()}: day 1 is "
                   f"{fmt.plural(1 - state.day, 'day')} away")
        return
    if state.finished:
        click.echo(f"the {c.days} days are over: {len(state.done)} of {len(c.steps)} steps done "
                   "(`pln challenge stop` ends it)")
    else:
        click.echo(f"day {state.day} of {c.days}")
    if state.open:
        click.echo("open from earlier days:")
        for s in state.open:
            click.echo("\n".join(_step_lines(s, with_text=True)))
    if not state.finished:
        if state.today is not None:
            click.echo("today:")
            click.echo("\n".join(_step_lines(state.today, with_text=True)))
        else:
            click.echo("today: no new step")
    done = [s for s in state.done if s is not state.today]
    if done:
        click.echo("done:")
        for s in done:
            click.echo("\n".join(_step_lines(s, with_text=False)))


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
    print_state(state)


@challenge.command("start")
@home_option
@click.argument("name", required=False)
@click.option("--on", "on", metavar="DATE", callback=_on,
              help="The day it starts (YYYY-MM-DD; default today): its events count from then.")
@with_library
def challenge_start(library: Any, name: str | None, on: date | None) -> None:
    """Start a challenge: NAME (see `pln challenge list`; default connected-30) or a .toml file."""
    state = library.start_challenge(name, on=on)
    print_state(state)


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
