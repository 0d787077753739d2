"""`pln` commands for reflection: the weekly "what I learned" export and the list review."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import cli_format as fmt
from .cli import cli, echo_json, home_option, with_library
from .errors import InputError

FORMATS = ("md", "html", "json", "atom")  # as pln_reader.exports.learned.FORMATS (lazy import)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-16", param_hint=option) from None


def choose_period(library: Any, week: str | None, since: str | None, until: str | None,
                  everything: bool) -> Any:
    """The period the options name (default: the last full ISO week, local time)."""
    from .reflect import last_full_week, local_zone, period_between, period_for_week

    if sum((week is not None, since is not None or until is not None, everything)) > 1:
        raise click.UsageError("give one of --week, --since/--until or --all")
    if (since is None) != (until is None):
        raise click.UsageError("--since and --until go together (both dates are included)")
    tz = local_zone()
    try:
        if week is not None:
            return period_for_week(week, tz)
        if since is not None and until is not None:
            return period_between(_day(since, "--since"), _day(until, "--until"), tz)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--week" if week else "--until") from None
    return None if everything else last_full_week(library.clock(), tz)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    path = path.expanduser()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".",
                                   prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


@cli.command()
@home_option
@click.option("--week", metavar="YYYY-Www", help="An ISO week, such as 2026-W46 (default: the last full week).")
@click.option("--since", metavar="DATE", help="First day of the period (with --until).")
@click.option("--until", metavar="DATE", help="Last day of the period, included (with --since).")
@click.option("--all", "everything", is_flag=True, help="The whole history (to publish, e.g. as Atom).")
@click.option("--list", "list_name", metavar="NAME", help="Only this topic list.")
@click.option("--format", "fmt_name", type=click.Choice(FORMATS), default="md", show_default=True,
              help="Markdown, a standalone HTML page, JSON (see README) or an Atom feed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--author", default="pln_reader", show_default=True, help="The author named in an Atom feed.")
@with_library
def learned(library: Any, week: str | None, since: str | None, until: str | None, everything: bool,
            list_name: str | None, fmt_name: str, output: Path | None, author: str) -> None:
    """What I learned: the links saved, read, annotated and shared, with notes, per list."""
    from .exports.learned import render
    from .reflect import build_history, build_weekly

    period = choose_period(library, week, since, until, everything)
    report = (build_history(library, list_name=list_name) if period is None
              else build_weekly(library, period, list_name=list_name))
    data = render(report, fmt_name, author=author)
    if output is not None:
        write_atomically(output, data)
        what = "everything" if period is None else report.period.label
        click.echo(f"wrote {what} ({fmt.plural(len(report.items), 'link')}, {fmt_name}) to {output}",
                   err=True)
    elif sys.stdout.isatty():  # a terminal: nothing in it may be read as an escape sequence
        click.echo(fmt.shown_multiline(data.decode("utf-8")))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # exactly the bytes a file would get
        sys.stdout.buffer.flush()


# -- review ------------------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def _rates_json(rates: dict[str, float | None]) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 4) for k, v in rates.items()}


def funnel_json(funnel: Any, skim: int, budget: int | None) -> dict[str, Any]:
    return {"funnel": funnel.counts(), "of_seen": _rates_json(funnel.of_seen()),
            "step": _rates_json(funnel.step_rates()), "skim_minutes": skim, "budget_minutes": budget}


def review_json(review: Any) -> dict[str, Any]:
    from .exports.learned import period_json, placement_json
    from .reflect import BROKEN_DAYS, IDLE_DAYS, NOISY_LINKS_PER_WEEK

    return {
        "version": 1,
        "period": period_json(review.period),
        "generated": fmt.iso(review.generated),
        "lists": [{"name": r.name, "purpose": r.purpose, "context": r.context}
                  | funnel_json(r.funnel, r.skim_minutes, r.budget_minutes) for r in review.lists],
        "totals": funnel_json(review.totals, review.skim_minutes, review.budget_minutes),
        "sources": [{
            "id": s.id, "kind": s.kind, "title": s.title, "url": s.url, "lists": list(s.lists),
            "links": s.brought, "saved": s.saved, "shared": s.shared,
            "last_new_entry": fmt.iso(s.last_new), "status": s.status, "error": s.error,
            "error_since": fmt.iso(s.error_since), "flags": list(s.flags),
        } for s in review.sources],
        "practice_map": [placement_json(p) for p in review.practice],
        "thresholds": {"noisy_links_per_week": NOISY_LINKS_PER_WEEK, "idle_days": IDLE_DAYS,
                       "broken_days": BROKEN_DAYS},
    }


def funnel_lines(funnel: Any, skim: int, budget: int | None) -> list[str]:
    from .exports.learned import skim_line
    from .storage_reflect import STEPS

    widths = [max(len(s), 5) for s in STEPS]
    of_seen, step = funnel.of_seen(), funnel.step_rates()

    def row(label: str, cells: list[str]) -> str:
        return f"  {label:<9}" + "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))

    return [row("", list(STEPS)), row("links", [str(v) for v in funnel.counts().values()]),
            row("of seen", [""] + [percent(of_seen[s]) for s in STEPS[1:]]),
            row("step", [""] + [percent(step[s]) for s in STEPS[1:]]),
            f"  skim time {skim_line(skim, budget)}"]


def print_review(review: Any) -> None:
    from .exports.learned import practice_grid
    from .reflect import BROKEN_DAYS, IDLE_DAYS, NOISY_LINKS_PER_WEEK

    p = review.period
    click.echo(f"List review: {p.label} ({p.dates}, {fmt.shown(p.timezone)})")
    for r in review.lists:
        head = f"{fmt.shown(r.name)} ({r.context or 'no context'})"
        click.echo(f"\n{head}" + (f": {fmt.shown(r.purpose)}" if r.purpose else ""))
        for line in funnel_lines(r.funnel, r.skim_minutes, r.budget_minutes):
            click.echo(line)
    click.echo("\nAll lists")
    for line in funnel_lines(review.totals, review.skim_minutes, review.budget_minutes):
        click.echo(line)
    click.echo("\nSources: links brought in the period, and how many were saved or shared")
    if not review.sources:
        click.echo("  no sources yet: add one with `pln add URL`")
    else:
        click.echo(f"  {'links':>5}  {'saved':>5}  {'shared':>6}  {'flags':<20}  source")
    for s in review.sources:
        lists = f"  [{fmt.shown(', '.join(s.lists))}]" if s.lists else ""
        click.echo(f"  {s.brought:>5}  {s.saved:>5}  {s.shared:>6}  {', '.join(s.flags) or '-':<20}  "
                   f"{fmt.shown(s.label, 50)}{lists}")
    click.echo(f"  noisy: {NOISY_LINKS_PER_WEEK}+ links a week and none saved or shared; "
               f"idle: no new entry for {IDLE_DAYS} days; broken: failing for {BROKEN_DAYS}+ days")
    if review.practice:
        click.echo("\nPractice map (visitor: reading only; resident: notes and shares)")
        for line in practice_grid(review.practice, clean=lambda n: fmt.shown(n, 30)):
            click.echo(f"  {line}")


@cli.command()
@home_option
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True,
              help="Review the last N days.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (see README).")
@with_library
def review(library: Any, days: int, as_json: bool) -> None:
    """List review: each list's funnel and skim time, noisy, idle and broken sources, practice map."""
    from .reflect import build_review

    result = build_review(library, days)
    if as_json:
        echo_json(review_json(result))
    else:
        print_review(result)
