"""`pln rule add|list|test|remove`: filter rules; `pln story URL`: the versions of a story."""

from __future__ import annotations

from typing import Any

import click

from ..core.rules import ACTIONS, KINDS, PREVIEW_DAYS, Rule, RulePreview
from . import format as fmt
from .options import echo_json, home_option, json_option, with_library

_ACTION = click.argument("action", type=click.Choice(ACTIONS))
_KIND = click.argument("kind", type=click.Choice(KINDS))
_PATTERN = click.argument("pattern")
_LIST = click.option("--list", "list_name", metavar="NAME",
                     help="Only for this topic list (default: every list).")


def rule_json(r: Rule) -> dict[str, Any]:
    return {"id": r.id, "action": r.action, "kind": r.kind, "pattern": r.pattern,
            "list": r.list_name, "hides": r.hides, "created": fmt.iso(r.created_at)}


def preview_json(p: RulePreview) -> dict[str, Any]:
    return {"days": PREVIEW_DAYS, "links": p.considered, "matched": p.matched, "hidden": p.hidden,
            "kept": p.kept, "timeouts": p.timeouts,
            "matched_examples": [{"title": t, "url": u} for t, u in p.matched_examples],
            "unmatched_examples": [{"title": t, "url": u} for t, u in p.unmatched_examples]}


def print_preview(p: RulePreview) -> None:
    click.echo(f"of {fmt.plural(p.considered, 'link')} first seen in the last {PREVIEW_DAYS} days:")
    if p.action == "mute":
        click.echo(f"  it would hide {p.hidden}, keep {p.kept}")
        shown = [("hidden", p.matched_examples)]
    elif p.action == "keep":
        click.echo(f"  it would keep {p.kept}, hide {p.hidden}")
        shown = [("kept", p.matched_examples), ("hidden", p.unmatched_examples)]
    else:
        click.echo(f"  it would mark words in {fmt.plural(p.matched, 'title')}")
        shown = [("marked", p.matched_examples)]
    for label, examples in shown:
        for title, url in examples:
            click.echo(f"  {label}: {fmt.shown(title, 70)}  {fmt.shown_middle(url, 50)}")
    if p.timeouts:
        click.echo(f"  the expression ran out of time on {fmt.plural(p.timeouts, 'link')}"
                   " (counted as not matching): make it simpler")


@click.group()
def rule() -> None:
    """Rules that keep a list on purpose: mute, keep only, or spotlight (see `pln rule add --help`)."""


@rule.command("add")
@home_option
@_ACTION
@_KIND
@_PATTERN
@_LIST
@with_library
def rule_add(library: Any, action: str, kind: str, pattern: str, list_name: str | None) -> None:
    """Save a rule: ACTION mute|keep|spotlight, KIND word|phrase|regex|author|domain|sharer.

    mute hides the links it matches; keep hides every link it does not match (several keep
    rules of one list: a link matching any of them stays); spotlight marks the matching words
    in titles. It applies to the stored links at once and to new ones at each refresh.
    `pln rule test` shows first what it would do.
    """
    saved = library.add_rule(action, kind, pattern, list_name=list_name)
    what = f", hides {fmt.plural(saved.hides, 'link')}" if action != "spotlight" else ""
    click.echo(f"rule #{saved.id} saved: {fmt.shown(saved.describe())}{what}")


@rule.command("test")
@home_option
@_ACTION
@_KIND
@_PATTERN
@_LIST
@json_option
@with_library
def rule_test(library: Any, action: str, kind: str, pattern: str, list_name: str | None,
              as_json: bool) -> None:
    """What a rule would hide or keep among the last 30 days' links, with examples (not saved)."""
    preview = library.test_rule(action, kind, pattern, list_name=list_name)
    if as_json:
        echo_json(preview_json(preview))
    else:
        print_preview(preview)


@rule.command("list")
@home_option
@json_option
@with_library
def rule_list(library: Any, as_json: bool) -> None:
    """The rules, with how many links each hides now."""
    found = library.rules()
    if as_json:
        echo_json([rule_json(r) for r in found])
        return
    if not found:
        click.echo("no rules yet: `pln rule test mute word WORD`, then `pln rule add mute word WORD`")
        return
    for r in found:
        hides = f"  (hides {fmt.plural(r.hides, 'link')})" if r.action != "spotlight" else ""
        click.echo(f"#{r.id:<4} {fmt.shown(r.describe())}{hides}")


@rule.command("remove")
@home_option
@click.argument("rule_id", metavar="ID", type=click.IntRange(min=1))
@with_library
def rule_remove(library: Any, rule_id: int) -> None:
    """Delete rule ID (see `pln rule list`): the links it hid come back."""
    gone = library.remove_rule(rule_id)
    click.echo(f"rule #{gone.id} removed: {fmt.shown(gone.describe())}"
               + (f"; {fmt.plural(gone.hides, 'link')} back" if gone.hides else ""))


@click.command()
@home_option
@click.argument("url")
@json_option
@with_library
def story(library: Any, url: str, as_json: bool) -> None:
    """The versions of the story a link is in (links from other sources with near-duplicate titles)."""
    versions = library.story_versions(url)
    if as_json:
        echo_json(fmt.links_json(library, versions))
    else:
        fmt.print_links(versions)


COMMANDS = (rule, story)
