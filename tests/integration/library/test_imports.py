"""Imports from read-later services, through the real Library on a real SQLite file.

The files are built here to follow each service's documented export, since no real export is
at hand:
- Pocket: the CSV of Pocket's help article "Exporting your Pocket list" (2025): header
  ``title,url,time_added,tags,status``; time_added in Unix seconds; tags joined by ``|``;
  status ``unread`` or ``archive``.
- Instapaper: Settings > Export > CSV: header ``URL,Title,Selection,Folder,Timestamp`` (newer
  files add ``Tags``, a JSON list); Folder ``Unread``, ``Archive``, ``Starred`` or the user's own.
- Wallabag: the JSON export of wallabag 2.x as its ``Entry`` entity serialises it (group
  ``export_all``): an array of entries with ``url``, ``title``, ``is_archived``/``is_starred``
  as 0 or 1, ``created_at`` (``2017-02-14 17:50:31`` or ISO 8601 with ``+0000``), ``tags`` as
  label strings (the API's ``{"id", "label", "slug"}`` objects too) and ``annotations`` with
  ``quote``, ``text``, ``ranges``, ``created_at``.
- Readwise: the highlights CSV of readwise.io/export: header ``Highlight,Book Title,Book
  Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,Highlighted at,Document tags``,
  one row a highlight, ``Highlighted at`` as ``2024-05-01 10:00:00+00:00``, comma-separated tags.
- Omnivore: the ZIP of Omnivore's exporter (packages/api/src/jobs/export.ts, 2024):
  ``metadata_{from}_to_{to}.json`` arrays of items (id, slug, title, description, author, url,
  state, readingProgress, thumbnail, labels, savedAt, updatedAt, publishedAt),
  ``content/{slug}.html`` and ``highlights/{slug}.md`` written by its ``highlightToMarkdown``
  (reproduced below as ``omnivore_markdown``).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError
from pln_reader.imports.records import ExportFileError
from pln_reader.library.facade import Library
from pln_reader.store.notes import tags_of

T1 = 1_600_000_000  # 2020-09-13
T2 = 1_700_000_000  # 2023-11-14


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")
    return path


def pocket_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "part_000000.csv", ["title", "url", "time_added", "tags", "status"], [
        ["Retrieval practice works", "https://example.org/retrieval?utm_source=pocket", str(T1),
         "teaching|memory", "unread"],
        ["Old news", "https://example.org/old", str(T2), "", "archive"],
        ["https://example.org/untitled", "https://example.org/untitled", str(T2), "memory", "unread"],
        ["Not a web link", "javascript:alert(1)", str(T2), "", "unread"],
    ])


def instapaper_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "instapaper-export.csv",
                     ["URL", "Title", "Selection", "Folder", "Timestamp", "Tags"], [
        ["https://example.com/a", "Feedback that moves learning", "A passage I\nselected", "Unread",
         str(T1), '["assessment"]'],
        ["https://example.com/b", "Archived one", "", "Archive", str(T2), "[]"],
        ["https://example.com/c", "A favourite", "", "Starred", str(T2), ""],
        ["https://example.com/d", "In my folder", "", "Year 9", str(T2), '["maths", "#maths"]'],
    ])


def link_state(library: Library, url: str) -> tuple[bool, bool, bool]:
    link = library.get_link(url)
    return link.saved, link.read, link.archived


# -- Pocket ------------------------------------------------------------------------------------


def test_pocket_links_come_with_dates_tags_and_state(library: Library, tmp_path: Path) -> None:
    result = library.import_reading(pocket_file(tmp_path))
    assert result.format == "pocket"
    assert (result.links, result.new_links, result.archived, result.tags, result.skipped) == (3, 3, 1, 2, 1)
    assert result.summary() == "pocket: 3 links, 3 new, 1 archived, 2 tags, 1 skipped"
    assert "line 5" in result.skip_reasons[0]
    link = library.get_link("https://example.org/retrieval")  # canonical: tracking dropped
    assert link.title == "Retrieval practice works"
    assert link.saved_at == datetime.fromtimestamp(T1, UTC)
    assert (link.saved, link.read, link.archived) == (True, False, False)
    assert link_state(library, "https://example.org/old") == (True, True, True)
    assert library.get_link("https://example.org/untitled").title is None  # Pocket's URL-as-title
    assert tags_of(library.store, link.id) == ("memory", "teaching")
    assert len(library.queue()) == 2  # the archived one is out of the queue


def test_pocket_import_twice_duplicates_nothing(library: Library, tmp_path: Path) -> None:
    path = pocket_file(tmp_path)
    library.import_reading(path)
    again = library.import_reading(path)
    assert (again.links, again.new_links, again.highlights) == (3, 0, 0)
    rows = library.store.query("SELECT (SELECT count(*) FROM links), (SELECT count(*) FROM tags),"
                               " (SELECT count(*) FROM link_events)")
    assert tuple(rows[0]) == (3, 3, 3)  # links, tags, save events


def test_existing_state_and_notes_are_kept(library: Library, tmp_path: Path) -> None:
    library.save("https://example.org/old", fetch_new=False)
    library.add_note("https://example.org/old", "my own note")
    before = library.get_link("https://example.org/old").saved_at
    library.import_reading(pocket_file(tmp_path))
    link = library.get_link("https://example.org/old")
    assert link.saved_at == before  # pln's own save date stays
    assert link.archived  # ... and what was empty is filled in
    assert [a.body for a in library.annotations(url="https://example.org/old")] == ["my own note"]


def test_an_import_never_unreads(library: Library, tmp_path: Path) -> None:
    library.save("https://example.org/retrieval", fetch_new=False)
    library.archive("https://example.org/retrieval")
    library.import_reading(pocket_file(tmp_path))  # Pocket says unread
    assert link_state(library, "https://example.org/retrieval") == (True, True, True)


def test_malformed_pocket_names_the_line_and_imports_nothing(library: Library, tmp_path: Path) -> None:
    path = pocket_file(tmp_path)
    path.write_text(path.read_text("utf-8") + 'Broken,https://example.org/x,"not a time",,unread\r\n', "utf-8")
    with pytest.raises(ExportFileError, match=r"line 6.*not a Unix time.*nothing was imported"):
        library.import_reading(path)
    assert library.store.query("SELECT count(*) FROM links")[0][0] == 0


def test_broken_quote_and_bad_bytes_name_the_line(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b'title,url,time_added,tags,status\n"ok",https://e.org/1,1,,unread\n'
                     b'"bad title \xff\xfe",https://e.org/2,1,,unread\n')
    with pytest.raises(ExportFileError, match="not UTF-8"):
        library.import_reading(path)
    path.write_bytes(b'title,url,time_added,tags,status\nok,https://e.org/1,1,,unread\n'
                     b'"open quote,https://e.org/2,1,,unread\n')
    with pytest.raises(ExportFileError, match="line 3"):
        library.import_reading(path)
    assert library.store.query("SELECT count(*) FROM links")[0][0] == 0


def test_hostile_text_is_cleaned(library: Library, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", ["title", "url", "time_added", "tags", "status"], [
        ["\x1b]8;;https://evil.example\x07Click\x1b]8;;\x07 [@click=app.quit]me\u202e\x00",
         "https://example.org/h", str(T1), "\x1b[31mred|  |#ok", "unread"]])
    library.import_reading(path)
    link = library.get_link("https://example.org/h")
    assert link.title is not None and "\x1b" not in link.title and "\u202e" not in link.title
    assert "\x00" not in link.title and "\x07" not in link.title
    assert "[@click=app.quit]" in link.title  # kept as text; the UI renders titles as plain text
    assert all("\x1b" not in t for t in tags_of(library.store, link.id))
    assert "ok" in tags_of(library.store, link.id)


# -- Instapaper --------------------------------------------------------------------------------


def test_instapaper_folders_selection_and_tags(library: Library, tmp_path: Path) -> None:
    result = library.import_reading(instapaper_file(tmp_path))
    assert result.summary() == "instapaper: 4 links, 4 new, 1 archived, 1 starred, 3 tags, 1 highlight"
    assert link_state(library, "https://example.com/a") == (True, False, False)
    assert link_state(library, "https://example.com/b") == (True, True, True)
    assert link_state(library, "https://example.com/c") == (True, False, False)  # starred: saved
    [h] = library.annotations(url="https://example.com/a")
    assert (h.kind, h.body, h.comment) == ("highlight", "A passage I selected", None)
    assert h.created_at == datetime.fromtimestamp(T1, UTC)
    d = library.get_link("https://example.com/d")
    assert set(tags_of(library.store, d.id)) == {"Year 9", "maths"}  # the user's folder became a tag


def test_instapaper_twice_adds_no_second_highlight(library: Library, tmp_path: Path) -> None:
    path = instapaper_file(tmp_path)
    library.import_reading(path)
    assert library.import_reading(path).highlights == 0
    assert len(library.annotations()) == 1


def test_instapaper_hostile_text(library: Library, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", ["URL", "Title", "Selection", "Folder", "Timestamp"], [
        ["https://example.com/h", "\x1b[1;31mLoud\x1b[0m\u2066 title", "sel\x1b]8;;x\x07ected\x00",
         "\x1b[2JFolder", str(T1)]])
    library.import_reading(path)
    link = library.get_link("https://example.com/h")
    assert link.title == "Loud title"
    assert tags_of(library.store, link.id) == ("Folder",)
    assert [a.body for a in library.annotations()] == ["selected"]


def test_instapaper_bad_tags_column(library: Library, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", ["URL", "Title", "Selection", "Folder", "Timestamp", "Tags"],
                     [["https://example.com/a", "A", "", "Unread", str(T1), "[not json"]])
    with pytest.raises(ExportFileError, match="line 2: Tags"):
        library.import_reading(path)


# -- telling formats apart ---------------------------------------------------------------------


def test_a_file_mistaken_for_another_format(library: Library, tmp_path: Path) -> None:
    with pytest.raises(ExportFileError, match=r"no url.*pocket export"):
        library.import_reading(instapaper_file(tmp_path), fmt="pocket")
    with pytest.raises(ExportFileError, match="instapaper"):
        library.import_reading(pocket_file(tmp_path), fmt="instapaper")
    assert library.store.query("SELECT count(*) FROM links")[0][0] == 0


def test_an_unknown_file_asks_for_from(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    with pytest.raises(InputError, match="--from"):
        library.import_reading(path)


def test_the_cli_detects_formats_and_keeps_opml(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = pln("import", str(pocket_file(tmp_path)))
    assert out.stdout.strip() == "pocket: 3 links, 3 new, 1 archived, 2 tags, 1 skipped"
    assert "skipped: line 5" in out.stderr
    out = pln("import", "--from", "instapaper", str(instapaper_file(tmp_path)))
    assert out.stdout.startswith("instapaper: 4 links")
    out = pln("import", str(wallabag_file(tmp_path)))
    assert out.stdout.startswith("wallabag: 2 links, 2 new")
    out = pln("import", str(readwise_file(tmp_path)))
    assert out.stdout.startswith("readwise: 1 link, ")
    out = pln("import", str(omnivore_zip(tmp_path)))
    assert out.stdout.startswith("omnivore: 4 links, 4 new")
    opml = tmp_path / "lists.xml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="Ed">'
                    '<outline type="rss" text="F" xmlUrl="https://example.net/feed"/></outline>'
                    '</body></opml>')
    out = pln("import", str(opml))
    assert "1 new list, 1 new source" in out.stdout
    bad = pln("import", "--from", "pocket", str(instapaper_file(tmp_path)), ok=False)
    assert bad.exit_code != 0 and "pocket" in bad.stderr and "Traceback" not in bad.stderr


# -- Wallabag ----------------------------------------------------------------------------------


def wallabag_entries() -> list[dict[str, object]]:
    return [
        {"id": 2847, "uid": None, "title": "Understanding formative assessment",
         "url": "https://example.net/formative", "given_url": None, "content": "<p>Body</p>",
         "domain_name": "example.net", "language": "en", "mimetype": "text/html", "reading_time": 12,
         "preview_picture": None, "http_status": "200", "headers": None,
         "is_archived": 1, "archived_at": "2025-03-20 14:22:10", "is_starred": 1,
         "starred_at": "2025-03-15 09:10:00", "is_public": False, "is_not_parsed": False,
         "created_at": "2025-03-15 09:08:33", "updated_at": "2025-03-20 14:22:10",
         "published_at": None, "published_by": ["A. Author"], "tags": ["assessment", "research"],
         "annotations": [
             {"id": 5, "annotator_schema_version": "v1.0", "text": "**Use** this with Year 9\nnext term",
              "quote": "Feedback should   move learning forward",
              "ranges": [{"start": "/p[1]", "startOffset": 0, "end": "/p[1]", "endOffset": 40}],
              "created_at": "2025-03-16T10:30:00+0000", "updated_at": "2025-03-16T10:30:00+0000"},
             {"id": 6, "text": "A note on the whole article", "quote": "", "ranges": [],
              "created_at": "2025-03-16T10:31:00+0000"}],
         "user_name": "me", "user_email": "me@example.net", "user_id": 1},
        {"id": 3102, "title": None, "url": "https://example.net/unread", "content": None,
         "is_archived": 0, "is_starred": 0, "created_at": "2025-06-10T22:15:44+0200",
         "updated_at": "2025-06-10T22:15:44+0200",
         "tags": [{"id": 10, "label": "css", "slug": "css"}], "annotations": []},
    ]


def wallabag_file(tmp_path: Path, entries: list[dict[str, object]] | None = None) -> Path:
    path = tmp_path / "All articles.json"
    path.write_text(json.dumps(entries or wallabag_entries(), indent=4), "utf-8")
    return path


def test_wallabag_entries_tags_annotations(library: Library, tmp_path: Path) -> None:
    result = library.import_reading(wallabag_file(tmp_path))
    assert result.summary() == ("wallabag: 2 links, 2 new, 1 archived, 1 starred, 3 tags, "
                                "1 highlight, 1 note")
    link = library.get_link("https://example.net/formative")
    assert (link.saved, link.read, link.archived) == (True, True, True)
    assert link.saved_at == datetime(2025, 3, 15, 9, 8, 33, tzinfo=UTC)
    unread = library.get_link("https://example.net/unread")
    assert unread.saved_at == datetime(2025, 6, 10, 20, 15, 44, tzinfo=UTC)
    assert tags_of(library.store, unread.id) == ("css",)
    by_kind = {a.kind: a for a in library.annotations(url="https://example.net/formative")}
    assert by_kind["highlight"].body == "Feedback should move learning forward"
    assert by_kind["highlight"].comment == "**Use** this with Year 9\nnext term"  # Markdown, lines kept
    assert by_kind["highlight"].created_at == datetime(2025, 3, 16, 10, 30, tzinfo=UTC)
    assert by_kind["note"].body == "A note on the whole article"


def test_wallabag_twice_and_a_big_entry(library: Library, tmp_path: Path) -> None:
    entries = wallabag_entries()
    # Longer than a read chunk, and before the first entry's flags: still told from the content.
    entries[0]["content"] = "<p>" + "x" * 3_000_000 + "</p>"
    path = wallabag_file(tmp_path, entries)
    library.import_reading(path)
    again = library.import_reading(path)
    assert (again.links, again.new_links, again.highlights, again.notes) == (2, 0, 0, 0)
    assert len(library.annotations()) == 2


@pytest.mark.parametrize(("text", "message"), [
    ("[\n {\"url\": \"https://e.net/1\", \"is_archived\": 0, \"created_at\": null},\n {\"url\": ",
     "line 3: not valid JSON"),
    ("[\n {\"url\": \"https://e.net/1\", \"is_archived\": 0}\n {\"url\": \"x\"}]",
     "line 3: expected a comma"),
    ("[{\"url\": \"https://e.net/1\", \"is_archived\": 0, \"created_at\": \"yesterday\"}]",
     "line 1 \\(entry 1\\): 'yesterday' is not a date"),
    ("[{\"url\": \"https://e.net/1\", \"is_archived\": 2}]", "is_archived is 2"),
    ("[\"just a string\"]", "not an object"),
    ("[{\"url\": \"https://e.net/1\", \"is_archived\": 0}]  trailing", "more text after"),
])
def test_malformed_wallabag_names_the_line(library: Library, tmp_path: Path, text: str,
                                           message: str) -> None:
    path = tmp_path / "w.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ExportFileError, match=message):
        library.import_reading(path, fmt="wallabag")
    assert library.store.query("SELECT count(*) FROM links")[0][0] == 0


def test_wallabag_mistaken_files(library: Library, tmp_path: Path) -> None:
    with pytest.raises(ExportFileError, match="not a JSON list"):
        library.import_reading(pocket_file(tmp_path), fmt="wallabag")
    other = tmp_path / "feed.json"
    other.write_text(json.dumps([{"id": 1, "name": "not wallabag"}]))
    with pytest.raises(ExportFileError, match="is this a wallabag export"):
        library.import_reading(other, fmt="wallabag")
    with pytest.raises(ExportFileError, match="header"):
        library.import_reading(wallabag_file(tmp_path), fmt="pocket")


def test_wallabag_hostile_text(library: Library, tmp_path: Path) -> None:
    entries = wallabag_entries()[:1]
    entries[0]["title"] = "\x1b[2J\x1b]0;pwned\x07Title\u202e"
    entries[0]["annotations"] = [{"quote": "pass\x1b[31mage", "text": "note\x00\x1b]8;;x\x07\nline two"}]
    library.import_reading(wallabag_file(tmp_path, entries))
    assert library.get_link("https://example.net/formative").title == "Title"
    [h] = library.annotations()
    assert h.body == "passage"
    assert h.comment == "note\nline two"


# -- Readwise ----------------------------------------------------------------------------------

READWISE_HEADER = ["Highlight", "Book Title", "Book Author", "Amazon Book ID", "Note", "Color", "Tags",
                   "Location Type", "Location", "Highlighted at", "Document tags"]


def readwise_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "readwise-data.csv", READWISE_HEADER, [
        ["Attention is trained, not given.\nA page read twice is a different page.", "The Slow Book",
         "Mara Ellison", "B00X", "Key idea", "yellow", ".favorite, Deep Work", "page", "12",
         "2020-10-05 10:15:30+00:00", "reading"],
        ['She said "hello".', "The Slow Book", "Mara Ellison", "B00X", "", "", "", "location", "345",
         "2020-10-06 08:00:00+00:00", "reading"],
        ["", "The Slow Book", "Mara Ellison", "B00X", "A note on the whole book", "", "", "", "",
         "2020-10-07 08:00:00+00:00", ""],
        ["A passage from an article", "Some Article", "A. Writer", "", "", "", "", "", "",
         "2021-01-01 00:00:00+00:00", ""],
    ])


def test_readwise_highlights_grouped_by_book(library: Library, tmp_path: Path) -> None:
    result = library.import_reading(readwise_file(tmp_path))
    assert result.summary() == ("readwise: 1 link, 1 new, 0 archived, 2 tags, 2 highlights, "
                                "1 note, 1 skipped")
    assert result.skip_reasons == ["line 6: no URL"]
    book = library.get_link("https://www.amazon.com/dp/B00X")
    assert book.title == "The Slow Book"
    assert (book.saved, book.read, book.archived) == (False, True, False)  # read, not in the queue
    assert set(tags_of(library.store, book.id)) == {"reading", "Deep Work"}
    notes = sorted(library.annotations(), key=lambda a: a.created_at)
    assert [(a.kind, a.body, a.comment) for a in notes] == [
        ("highlight", "Attention is trained, not given. A page read twice is a different page.", "Key idea"),
        ("highlight", 'She said "hello".', None),
        ("note", "A note on the whole book", None)]
    assert notes[0].created_at == datetime(2020, 10, 5, 10, 15, 30, tzinfo=UTC)


def test_readwise_twice_and_an_explicit_url(library: Library, tmp_path: Path) -> None:
    path = readwise_file(tmp_path)
    library.import_reading(path)
    assert library.import_reading(path).highlights == 0
    assert len(library.annotations()) == 3
    with_url = write_csv(tmp_path / "r2.csv", [*READWISE_HEADER, "URL"], [
        ["Quoted", "An article", "", "", "", "", "", "", "", "", "", "https://example.org/article"]])
    library.import_reading(with_url)
    assert [a.body for a in library.annotations(url="https://example.org/article")] == ["Quoted"]


def test_readwise_malformed_and_mistaken(library: Library, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "r.csv", READWISE_HEADER, [
        ["ok", "Book", "", "B1", "", "", "", "", "", "2020-01-01 00:00:00+00:00", ""],
        ["bad", "Book", "", "B1", "", "", "", "", "", "last tuesday", ""]])
    with pytest.raises(ExportFileError, match="readwise: line 3: 'last tuesday' is not a date"):
        library.import_reading(bad)
    assert library.store.query("SELECT count(*) FROM links")[0][0] == 0
    with pytest.raises(ExportFileError, match="Book Title"):
        library.import_reading(pocket_file(tmp_path), fmt="readwise")
    with pytest.raises(ExportFileError, match="header"):
        library.import_reading(readwise_file(tmp_path), fmt="instapaper")


def test_readwise_hostile_text(library: Library, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", READWISE_HEADER, [
        ["pass\x1b[8mage\u202e", "\x1b]0;x\x07Book", "", "B2", "**bold**\x00\n\x1b[31mnext", "", "", "",
         "", "", ""]])
    library.import_reading(path)
    [h] = library.annotations()
    assert (h.body, h.comment, h.link_title) == ("passage", "**bold**\nnext", "Book")


# -- Omnivore ----------------------------------------------------------------------------------


def omnivore_markdown(quote: str, labels: list[str], note: str | None) -> str:
    """One highlight as Omnivore's exporter wrote it (highlightToMarkdown). Its
    formatHighlightQuote, ``quote.replace(/^(?=\\n)$|^\\s*?\\n/gm, '> ')``, turns each empty
    line into ``> `` in JavaScript (checked with node); Python's re.sub would match twice there,
    so it is written out line by line (the quotes here have no lines of spaces only)."""
    quote = "\n".join("> " if line == "" else line for line in quote.split("\n"))
    tags = " ".join(f"#{n}" for n in labels)
    return f"> {quote} " + (f"\n\n{tags}" if tags else "") + (f"\n\n{note}" if note else "")


def omnivore_item(i: int, **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": f"id-{i}", "slug": f"article-{i}", "title": f"Article {i}", "description": "About it",
        "author": "A. Writer", "url": f"https://example.com/omni/{i}", "state": "SUCCEEDED",
        "readingProgress": 0, "thumbnail": None, "labels": [], "savedAt": "2024-05-01T10:00:00.000Z",
        "updatedAt": "2024-05-02T10:00:00.000Z", "publishedAt": None}
    item.update(changes)
    return item


def omnivore_zip(tmp_path: Path, members: dict[str, str] | None = None) -> Path:
    if members is None:
        items = [omnivore_item(0, labels=["pedagogy", "Year 9"]),
                 omnivore_item(1, state="ARCHIVED", readingProgress=100),
                 omnivore_item(2, readingProgress=100, url="https://example.com/omni/2?utm_medium=x")]
        md = "\n\n".join([
            omnivore_markdown("Cognitive load is\n\nthe key idea", ["memory"], "Note **one**\n\nsecond para"),
            omnivore_markdown("Second passage", [], None),
        ])
        members = {"metadata_0_to_3.json": json.dumps(items, indent=2),
                   "content/article-0.html": "<p>Cognitive load is</p><p>the key idea</p>",
                   "content/article-1.html": "<p>x</p>", "content/article-2.html": "<p>y</p>",
                   "highlights/article-0.md": md,
                   "metadata_3_to_4.json": json.dumps([omnivore_item(3)]),
                   "content/article-3.html": ""}
    path = tmp_path / "omnivore-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path


def test_omnivore_items_labels_highlights(library: Library, tmp_path: Path) -> None:
    result = library.import_reading(omnivore_zip(tmp_path))
    assert result.summary() == "omnivore: 4 links, 4 new, 1 archived, 3 tags, 2 highlights"
    first = library.get_link("https://example.com/omni/0")
    assert first.saved_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert (first.saved, first.read, first.archived) == (True, False, False)
    assert set(tags_of(library.store, first.id)) == {"pedagogy", "Year 9", "memory"}
    assert link_state(library, "https://example.com/omni/1") == (True, True, True)
    assert link_state(library, "https://example.com/omni/2") == (True, True, False)  # read to the end
    by_body = {a.body: a for a in library.annotations(url="https://example.com/omni/0")}
    assert by_body["Cognitive load is the key idea"].comment == "Note **one**\n\nsecond para"
    assert by_body["Second passage"].comment is None


def test_omnivore_twice(library: Library, tmp_path: Path) -> None:
    path = omnivore_zip(tmp_path)
    library.import_reading(path)
    again = library.import_reading(path, fmt="omnivore")
    assert (again.links, again.new_links, again.highlights) == (4, 0, 0)
    assert len(library.annotations()) == 2


@pytest.mark.parametrize(("members", "message"), [
    ({"metadata_0_to_1.json": "[\n  {\"url\": \"https://e.com/1\",\n  }\n]"},
     "metadata_0_to_1.json: line 3: not valid JSON"),
    ({"metadata_0_to_1.json": json.dumps([{"slug": "x"}])}, "metadata_0_to_1.json item 1: not an item"),
    ({"metadata_0_to_1.json": json.dumps([omnivore_item(0, savedAt="soon")])}, "'soon' is not a date"),
    ({"metadata_0_to_1.json": json.dumps([omnivore_item(0)]), "highlights/article-0.md": "\udcff"},
     "highlights/article-0.md"),
    ({"content/a.html": "<p>no metadata</p>"}, "no metadata_"),
])
def test_malformed_omnivore_names_the_member(library: Library, tmp_path: Path,
                                             members: dict[str, str], message: str) -> None:
    if "highlights/article-0.md" in members:  # bytes that are not UTF-8
        path = omnivore_zip(tmp_path, {k: v for k, v in members.items() if not k.startswith("highlights")})
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("highlights/article-0.md", b"> caf\xe9 ")
    else:
        path = omnivore_zip(tmp_path, members)
    with pytest.raises(ExportFileError, match=message):
        library.import_reading(path, fmt="omnivore")
    assert library.store.query("SELECT count(*) FROM links")[0][0] == 0


def test_omnivore_mistaken_files(library: Library, tmp_path: Path) -> None:
    with pytest.raises(ExportFileError, match="not a ZIP"):
        library.import_reading(pocket_file(tmp_path), fmt="omnivore")
    with pytest.raises(ExportFileError, match="a ZIP archive, not a wallabag export"):
        library.import_reading(omnivore_zip(tmp_path), fmt="wallabag")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match="--from"):
        library.import_reading(other)


def test_omnivore_hostile_text(library: Library, tmp_path: Path) -> None:
    md = omnivore_markdown("quo\x1b[31mte\u202e", [], "no\x00te\x1b]8;;https://x\x07")
    path = omnivore_zip(tmp_path, {
        "metadata_0_to_1.json": json.dumps([omnivore_item(0, title="\x1b]0;t\x07Clean [@click=app.quit]")]),
        "highlights/article-0.md": md})
    library.import_reading(path)
    assert library.get_link("https://example.com/omni/0").title == "Clean [@click=app.quit]"
    [h] = library.annotations()
    assert (h.body, h.comment) == ("quote", "note")
