"""Notes, highlights and tags: round trips, matching, listing, search, and survival."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError, NotFoundError
from pln_reader.library.facade import Library
from tests.corpus_paths import CORPUS, needs_corpus
from tests.integration.server import FeedServer

pytestmark = needs_corpus

PAGE = (CORPUS / "articles/blog.python.org.html").read_bytes() if CORPUS.is_dir() else b""


@pytest.fixture
def page(server: FeedServer, library: Library) -> str:
    url = server.route("/post", lambda h: h.send_plain(200, PAGE, content_type="text/html"))
    feed = server.serve("/f.xml", (f"<rss version='2.0'><channel><title>Blog</title><item><title>Post</title>"
                                   f"<link>{url}</link></item></channel></rss>").encode())
    library.add([feed], lists=["Python"])
    library.fetch_articles(urls=[url])
    return url


def passage_of(library: Library, url: str) -> str:
    words = (library.article(url).text or "").split()
    return " ".join(words[20:32])


def test_note_round_trip_with_timestamps(library: Library, page: str) -> None:
    note_id = library.add_note(page, "**Key idea**: use it with Year 9.\n\n> quoted \"text\" — ünïcode")
    [a] = library.annotations()
    assert (a.id, a.kind, a.link_url) == (note_id, "note", page)
    assert a.body == "**Key idea**: use it with Year 9.\n\n> quoted \"text\" — ünïcode"
    assert a.created_at == a.updated_at
    library.clock = lambda: datetime.now(UTC) + timedelta(hours=1)
    library.edit_annotation(note_id, text="Changed")
    [b] = library.annotations()
    assert b.body == "Changed" and b.created_at == a.created_at and b.updated_at > a.updated_at
    library.delete_annotation(note_id)
    assert library.annotations() == []
    with pytest.raises(NotFoundError):
        library.delete_annotation(note_id)
    with pytest.raises(InputError):
        library.add_note(page, "   ")


def test_highlight_must_match_the_article(library: Library, page: str) -> None:
    passage = passage_of(library, page)
    messy = "  " + passage.replace(" ", "\n   ", 3).upper() + " "  # whitespace and case differ
    library.add_highlight(page, messy, comment="worth sharing")
    [h] = library.annotations()
    assert h.kind == "highlight" and h.body == " ".join(messy.split()) and h.comment == "worth sharing"
    with pytest.raises(InputError, match="not in the article text"):
        library.add_highlight(page, "words that appear nowhere in this article at all")
    with pytest.raises(InputError, match="cannot be edited"):
        library.edit_annotation(h.id, text="other words")
    library.edit_annotation(h.id, comment="new comment")
    assert library.annotations()[0].comment == "new comment"


def test_highlight_needs_an_article(server: FeedServer, library: Library) -> None:
    url = server.route("/none", lambda h: h.send_plain(404, b"gone", content_type="text/html"))
    library.save(url)  # fetched at once: http_error:404
    with pytest.raises(InputError, match="no article text"):
        library.add_highlight(url, "anything")


def test_annotations_survive_refresh_and_reextraction_and_are_searchable(
    server: FeedServer, library: Library, page: str
) -> None:
    library.add_note(page, "serendipitous zebra observation")
    passage = passage_of(library, page)
    library.add_highlight(page, passage)
    library.tag(page, ["#teaching", "evidence"])
    server.update("/f.xml", (f"<rss version='2.0'><channel><title>Blog</title><item><title>Renamed</title>"
                             f"<link>{page}</link></item></channel></rss>").encode())
    library.refresh(force=True)
    library.fetch_articles(urls=[page], force=True)
    kinds = sorted((a.kind, a.body) for a in library.annotations())
    assert kinds == sorted([("note", "serendipitous zebra observation"), ("highlight", passage)])
    assert library.annotations()[0].tags == ("evidence", "teaching")
    assert [k.url for k in library.search("zebra")] == [page]
    assert library.tag(page, ["evidence"], remove=True) == ("teaching",)


def test_notes_command_filters_and_json(library: Library, page: str, pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old_clock = library.clock
    library.clock = lambda: datetime(2026, 1, 5, 12, tzinfo=UTC)
    library.add_note(page, "an old note")
    library.clock = old_clock
    editor = tmp_path / "editor.py"
    editor.write_text("import sys; open(sys.argv[1], 'w').write('written in the editor\\n')")
    import os

    os.environ["EDITOR"] = f"{sys.executable} {editor}"
    try:
        assert "added" in pln("note", page, "--edit").stdout
    finally:
        del os.environ["EDITOR"]
    pln("highlight", page, passage_of(library, page), "--comment", "share this")
    pln("tag", page, "teaching")
    items = json.loads(pln("notes", "--json").stdout)
    assert [i["kind"] for i in items] == ["highlight", "note", "note"]
    assert items[1]["text"] == "written in the editor" and items[0]["comment"] == "share this"
    assert items[0]["tags"] == ["teaching"] and items[0]["url"] == page
    recent = json.loads(pln("notes", "--since", "2026-06-01", "--json").stdout)
    assert len(recent) == 2
    assert json.loads(pln("notes", "--list", "Python", "--json").stdout) == items
    assert json.loads(pln("notes", "--list", "Python", "--since", "2099-01-01", "--json").stdout) == []
    text = pln("notes").stdout
    assert "> " in text and "share this" in text
    bad = pln("notes", "--since", "last week", ok=False)
    assert bad.exit_code == 2 and "not a date" in bad.stderr
    note_id = items[1]["id"]
    pln("edit-note", str(note_id), "edited text")
    pln("delete-note", str(items[2]["id"]))
    assert [i["text"] for i in json.loads(pln("notes", "--json").stdout) if i["kind"] == "note"] == ["edited text"]


def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    script = tmp_path / "editor.py"
    script.write_text(code)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "edits"))
    (tmp_path / "edits").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR is read again


def test_a_note_saved_in_latin_1_is_kept(library: Library, page: str, pln, tmp_path: Path,  # type: ignore[no-untyped-def]
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _editor(tmp_path, monkeypatch,
            "import sys; open(sys.argv[1], 'wb').write('Caf\\u00e9 au lait, \\u00e0 revoir'.encode('latin-1'))")
    assert "added" in pln("note", page, "--edit").stdout
    assert [a.body for a in library.annotations()] == ["Café au lait, à revoir"]
    assert list((tmp_path / "edits").iterdir()) == []  # stored, so the file is gone


def test_what_was_typed_survives_a_failed_store(library: Library, pln, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _editor(tmp_path, monkeypatch, "import sys; open(sys.argv[1], 'w').write('my careful thoughts')")
    result = pln("note", "not a web address", "--edit", ok=False)
    assert result.exit_code == 1 and "what you typed is kept in" in result.stderr
    [kept] = (tmp_path / "edits").iterdir()
    assert kept.read_text() == "my careful thoughts" and str(kept) in result.stderr


def test_an_editor_that_fails_keeps_the_file(library: Library, page: str, pln, tmp_path: Path,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _editor(tmp_path, monkeypatch,
            "import sys; open(sys.argv[1], 'w').write('half a thought'); sys.exit(3)")
    result = pln("note", page, "--edit", ok=False)
    assert result.exit_code == 1 and "kept in" in result.stderr
    assert [p.read_text() for p in (tmp_path / "edits").iterdir()] == ["half a thought"]
    assert library.annotations() == []
