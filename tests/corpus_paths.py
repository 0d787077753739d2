"""Where the shared third-party corpus lives (../shared/corpus from the project root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FEED_CORPUS", ROOT.parent / "shared" / "corpus"))
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")


def corpus_files(sub: str) -> list[Path]:
    folder = CORPUS / sub
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
