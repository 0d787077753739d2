"""`pln` commands for reflection: the weekly "what I learned" export and the list review."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..core.errors import InputError
from . import format as fmt
from .options import home_option, with_library

FORMATS = ("md", "html", "json", "atom")  # as reflect.render.FORMATS (not imported: --help stays light)
STYLES = ("post", "report")  # as reflect.learned.STYLES
TEMPLATE_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".atom": "atom",
                    ".xml": "atom"}  # as reflect.templating.format_of


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value} is not a date (YYYY-MM-DD)", param_hint=option) from None


def _week(library: Any, value: str, tz: Any) -> Any:
    from ..core.periods import last_full_week, period_for_week, this_week

    word = value.strip().lower()
    if word in ("this", "last"):
        return (this_week if word == "this" else last_full_week)(library.clock(), tz)
    try:
        return period_for_week(value, tz)
    except InputError:
        raise click.BadParameter(f"{value} is not a week (YYYY-Www)", param_hint="--week") from None


def choose_period(library: Any, week: str | None, since: str | None, until: str | None,
                  everything: bool) -> Any:
    """The period the options name (default: the last full ISO week, local time).

    Each value is checked first (a bad date is a bad date), then how the options go together.
    """
    from ..core.periods import last_full_week, local_zone, period_between

    tz = local_zone()
    first = _day(since, "--since") if since is not None else None
    last = _day(until, "--until") if until is not None else None
    chosen = _week(library, week, tz) if week is not None else None
    if sum((week is not None, since is not None or until is not None, everything)) > 1:
        raise click.UsageError("give one of --week, --since (with or without --until) or --all")
    if last is not None and first is None:
        raise click.UsageError("--until needs --since (both dates are included)")
    if chosen is not None:
        return chosen
    if first is not None:
        today = library.clock().astimezone(tz).date()
        if last is None and first > today:
            raise click.BadParameter(f"{first} is after today", param_hint="--since")
        try:
            return period_between(first, last or today, tz)
        except InputError as exc:
            raise click.BadParameter(str(exc), param_hint="--until") from None
    return None if everything else last_full_week(library.clock(), tz)


def _empty_hint(library: Any, report: Any, list_name: str | None) -> str | None:
    """When the chosen period is empty but this week is not, say so and name the option."""
    from ..core.periods import local_zone, this_week

    if report.period.label == "all" or not report.empty:
        return None
    now = this_week(library.clock(), local_zone())
    if now.label == report.period.label or library.weekly_report(now, list_name=list_name).empty:
        return None
    return (f"nothing annotated or shared in {report.period.label}, but this week so far has "
            f"some: pln learned --week this")


@click.command()
@home_option
@click.option("--week", metavar="this|last|YYYY-Www",
              help="this (so far), last (the default: the last full week) or an ISO week such as 2026-W46.")
@click.option("--since", metavar="DATE", help="First day of the period (alone: from DATE until now).")
@click.option("--until", metavar="DATE", help="Last day of the period, included (needs --since).")
@click.option("--all", "everything", is_flag=True, help="The whole history (to publish, e.g. as Atom).")
@click.option("--list", "list_name", metavar="NAME", help="Only this topic list.")
@click.option("--format", "fmt_name", type=click.Choice(FORMATS), default=None,
              help="Markdown (default), a standalone HTML page, JSON (see README) or an Atom feed.")
@click.option("--style", type=click.Choice(STYLES), default=None,
              help="post: the list to paste, nothing private (default, or [learned] style); "
                   "report: everything, with funnel, skim time, queue and practice map.")
@click.option("--intro", metavar="TEXT", help="A paragraph (Markdown) under the post's title.")
@click.option("--include", type=click.Choice(["read"]), multiple=True,
              help="read: the post also lists links read without a note or a share.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Your own Jinja2 template (see README); its name says the format (week.html.j2).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--author", default="pln_reader", show_default=True, help="The author named in an Atom feed.")
@with_library
def learned(library: Any, week: str | None, since: str | None, until: str | None, everything: bool,
            list_name: str | None, fmt_name: str | None, style: str | None, intro: str | None,
            include: tuple[str, ...], template: Path | None, output: Path | None, author: str) -> None:
    """What I learned: the weekly list to paste (who shared each link, your notes), or the report."""
    if fmt_name is None:
        named = [TEMPLATE_FORMATS.get(s.lower()) for s in template.suffixes] if template else []
        fmt_name = next((f for f in reversed(named) if f), "md")
    if template is not None and fmt_name == "json":
        raise click.UsageError("--template is for md, html and atom (JSON is always the whole report)")
    period = choose_period(library, week, since, until, everything)
    report = library.weekly_report(period, list_name=list_name)
    hint = _empty_hint(library, report, list_name) if period is not None else None
    if hint is not None:
        click.echo(hint, err=True)
    data = library.render_report(report, fmt_name, author=author, style=style, intro=intro,
                                 include=include or None, template=template)
    if output is not None:
        library.write_report(output, data, fmt_name)
        what = "everything" if period is None else report.period.label
        count = library.report_links(report, fmt_name, style=style, include=include or None)
        click.echo(f"wrote {what} ({fmt.plural(count, 'link')}, {fmt_name}) to {output}", err=True)
    elif sys.stdout.isatty():  # a terminal: nothing in it may be read as an escape sequence
        click.echo(fmt.shown_multiline(data.decode("utf-8")))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # exactly the bytes a file would get
        sys.stdout.buffer.flush()


# -- review ------------------------------------------------------------------------------------


MAP_FORMATS = ("text", "json", "svg", "png")  # as library.practice.MAP_FORMATS


@click.command()
@home_option
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Review the last N days (default 7).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (see README).")
@click.option("--map", "show_map", is_flag=True,
              help="Only the practice map: lists, their aims and your spaces, one map per month.")
@click.option("--months", type=click.IntRange(1, 120), default=None,
              help="With --map: one map for each of the last N calendar months (default 1: this one).")
@click.option("--format", "map_format", type=click.Choice(MAP_FORMATS), default=None,
              help="With --map: text (default), json, svg or png (png needs rsvg-convert).")
@click.option("--width", type=click.IntRange(50, 400), default=None,
              help="With --map: the text map's width (default: the terminal's).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="With --map: write to FILE.")
@with_library
def review(library: Any, days: int | None, as_json: bool, show_map: bool, months: int | None,
           map_format: str | None, width: int | None, output: Path | None) -> None:
    """List review: each list's funnel and skim time, noisy, idle and broken sources, practice map."""
    if not show_map:
        for given, name in ((months, "--months"), (map_format, "--format"), (width, "--width"),
                            (output, "--output")):
            if given is not None:
                raise click.UsageError(f"{name} is for the practice map: add --map")
        click.echo(library.render_review(library.review(days or 7), "json" if as_json else "text"))
        return
    if days is not None:
        raise click.UsageError("--map draws calendar months: give --months N instead of --days")
    if as_json and map_format not in (None, "json"):
        raise click.UsageError("give one of --json and --format")
    chosen = "json" if as_json else map_format or "text"
    if chosen == "png" and output is None:
        raise click.UsageError("a PNG goes to a file: add -o FILE")
    import shutil

    snapshots = library.practice_map(months or 1)
    data = library.render_practice_map(snapshots, chosen,
                                       width=width or min(shutil.get_terminal_size().columns, 120))
    if output is not None:
        from ..core.files import write_atomically

        write_atomically(output, data)
        click.echo(f"wrote the practice map ({fmt.plural(len(snapshots), 'month')}, {chosen}) to "
                   f"{fmt.shown(str(output))}", err=True)
    elif sys.stdout.isatty() and chosen != "text":  # names are the user's: no escape reaches it
        click.echo(fmt.shown_multiline(data.decode("utf-8")), nl=not data.endswith(b"\n"))
    else:
        click.echo(data.decode("utf-8"), nl=not data.endswith(b"\n"))


COMMANDS = (learned, review)
