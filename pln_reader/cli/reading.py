"""`pln` commands for reading: full-text articles and the reading queue."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import click

from ..core.errors import PlnError
from ..core.media import chapter_lines
from . import format as fmt
from .options import echo_json, home_option, json_option, with_library


def describe_article(done: int, total: int, result: Any) -> str:
    detail = f": {fmt.shown(result.error, 100)}" if result.error else ""
    return f"[{done}/{total}] {result.status:<14} {fmt.shown(result.url, 80)}{detail}"


def print_article_results(results: list[Any]) -> None:
    ok = sum(r.status == "ok" for r in results)
    click.echo(f"{fmt.plural(len(results), 'article')}: {ok} extracted, {len(results) - ok} without text")
    for r in results:
        if r.status != "ok":
            click.echo(f"  {r.status}: {fmt.shown(r.url, 70)}" + (f" ({fmt.shown(r.error, 80)})" if r.error else ""))


@click.command("fetch-articles")
@home_option
@click.argument("urls", nargs=-1)
@click.option("--saved", is_flag=True, help="Saved links (the default when no URL or list is given).")
@click.option("--list", "list_name", metavar="NAME", help="Links of this list.")
@click.option("--force", is_flag=True, help="Fetch and extract again, even where an article is stored.")
@json_option
@with_library
def fetch_articles(library: Any, urls: tuple[str, ...], saved: bool, list_name: str | None, force: bool,
                   as_json: bool) -> None:
    """Fetch the full text of links and keep it for offline reading."""
    with fmt.Progress("articles", describe_article) as progress:
        results = library.fetch_articles(urls=urls, saved=saved, list_name=list_name, force=force,
                                         progress=progress.update)
    if as_json:
        echo_json([{"url": r.url, "status": r.status, "error": r.error, "title": r.title} for r in results])
    elif not results:
        click.echo("nothing to fetch (every article is stored already; --force fetches again)")
    else:
        print_article_results(results)


@click.command()
@home_option
@click.argument("url")
@with_library
def article(library: Any, url: str) -> None:
    """Print the stored article: Markdown on a terminal, plain text otherwise."""
    found = library.article(url)
    if not found.ok:
        raise PlnError(f"no text for {found.url}: {found.status} ({found.error})")
    library.record_read_in_reader(url)  # reading it here counts as reading it in the UI
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        console = Console()
        header = " · ".join(x for x in (found.site_name, found.author,
                                         found.published.date().isoformat() if found.published else None,
                                         f"{fmt.duration(found.reading_minutes)} read") if x)
        console.print(Markdown(f"# {found.title or found.url}\n\n*{header}*\n\n{found.markdown or ''}"))
    else:
        click.echo(found.title or found.url)
        click.echo()
        click.echo(found.text or "")
    chapters = library.chapters(url)
    if chapters:  # an episode's chapters (from its feed, or its podcast:chapters document)
        click.echo("\nChapters")
        for line in chapter_lines(chapters):
            click.echo(fmt.shown(line, 100))


@click.command()
@home_option
@click.option("--list", "list_name", metavar="NAME", help="Only saved links of this list.")
@click.option("--oldest", is_flag=True, help="Oldest saved first.")
@json_option
@with_library
def queue(library: Any, list_name: str | None, oldest: bool, as_json: bool) -> None:
    """The reading queue: saved links not yet archived, newest saved first."""
    items = library.queue(list_name=list_name, oldest_first=oldest)
    if as_json:
        credits = library.credits([i.link.id for i in items])
        echo_json([{**fmt.link_json(i.link, credits.get(i.link.id)), "reading_minutes": i.reading_minutes,
                    "minutes": i.minutes, "article_status": i.article_status, "stale": i.stale}
                   for i in items])
        return
    if not items:
        click.echo("the reading queue is empty: save links with `pln save URL`")
        return
    now = datetime.now(UTC)
    click.echo(f"{'':6}{'saved':>5} {'reading':<14}  link")
    for i in items:
        if i.link.media is not None or i.article_status == "ok":
            reading = i.time_label  # listen 48 min, watch 12 min, 6 min
        else:  # no text yet (fetched at the next refresh), or why there is none
            reading = i.article_status or "not fetched"
        flag = "stale " if i.stale else ""
        click.echo(f"{flag:<6}{fmt.age(i.link.saved_at, now):>4}  {reading:<14}  "
                   f"{fmt.shown(i.link.title or i.link.url, 56)}")
        if i.link.title:
            click.echo(f"{'':28}{fmt.shown_middle(i.link.url, 70)}")
    stale = sum(i.stale for i in items)
    total = sum(i.minutes or 0 for i in items)  # listening and watching time with reading time
    click.echo(f"\n{fmt.plural(len(items), 'link')} saved" + (f", {stale} stale" if stale else "")
               + (f", about {total} min in all" if total else ""))


@click.command()
@home_option
@click.argument("url")
@with_library
def play(library: Any, url: str) -> None:
    """Play a link's episode or video in [media] player (default: mpv, vlc, else the browser)."""
    used = library.play(url)
    click.echo(f"playing in {used}: {fmt.shown(url, 80)}")


@click.command()
@home_option
@click.argument("url")
@with_library
def archive(library: Any, url: str) -> None:
    """Mark a saved link read and take it out of the queue."""
    link = library.archive(url)
    click.echo(f"archived: {link.url}")


COMMANDS = (fetch_articles, article, queue, archive, play)
