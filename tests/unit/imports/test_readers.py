"""The pure readers of imports/: format detection, the streaming JSON array, Omnivore's
highlight Markdown (as its exporter's highlightToMarkdown writes it: ``> quote ``, a blank line,
``#labels``, a blank line, the note; highlights joined by a blank line)."""

from __future__ import annotations

import io

import pytest

from pln_reader.imports import jsonstream
from pln_reader.imports.detect import detect, detect_zip
from pln_reader.imports.jsonstream import iter_json_array
from pln_reader.imports.omnivore import parse_highlights
from pln_reader.imports.records import ExportFileError


@pytest.mark.parametrize(("head", "expected"), [
    (b"title,url,time_added,tags,status\r\n", "pocket"),
    (b"\xef\xbb\xbfURL,Title,Selection,Folder,Timestamp\n", "instapaper"),
    (b"Highlight,Book Title,Book Author,Amazon Book ID,Note\n", "readwise"),
    (b'[\n    {\n        "is_archived": 1,', "wallabag"),
    (b'<?xml version="1.0"?>\n<opml version="2.0">', "opml"),
    (b"<html><body>", None),
    (b'[{"name": "x"}]', None),
    (b"a,b,c\n", None),
    (b"", None),
])
def test_detect(head: bytes, expected: str | None) -> None:
    assert detect(head) == expected


def test_detect_zip() -> None:
    assert detect_zip(["content/a.html", "metadata_0_to_20.json"]) == "omnivore"
    assert detect_zip(["export/metadata_20_to_40.json"]) == "omnivore"
    assert detect_zip(["metadata.json", "readme.txt"]) is None


def test_json_array_streams_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "_CHUNK", 7)  # every item crosses chunk boundaries
    text = '[\n {"a": "x\\ny"},\n {"b": [1, 2, {"c": "]"}]}\n]\n'
    items = list(iter_json_array(io.BytesIO(text.encode()), "t"))
    assert items == [(2, {"a": "x\ny"}), (3, {"b": [1, 2, {"c": "]"}]})]
    assert list(iter_json_array(io.BytesIO(b" [ ] "), "t")) == []


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": 1}', "not a JSON list"),
    ('[{"a": 1}', "not closed"),
    ('[{"a": 1},', "not closed"),
    ('[\n{"a": 1}\n\n{"b": 2}]', "line 4: expected a comma"),
    ('[\n{"a": tru}]', "line 2: not valid JSON"),
    ('[1] [2]', "more text"),
])
def test_json_array_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ExportFileError, match=message):
        list(iter_json_array(io.BytesIO(text.encode()), "t"))


def test_omnivore_highlight_markdown() -> None:
    md = ("A note on the item\n\n"
          "> First quote\n> \nsecond paragraph  \n\n#label #two\n\nMy note\n\nmore of it\n\n"
          "> Second quote ")
    highlights, notes, labels = parse_highlights(md)
    assert [(h.body, h.comment) for h in highlights] == [
        ("First quote second paragraph", "My note\n\nmore of it"), ("Second quote", None)]
    assert notes == ["A note on the item"]
    assert labels == ["label", "two"]
