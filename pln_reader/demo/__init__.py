"""Built-in demo data, data only: starter topic lists over sample feeds bundled with the package.
Imports nothing of pln_reader; library/ loads it."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
DEMO_OPML = DEMO_DIR / "lists.opml"
