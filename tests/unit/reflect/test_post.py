"""The weekly post ("who shared it, why it matters, nothing private") and the credits every
format carries, on a week with Mastodon and Bluesky sharers, feed authors and plain sources
(tests/post_seed.py); templates: the user's own, and their errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from lxml import etree
from markdown_it import MarkdownIt

from pln_reader.core.errors import TemplateError
from pln_reader.library.facade import Library
from pln_reader.reflect.learned import credit_text, to_json
from pln_reader.reflect.render import render, to_atom, to_html, to_markdown
from pln_reader.reflect.report import WeeklyReport, build_weekly, period_for_week
from tests.post_seed import (
    COACHING,
    COMMENT,
    COURAGE,
    FAILURE,
    HOSTILE,
    HOSTILE_NAME,
    HOSTILE_TITLE,
    INFERENCE,
    NOTE_COACHING,
    NOTE_FAILURE,
    NOTE_HOSTILE,
    PASSAGE,
    PLAIN,
    POSTS,
    at,
    seed,
)

XHTML = {"h": "http://www.w3.org/1999/xhtml"}
EXPECTED_POST = Path(__file__).with_name("post_people_2026-W46.md")
PRIVATE = ("skimmed", "Skim time", "skim time", "Reading queue", "Practice map", "Totals", "budget")
POST_ORDER = [INFERENCE, FAILURE, COACHING, HOSTILE]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = seed(tmp_path)
    yield lib
    lib.close()


@pytest.fixture
def week(library: Library) -> WeeklyReport:
    return build_weekly(library, period_for_week("2026-W46", ZoneInfo("Europe/London")))


def _item(report: WeeklyReport, url: str):  # type: ignore[no-untyped-def]
    return next(i for i in report.items if i.url == url)


# -- credits ----------------------------------------------------------------------------------


def test_every_link_says_who_brought_it(week: WeeklyReport) -> None:
    inference = _item(week, INFERENCE)
    assert [(p.name, p.handle, p.network, p.post_url) for p in inference.sharers] == [
        ("Heidi Siwak", "@heidi@mastodon.example", "mastodon", POSTS["heidi"])]
    assert inference.authors == () and inference.sources == ("Edu people",)
    failure = _item(week, FAILURE)
    assert [(p.label, p.network) for p in failure.sharers] == [
        ("Patrick Miller", "mastodon"), ("Sam Lee", "mastodon"),
        ("@noname.bsky.social", "bluesky"),  # a repost by someone with no display name
        ("Brian Harrison", "bluesky")]
    coaching = _item(week, COACHING)
    assert coaching.sharers == () and [(a.name, a.source) for a in coaching.authors] == [
        ("Priya Raman", "School Leadership Weekly")]
    assert coaching.sources == ("Plain blog", "School Leadership Weekly")
    assert coaching.lists == ("Leadership", "Teaching")
    plain = _item(week, PLAIN)
    assert plain.sharers == () and plain.authors == () and plain.sources == ("Plain blog",)


def test_credits_are_worded_as_people_do(week: WeeklyReport) -> None:
    assert credit_text(_item(week, INFERENCE)) == "Heidi Siwak shared The ladder of inference on Mastodon."
    assert credit_text(_item(week, FAILURE)) == (
        "The importance of failure, shared by Patrick Miller, Sam Lee and 2 others.")
    assert credit_text(_item(week, COACHING)) == (
        "Coaching conversations that stick by Priya Raman in School Leadership Weekly.")
    assert credit_text(_item(week, COURAGE)) == "Brian Harrison shared On courage on Bluesky."
    assert credit_text(_item(week, PLAIN)) == "Timetables, from Plain blog."
    assert credit_text(_item(week, INFERENCE), with_title=False) == "Heidi Siwak shared it on Mastodon."
    assert credit_text(_item(week, FAILURE), with_title=False) == (
        "Shared by Patrick Miller, Sam Lee and 2 others.")
    assert credit_text(_item(week, COACHING), with_title=False) == (
        "By Priya Raman in School Leadership Weekly.")
    assert credit_text(_item(week, PLAIN), with_title=False) == ""


def test_json_carries_sharers_and_authors_whatever_the_style(week: WeeklyReport) -> None:
    data = json.loads(to_json(week))
    items = {i["url"]: i for s in data["sections"] for i in s["items"]}
    assert items[INFERENCE]["sharers"] == [{"name": "Heidi Siwak", "handle": "@heidi@mastodon.example",
                                            "network": "mastodon", "post_url": POSTS["heidi"]}]
    assert items[COACHING]["authors"] == [{"name": "Priya Raman", "source": "School Leadership Weekly"}]
    assert items[COACHING]["sources"] == ["Plain blog", "School Leadership Weekly"]
    assert items[HOSTILE]["sharers"][0]["name"] == HOSTILE_NAME  # JSON is data: kept as it is
    assert items[PLAIN]["sharers"] == [] and items[PLAIN]["authors"] == []
    assert {"totals", "queue", "practice_map"} <= set(data)
    for style in ("post", "report"):
        assert render(week, "json", style=style).decode() == to_json(week)


# -- the post, in every format -----------------------------------------------------------------


def test_markdown_post_whole_document(week: WeeklyReport) -> None:
    text = to_markdown(week, style="post", intro="Here are some of the things **we** learned.")
    assert text == EXPECTED_POST.read_text("utf-8")


def test_markdown_post_has_the_annotated_and_shared_links_once(week: WeeklyReport) -> None:
    text = to_markdown(week, style="post")
    assert not any(word in text for word in PRIVATE)
    assert text.count(f"]({COACHING})") == 1  # in two lists, once in the post
    assert PLAIN not in text and COURAGE not in text  # saved only; read only
    for note in (NOTE_COACHING, NOTE_FAILURE, NOTE_HOSTILE):
        assert note in text  # byte for byte
    assert f"> {PASSAGE}" in text and f"My comment: {COMMENT}" in text
    numbers = [line.split(".", 1)[0] for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert numbers == ["1", "2", "3", "4"]
    with_read = to_markdown(week, style="post", include=["read"])
    assert f"5. [Brian Harrison](https://bsky.app/profile/brian.bsky.social/post/a1) shared " \
           f"[On courage]({COURAGE}) on Bluesky." in with_read
    assert PLAIN not in with_read


def test_markdown_keeps_network_text_inert(week: WeeklyReport) -> None:
    for style in ("post", "report"):
        page = MarkdownIt("commonmark").render(to_markdown(week, style=style))
        root = etree.fromstring(f"<div>{page}</div>".encode(), etree.HTMLParser())
        [title] = root.xpath("//a[@href=$u]", u=HOSTILE)
        assert title.xpath("string()") == HOSTILE_TITLE and len(title) == 0
        if style == "post":
            [name] = root.xpath("//a[@href=$u]", u=POSTS["eve"])
            assert name.xpath("string()") == HOSTILE_NAME and len(name) == 0
        assert not root.xpath("//a[starts-with(@href, 'javascript')]")
        assert not root.xpath("//img") and not root.xpath("//strong[. = 'bold']")
        # The user's own note keeps its raw HTML in Markdown (it is theirs, byte for byte).
        assert root.xpath("//script") == root.xpath("//p[contains(., 'Careful')]/script")


def _html(week: WeeklyReport, style: str) -> etree._Element:
    return etree.fromstring(to_html(week, style=style).encode("utf-8"))  # well-formed XML


def test_html_post(week: WeeklyReport) -> None:
    root = _html(week, "post")
    items = root.xpath("//h:ol[@class='post']/h:li", namespaces=XHTML)
    credits = [" ".join(li.xpath("string(h:p[@class='credit'])", namespaces=XHTML).split()) for li in items]
    assert credits == [
        "Heidi Siwak shared The ladder of inference on Mastodon.",
        "The importance of failure, shared by Patrick Miller, Sam Lee and 2 others.",
        "Coaching conversations that stick by Priya Raman in School Leadership Weekly.",
        f"{' '.join(HOSTILE_NAME.split())} shared {HOSTILE_TITLE} on Mastodon.",
    ]
    text = root.xpath("string(//h:main)", namespaces=XHTML)
    assert not any(word in text for word in PRIVATE) and not root.xpath("//h:table", namespaces=XHTML)
    # The note is Markdown, rendered: <strong>, a list with its link; no raw Markdown left.
    note = items[2].xpath("h:div[@class='note']", namespaces=XHTML)[0]
    assert note.xpath("string(.//h:strong)", namespaces=XHTML) == "two-question starters"
    assert note.xpath(".//h:li/h:a/@href", namespaces=XHTML) == [
        "https://leadership-weekly.example.org/checklist"]
    shown = " ".join(li.xpath("string()") for li in items[:3])
    assert "**" not in shown and "- [" not in shown
    # Nothing from the network or a note runs: no script, no handler, no javascript: link.
    assert not root.xpath("//h:script | //h:img | //*[@onerror] | //*[@onclick]", namespaces=XHTML)
    assert not root.xpath("//h:a[starts-with(@href, 'javascript')]", namespaces=XHTML)
    hostile = items[3].xpath("h:div[@class='note']", namespaces=XHTML)[0]
    assert " ".join(hostile.xpath("string()").split()) == "Careful: and bold text."
    assert items[0].xpath("string(h:blockquote)", namespaces=XHTML) == PASSAGE
    assert " ".join(items[0].xpath("string(h:div[@class='comment'])", namespaces=XHTML).split()) == (
        f"My comment: {COMMENT}")
    assert items[0].xpath("h:p[@class='credit']/h:a/@href", namespaces=XHTML) == [POSTS["heidi"], INFERENCE]


def test_html_report_carries_credits_too(week: WeeklyReport) -> None:
    root = _html(week, "report")
    lines = [" ".join(p.xpath("string()").split())
             for p in root.xpath("//h:p[@class='credit-line']", namespaces=XHTML)]
    assert "By Priya Raman in School Leadership Weekly." in lines
    assert "Shared by Patrick Miller, Sam Lee and 2 others." in lines
    assert root.xpath("//h:table[@class='totals']", namespaces=XHTML)
    assert not root.xpath("//h:script | //*[@onerror]", namespaces=XHTML)


def test_atom_post(week: WeeklyReport) -> None:
    data = to_atom(week, style="post", author="Sam Teacher")
    feed = feedparser.parse(data)
    assert not feed.bozo and [e.link for e in feed.entries] == POST_ORDER
    assert feed.feed.subtitle == "9\u201315 November 2026"  # no figures in a post
    hostile = feed.entries[3]
    assert hostile.title == HOSTILE_TITLE and hostile.title_detail.type == "text/plain"
    for entry in etree.fromstring(data).iter("{http://www.w3.org/2005/Atom}entry"):
        content = entry.find("{http://www.w3.org/2005/Atom}content")
        assert content.get("type") == "html"
        body = etree.fromstring(f"<div>{content.text}</div>".encode())  # escaped, well-formed HTML
        assert not body.xpath("//script | //img | //*[@onerror] | //*[@onclick]")
        assert not body.xpath("//a[starts-with(@href, 'javascript')]")
    coaching = etree.fromstring(f"<div>{feed.entries[2].content[0].value}</div>".encode())
    assert coaching.xpath("string(.//strong)") == "two-question starters"
    assert " ".join(coaching.xpath("string(p[@class='credit-line'])").split()) == (
        "By Priya Raman in School Leadership Weekly.")
    eve = etree.fromstring(f"<div>{hostile.content[0].value}</div>".encode())
    assert " ".join(eve.xpath("string(p[@class='credit-line'])").split()) == (
        f"{' '.join(HOSTILE_NAME.split())} shared it on Mastodon.")
    assert all(not e.get("tags") for e in feed.entries)  # no list names in a post
    report = feedparser.parse(to_atom(week, style="report"))
    assert len(report.entries) == 6
    assert [t.term for t in next(e for e in report.entries if e.link == COACHING).tags] == [
        "Leadership", "Teaching"]


# -- templates --------------------------------------------------------------------------------


def test_a_custom_template_escapes_for_its_format(week: WeeklyReport, tmp_path: Path) -> None:
    mine = tmp_path / "mine.md.j2"
    mine.write_text("{% for item in items %}- {{ item.title }} ({{ item.sharers|map(attribute='label')"
                    "|join(', ') }}): {{ item.notes|map(attribute='text')|join(' ')|verbatim }}\n"
                    "{% endfor %}", "utf-8")
    text = render(week, "md", style="post", template=mine).decode()
    assert text.splitlines()[0] == "- The ladder of inference (Heidi Siwak): "
    assert "\n- \\*\\*bold\\*\\* \\[x\\](javascript:alert(1)) \\<script\\>alert(1)\\</script\\>" in text
    assert NOTE_COACHING in text  # |verbatim: the user's words as written
    page = tmp_path / "mine.html.j2"
    page.write_text('{% extends "post.html.j2" %}{% block content %}<ul>{% for item in items %}'
                    "<li class='mine'>{{ item.title }}{{ item.notes[0].text|markdown if item.notes }}</li>"
                    "{% endfor %}</ul>{% endblock %}", "utf-8")
    root = etree.fromstring(render(week, "html", template=page))
    assert root.xpath("string((//h:li[@class='mine'])[4])", namespaces=XHTML).startswith(HOSTILE_TITLE)
    assert not root.xpath("//h:script | //h:img", namespaces=XHTML)
    assert root.xpath("string((//h:li[@class='mine'])[3]//h:strong)", namespaces=XHTML) == "two-question starters"


@pytest.mark.parametrize(("source", "message"), [
    ("line one\n{% for item in items %}\n{{ item.title }\n", "line 3: unexpected '}'"),
    ("{% if %}", "line 1: Expected an expression"),
    ("ok\n\n{{ nothing_here }}", "line 3: 'nothing_here' is undefined"),
    ("{{ items[0].nope }}", "line 1: 'pln_reader.reflect.report.Item object' has no attribute 'nope'"),
    ("a\n{{ ''.__class__.__mro__ }}", "line 2: access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ 1 / 0 }}", "line 1: ZeroDivisionError: division by zero"),
    ('{% include "missing.md.j2" %}', "includes missing.md.j2, which is not found"),
])
def test_template_errors_name_the_file_and_line(week: WeeklyReport, tmp_path: Path,
                                                source: str, message: str) -> None:
    bad = tmp_path / "bad.md.j2"
    bad.write_text(source, "utf-8")
    with pytest.raises(TemplateError) as caught:
        render(week, "md", template=bad)
    text = str(caught.value)
    assert text.startswith(f"template {bad}") and message in text and "\n" not in text


def test_a_missing_template_is_one_clear_error(week: WeeklyReport, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"^template .*nowhere\.md\.j2: no such file$"):
        render(week, "md", template=tmp_path / "nowhere.md.j2")


def test_the_readme_post_example_is_what_the_seed_gives() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text("utf-8")
    block = readme.split("The post, on the week of `tests/post_seed.py`", 1)[1]
    example = block.split("```markdown\n", 1)[1].split("```", 1)[0]
    assert EXPECTED_POST.read_text("utf-8").startswith(example) and example.count("\n1. ") == 1


def test_a_share_comment_keeps_its_line_ends_in_html_and_atom(library: Library) -> None:
    library.share(INFERENCE, channel="blog", comment="Windows\r\nline ends & <tags>",
                  post_url="https://me.example/p", at=at(12, 9), fetch_new=False)
    week = build_weekly(library, period_for_week("2026-W46", ZoneInfo("Europe/London")))
    for style in ("post", "report"):
        root = _html(week, style)
        spans = root.xpath("//h:span[@class='share-comment']/text()", namespaces=XHTML)
        assert "Windows\r\nline ends & <tags>" in spans
    feed = feedparser.parse(to_atom(week, style="post"))
    content = etree.fromstring(f"<div>{feed.entries[0].content[0].value}</div>".encode())
    assert content.xpath("//span[@class='share-comment']/text()") == ["Windows\r\nline ends & <tags>"]


def test_the_report_says_who_brought_each_link(week: WeeklyReport) -> None:
    text = to_markdown(week, style="report")
    assert "\n\nBy Priya Raman in School Leadership Weekly.\n\n" in text
    assert (f"\n\n[Heidi Siwak]({POSTS['heidi']}) shared it on Mastodon.\n\n") in text
    assert "## Totals" in text and "## Practice map" in text and NOTE_COACHING in text
    feed = feedparser.parse(to_atom(week, style="report"))
    coaching = next(e for e in feed.entries if e.link == COACHING)
    content = etree.fromstring(f"<div>{coaching.content[0].value}</div>".encode())
    assert content.xpath("string(p[@class='credit-line'])") == "By Priya Raman in School Leadership Weekly."


def test_a_synced_comment_is_web_text_and_a_typed_one_the_users_words(library: Library) -> None:
    # `pln shares sync` logs a boost with the boosted post's text: a stranger's words.
    hostile = "<img src=x onerror=alert(1)> <script>alert(2)</script> [win](javascript:alert(3))"
    library.share(INFERENCE, channel="mastodon", comment=hostile, post_url="https://social.example/@me/9",
                  origin="mastodon", at=at(12, 10), fetch_new=False)
    library.share(FAILURE, channel="team", comment="**do** try <this>", at=at(12, 11), fetch_new=False)
    week = build_weekly(library, period_for_week("2026-W46", ZoneInfo("Europe/London")))
    for style in ("post", "report"):
        text = to_markdown(week, style=style)
        html = MarkdownIt("commonmark").render(text)
        assert "\\<img src=x onerror" in text  # escaped, so a blog engine shows it as text
        assert "<img" not in html and "<script>alert(2)" not in html and 'href="javascript' not in html
        assert "alert(1)" in text and "alert(2)" in html  # still there, as text
        assert "**do** try <this>" in text  # the user's own Markdown, kept as written


def test_episodes_and_videos_are_named_as_people_write(library: Library) -> None:
    """Issue 20.2: "Heidi Siwak shared a video, <title>, on Mastodon."; an article stays as it was."""
    from datetime import UTC, datetime

    from pln_reader.core.media import Media, to_json
    from pln_reader.core.models import EntryRow
    from pln_reader.store import entries as storage_entries

    source = library.sources()[0].id
    rows = []
    for key, url, kind in (("media-1", INFERENCE, "video"), ("media-2", FAILURE, "audio")):
        media = to_json(Media(url=f"https://media.example/{key}", kind=kind, duration_seconds=600))
        rows.append(EntryRow(key=key, link_url=url, url=url, title=None, author=None, published=None,
                             updated=None, summary=None, content_chars=None, digest=key, media=media))
    with library.store.transaction():
        storage_entries.write_entries(library.store, source, rows, datetime(2026, 11, 20, tzinfo=UTC))
    week = build_weekly(library, period_for_week("2026-W46", ZoneInfo("Europe/London")))
    assert credit_text(_item(week, INFERENCE)) == (
        "Heidi Siwak shared a video, The ladder of inference, on Mastodon.")
    assert credit_text(_item(week, FAILURE)) == (
        "The importance of failure, a podcast shared by Patrick Miller, Sam Lee and 2 others.")
    assert credit_text(_item(week, INFERENCE), with_title=False) == "Heidi Siwak shared it on Mastodon."
    assert credit_text(_item(week, COACHING)) == (
        "Coaching conversations that stick by Priya Raman in School Leadership Weekly.")
