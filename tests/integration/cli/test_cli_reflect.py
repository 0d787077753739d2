"""`pln learned` and `pln review` through click's runner, on the known week of reflect_seed."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree

import pln_reader.library as library_module
from pln_reader.reflect.report import build_review
from pln_reader.reflect.review_render import review_json
from tests.reflect_seed import FIREHOSE, NOTE_A, NOTE_F, A, at, seed

NOW = at(16, 0)  # Monday 16 November 2026, 00:00 UTC: week 46 has just ended
EXPECTED_MD = Path(__file__).parents[2] / "unit" / "reflect" / "learned_2026-W46.md"
EXPECTED_POST = Path(__file__).parents[2] / "unit" / "reflect" / "post_2026-W46.md"


@pytest.fixture(autouse=True)
def seeded(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(home).close()
    real = library_module.open_library
    monkeypatch.setattr(library_module, "open_library",
                        lambda path=None, **kw: real(path, **kw, clock=lambda: NOW))
    monkeypatch.setenv("TZ", "Europe/London")


def test_default_is_last_full_week_as_a_markdown_post(pln) -> None:  # type: ignore[no-untyped-def]
    result = pln("learned")
    assert result.stdout == EXPECTED_POST.read_text("utf-8")
    assert pln("learned", "--week", "2026-W46", "--format", "md", "--style", "post").stdout == result.stdout
    report = pln("learned", "--style", "report")
    assert report.stdout == EXPECTED_MD.read_text("utf-8")


def test_every_format(pln) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(pln("learned", "--format", "json").stdout)
    assert data["period"]["label"] == "2026-W46" and data["generated"] == "2026-11-16T00:00:00Z"
    assert [s["title"] for s in data["sections"]] == ["Teaching", "Leadership", "Home", "Elsewhere"]
    assert data["sections"][0]["items"][0]["notes"][0]["text"] == NOTE_A

    for style in ("post", "report"):
        page = pln("learned", "--format", "html", "--style", style).stdout_bytes
        root = etree.fromstring(page)
        assert root.tag == "{http://www.w3.org/1999/xhtml}html"
        assert (root.find(".//{*}table") is None) == (style == "post")  # no totals or map in a post
    assert pln("learned", "--format", "html").stdout_bytes == pln(
        "learned", "--format", "html", "--style", "post").stdout_bytes

    feed = feedparser.parse(pln("learned", "--format", "atom", "--author", "Sam").stdout_bytes)
    assert not feed.bozo and len(feed.entries) == 3 and feed.feed.author == "Sam"  # annotated or shared
    assert feed.entries[0].link == A and "two-question starters" in feed.entries[0].content[0].value
    report = feedparser.parse(pln("learned", "--format", "atom", "--style", "report").stdout_bytes)
    assert len(report.entries) == 6
    assert json.loads(pln("learned", "--format", "json", "--style", "post").stdout) == data


@pytest.mark.parametrize("fmt", ["md", "html", "json", "atom"])
def test_output_file_is_written_whole(pln, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"week.{fmt}"
    target.write_text("old content")
    result = pln("learned", "--format", fmt, "-o", str(target))
    assert result.stdout == ""
    links = 6 if fmt == "json" else 3  # the post lists the links annotated or shared
    assert result.stderr == f"wrote 2026-W46 ({links} links, {fmt}) to {target}\n"
    assert target.read_bytes() == pln("learned", "--format", fmt).stdout_bytes
    assert [p.name for p in out_dir.iterdir()] == [target.name]  # no temporary file left


def test_output_to_a_missing_directory_fails_cleanly(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = pln("learned", "-o", str(tmp_path / "nowhere" / "week.md"), ok=False)
    assert result.exit_code == 1 and result.stderr.startswith("error: cannot write")


@pytest.mark.parametrize(("args", "message"), [
    (["--week", "2026-W60"], "--week: 2026-W60 is not a week (YYYY-Www)"),
    (["--week", "46"], "--week: 46 is not a week (YYYY-Www)"),
    (["--week", "2026-W46", "--since", "2026-11-01", "--until", "2026-11-02"],
     "give one of --week, --since (with or without --until) or --all"),
    (["--week", "2026-W46", "--all"], "give one of --week, --since (with or without --until) or --all"),
    (["--until", "2026-11-01"], "--until needs --since (both dates are included)"),
    (["--since", "2026-11-10", "--until", "2026-11-09"],
     "--until: the period ends (2026-11-09) before it starts (2026-11-10)"),
    (["--since", "last week", "--until", "2026-11-09"], "--since: last week is not a date (YYYY-MM-DD)"),
    (["--format", "pdf"], "--format: 'pdf' is not one of 'md', 'html', 'json', 'atom'"),
])
def test_bad_periods_are_usage_errors(pln, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = pln("learned", *args, ok=False)
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"error: {message}\n", "")


def test_date_range_and_one_list(pln) -> None:  # type: ignore[no-untyped-def]
    ranged = json.loads(pln("learned", "--since", "2026-11-09", "--until", "2026-11-15",
                            "--format", "json").stdout)
    week = json.loads(pln("learned", "--week", "2026-W46", "--format", "json").stdout)
    assert ranged["period"]["label"] == "2026-11-09..2026-11-15"
    assert ranged["sections"] == week["sections"] and ranged["totals"] == week["totals"]
    assert ranged["title"] == "What I learned: 9\u201315 November 2026"

    one = pln("learned", "--list", "teaching", "--style", "report").stdout
    assert one.startswith("# What I learned: week 46 of 2026 (Teaching)\n")
    assert "## Teaching" in one and "## Leadership" not in one and "## Elsewhere" not in one
    missing = pln("learned", "--list", "Nope", ok=False)
    assert missing.exit_code == 1 and "no topic list named 'Nope'" in missing.stderr


def test_an_empty_week_says_so(pln) -> None:  # type: ignore[no-untyped-def]
    post = pln("learned", "--week", "2026-W10").stdout
    assert post == "# What I learned: week 10 of 2026\n\n2\u20138 March 2026\n\nNothing annotated, shared or applied in this period.\n"
    text = pln("learned", "--week", "2026-W10", "--style", "report").stdout
    assert text.startswith("# What I learned: week 10 of 2026\n\n2\u20138 March 2026 \u00b7 0 links")
    assert "Nothing was saved, read, annotated or shared in this period." in text
    assert "## Teaching" not in text and "- Skimmed: 0 links" in text


def test_all_history_as_atom(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "learned.atom"
    pln("learned", "--all", "--format", "atom", "--style", "report", "-o", str(target))
    feed = feedparser.parse(target.read_bytes())
    assert not feed.bozo and feed.feed.id == "tag:pln-reader.example,2026:learned"
    assert len(feed.entries) == 7
    assert any(NOTE_F in e.content[0].value for e in feed.entries)  # October's note too
    post = feedparser.parse(pln("learned", "--all", "--format", "atom").stdout_bytes)
    assert len(post.entries) == 5  # the links ever annotated or shared
    assert json.loads(pln("learned", "--all", "--format", "json").stdout)["period"]["start"] is None


def test_review_text(pln) -> None:  # type: ignore[no-untyped-def]
    lines = pln("review").stdout.splitlines()
    assert lines[0] == "List review: last 7 days (9\u201315 November 2026, Europe/London)"
    teaching = lines.index("Teaching (professional): Better lessons for my Year 9 classes.")
    assert lines[teaching + 1:teaching + 6] == [
        "            seen  saved   read  annotated  shared  applied",
        "  links       15      2      3          1       1        0",
        "  of seen           13%    20%         7%      7%       0%",
        "  step              13%   100%        33%    100%       0%",
        "  skim time 35 min of 1 h 10 min budgeted (50%)",
    ]
    leadership = lines.index("Leadership (both): Lead a school that learns.")
    assert lines[leadership + 4] == "  step               0%      -         0%       -       0%"
    rows = [line.split(None, 4) for line in lines if line[:7].strip().isdigit()]
    assert {r[4].rsplit("  [", 1)[0]: (r[:4]) for r in rows} == {
        "Broken feed": ["0", "0", "0", "broken"], "Firehose": ["12", "0", "0", "noisy"],
        "Flaky feed": ["0", "0", "0", "-"], "Leader blog": ["3", "0", "0", "-"],
        "Old blog": ["0", "0", "1", "idle"], "Teacher blog": ["3", "2", "1", "-"]}
    grid = lines[lines.index("Practice map (visitor: reading only; resident: notes and shares)") + 1:]
    assert grid == [
        "                visitor     between  resident",
        "  professional  \u00b7           \u00b7        Teaching",
        "  both          Leadership  \u00b7        \u00b7",
        "  personal      \u00b7           Home     \u00b7",
        "  quiet (nothing happened): Quiet",
    ]


def test_review_json(pln, home: Path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(pln("review", "--days", "7", "--json").stdout)
    with library_module.open_library(home) as library:
        assert data == json.loads(json.dumps(review_json(build_review(library, 7, NOW))))
    assert data["period"]["start"] == "2026-11-09T00:00:00Z" and data["period"]["days"] == 7
    teaching = data["lists"][0]
    assert teaching["name"] == "Teaching" and teaching["funnel"]["seen"] == 2 + 1 + len(FIREHOSE)
    assert teaching["of_seen"]["saved"] == round(2 / 15, 4) and teaching["step"]["read"] == 1.0
    assert data["lists"][2]["of_seen"]["saved"] is None
    assert data["totals"]["skim_minutes"] == 50 and data["totals"]["budget_minutes"] == 126
    firehose = next(s for s in data["sources"] if s["title"] == "Firehose")
    assert (firehose["links"], firehose["saved"], firehose["shared"], firehose["flags"]) == (12, 0, 0, ["noisy"])
    assert data["thresholds"] == {"noisy_links_per_week": 10, "idle_days": 60, "broken_days": 7}
    assert [p["position"] for p in data["practice_map"]] == ["resident", "visitor", "between", None]
    longer = json.loads(pln("review", "--days", "30", "--json").stdout)
    assert longer["lists"][0]["funnel"]["saved"] == 3  # October's save of F is in 30 days
    assert pln("review", "--days", "0", ok=False).exit_code == 2


def test_cli_formats_match_the_exporter() -> None:
    from pln_reader.cli import reflect as cli_reflect
    from pln_reader.reflect import render

    assert cli_reflect.FORMATS == render.FORMATS  # kept apart so `pln --help` loads no exporter
