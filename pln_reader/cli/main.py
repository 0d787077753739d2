"""The `pln` command line: a thin layer over :class:`pln_reader.library.Library`.

stdout carries command output (tables, JSON); stderr carries progress and errors. Errors are one
line, ``error: ...``, with exit status 1 (2 for usage errors); never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

import click

from ..core.errors import PlnError
from ..core.version import __version__
from . import (
    applied,
    backup,
    challenge,
    completion,
    doctor,
    notes,
    reading,
    reflect,
    rules,
    shares,
    social,
    sync,
)
from . import format as fmt
from .options import F, echo_json, home_option, json_option, with_fetch_workers, with_library


def usage_line(exc: click.UsageError) -> str:
    """A usage error as one line that names the option and the bad value: ``--week: 2026-W99
    is not a week (YYYY-Www)``, ``no such option: --wek``."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        hint = exc.param_hint
        if hint is None and exc.param is not None:
            hint = exc.param.get_error_hint(exc.ctx) if exc.ctx is not None else exc.param.name
        names = hint if isinstance(hint, str) else " / ".join(hint or ())
        names = names.replace("'", "").replace('"', "")
        message = exc.message.strip().rstrip(".")
        return f"{names}: {message}" if names else message
    message = exc.format_message().strip().rstrip(".")
    return message[:1].lower() + message[1:]


class OneLineUsageError(click.UsageError):
    """Shown as ``error: ...`` on stderr, exit status 2, without click's usage block."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {fmt.shown(self.message)}", err=True)


class PlnGroup(click.Group):
    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except OneLineUsageError:
            raise
        except click.UsageError as exc:  # the group's own options (`pln --hom x`)
            raise OneLineUsageError(usage_line(exc)) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OneLineUsageError:
            raise
        except click.UsageError as exc:  # a command's arguments and options, and its own checks
            raise OneLineUsageError(usage_line(exc), ctx) from None
        except PlnError as exc:
            click.echo(f"error: {fmt.shown(str(exc))}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=PlnGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@home_option
@click.version_option(__version__, prog_name="pln")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """pln_reader: purposeful reading of your personal learning network.

    With no command, opens the terminal UI.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(ui)


def _run_ui(library: Any) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError("the UI needs a terminal; see `pln --help` for the commands")
    from ..ui.app import run

    run(library)


@cli.command()
@home_option
@with_library
def ui(library: Any) -> None:
    """Open the terminal UI (what `pln` with no command does)."""
    _run_ui(library)


# -- sources ---------------------------------------------------------------------------------


@cli.command()
@home_option
@click.argument("targets", nargs=-1, required=True)
@click.option("--list", "lists", multiple=True, metavar="NAME", help="Put the sources in this list (repeatable).")
@with_library
def add(library: Any, targets: tuple[str, ...], lists: tuple[str, ...]) -> None:
    """Add feeds, sites (feed autodiscovery) or OPML lists by URL or local path."""
    failed = 0
    for result in library.add(targets, lists=lists):
        if result.error:
            failed += 1
            click.echo(f"error: {fmt.shown(result.error)}", err=True)
            continue
        source = result.source
        verb = "added" if result.created else "exists"
        line = (f"{verb}: [{source.id}] {fmt.shown(source.label)} ({source.kind}, "
                f"{fmt.plural(source.entries, 'entry', 'entries')})")
        click.echo(line + (f": {fmt.shown(result.note)}" if result.note and result.created else ""))
        for note in result.repairs:
            click.echo(f"repaired: {fmt.shown(note)}", err=True)
    if failed:
        sys.exit(1)


@cli.command()
@home_option
@click.argument("source")
@with_library
def remove(library: Any, source: str) -> None:
    """Remove a source (by id, URL or title) and its entries; saved links stay."""
    removed = library.remove_source(source)
    click.echo(f"removed: [{removed.id}] {fmt.shown(removed.label)}")


