"""`pln backup` and `pln restore`: a copy of the library's database, and putting one back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import format as fmt
from .options import home_option, with_library


@click.command()
@home_option
@click.argument("target", required=False, type=click.Path(path_type=Path))
@with_library
def backup(library: Any, target: Path | None) -> None:
    """Copy the database to TARGET (a file or a folder; default: the backups folder).

    Consistent while the UI or a refresh is running. Automatic backups are made too: one a day
    and one before every schema migration ([backup] keep).
    """
    made = library.backup(target)
    click.echo(f"backed up to {fmt.shown(str(made))}")


@click.command()
@home_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Put the backup FILE in place of the library's database.

    The file is checked first (a sound pln database, not from a newer pln_reader), and nothing
    is changed while another pln has the database open. The database it replaces is kept in
    the backups folder.
    """
    from ..library.backups import restore_backup

    home = click.get_current_context().find_root().meta.get("pln.home")
    done = restore_backup(file, home)
    click.echo(f"restored {fmt.shown(str(done.database))} from {fmt.shown(str(file))}")
    if done.previous is not None:
        click.echo(f"the database it replaced is kept as {fmt.shown(str(done.previous))}")


COMMANDS = (backup, restore)
