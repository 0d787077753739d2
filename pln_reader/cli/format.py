"""How the CLI shows things: tables for people, JSON objects for scripts, refresh progress."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

import click

from ..core import durations
from ..core.models import Credits, Link, RefreshSummary, Source, SourceResult, TopicList
from ..core.text import clean_text, plural, shown, shown_middle

duration = durations.duration
__all__ = ["duration", "plural", "shown", "shown_middle"]  # the commands' modules use them through here


def iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z") if dt else None


def shown_multiline(value: str | None) -> str:
    return clean_text(value, multiline=True) or ""


def age(dt: datetime | None, now: datetime | None = None) -> str:
    """How long ago (``3d``, ``5w``): the UI's words, ``-`` when unknown."""
    return durations.age(dt, now, missing="-")


def _width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


# -- JSON shapes (documented in the README; keep them stable) -----------------------------------


def source_json(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "url": s.url,
        "title": s.title,
        "site_url": s.site_url,
        "active": s.active,
        "lists": list(s.lists),
        "entries": s.entries,
        "status": s.status,
        "error": s.error,
        "warning": s.warning,
        "last_success": iso(s.last_success),
        "next_due": iso(s.next_due),
    }


def list_json(t: TopicList) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "purpose": t.purpose,
        "context": t.context,
        "budget_minutes": t.budget_minutes,
        "aim": t.aim,
        "parent_id": t.parent_id,
        "sources": t.source_count,
        "unread": t.unread,
    }


def credits_json(c: Credits | None) -> dict[str, Any]:
    """``sharers`` (people whose posts shared the link) and ``authors`` (of its feed entries)."""
    c = c or Credits()
    return {"sharers": [{"name": s.name, "handle": s.handle, "network": s.network,
                         "post_url": s.post_url} for s in c.sharers],
            "authors": [{"name": a.name, "source": a.source} for a in c.authors]}


def links_json(library: Any, links: list[Link]) -> list[dict[str, Any]]:
    """Links as JSON objects, each with who brought it (one query for them all)."""
    credits = library.credits([k.id for k in links])
    return [link_json(k, credits.get(k.id)) for k in links]


def link_json(k: Link, credits: Credits | None = None) -> dict[str, Any]:
    """A link as JSON; ``sharers`` and ``authors`` come with ``credits`` (empty without)."""
    return {
        "url": k.url,
        "title": k.title,
        "published": iso(k.published),
        "summary": k.summary,
        "sources": list(k.sources),
        "lists": list(k.lists),
        "read": k.read,
        "saved": k.saved,
        "saved_at": iso(k.saved_at),
        "archived": k.archived,
        "hidden": k.hidden,
        "shares": k.shares,
        "shared_by": k.shared_by,
        "annotations": k.annotations,
        "reading_minutes": k.reading_minutes,
        "kind": k.kind,
        "time": k.time_label,
        "media": media_json(k),
        "versions": k.versions,
        "hidden_by": list(k.hidden_by),
    } | credits_json(credits)


def refresh_json(summary: RefreshSummary) -> dict[str, Any]:
    """`pln refresh --json`: the sources fetched directly and, through a sync server, its part."""
    pull = summary.server
    return {
        "sources": [result_json(r) for r in summary.results],
        "skipped": summary.skipped,
        "server": None if pull is None else {
            "new": pull.new, "updated": pull.updated, "feeds": pull.feeds,
            "carried": pull.carried, "items": pull.items, "requests": pull.requests,
            "complete": pull.complete, "error": pull.error, "quiet": pull.quiet,
        },
    }


def media_json(k: Link) -> dict[str, Any] | None:
    """A link's episode or video file (None for an article)."""
    m = k.media
    if m is None:
        return None
    return {"url": m.url, "type": m.type, "kind": m.kind, "duration_seconds": m.duration_seconds,
            "length": m.length, "image": m.image, "episode": m.episode,
            "transcripts": [{"url": t.url, "type": t.type, "language": t.language}
                            for t in m.transcripts],
            "chapters": m.chapters}


def result_json(r: SourceResult) -> dict[str, Any]:
    return {
        "source_id": r.source_id,
        "url": r.url,
        "title": r.title,
        "status": r.status,
        "new": r.new,
        "updated": r.updated,
        "error": r.reason,
    }


