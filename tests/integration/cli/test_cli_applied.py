"""`pln applied`, `pln list edit --aim` and `pln review --map` through click's runner, on the three
months of practice_seed."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import pln_reader.library as library_module
from tests.practice_seed import NOW, T1, T3, TRIED, seed_months


@pytest.fixture(autouse=True)
def seeded(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_months(home).close()
    real = library_module.open_library
    monkeypatch.setattr(library_module, "open_library",
                        lambda path=None, **kw: real(path, **kw, clock=lambda: NOW))
    monkeypatch.setenv("TZ", "UTC")


def test_record_list_edit_and_delete(pln) -> None:  # type: ignore[no-untyped-def]
    out = pln("applied", T1, "Used the starter as an exit ticket", "--at", "2026-11-18T14:30").stdout
    assert out.startswith("applied 2 recorded: Starters")
    data = json.loads(pln("applied", "list", "--json").stdout)
    assert [(a["id"], a["url"], a["text"]) for a in data] == [
        (2, T1, "Used the starter as an exit ticket"), (1, T3, TRIED)]
    assert data[0]["at"] == "2026-11-18T14:30:00Z" and data[0]["lists"] == ["Teaching"]
    assert len(json.loads(pln("applied", "list", "--since", "2026-11-15", "--json").stdout)) == 1
    assert json.loads(pln("applied", "list", "--list", "Home", "--json").stdout) == []
    text = pln("applied", "list").stdout
    assert "[1] 2026-11-12 15:00  Retrieval" in text and f"    {TRIED}" in text
    assert pln("applied", "edit", "2", "Used it twice").stdout == "updated applied 2\n"
    pln("applied", "edit", "2", "--at", "2026-11-19")
    [entry] = [a for a in json.loads(pln("applied", "list", "--json").stdout) if a["id"] == 2]
    assert (entry["text"], entry["at"]) == ("Used it twice", "2026-11-19T00:00:00Z")
    assert pln("applied", "delete", "2").stdout.startswith("deleted applied 2")
    assert [a["id"] for a in json.loads(pln("applied", "list", "--json").stdout)] == [1]
    new = pln("applied", "https://elsewhere.example/new", "A link in no feed", "--json").stdout
    assert json.loads(new)["url"] == "https://elsewhere.example/new"


@pytest.mark.parametrize(("args", "message"), [
    (("applied", T1, "   "), "error: say what you did: an applied entry needs some text"),
    (("applied", T1, "x", "--at", "yesterday"), "error: --at: 'yesterday' is not a date"),
    (("applied", "edit", "99", "x"), "error: no applied entry with id 99 (see `pln applied list`)"),
    (("applied", "edit", "1"), "error: nothing to change: give the new TEXT or --at DATETIME (or --edit)"),
    (("applied", "delete", "99"), "error: no applied entry with id 99"),
    (("applied", "list", "--list", "Nope"), "error: no topic list named 'Nope'"),
    (("applied", "https://unknown.example/\x1b[31m"), "error: missing argument"),
])
def test_bad_input_is_one_line_and_changes_nothing(pln, args, message: str) -> None:  # type: ignore[no-untyped-def]
    before = pln("applied", "list", "--json").stdout
    result = pln(*args, ok=False)
    assert result.exit_code in (1, 2)
    assert result.stderr.lower().startswith(message.lower()) and result.stderr.count("\n") == 1
    assert "\x1b" not in result.stderr
    assert pln("applied", "list", "--json").stdout == before


def test_applied_with_no_arguments_says_how(pln) -> None:  # type: ignore[no-untyped-def]
    result = pln("applied", ok=False)  # as every group: its usage, on one line
    assert result.exit_code == 2 and "pln applied URL TEXT" in result.stderr
    assert "pln applied URL TEXT" in pln("applied", "--help").stdout


def test_list_aims(pln) -> None:  # type: ignore[no-untyped-def]
    pln("list", "edit", "Home", "--aim", "between")
    lists = {t["name"]: t for t in json.loads(pln("lists", "--json").stdout)}
    assert (lists["Home"]["aim"], lists["Teaching"]["aim"]) == ("between", "resident")
    assert "aims between" in pln("lists").stdout
    pln("list", "edit", "Home", "--aim", "none")
    assert json.loads(pln("lists", "--json").stdout)[1]["aim"] is None
    bad = pln("list", "edit", "Home", "--aim", "tourist", ok=False)
    assert bad.exit_code == 2 and "--aim" in bad.stderr
    pln("list", "create", "New", "--aim", "visitor")
    assert next(t for t in json.loads(pln("lists", "--json").stdout) if t["name"] == "New")["aim"] == "visitor"


def test_review_map_text_and_json(pln) -> None:  # type: ignore[no-untyped-def]
    text = pln("review", "--map", "--months", "3", "--width", "80").stdout
    assert "2026-09 (1\u201330 September 2026)" in text and "\u250c" in text
    assert "Teaching: visitor (2026-09) \u2192 resident (2026-11)" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    data = json.loads(pln("review", "--map", "--months", "3", "--json").stdout)
    assert [s["label"] for s in data["snapshots"]] == ["2026-09", "2026-10", "2026-11"]
    assert json.loads(pln("review", "--map", "--months", "3", "--format", "json").stdout) == data
    assert len(json.loads(pln("review", "--map", "--json").stdout)["snapshots"]) == 1
    # The review's own JSON counts applied entries.
    review = json.loads(pln("review", "--days", "30", "--json").stdout)
    assert review["totals"]["funnel"]["applied"] == 1


@pytest.mark.parametrize(("args", "message"), [
    (("review", "--months", "3"), "--months is for the practice map: add --map"),
    (("review", "--format", "svg"), "--format is for the practice map: add --map"),
    (("review", "--map", "--days", "7"), "--map draws calendar months"),
    (("review", "--map", "--format", "png"), "a PNG goes to a file: add -o FILE"),
    (("review", "--map", "--months", "0"), "--months: 0 is not in the range"),
])
def test_review_map_usage_errors(pln, args, message: str) -> None:  # type: ignore[no-untyped-def]
    result = pln(*args, ok=False)
    assert result.exit_code == 2 and message in result.stderr


def test_review_map_svg_to_a_file(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pln("list", "edit", "Home", "--rename", '<b>Home & "away"</b>')
    out = tmp_path / "map.svg"
    result = pln("review", "--map", "--months", "3", "--format", "svg", "-o", str(out))
    assert "wrote the practice map (3 months, svg)" in result.stderr
    root = ET.fromstring(out.read_bytes())
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert '<b>Home & "away"</b>' in texts
    assert pln("review", "--map", "--format", "svg").stdout.startswith("<svg")


def test_png_without_the_converter_says_so_and_writes_nothing(pln, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "map.png"
    out.write_bytes(b"an older map")
    result = pln("review", "--map", "--format", "png", "-o", str(out), ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: rsvg-convert is missing") and result.stderr.count("\n") == 1
    assert out.read_bytes() == b"an older map"
    assert not (tmp_path / "other.png").exists()


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert is not installed")
def test_png_with_the_converter(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "map.png"
    pln("review", "--map", "--months", "3", "--format", "png", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    width = int.from_bytes(data[16:20], "big")
    assert width > 500 and os.path.getsize(out) == len(data)


def test_edit_in_the_editor(pln, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nsed -i "s/Tried/Retried/" "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    assert pln("applied", "edit", "1", "--edit").stdout == "updated applied 1\n"
    [entry] = json.loads(pln("applied", "list", "--json").stdout)
    assert entry["text"] == TRIED.replace("Tried", "Retried")
    monkeypatch.setenv("EDITOR", "true")  # closes without a change
    result = pln("applied", "edit", "1", "--edit", ok=False)
    assert result.exit_code == 2 and "nothing changed" in result.stderr
    assert json.loads(pln("applied", "list", "--json").stdout) == [entry]
