"""`pln` commands for the share log: share, shares, unshare."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from ..core.models import SHARE_CHANNELS, Share
from . import format as fmt
from .options import echo_json, home_option, json_option, with_library


def parse_when(value: str | None, *, option: str) -> datetime | None:
    """A date or date-time typed by the user; without a zone it is local time."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-16 or 2026-11-16T09:30",
                                 param_hint=option) from None
    return when.astimezone() if when.tzinfo is None else when


def share_json(s: Share) -> dict[str, Any]:
    return {"id": s.id, "url": s.link_url, "title": s.link_title, "channel": s.channel,
            "shared_at": fmt.iso(s.shared_at), "comment": s.comment, "post_url": s.post_url,
            "origin": s.origin}


@click.command()
@home_option
@click.argument("url")
@click.option("--channel", "-c", required=True, type=click.Choice(SHARE_CHANNELS, case_sensitive=False),
              help="Where you shared it.")
@click.option("--comment", help="What you said when sharing it.")
@click.option("--post", "post_url", metavar="URL", help="The URL of your post.")
@click.option("--at", "at", metavar="DATETIME", help="When (default now; local time unless a zone is given).")
@json_option
@with_library
def share(library: Any, url: str, channel: str, comment: str | None, post_url: str | None,
          at: str | None, as_json: bool) -> None:
    """Log that you shared a link (a link in no feed is created, as saving does)."""
    logged = library.share(url, channel=channel, comment=comment, post_url=post_url,
                           at=parse_when(at, option="--at"))
    if as_json:
        echo_json(share_json(logged))
        return
    click.echo(f"share {logged.id} logged: {fmt.shown(logged.link_title or logged.link_url, 60)} "
               f"on {logged.channel}")


@click.group(invoke_without_command=True)
@home_option
@click.option("--since", metavar="DATE", help="Only shares on or after DATE (local time).")
@json_option
@click.pass_context
def shares(ctx: click.Context, since: str | None, as_json: bool) -> None:
    """The share log, latest first (`pln shares sync` reads your own posts into it)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(_list_shares, since=since, as_json=as_json)


@with_library
def _list_shares(library: Any, since: str | None, as_json: bool) -> None:
    items = library.shares(since=parse_when(since, option="--since"))
    if as_json:
        echo_json([share_json(s) for s in items])
        return
    if not items:
        click.echo(f"no shares since {since}" if since else
                   "no shares logged yet: `pln share URL --channel mastodon --comment ...`")
        return
    for s in items:
        local = s.shared_at.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(f"[{s.id}] {local}  {s.channel:<8}  {fmt.shown(s.link_title or s.link_url, 60)}")
        click.echo(f"    {fmt.shown(s.link_url)}")
        if s.comment:
            for line in fmt.shown_multiline(s.comment).splitlines():
                click.echo(f"    \u201c{line}\u201d" if len(s.comment.splitlines()) == 1 else f"    {line}")
        if s.post_url:
            click.echo(f"    post: {fmt.shown(s.post_url)}")


@shares.command("sync")
@home_option
@json_option
@with_library
def shares_sync(library: Any, as_json: bool) -> None:
    """Log your own recent Mastodon/Bluesky posts that link to links in the store as shares."""
    result = library.sync_own_posts()
    if as_json:
        echo_json({"accounts": result.accounts, "posts": result.posts, "recorded": result.recorded,
                   "already_logged": result.known, "links_not_in_store": result.unmatched,
                   "errors": result.errors})
    elif result.accounts:
        click.echo(f"read {fmt.plural(result.posts, 'post')} of {', '.join(result.accounts)}: "
                   f"{result.recorded} new shares logged, {result.known} already logged, "
                   f"{result.unmatched} linking elsewhere")
    for error in result.errors:
        click.echo(f"error: {fmt.shown(error)}", err=True)
    if result.errors:
        sys.exit(1)


@click.command()
@home_option
@click.argument("share_id", type=int)
@with_library
def unshare(library: Any, share_id: int) -> None:
    """Delete a logged share (its id is in `pln shares`)."""
    gone = library.unshare(share_id)
    click.echo(f"deleted share {gone.id} ({gone.channel}, {fmt.shown(gone.link_title or gone.link_url, 60)})")


COMMANDS = (share, shares, unshare)