# -- tables ------------------------------------------------------------------------------------


def print_sources(items: list[Source]) -> None:
    if not items:
        click.echo("no sources yet: add one with `pln add URL`")
        return
    width = _width()
    click.echo(f"{'id':>4}  {'kind':<4}  {'status':<12} {'entries':>7}  source  [lists]")
    for s in items:
        status = s.status if s.active else "inactive"
        lists = shown(", ".join(s.lists) or "-", 30)
        # cut in the middle: two files in one folder keep the names that tell them apart
        title = shown_middle(s.label, max(30, width - 38 - len(lists)))
        click.echo(f"{s.id:>4}  {s.kind:<4}  {status:<12} {s.entries:>7}  {title}  [{lists}]")
        if s.error and s.status == "error":
            click.echo(f"      last error: {shown(s.error, width - 18)}")
        elif s.warning and s.status in ("ok", "not_modified"):
            click.echo(f"      warning: {shown(s.warning, width - 15)}")


def print_lists(items: list[TopicList]) -> None:
    if not items:
        click.echo("no topic lists yet: `pln list create NAME --purpose ...` or `pln import FILE.opml`")
        return
    for t in items:
        budget = f"{t.budget_minutes} min/day" if t.budget_minutes is not None else "no budget"
        context = t.context or "-"
        sources = plural(t.source_count, "source")
        aim = f", aims {t.aim}" if t.aim else ""
        click.echo(f"{shown(t.name)}  ({t.unread} unread, {sources}, {budget}, {context}{aim})")
        if t.purpose:
            click.echo(f"    {shown(t.purpose)}")


def print_links(items: list[Link]) -> None:
    if not items:
        click.echo("no links")
        return
    width = _width()
    now = datetime.now(UTC)
    click.echo(f"{'':2} {'age':>4}  title  (from)        S saved, • unread")
    for k in items:
        marks = ("S" if k.saved else " ") + (" " if k.read else "•")
        if k.versions > 1:
            origin = f"{k.versions} versions"
        elif k.shared_by > 1:
            origin = f"shared by {k.shared_by}"
        else:
            origin = k.sources[0] if k.sources else "-"
        title = shown(k.title or k.url, max(20, width - 38))
        click.echo(f"{marks} {age(k.published, now):>4}  {title}  ({shown(origin, 28)})")
        if k.media is not None:  # listen 48 min / watch 12 min before the address
            label = k.time_label
            click.echo(f"         {label}  {shown_middle(k.url, width - 12 - len(label))}")
        else:
            click.echo(f"         {shown_middle(k.url, width - 10)}")
        for by in k.hidden_by:
            click.echo(f"         hidden by rule {shown(by, width - 25)}")


def failure_reason(result: SourceResult) -> str:
    """A failed source's reason without the URL it starts with (the line names the source)."""
    reason = (result.reason or "failed").strip()
    prefixes = [result.url + ": "]
    if result.url.startswith("file:"):
        from ..core.urls import file_path

        prefixes.append(file_path(result.url) + ": ")
    for prefix in prefixes:
        if reason.startswith(prefix):
            return reason[len(prefix):]
    return reason


def print_refresh_summary(summary: RefreshSummary, *, next_due: datetime | None = None,
                          now: datetime | None = None) -> None:
    """The refresh in a few lines: what changed, each failure once, and why nothing ran."""
    from ..core.errors import is_connection_failure

    if summary.server is not None:
        print_server_summary(summary)
        return
    if not summary.results and not summary.skipped:
        if next_due is None:
            click.echo("nothing to refresh: no sources yet (pln add URL)")
            return
        when = next_due.astimezone()
        wait = f" ({until(next_due, now)})" if now is not None else ""
        click.echo(f"nothing due: the next source is due at {when:%Y-%m-%d %H:%M}{wait}; "
                   "`pln refresh --force` fetches every source now")
        return
    new = summary.count("new")
    updated = summary.count("updated")
    unchanged = summary.count("unchanged") + summary.count("not_modified")
    failed = summary.failed
    deferred = summary.count("deferred")
    click.echo(
        f"{plural(len(summary.results), 'source')}: {new} with new entries "
        f"({plural(summary.new_entries, 'entry', 'entries')}), "
        f"{updated} updated, {unchanged} not modified, {len(failed)} failed"
        + (f", {deferred} deferred" if deferred else "")
    )
    for r in failed:
        click.echo(f"  failed: {shown(r.title or r.url, 60)}: {shown(failure_reason(r))}")
    if failed and all(is_connection_failure(r.reason) for r in failed):
        click.echo("no server could be reached: this machine seems to be offline")
    print_deferred(summary)
    if summary.skipped:
        click.echo(f"skipped {plural(summary.skipped, 'source')} another refresh is fetching now")


