"""Applied entries through the funnel, the weekly list (post and report, Markdown, HTML, Atom,
JSON) and the review, on the known week of reflect_seed with two links applied."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from lxml import etree

from pln_reader.library.facade import Library
from pln_reader.reflect.learned import post_items, to_json
from pln_reader.reflect.render import render, to_atom, to_html, to_markdown
from pln_reader.reflect.report import AppliedRecord, build_review, build_weekly, period_for_week
from pln_reader.reflect.review_render import render_review, review_json
from tests.reflect_seed import TITLES, A, C, at, seed

LONDON = ZoneInfo("Europe/London")
TRIED_A = "Tried two-question starters with *Year 9*: most recalled the point"
TRIED_C = 'Cut the worksheet to one page <script>alert("x")</script> & it worked'
XHTML = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = seed(tmp_path)
    lib.record_applied(A, TRIED_A, at=at(12, 15))
    lib.record_applied(C, TRIED_C, at=at(13, 9))
    lib.record_applied(C, "after the week: not in it", at=at(17, 9))
    yield lib
    lib.close()


@pytest.fixture
def week(library: Library):  # type: ignore[no-untyped-def]
    return build_weekly(library, period_for_week("2026-W46", LONDON))


def test_the_funnel_ends_with_applied_taken_over_the_links_read(week) -> None:  # type: ignore[no-untyped-def]
    teaching = week.sections[0]
    assert (teaching.funnel.read, teaching.funnel.applied) == (3, 2)
    assert teaching.funnel.step_rates()["applied"] == pytest.approx(2 / 3)
    assert teaching.funnel.of_seen()["applied"] == pytest.approx(2 / 15)
    assert week.totals.applied == 2 and week.totals.step_rates()["applied"] == pytest.approx(2 / 4)
    a = next(i for i in week.items if i.url == A)
    assert a.activity[-1] == "applied" and a.applied == (AppliedRecord(TRIED_A, at(12, 15)),)
    assert [(i.url, r.text) for i, r in week.tried] == [(A, TRIED_A), (C, TRIED_C)]


def test_a_link_only_applied_is_in_the_post(library: Library) -> None:
    url = "https://elsewhere.example.net/only-applied"
    library.clock.now = at(14, 9)  # type: ignore[attr-defined]
    library.record_applied(url, "Used the exit ticket template")
    report = build_weekly(library, period_for_week("2026-W46", LONDON))
    assert url in [i.url for i in post_items(report)]
    assert "Used the exit ticket template" in to_markdown(report, style="post")


@pytest.mark.parametrize("style", ["post", "report"])
def test_markdown_has_a_what_i_tried_part(week, style: str) -> None:  # type: ignore[no-untyped-def]
    text = to_markdown(week, style=style)
    part = text[text.index("## What I tried"):]
    assert f"- 12 November 2026: {TRIED_A} ([Retrieval practice works]({A}))" in part
    assert f"- 13 November 2026: {TRIED_C} (" in part  # the user's words, as written
    assert "after the week" not in text
    if style == "report":
        assert "- Applied: 2" in text and "1 shared, 2 applied" in text


@pytest.mark.parametrize("style", ["post", "report"])
def test_html_has_a_what_i_tried_part_escaped(week, style: str) -> None:  # type: ignore[no-untyped-def]
    root = etree.fromstring(to_html(week, style=style).encode("utf-8"))
    items = root.xpath("//h:section[@class='tried']//h:li", namespaces=XHTML)
    assert [li.xpath("string(.)") for li in items] == [
        f"12 November 2026: {TRIED_A} ({TITLES[A]})", f"13 November 2026: {TRIED_C} ({TITLES[C]})"]
    assert not root.xpath("//h:script", namespaces=XHTML)
    if style == "report":
        rows = root.xpath("//h:table[@class='totals']//h:tr", namespaces=XHTML)
        assert ("Applied", "2") in [(r.xpath("string(*[1])"), r.xpath("string(*[2])")) for r in rows]


def test_atom_entries_carry_what_was_tried(week) -> None:  # type: ignore[no-untyped-def]
    for style in ("post", "report"):
        feed = feedparser.parse(to_atom(week, style=style))
        assert not feed.bozo, feed.bozo_exception
        c = next(e for e in feed.entries if e.link == C)
        content = etree.fromstring(f"<div>{c.content[0].value}</div>".encode())
        assert content.xpath("string(.//p[@class='applied'])") == f"Tried, 13 November 2026: {TRIED_C}"
        assert not content.xpath("//script")


def test_json_carries_applied(week) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(to_json(week))
    assert data["totals"]["applied"] == 2 and data["sections"][0]["funnel"]["applied"] == 2
    a = next(i for i in data["sections"][0]["items"] if i["url"] == A)
    assert a["applied"] == [{"text": TRIED_A, "at": "2026-11-12T15:00:00Z"}]
    assert [t["text"] for t in data["tried"]] == [TRIED_A, TRIED_C]
    assert json.loads(render(week, "json", style="post")) == data  # JSON is the whole report


def test_the_review_counts_applied(library: Library) -> None:
    review = build_review(library, 7, at(16, 0))
    teaching = next(r for r in review.lists if r.name == "Teaching")
    assert teaching.funnel.applied == 2 and review.totals.applied == 2
    lines = render_review(review).splitlines()
    head = lines.index("Teaching (professional): Better lessons for my Year 9 classes.")
    assert lines[head + 1].endswith("shared  applied")
    assert lines[head + 2].endswith("2") and lines[head + 4].endswith("67%")
    data = review_json(review)
    assert data["lists"][0]["funnel"]["applied"] == 2
    assert data["lists"][0]["step"]["applied"] == round(2 / 3, 4)


def test_the_report_names_each_lists_aim(library: Library) -> None:
    library.edit_list("Teaching", aim="resident")
    library.create_list("<b>Hostile</b> *aim*", context="both", aim="between")
    report = build_weekly(library, period_for_week("2026-W46", LONDON))
    assert "Aims: Teaching (resident), \\<b\\>Hostile\\</b\\> \\*aim\\* (between)." in to_markdown(report)
    root = etree.fromstring(to_html(report).encode("utf-8"))
    aims = root.xpath("//h:p[@class='aims']", namespaces=XHTML)[0]
    assert aims.xpath("string(.)") == "Aims: Teaching (resident), <b>Hostile</b> *aim* (between)."
    assert not root.xpath("//h:b", namespaces=XHTML)


def test_applied_entries_filter_by_the_tags_of_their_links(library: Library) -> None:
    library.tag(C, ["Worksheets"])
    assert [a.link_url for a in library.applied(tag="#worksheets")] == [C, C]  # case, a leading #
    assert library.applied(tag="retrieval") == []
    assert len(library.applied(tag="  ")) == 3  # a blank tag filters nothing
    library.tag(A, ["worksheets"])
    assert [a.link_url for a in library.applied(tag="WORKSHEETS", list_name="Teaching")] == [C, C, A]
