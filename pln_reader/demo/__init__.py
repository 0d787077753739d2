"""Built-in demo data: starter topic lists over sample feeds bundled with the package."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
DEMO_OPML = DEMO_DIR / "lists.opml"


def load_demo(library: object) -> None:
    """Import the demo lists; their feeds are local files, fetched by the next refresh."""
    from ..fetch import path_to_url

    library.import_opml(DEMO_OPML.read_bytes(), base_url=path_to_url(DEMO_OPML))  # type: ignore[attr-defined]
