"""Every corpus OPML file imports into a real library, or fails cleanly leaving nothing behind;
what imports exports and re-imports to the same lists and sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_reader.core.config import load_settings
from pln_reader.core.errors import OPMLError
from pln_reader.library.facade import open_library
from tests.corpus_paths import corpus_files, needs_corpus

pytestmark = needs_corpus


def snapshot(lib) -> tuple:  # type: ignore[no-untyped-def]
    lists = [(t.name, t.purpose, t.context, t.budget_minutes, t.source_count) for t in lib.lists()]
    sources = sorted((s.url, s.kind, s.title, s.lists) for s in lib.sources())
    return lists, sources


@pytest.mark.parametrize("path", corpus_files("opml"), ids=lambda p: p.name)
def test_corpus_opml_imports_or_fails_cleanly(path: Path, tmp_path: Path) -> None:
    with open_library(tmp_path / "a", settings=load_settings(tmp_path / "a")) as lib:
        try:
            result = lib.import_opml(path.read_bytes(), base_url="https://example.org/list.opml")
        except OPMLError as exc:
            assert str(exc)
            assert lib.sources() == [] and lib.lists() == []
            return
        assert result.sources_created == len(lib.sources())
        exported = lib.export_opml()
        before = snapshot(lib)
    with open_library(tmp_path / "b", settings=load_settings(tmp_path / "b")) as other:
        other.import_opml(exported)
        assert snapshot(other) == before
        assert other.export_opml() == exported
