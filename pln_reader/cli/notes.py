"""`pln` commands for annotations: notes, highlights, tags, and the list of every annotation."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..core.errors import InputError, PlnError
from . import format as fmt
from .options import echo_json, home_option, json_option, with_library


def _decode(data: bytes) -> str:
    """What the editor saved: UTF-8, else the Windows or Latin-1 code page (never an error)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


@contextlib.contextmanager
def _from_editor(initial: str = "") -> Iterator[str]:
    """The text written in ``$EDITOR``. Its file is removed only once the body of the ``with``
    has stored the text: if anything fails, the file stays and the error names it."""
    fd, name = tempfile.mkstemp(prefix="pln-note-", suffix=".md")
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(initial)
    before = path.stat().st_mtime_ns
    try:
        click.edit(filename=str(path))
    except click.ClickException as exc:
        raise InputError(f"{exc.format_message()}; what you typed is kept in {path}") from None
    data = path.read_bytes()
    if path.stat().st_mtime_ns == before and data == initial.encode("utf-8"):
        path.unlink(missing_ok=True)
        raise InputError("the editor closed without saving: nothing changed")
    try:
        yield _decode(data)
    except PlnError as exc:
        raise type(exc)(f"{exc}; what you typed is kept in {path}") from None
    except BaseException:
        click.echo(f"what you typed is kept in {path}", err=True)
        raise
    path.unlink(missing_ok=True)


def _editor_needs_a_terminal(use_editor: bool) -> None:
    """No TEXT and stdin not a terminal (a pipe, a script, cron): never start an editor there
    unasked, where it would hang or read the pipe; ``--edit`` starts it anyway."""
    import sys

    if not use_editor and not sys.stdin.isatty():
        raise click.UsageError("no TEXT given and stdin is not a terminal: give the note as TEXT, "
                               "or --edit to open $EDITOR anyway")


@click.command()
@home_option
@click.argument("url")
@click.argument("text", required=False)
@click.option("--edit", "use_editor", is_flag=True, help="Write the note in $EDITOR.")
@with_library
def note(library: Any, url: str, text: str | None, use_editor: bool) -> None:
    """Add a note (Markdown) to a link (in $EDITOR when no TEXT is given on a terminal)."""
    if text is None:
        _editor_needs_a_terminal(use_editor)
    if use_editor or text is None:
        with _from_editor(text or "") as written:
            note_id = library.add_note(url, written)
    else:
        note_id = library.add_note(url, text)
    click.echo(f"note {note_id} added")


@click.command()
@home_option
@click.argument("url")
@click.argument("passage")
@click.option("--comment", help="Your comment on the passage.")
@with_library
def highlight(library: Any, url: str, passage: str, comment: str | None) -> None:
    """Highlight a passage of the link's article (it must be in the article's text)."""
    highlight_id = library.add_highlight(url, passage, comment=comment)
    click.echo(f"highlight {highlight_id} added")


@click.command("edit-note")
@home_option
@click.argument("annotation_id", type=int)
@click.argument("text", required=False)
@click.option("--comment", help="A highlight's new comment.")
@click.option("--edit", "use_editor", is_flag=True, help="Change the note in $EDITOR.")
@with_library
def edit_note(library: Any, annotation_id: int, text: str | None, comment: str | None,
              use_editor: bool) -> None:
    """Change a note's text (in $EDITOR when no TEXT is given on a terminal) or a highlight's comment."""
    if text is None and comment is None:
        _editor_needs_a_terminal(use_editor)
        current = next((a for a in library.annotations() if a.id == annotation_id), None)
        if current is None:
            raise InputError(f"no note or highlight with id {annotation_id} (see `pln notes`)")
        with _from_editor(current.body) as written:
            library.edit_annotation(annotation_id, text=written, comment=comment)
    else:
        library.edit_annotation(annotation_id, text=text, comment=comment)
    click.echo(f"updated {annotation_id}")


@click.command("delete-note")
@home_option
@click.argument("annotation_id", type=int)
@with_library
def delete_note(library: Any, annotation_id: int) -> None:
    """Delete a note or a highlight."""
    library.delete_annotation(annotation_id)
    click.echo(f"deleted {annotation_id}")


@click.command()
@home_option
@click.argument("url")
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove these tags instead.")
@with_library
def tag(library: Any, url: str, tags: tuple[str, ...], remove: bool) -> None:
    """Tag a link (or --remove tags)."""
    now = library.tag(url, tags, remove=remove)
    click.echo(f"tags: {fmt.shown(', '.join(now)) or '-'}")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        day = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-16") from None
    return day.astimezone() if day.tzinfo is None else day  # a bare date is local time


@click.command()
@home_option
@click.option("--list", "list_name", metavar="NAME", help="Only annotations of links in this list.")
@click.option("--since", metavar="DATE", help="Only annotations made on or after DATE (local time).")
@click.option("--url", metavar="URL", help="Only annotations of this link.")
@json_option
@with_library
def notes(library: Any, list_name: str | None, since: str | None, url: str | None, as_json: bool) -> None:
    """Every note and highlight, newest first."""
    items = library.annotations(list_name=list_name, since=_since(since), url=url)
    if as_json:
        echo_json([{"id": a.id, "kind": a.kind, "url": a.link_url, "title": a.link_title,
                    "text": a.body, "comment": a.comment, "tags": list(a.tags),
                    "created": fmt.iso(a.created_at), "updated": fmt.iso(a.updated_at)} for a in items])
        return
    if not items:
        click.echo("no notes or highlights yet: `pln note URL TEXT`, `pln highlight URL PASSAGE`")
        return
    for a in items:
        local = a.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(f"[{a.id}] {a.kind} {local}  {fmt.shown(a.link_title or a.link_url, 60)}")
        body = fmt.shown_multiline(a.body)
        prefix = "    > " if a.kind == "highlight" else "    "
        for line in body.splitlines() or [""]:
            click.echo(prefix + line)
        if a.comment:
            click.echo(f"    ({fmt.shown(a.comment)})")
        if a.tags:
            click.echo(f"    tags: {fmt.shown(', '.join(a.tags))}")


COMMANDS = (note, highlight, edit_note, delete_note, tag, notes)