@cli.command()
@home_option
@click.argument("source")
@click.option("--undo", is_flag=True, help="Fetch the source again.")
@with_library
def mute(library: Any, source: str, undo: bool) -> None:
    """Stop fetching a source (by id, URL or title) but keep it and its entries."""
    changed = library.mute_source(source, muted=not undo)
    click.echo(f"{'unmuted' if undo else 'muted'}: [{changed.id}] {fmt.shown(changed.label)}")


@cli.command()
@home_option
@click.option("--list", "list_name", metavar="NAME", help="Only the sources of this list.")
@json_option
@with_library
def sources(library: Any, list_name: str | None, as_json: bool) -> None:
    """Show sources with their lists, entry counts and fetch status."""
    items = library.sources(list_name=list_name)
    if as_json:
        echo_json([fmt.source_json(s) for s in items])
    else:
        fmt.print_sources(items)


# -- lists -------------------------------------------------------------------------------------


@cli.command("lists")
@home_option
@json_option
@with_library
def lists_cmd(library: Any, as_json: bool) -> None:
    """Show topic lists with purpose, budget and unread counts."""
    items = library.lists()
    if as_json:
        echo_json([fmt.list_json(t) for t in items])
    else:
        fmt.print_lists(items)


@cli.group("list")
def list_group() -> None:
    """Create, edit or delete a topic list."""


def _budget(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    from ..core.models import budget_problem

    if value is None:
        return None
    if (problem := budget_problem(value)) is not None:
        raise click.BadParameter(problem)
    return int(value)


def list_options(f: F) -> F:
    f = click.option("--budget", metavar="MINUTES", callback=_budget,
                     help="Daily skim budget: 0 to 1440 minutes.")(f)
    f = click.option("--aim", type=click.Choice(["visitor", "between", "resident", "none"]),
                     help="Where the list aims on the practice map (none clears it).")(f)
    f = click.option("--context", type=click.Choice(["professional", "personal", "both"]))(f)
    f = click.option("--purpose", help="One sentence: why you read this list.")(f)
    return f


@list_group.command("create")
@home_option
@click.argument("name")
@list_options
@click.option("--parent", metavar="LIST", help="Nest the new list in this list.")
@with_library
def list_create(library: Any, name: str, purpose: str | None, context: str | None, aim: str | None,
                budget: int | None, parent: str | None) -> None:
    """Create a topic list."""
    created = library.create_list(name, purpose=purpose, context=context, budget_minutes=budget,
                                  parent=parent, aim=None if aim == "none" else aim)
    click.echo(f"created list: {fmt.shown(created.name)}")


@list_group.command("edit")
@home_option
@click.argument("name")
@list_options
@click.option("--rename", metavar="NEW_NAME", help="Give the list a new name.")
@click.option("--parent", metavar="LIST", help='Nest the list in this list ("" for the top).')
@with_library
def list_edit(library: Any, name: str, purpose: str | None, context: str | None, aim: str | None,
              budget: int | None, rename: str | None, parent: str | None) -> None:
    """Change a topic list's name, purpose, context, budget, aim or place."""
    changes: dict[str, Any] = {}
    if rename is not None:
        changes["new_name"] = rename
    if parent is not None:
        changes["parent"] = parent
    if purpose is not None:
        changes["purpose"] = purpose or None
    if context is not None:
        changes["context"] = context
    if budget is not None:
        changes["budget_minutes"] = budget
    if aim is not None:
        changes["aim"] = None if aim == "none" else aim
    if not changes:
        raise click.UsageError("nothing to change: give --purpose, --context, --budget, --aim, "
                               "--rename or --parent")
    edited = library.edit_list(name, **changes)
    click.echo(f"updated list: {fmt.shown(edited.name)}")


@list_group.command("delete")
@home_option
@click.argument("name")
@with_library
def list_delete(library: Any, name: str) -> None:
    """Delete a topic list (its sources and links stay)."""
    library.delete_list(name)
    click.echo(f"deleted list: {fmt.shown(name)}")


# -- OPML --------------------------------------------------------------------------------------


@cli.command("import")
@home_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "source", type=click.Choice(
    ["pocket", "instapaper", "omnivore", "wallabag", "readwise", "opml"]),
    help="The file's format (default: told from its content).")