def print_server_summary(summary: RefreshSummary) -> None:
    """A refresh through the sync server: what came from it, what was fetched directly."""
    from ..core.errors import is_connection_failure

    pull = summary.server
    assert pull is not None
    new = summary.new_entries
    direct = f"fetched directly: {plural(len(summary.results), 'source')}"
    if summary.results:
        direct += f" ({plural(new, 'new entry', 'new entries')})"
    click.echo(f"from the server: {plural(pull.new, 'new entry', 'new entries')} in "
               f"{plural(pull.feeds, 'feed')}; {direct}")
    if pull.quiet:
        click.echo(f"  {plural(pull.quiet, 'synced feed')} fetched directly as well: the server "
                   "has delivered nothing from them for a while ([sync] direct_after_days)")
    if pull.error:
        click.echo(f"  the server stopped: {shown(pull.error)}")
        click.echo("  what came before is kept; the rest comes at the next refresh" if pull.items
                   else "  its feeds were fetched directly this time")
    elif not pull.complete:
        click.echo("  more items wait on the server: they come at the next refresh")
    failed = summary.failed
    for r in failed:
        click.echo(f"  failed: {shown(r.title or r.url, 60)}: {shown(failure_reason(r))}")
    if failed and all(is_connection_failure(r.reason) for r in failed) and pull.error:
        click.echo("no server could be reached: this machine seems to be offline")
    print_deferred(summary)
    if summary.skipped:
        click.echo(f"skipped {plural(summary.skipped, 'source')} another refresh is fetching now")


def print_deferred(summary: RefreshSummary) -> None:
    """Sources not fetched because their host asked to be left alone: one line per host."""
    hosts: dict[str, int] = {}
    for r in summary.results:
        if r.status == "deferred":
            host = urlsplit(r.url).hostname or r.url
            hosts[host] = hosts.get(host, 0) + 1
    for host, count in hosts.items():
        click.echo(f"  deferred: {plural(count, 'source')} on {shown(host, 60)}: the server asked "
                   "pln to wait (HTTP 429 or 503); they are fetched when it may be asked again")


def until(when: datetime, now: datetime) -> str:
    """``in 52 minutes``, ``in 3 hours``, ``now``."""
    minutes = round((when - now).total_seconds() / 60)
    if minutes <= 0:
        return "now"
    if minutes < 90:
        return f"in {plural(minutes, 'minute')}"
    return f"in {plural(round(minutes / 60), 'hour')}"


class Progress:
    """A progress bar on a terminal, a plain line per item otherwise (both on stderr)."""

    def __init__(self, label: str, describe: Callable[[int, int, Any], str]) -> None:
        self.label = label
        self.describe = describe
        self.tty = sys.stderr.isatty()
        self._bar: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.render_finish()

    def update(self, done: int, total: int, result: Any) -> None:
        if not self.tty:
            click.echo(self.describe(done, total, result), err=True)
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                          show_pos=True, width=30)
            self._bar.render_progress()
        self._bar.length = total  # a subscribed OPML list can add sources during the run
        self._bar.update(1)


def _describe_source(done: int, total: int, result: SourceResult) -> str:
    detail = {"new": f"{result.new} new", "updated": f"{result.updated} updated"}.get(result.status, "")
    if result.status == "failed":
        detail = shown(failure_reason(result), 100)
    name = shown(result.title or result.url, 60)
    return f"[{done}/{total}] {result.status:<12} {name}" + (f": {detail}" if detail else "")


def refresh_progress() -> Progress:
    return Progress("refreshing", _describe_source)
