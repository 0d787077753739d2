"""The practice map over time: monthly snapshots from recorded events, aims, share channels as
spaces with their contexts, and the map as text, JSON and SVG (with hostile list names)."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from pln_reader.core.config import ChannelSettings, load_settings
from pln_reader.core.errors import ConfigError, InputError
from pln_reader.library.facade import Library
from pln_reader.reflect.map_render import map_svg, map_text, maps_json, maps_text
from pln_reader.reflect.practice import build_snapshots, movements, space_position
from tests.practice_seed import seed_months

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Bad <list> & "quotes" \x1b[31mred\x07 ]]> </svg>'


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setenv("TZ", "UTC")
    lib = seed_months(tmp_path)
    yield lib
    lib.close()


def where(snapshot, name: str) -> str | None:  # type: ignore[no-untyped-def]
    return next(p.position for p in snapshot.lists if p.list_name == name)


def space(snapshot, channel: str):  # type: ignore[no-untyped-def]
    return next(s for s in snapshot.spaces if s.channel == channel)


def test_one_snapshot_per_month_shows_a_list_moving_from_visitor_to_resident(library: Library) -> None:
    snaps = library.practice_map(months=4)
    assert [s.label for s in snaps] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert [where(s, "Teaching") for s in snaps] == [None, "visitor", "between", "resident"]
    assert [where(s, "Home") for s in snaps] == [None, "visitor", None, "between"]
    assert [where(s, "Idle") for s in snaps] == [None] * 4
    teaching = next(p for p in snaps[-1].lists if p.list_name == "Teaching")
    assert (teaching.aim, teaching.context, teaching.annotated, teaching.shared) == (
        "resident", "professional", 1, 1)
    moves = {m.name: m for m in movements(snaps)}
    assert (moves["Teaching"].start, moves["Teaching"].start_label) == ("visitor", "2026-09")
    assert (moves["Teaching"].end, moves["Teaching"].end_label, moves["Teaching"].moved) == (
        "resident", "2026-11", True)
    assert "Idle" not in moves  # never placed


def test_spaces_are_placed_from_what_you_did_there(library: Library) -> None:
    sep, oct_, nov = library.practice_map(months=3)
    assert (space(sep, "blog").position, space(sep, "mastodon").position) == ("visitor", "visitor")
    assert space(oct_, "blog").position == "between"  # a note on a blog post, nothing posted
    assert space(oct_, "mastodon").position is None
    linkedin = space(nov, "linkedin")
    assert (linkedin.position, linkedin.posted, linkedin.read, linkedin.context) == (
        "resident", 1, 0, "professional")
    assert space(nov, "mastodon").position == "resident"  # posted there
    assert space(nov, "blog").position == "between"
    assert space(nov, "bluesky").position is None and space(nov, "bluesky").context == "both"
    assert [space(nov, c).context for c in ("team", "meeting", "email", "threads")] == [
        "professional", "professional", "professional", "both"]
    assert (space_position(3, 0, 0), space_position(3, 1, 0), space_position(0, 0, 1),
            space_position(0, 0, 0)) == ("visitor", "between", "resident", None)


def test_channel_contexts_come_from_the_settings(library: Library, tmp_path: Path) -> None:
    library.settings = dataclasses.replace(library.settings, channels=ChannelSettings(
        linkedin="personal", mastodon="professional"))
    nov = library.practice_map()[-1]
    assert (space(nov, "linkedin").context, space(nov, "mastodon").context) == ("personal", "professional")
    home = tmp_path / "settings-home"
    home.mkdir()
    (home / "settings.toml").write_text('[channels]\nlinkedin = "personal"\nteam = "both"\n')
    assert (load_settings(home).channels.linkedin, load_settings(home).channels.team) == ("personal", "both")
    (home / "settings.toml").write_text('[channels]\nlinkedin = "work"\n')
    with pytest.raises(ConfigError, match="channels.linkedin: expected one of 'professional'"):
        load_settings(home)
    (home / "settings.toml").write_text('[channels]\nmyspace = "both"\n')
    with pytest.raises(ConfigError, match="unknown setting channels.myspace"):
        load_settings(home)


def test_months_are_checked(library: Library) -> None:
    for bad in (0, 121):
        with pytest.raises(InputError, match="1 to 120 months"):
            library.practice_map(months=bad)


def test_the_text_map_is_a_box_drawn_grid_with_aims(library: Library) -> None:
    nov = library.practice_map()[-1]
    text = map_text(nov, width=72)
    lines = text.splitlines()
    assert lines[0].startswith("\u250c") and lines[0].endswith("\u2510")
    assert all(len(line) <= 72 for line in lines)
    row = next(line for line in lines if "professional" in line)
    cells = [c.strip() for c in row.strip("\u2502").split("\u2502")]
    assert cells == ["professional", "", "", "\u25c9 Teaching"]  # there, and aiming there
    assert any("\u25a0 linkedin" in line for line in lines)
    both_rows = lines[lines.index(next(x for x in lines if x.startswith("\u2502 both"))):]
    assert "\u25cb Idle" in "\n".join(both_rows[:4])  # an aim without a place: hollow
    assert lines[-1] == "quiet (nothing happened): Idle"


@pytest.mark.parametrize("width", [50, 60, 120])
def test_names_are_cleaned_and_cut_to_fit(library: Library, width: int) -> None:
    library.edit_list("Home", new_name=HOSTILE + " and a very long tail of words")
    text = map_text(library.practice_map()[-1], width=width)
    assert "\x1b" not in text and "\x07" not in text
    assert "\u2026" in text and all(len(line) <= width for line in text.splitlines())


def test_all_snapshots_in_text_and_json(library: Library) -> None:
    snaps = library.practice_map(months=3)
    text = maps_text(snaps, width=80)
    assert [line for line in text.splitlines() if line.startswith("2026-")] == [
        "2026-09 (1\u201330 September 2026)", "2026-10 (1\u201331 October 2026)",
        "2026-11 (1\u201330 November 2026)"]
    assert "Teaching: visitor (2026-09) \u2192 resident (2026-11), aims resident (there)" in text
    assert "  Home: visitor (2026-09) \u2192 between (2026-11)\n" in text
    earlier = maps_text(snaps[:2])  # Home was quiet in October
    assert "  Home: visitor since 2026-09, quiet in 2026-10\n" in earlier
    data = json.loads(json.dumps(maps_json(snaps)))
    assert data["version"] == 1 and [s["label"] for s in data["snapshots"]] == [
        "2026-09", "2026-10", "2026-11"]
    first = data["snapshots"][0]
    assert first["period"]["start"] == "2026-09-01T00:00:00Z"
    assert {"list": "Teaching", "context": "professional", "position": "visitor", "annotated": 0,
            "shared": 0, "aim": "resident"} in first["lists"]
    assert {"channel": "mastodon", "context": "both", "position": "visitor", "read": 1, "kept": 0,
            "posted": 0} in first["spaces"]
    assert {"kind": "list", "name": "Teaching", "context": "professional", "from": "visitor",
            "from_month": "2026-09", "to": "resident", "to_month": "2026-11",
            "aim": "resident"} in data["movement"]


def test_the_svg_parses_with_hostile_names_and_draws_axes_points_aims_and_arrows(library: Library) -> None:
    library.edit_list("Teaching", new_name=HOSTILE)
    library.edit_list("Home", aim="resident")
    svg = map_svg(library.practice_map(months=3))
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Visitor \u2190\u2192 Resident" in texts and "Personal \u2190\u2192 Professional" in texts
    assert {"visitor", "between", "resident", "professional", "both", "personal"} <= set(texts)
    hostile_label = next(t for t in texts if t.startswith("Bad <list>"))
    assert "\x1b" not in hostile_label and "\x07" not in hostile_label
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert 'Bad <list> & "quotes" [31mred ]]> </svg>' in titles  # the whole name, as text
    lists = root.findall(f".//{SVG}g[@class='list']")
    assert len(lists) == 3
    assert len(root.findall(f".//{SVG}circle[@class='aim']")) == 3  # Teaching, Home, Idle
    assert len(root.findall(f".//{SVG}circle[@class='now']")) == 2  # Idle was never placed
    arrows = root.findall(f".//{SVG}g[@id='movement']/{SVG}line")
    assert len(arrows) >= 2 and all(a.get("marker-end") == "url(#arrow)" for a in arrows)
    spaces = ["".join(g.itertext()) for g in root.findall(f".//{SVG}g[@class='space']")]
    assert sorted(spaces) == ["blog", "linkedin", "mastodon"]


def test_snapshots_need_no_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pln_reader.library.facade import open_library

    monkeypatch.setenv("TZ", "UTC")
    with open_library(tmp_path) as empty:
        snaps = build_snapshots(empty, 2)  # type: ignore[arg-type]
        assert len(snaps) == 2 and all(s.lists == () for s in snaps)
        assert all(s.position is None for s in snaps[-1].spaces)
        ET.fromstring(map_svg(snaps))
        assert "nothing placed yet" in maps_text(snaps)


def test_the_review_names_each_lists_aim(library: Library) -> None:
    from pln_reader.reflect.review_render import render_review

    text = render_review(library.review(30))
    assert "  aims: Teaching resident (there), Idle between (`pln review --map` draws both)" in text


def test_the_library_draws_one_snapshot_for_a_screen(library: Library) -> None:
    nov = library.practice_map(months=2)[-1]
    assert library.practice_map_text(nov, width=70) == map_text(nov, width=70)
    assert "\u25c9 Teaching" in library.practice_map_text(nov)