@with_library
def import_cmd(library: Any, file: Path, source: str | None) -> None:
    """Import an OPML file of lists and feeds, or the export of Pocket, Instapaper, Omnivore,
    Wallabag or Readwise (saved links, tags, highlights). All or nothing."""
    from ..library.imports import sniff

    if source is None and sniff(file) is not None:
        source = sniff(file)
    if source is None or source == "opml":
        _import_opml(library, file)
        return
    if sys.stderr.isatty():
        with click.progressbar(length=file.stat().st_size, label=f"importing {file.name}",
                               file=sys.stderr) as bar:
            seen = [0]

            def step(done: int, total: int) -> None:
                bar.update(done - seen[0])
                seen[0] = done

            result = library.import_reading(file, fmt=source, progress=step)
    else:
        result = library.import_reading(file, fmt=source)
    click.echo(result.summary())
    for note in result.skip_reasons:
        click.echo(f"skipped: {fmt.shown(note)}", err=True)
    if result.skipped > len(result.skip_reasons):
        click.echo(f"skipped: {result.skipped - len(result.skip_reasons):,} more", err=True)


def _import_opml(library: Any, file: Path) -> None:
    result = library.import_opml_file(file)
    click.echo(f"imported {file}: {fmt.plural(result.lists_created, 'new list')}, "
               f"{fmt.plural(result.sources_created, 'new source')}")
    for note in result.repairs:
        click.echo(f"repaired: {fmt.shown(note)}", err=True)
    for note in result.skipped:
        click.echo(f"skipped: {fmt.shown(note)}", err=True)
    if result.sources_created:
        click.echo("run `pln refresh` to fetch them", err=True)


@cli.group("export")
def export_group() -> None:
    """Export your lists (OPML) or your annotations (a Markdown vault)."""


@export_group.command("opml")
@home_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@with_library
def export_opml(library: Any, output: Path | None) -> None:
    """Export topic lists and sources as OPML 2.0 (round-trips through `pln import`)."""
    data = library.export_opml()
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        from ..core.files import write_atomically

        write_atomically(output, data)
        click.echo(f"wrote {output}", err=True)


@export_group.command("vault")
@home_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_library
def export_vault(library: Any, folder: Path | None) -> None:
    """A Markdown file per link you annotated, shared or applied, in FOLDER (default: [vault] dir).

    Run it again at any time: only files whose content changed are written, and what you write
    below the line <!-- your notes below --> in a file is kept.
    """
    result = library.export_vault(folder)
    click.echo(f"vault {fmt.shown(str(result.folder))}: {fmt.plural(len(result.written), 'file')} "
               f"written, {result.unchanged} unchanged"
               + (f", {result.orphaned} with nothing annotated any more (kept)" if result.orphaned else ""))


# -- refresh -----------------------------------------------------------------------------------


@cli.command()
@home_option
@click.option("--list", "list_name", metavar="NAME", help="Only the sources of this list.")
@click.option("--force", is_flag=True, help="Fetch every source now, ignoring due times.")
@json_option
@with_fetch_workers
@with_library
def refresh(library: Any, list_name: str | None, force: bool, as_json: bool, workers: Any) -> None:
    """Fetch due sources and store new entries."""
    with fmt.refresh_progress() as progress:
        summary = library.refresh(force=force, list_name=list_name, progress=progress.update,
                                  workers=workers)
    # Saved links get their article now, so they can be read offline (and behind a firewall).
    from .reading import describe_article

    with fmt.Progress("articles", describe_article) as progress:
        articles = library.prefetch_saved(progress=progress.update)
    if as_json:
        echo_json(fmt.refresh_json(summary))
    else:
        dues = [] if summary.server is not None else [
            s.next_due for s in library.sources(list_name=list_name) if s.next_due is not None]
        fmt.print_refresh_summary(summary, next_due=min(dues, default=None), now=library.clock())
        if articles:
            ok = sum(a.status == "ok" for a in articles)
            click.echo(f"saved links: {fmt.plural(len(articles), 'article')} fetched, {ok} with text")


