"""`pln learned` as a post, `pln links --json` credits, [learned] settings and templates, through
click's runner on the week of tests/post_seed.py."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree

import pln_reader.library as library_module
from tests.integration.conftest import FAST_SETTINGS
from tests.post_seed import (
    COACHING,
    COURAGE,
    FAILURE,
    HOSTILE_TITLE,
    INFERENCE,
    NOTE_COACHING,
    NOW,
    POSTS,
    seed,
)

EXPECTED_POST = Path(__file__).parents[2] / "unit" / "reflect" / "post_people_2026-W46.md"
INTRO = "Here are some of the things **we** learned."


@pytest.fixture(autouse=True)
def seeded(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(home).close()
    real = library_module.open_library
    monkeypatch.setattr(library_module, "open_library",
                        lambda path=None, **kw: real(path, **kw, clock=lambda: NOW))
    monkeypatch.setenv("TZ", "Europe/London")


def _settings(home: Path, text: str) -> None:
    (home / "settings.toml").write_text(FAST_SETTINGS + text, "utf-8")


def test_the_post_is_the_default(pln) -> None:  # type: ignore[no-untyped-def]
    assert pln("learned", "--intro", INTRO).stdout == EXPECTED_POST.read_text("utf-8")
    with_read = pln("learned", "--include", "read").stdout
    assert f"({COURAGE})" in with_read and "5. " in with_read


def test_learned_settings_give_the_defaults(pln, home: Path) -> None:  # type: ignore[no-untyped-def]
    _settings(home, f'[learned]\nintro = "{INTRO.replace(chr(34), "")}"\ninclude = "read"\n')
    text = pln("learned").stdout
    assert text.startswith("# What I learned: week 46 of 2026\n\n9\u201315 November 2026\n\n" + INTRO)
    assert f"({COURAGE})" in text
    assert pln("learned", "--intro", "").stdout.count(INTRO) == 0  # an option beats the setting
    _settings(home, '[learned]\nstyle = "report"\n')
    assert "## Totals" in pln("learned").stdout and "## Totals" not in pln("learned", "--style", "post").stdout
    _settings(home, '[learned]\nstyle = "blog"\n')
    bad = pln("learned", ok=False)
    assert bad.exit_code == 1 and "learned.style: expected one of 'post', 'report', got 'blog'" in bad.stderr


def test_links_json_credits_people(pln) -> None:  # type: ignore[no-untyped-def]
    links = {k["url"]: k for k in json.loads(pln("links", "--json").stdout)}
    assert links[INFERENCE]["sharers"] == [{"name": "Heidi Siwak", "handle": "@heidi@mastodon.example",
                                            "network": "mastodon", "post_url": POSTS["heidi"]}]
    assert [s["network"] for s in links[FAILURE]["sharers"]] == ["mastodon", "mastodon", "bluesky", "bluesky"]
    assert links[FAILURE]["shared_by"] == 4
    assert links[COACHING]["authors"] == [{"name": "Priya Raman", "source": "School Leadership Weekly"}]
    assert links[COACHING]["sharers"] == [] and set(links[COACHING]["sources"]) == {
        "Plain blog", "School Leadership Weekly"}
    queue = {k["url"]: k for k in json.loads(pln("queue", "--json").stdout)}
    assert queue[COACHING]["authors"][0]["name"] == "Priya Raman"


def test_every_format_of_the_post(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = etree.fromstring(pln("learned", "--format", "html").stdout_bytes)
    assert page.xpath("count(//h:ol[@class='post']/h:li)", namespaces={"h": "http://www.w3.org/1999/xhtml"}) == 4
    feed = feedparser.parse(pln("learned", "--format", "atom").stdout_bytes)
    assert not feed.bozo and [e.link for e in feed.entries][:3] == [INFERENCE, FAILURE, COACHING]
    data = json.loads(pln("learned", "--format", "json").stdout)
    assert data == json.loads(pln("learned", "--format", "json", "--style", "report").stdout)
    target = tmp_path / "week.html"
    result = pln("learned", "--format", "html", "-o", str(target))
    assert result.stderr.startswith("wrote 2026-W46") and target.read_bytes().startswith(b"<!DOCTYPE html>")


def test_own_template_by_option_and_by_setting(pln, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = tmp_path / "week.html.j2"
    mine.write_text("<ul>{% for item in items %}<li>{{ item.title }}</li>{% endfor %}</ul>\n", "utf-8")
    out = pln("learned", "--template", str(mine)).stdout  # the format comes from the name
    assert out.startswith("<ul><li>The ladder of inference</li>") and "&lt;script&gt;" in out
    assert "<script>" not in out
    (home / "weekly.md.j2").write_text("{% for item in items %}* {{ item.title }}\n{% endfor %}", "utf-8")
    _settings(home, '[learned]\ntemplate = "weekly.md.j2"\n')  # relative to the home
    text = pln("learned").stdout
    assert text.startswith("* The ladder of inference\n") and "\\<script\\>" in text
    assert pln("learned", "--format", "html").stdout.startswith("<!DOCTYPE html>")  # not for html
    assert HOSTILE_TITLE not in text


def test_template_errors_are_one_line(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.md.j2"
    bad.write_text("# {{ title }}\n{% for item in items %}\n{{ item.nope }}\n{% endfor %}\n", "utf-8")
    result = pln("learned", "--template", str(bad), ok=False)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"error: template {bad}, line 3: 'pln_reader.reflect.report.Item object' has no attribute 'nope'"]
    bad.write_text("{% for item in items %}", "utf-8")
    result = pln("learned", "--template", str(bad), ok=False)
    assert result.stderr.startswith(f"error: template {bad}, line 1: Unexpected end of template")
    assert "Traceback" not in result.stderr
    usage = pln("learned", "--template", str(bad), "--format", "json", ok=False)
    assert usage.exit_code == 2 and "--template is for md, html and atom" in usage.stderr


def test_markdown_keeps_the_note(pln) -> None:  # type: ignore[no-untyped-def]
    assert NOTE_COACHING in pln("learned").stdout
    assert NOTE_COACHING in pln("learned", "--style", "report").stdout


def test_review_json_names_the_people_behind_what_you_kept(pln) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(pln("review", "--json").stdout)
    sharers = {s["handle"]: s for s in data["sharers"]}
    assert sharers["@heidi@mastodon.example"] == {"name": "Heidi Siwak", "handle": "@heidi@mastodon.example",
                                                 "network": "mastodon", "links": 1}
    assert sharers["@noname.bsky.social"]["name"] is None
    assert "@brian.bsky.social" in sharers  # FAILURE was shared; COURAGE (read only) does not count
    assert sharers["@brian.bsky.social"]["links"] == 1
    assert data["authors"] == [{"name": "Priya Raman", "source": "School Leadership Weekly", "links": 1}]
    text = pln("review").stdout
    assert "People who brought the links you saved, annotated or shared" in text
    assert "Heidi Siwak (@heidi@mastodon.example on mastodon)" in text
    assert "Priya Raman (in School Leadership Weekly)" in text
