"""Built-in demo data: starter topic lists over sample feeds bundled with the package."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
DEMO_OPML = DEMO_DIR / "lists.opml"


def load_demo(library: object) -> None:
    """Import the demo lists (their feeds are local files) and refresh them."""
    from ..fetch import path_to_url

    library.import_opml(DEMO_OPML.read_bytes(), base_url=path_to_url(DEMO_OPML))  # type: ignore[attr-defined]


def run_demo(home: Path | None, *, keep: bool = False) -> None:
    """The `pln demo` command: a library on demo data, refreshed and shown."""
    import click

    from .. import cli_format as fmt
    from ..library import open_library

    temporary = home is None
    root = Path(tempfile.mkdtemp(prefix="pln-demo-")) if home is None else Path(home)
    try:
        with open_library(root) as library:
            load_demo(library)
            click.echo(f"demo library in {root}\n")
            with fmt.RefreshProgress() as progress:
                summary = library.refresh(force=True, progress=progress.update)
            fmt.print_refresh_summary(summary)
            click.echo("\nTopic lists")
            fmt.print_lists(library.lists())
            for topic in library.lists():
                click.echo(f"\n== {topic.name} ==")
                fmt.print_links(library.links(list_name=topic.name, limit=5))
        if temporary and not keep:
            click.echo("\n(the demo library was temporary; run `pln demo --keep` or "
                       "`pln --home DIR demo` to keep it and explore it with `pln --home DIR links`)")
        else:
            click.echo(f"\nexplore it: pln --home {root} links --unread")
    finally:
        if temporary and not keep:
            shutil.rmtree(root, ignore_errors=True)