# -- links -------------------------------------------------------------------------------------


@cli.command()
@home_option
@click.option("--list", "list_name", metavar="NAME", help="Only links of this list.")
@click.option("--unread", is_flag=True, help="Only unread links.")
@click.option("--saved", is_flag=True, help="Only saved links (the reading queue).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N links.")
@click.option("--sort", type=click.Choice(["newest", "shared"]), default="newest", show_default=True,
              help="shared: the links the most people shared first.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Only links first seen in the last N days (--sort shared --days 7: most shared this week).")
@click.option("--hidden", is_flag=True, help="Only hidden links: those you hid (`pln unhide URL`) and those a "
              "rule hides (named; `pln rule remove ID` brings them back).")
@json_option
@with_library
def links(library: Any, list_name: str | None, unread: bool, saved: bool, limit: int | None,
          sort: str, days: int | None, hidden: bool, as_json: bool) -> None:
    """Show links, newest first: one row per link, whatever number of sources it came from, and one
    row per story (near-duplicate titles from other sources: "3 versions", see `pln story URL`)."""
    from datetime import timedelta

    if unread and saved:
        raise click.UsageError("--unread and --saved cannot be combined")
    since = library.clock() - timedelta(days=days) if days else None
    items = library.links(list_name=list_name, unread=unread, saved=saved, limit=limit, sort=sort,
                          since=since, hidden=hidden)
    if as_json:
        echo_json(fmt.links_json(library, items))
    else:
        fmt.print_links(items)


@cli.command()
@home_option
@click.argument("url")
@click.option("--undo", is_flag=True, help="Show the link again (as `pln unhide`).")
@with_library
def hide(library: Any, url: str, undo: bool) -> None:
    """Hide a link from every list (`pln links --hidden` lists hidden links)."""
    link = library.hide(url, hidden=not undo)
    click.echo(f"{'shown again' if undo else 'hidden'}: {fmt.shown(link.url)}")


@cli.command()
@home_option
@click.argument("url")
@with_library
def unhide(library: Any, url: str) -> None:
    """Show a hidden link again."""
    link = library.hide(url, hidden=False)
    click.echo(f"shown again: {fmt.shown(link.url)}")
    for by in link.hidden_by:  # a rule's hiding is undone by removing the rule
        click.echo(f"still hidden by rule {fmt.shown(by)}: `pln rule remove ID` shows it", err=True)


