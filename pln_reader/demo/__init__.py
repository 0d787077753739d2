"""Built-in demo data, data only: starter topic lists over sample feeds bundled with the package,
the feeds' article pages, and a fortnight of activity. Imports nothing of pln_reader; library/
loads it (``Library.load_demo``)."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
DEMO_OPML = DEMO_DIR / "lists.opml"
DEMO_ARTICLES = DEMO_DIR / "articles"
DEMO_ACTIVITY = DEMO_DIR / "activity.json"
