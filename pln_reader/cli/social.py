"""`pln` commands for social sources: your Mastodon lists, and the posts of a source."""

from __future__ import annotations

from typing import Any

import click

from . import format as fmt
from .options import echo_json, home_option, json_option, with_library


@click.group()
def mastodon() -> None:
    """Mastodon: choose a list to follow (it needs an access token, PLN_MASTODON_TOKEN)."""


@mastodon.command("lists")
@home_option
@click.option("--instance", metavar="URL",
              help="The instance (default: the one of [social] mastodon_account).")
@json_option
@with_library
def mastodon_lists(library: Any, instance: str | None, as_json: bool) -> None:
    """Your lists on a Mastodon instance, with the command that adds each."""
    instance, found = library.mastodon_lists(instance)
    if as_json:
        echo_json([{"id": str(x.get("id")), "title": x.get("title"), "url": f"{instance}/lists/{x.get('id')}"}
                   for x in found])
        return
    if not found:
        click.echo(f"no lists on {instance} yet: make one in Mastodon (Lists), then come back")
        return
    for item in found:
        url = f"{instance}/lists/{item.get('id')}"
        click.echo(f"{fmt.shown(str(item.get('id'))):>8}  {fmt.shown(str(item.get('title') or ''), 50)}")
        click.echo(f"          pln add {url} --list \"{fmt.shown(str(item.get('title') or 'Mastodon'))}\"")


@click.command()
@home_option
@click.argument("source")
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True)
@json_option
@with_library
def posts(library: Any, source: str, limit: int, as_json: bool) -> None:
    """A source's latest posts or entries, also those that share no link."""
    items = library.source_posts(source, limit=limit)
    if as_json:
        echo_json([{"title": e.title, "url": e.url, "author": e.author, "sharer": e.sharer_handle,
                    "published": fmt.iso(e.published), "post_url": e.post_url, "text": e.post_text,
                    "summary": e.summary} for e in items])
        return
    if not items:
        click.echo("no posts stored for this source yet: `pln refresh`")
        return
    for e in items:
        who = " ".join(x for x in (e.author, e.sharer_handle) if x) or e.source
        click.echo(f"{fmt.age(e.published):>4}  {fmt.shown(who, 40)}")
        text = e.post_text or e.title or ""
        for line in fmt.shown_multiline(text).splitlines()[:4]:
            click.echo(f"      {fmt.shown(line, 100)}")
        click.echo(f"      {fmt.shown(e.url) if e.url else '(no link)'}")


COMMANDS = (mastodon, posts)