@cli.command()
@home_option
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1), default=50)
@json_option
@with_library
def search(library: Any, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over titles, summaries, article text and notes (every word must match)."""
    items = library.search(" ".join(query), limit=limit)
    if as_json:
        echo_json(fmt.links_json(library, items))
    else:
        fmt.print_links(items)


@cli.command()
@home_option
@click.argument("url")
@with_library
def save(library: Any, url: str) -> None:
    """Save a link to the reading queue (any URL, also one in no feed)."""
    link = library.save(url)
    click.echo(f"saved: {fmt.shown(link.url)}")


@cli.command()
@home_option
@click.argument("url")
@with_library
def unsave(library: Any, url: str) -> None:
    """Take a link out of the reading queue."""
    link = library.unsave(url)
    click.echo(f"unsaved: {fmt.shown(link.url)}")


@cli.command("mark-read")
@home_option
@click.argument("url", required=False)
@click.option("--list", "list_name", metavar="NAME", help="Mark every unread link of this list read.")
@click.option("--all", "all_lists", is_flag=True, help="Mark every unread link read.")
@click.option("--unread", "undo", is_flag=True, help="Mark the URL unread again instead.")
@with_library
def mark_read(library: Any, url: str | None, list_name: str | None, all_lists: bool, undo: bool) -> None:
    """Mark a link read, or every link of a list (saved links stay unread)."""
    if sum(x is not None and x is not False for x in (url, list_name, all_lists or None)) != 1:
        raise click.UsageError("give exactly one of URL, --list NAME or --all")
    if url is not None:
        link = library.mark_read(url, read=not undo)
        click.echo(f"{'unread' if undo else 'read'}: {fmt.shown(link.url)}")
    else:
        count = len(library.mark_list_read(list_name))
        click.echo(f"marked {fmt.plural(count, 'link')} read" + (f" in {list_name}" if list_name else ""))


@cli.command()
@home_option
@click.option("--keep", is_flag=True, help="With no --home: keep the demo data directory.")
@click.option("--no-ui", is_flag=True, help="Print the demo's lists and links instead of opening the UI.")
def demo(keep: bool, no_ui: bool) -> None:
    """Try pln on built-in demo data: starter lists, bundled sample feeds, a refresh, the UI."""
    import shutil
    import tempfile

    from ..library import open_library

    home = click.get_current_context().find_root().meta.get("pln.home")
    temporary = home is None
    root = Path(tempfile.mkdtemp(prefix="pln-demo-")) if home is None else Path(home)
    try:
        with open_library(root) as library:
            click.echo(f"demo library in {root}\n")
            with fmt.refresh_progress() as progress:
                summary = library.load_demo(progress=progress.update)
            fmt.print_refresh_summary(summary)
            interactive = sys.stdin.isatty() and sys.stdout.isatty()
            if interactive and not no_ui:
                _run_ui(library)
                return
            click.echo("\nTopic lists")
            fmt.print_lists(library.lists())
            for topic in library.lists():
                click.echo(f"\n== {fmt.shown(topic.name)} ==")
                fmt.print_links(library.links(list_name=topic.name, limit=5))
        if temporary and not keep:
            click.echo("\n(the demo library was temporary: `pln --home DIR demo` keeps one in DIR "
                       "to explore with `pln --home DIR links`)")
        else:
            click.echo(f"\nexplore it: pln --home {root} links --unread")
    finally:
        if temporary and not keep:
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    """The `pln` console script."""
    try:
        cli.main(prog_name="pln")  # ends in SystemExit, as click's standalone mode does
    except SystemExit as exc:
        status = exc.code
    except OSError as exc:  # the output went to a full disk or a device that takes nothing
        with contextlib.suppress(OSError):
            click.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
        status = 1
    leave(status)


def leave(status: object) -> NoReturn:
    """Exit with ``status`` as :func:`sys.exit` would, without tearing the interpreter down:
    freeing every loaded module costs ~50 ms after a refresh, on every command. Exit handlers
    run and output is flushed first; while another thread still runs, Python's own exit (which
    waits for it) is used instead."""
    if threading.active_count() > 1:
        sys.exit(status)
    if status is None or isinstance(status, int):
        code = (status or 0) & 0xFF
    else:  # sys.exit("message"): the message on stderr, status 1
        with contextlib.suppress(OSError):
            print(status, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # logging's flush, multiprocessing's clean-up: what exit would run
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # `pln links | head`: the reader left, nothing to say
            code = code or 1
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.write(2, f"error: cannot write the output: {exc.strerror or exc}\n".encode())
            code = code or 1
    os._exit(code)


# The command modules define their commands; only this module puts them on the group.
for _module in (doctor, notes, reading, reflect, shares, social, sync, completion, backup, challenge, applied, rules):
    for _command in _module.COMMANDS:
        cli.add_command(_command)
