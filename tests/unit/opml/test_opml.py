"""Tests for pln_reader.opml: OPML import/export of topic lists, on the corpus and by hand."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pln_reader.core.errors import OPMLError
from pln_reader.opml.read import (
    PLN_NS,
    OPMLDocument,
    OutlineList,
    OutlineSource,
    parse_opml,
)
from pln_reader.opml.write import write_opml

try:
    from tests.corpus_paths import CORPUS, needs_corpus
except ImportError:  # the shared helper is not there (or tests/ is not importable as a package)
    _DEFAULT_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
    CORPUS = Path(os.environ.get("FEED_CORPUS", _DEFAULT_CORPUS))
    needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")

OPML_DIR = CORPUS / "opml"
OPML_FILES = sorted(p for p in OPML_DIR.iterdir() if p.is_file()) if OPML_DIR.is_dir() else []

# The four files that are malformed on purpose, and what the importer does with each.
REJECTED = {
    # raw "&" (repairable) but also HTML pasted into a description attribute with its own
    # quotes: no split of that attribute would be more than a guess, so it fails cleanly.
    "plenary__with_category__Programming.opml": "line 34",
    "newsboat__opml-element-missing.opml": "root element is <not-opml>",
}
REPAIRED = {
    "listparser__malformed__html-entity-attribute.xml": "HTML entity &aelig; replaced",
    "plenary__countries__without_category__Russia.opml": 'unescaped " in an attribute value',
}


def feed(url: str, title: str | None = None, html_url: str | None = None) -> OutlineSource:
    return OutlineSource(url=url, title=title, html_url=html_url, kind="feed")


def opml(body: str, head: str = "", ns: bool = False) -> bytes:
    xmlns = f' xmlns:pln="{PLN_NS}"' if ns else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"{xmlns}>'
        f"<head>{head}</head><body>{body}</body></opml>"
    ).encode()


def all_lists(lists: tuple[OutlineList, ...]) -> list[OutlineList]:
    out: list[OutlineList] = []
    for lst in lists:
        out.append(lst)
        out.extend(all_lists(lst.children))
    return out


def feed_urls(doc: OPMLDocument) -> set[str]:
    urls = {s.url for s in doc.unfiled}
    for lst in all_lists(doc.lists):
        urls |= {s.url for s in lst.sources}
    return urls


def by_name(lists: tuple[OutlineList, ...]) -> dict[str, OutlineList]:
    return {lst.name: lst for lst in lists}


# --- the corpus ------------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", OPML_FILES, ids=lambda p: p.name)
def test_every_corpus_file_imports_or_fails_cleanly(path: Path) -> None:
    data = path.read_bytes()
    if path.name in REJECTED:
        with pytest.raises(OPMLError) as info:
            parse_opml(data)
        assert REJECTED[path.name] in str(info.value)
        return
    doc = parse_opml(data)
    assert isinstance(doc, OPMLDocument)
    assert feed_urls(doc), "every corpus OPML has at least one feed"
    if path.name in REPAIRED:
        assert any(REPAIRED[path.name] in note for note in doc.repairs)
    else:
        assert doc.repairs == ()
    assert doc.skipped == ()


@needs_corpus
def test_malformed_corpus_files_are_the_four_known_ones() -> None:
    names = {p.name for p in OPML_FILES}
    assert set(REJECTED) | set(REPAIRED) <= names
    assert len(OPML_FILES) == 17


@needs_corpus
@pytest.mark.parametrize(
    "path", [p for p in OPML_FILES if p.name not in REJECTED], ids=lambda p: p.name
)
def test_corpus_round_trip(path: Path) -> None:
    doc = parse_opml(path.read_bytes())
    exported = write_opml(doc)
    again = parse_opml(exported)
    assert again == doc
    assert again.repairs == () and again.skipped == ()
    assert write_opml(again) == exported  # the export is byte-stable


@needs_corpus
def test_hnblogs_has_1229_feeds_in_one_list() -> None:
    doc = parse_opml((OPML_DIR / "hnblogs__list.opml").read_bytes())
    assert doc.title == "Hacker News Personal Blogs"
    assert [lst.name for lst in doc.lists] == ["HN Personal Blogs"]
    assert len(doc.lists[0].sources) == 1229
    assert doc.unfiled == ()
    first = doc.lists[0].sources[0]
    assert first == feed(
        "https://blog.jgc.org/feeds/posts/default",
        "jgrahamc",
        "https://blog.jgc.org/feeds/posts/default",
    )


@needs_corpus
def test_newsboat_category_makes_lists_from_tags_and_paths() -> None:
    doc = parse_opml((OPML_DIR / "newsboat__category.opml").read_bytes())
    assert doc.title == "Newsboat - Exported Feeds"
    bbc = feed("http://feeds.bbci.co.uk/news/business/rss.xml?edition=int")  # title="" htmlUrl=""
    # category="tag one,tag_two,tag/three": two tags and the path tag -> three
    assert doc.lists == (
        OutlineList("tag one", sources=(bbc,)),
        OutlineList("tag_two", sources=(bbc,)),
        OutlineList("tag", children=(OutlineList("three", sources=(bbc,)),)),
    )
    assert doc.unfiled == ()


@needs_corpus
def test_listparser_hierarchy_mixed_with_category() -> None:
    doc = parse_opml((OPML_DIR / "listparser__opml__categories__hier-4-mixed.xml").read_bytes())
    f = feed("http://domain/feed", "feedname")
    # nesting "grouping" plus category="tag,/parent/child"
    assert doc.lists == (
        OutlineList("grouping", sources=(f,)),
        OutlineList("tag", sources=(f,)),
        OutlineList("parent", children=(OutlineList("child", sources=(f,)),)),
    )
    assert doc.unfiled == ()


@needs_corpus
def test_listparser_several_tags() -> None:
    doc = parse_opml((OPML_DIR / "listparser__opml__categories__tags-2-multiple.xml").read_bytes())
    f = feed("http://domain/feed", "feedname")
    assert doc.lists == (OutlineList("tag1", sources=(f,)), OutlineList("tag2", sources=(f,)))


@needs_corpus
def test_atoma_nested_list_in_iso_8859_1() -> None:
    doc = parse_opml((OPML_DIR / "atoma__opml__nested-subscription-list.xml").read_bytes())
    assert doc.title == "Nested"
    assert [s.title for s in doc.unfiled] == ["1", "2", "5"]
    assert doc.lists == (
        OutlineList(
            "nested", sources=(feed("http://3.com/rss.xml", "3"), feed("http://4.com/rss.xml", "4"))
        ),
    )


@needs_corpus
def test_atoma_outlines_without_titles() -> None:
    doc = parse_opml((OPML_DIR / "atoma__opml__broken-no-title.xml").read_bytes())
    assert doc.unfiled == (feed("https://xkcd.com/rss.xml"), feed("http://antirez.com/rss"))
    assert doc.lists == (
        OutlineList("The Old Reader Picks", sources=(feed("https://what-if.xkcd.com/feed.atom"),)),
    )


@needs_corpus
def test_newsboat_example_nested_folders_named_from_text_then_title() -> None:
    doc = parse_opml((OPML_DIR / "newsboat__example.opml").read_bytes())
    assert len(doc.unfiled) == 4
    lists = by_name(doc.lists)
    assert list(lists) == ["Blogs", "eloquent"]  # text="Blogs" wins over title="should be ignored"
    assert [s.title for s in lists["Blogs"].sources] == ["John's musings"]
    assert [c.name for c in lists["Blogs"].children] == ["friends"]
    assert [s.title for s in lists["Blogs"].children[0].sources] == ["Notes by Mike"]
    assert [s.url for s in lists["eloquent"].sources] == [
        "https://fred.example.com/writing/index.php?type=rss"
    ]


@needs_corpus
def test_netnewswire_export() -> None:
    doc = parse_opml((OPML_DIR / "rsparser__Subs.opml").read_bytes())
    assert [lst.name for lst in doc.lists] == ["Programming", "Macintosh", "Weblogs", "Writers"]
    # 207 feed outlines; feed.katiefloyd.com is listed twice (with and without a trailing
    # slash), which is one feed once canonicalised.
    assert sum(len(lst.sources) for lst in doc.lists) + len(doc.unfiled) == 206
    assert len(doc.unfiled) == 68
    assert feed(
        "http://corinnekrych.blogspot.com/feeds/posts/default",
        "chat & code",  # written "chat &amp; code"
        "http://corinnekrych.blogspot.com/",
    ) in doc.unfiled
    assert all(s.html_url is None or s.html_url.startswith("http") for s in doc.unfiled)
    no_titles = parse_opml((OPML_DIR / "rsparser__SubsNoTitleAttributes.opml").read_bytes())
    assert feed_urls(no_titles) == feed_urls(doc)


@needs_corpus
def test_repaired_html_entity_matches_the_numeric_reference() -> None:
    doc = parse_opml((OPML_DIR / "listparser__malformed__html-entity-attribute.xml").read_bytes())
    assert [s.title for s in doc.unfiled] == ["archæology", "archæology"]


@needs_corpus
def test_repaired_unescaped_quotes_keep_every_feed() -> None:
    path = OPML_DIR / "plenary__countries__without_category__Russia.opml"
    doc = parse_opml(path.read_bytes())
    assert len(doc.unfiled) == path.read_bytes().count(b"xmlUrl=") == 13
    assert 'Газета "Коммерсантъ". Главное' in {s.title for s in doc.unfiled}
    assert "https://www.kommersant.ru/RSS/main.xml" in feed_urls(doc)


@needs_corpus
def test_ukraine_cyrillic_titles() -> None:
    doc = parse_opml((OPML_DIR / "plenary__countries__with_category__Ukraine.opml").read_bytes())
    assert [lst.name for lst in doc.lists] == ["Ukraine"]
    assert len(doc.lists[0].sources) == 12
    assert "Українська правда" in {s.title for s in doc.lists[0].sources}


# --- import rules ----------------------------------------------------------------------------


def test_category_paths_and_names_put_a_feed_into_several_lists() -> None:
    doc = parse_opml(
        opml(
            '<outline text="Blog" xmlUrl="https://a.example/feed"'
            ' category="/Education/Assessment, Leadership,/Education"/>'
        )
    )
    a = feed("https://a.example/feed", "Blog")
    assert doc.lists == (
        OutlineList("Education", sources=(a,), children=(OutlineList("Assessment", sources=(a,)),)),
        OutlineList("Leadership", sources=(a,)),
    )
    assert doc.unfiled == ()


def test_same_path_lists_merge_and_feeds_are_deduplicated() -> None:
    doc = parse_opml(
        opml(
            '<outline text="Tech" pln:budget="10"><outline xmlUrl="https://a.example/f" text="A"/>'
            "</outline>"
            '<outline text="Tech" pln:budget="20" pln:context="personal">'
            '<outline xmlUrl="HTTPS://A.example:443/f" text="A again"/>'
            '<outline xmlUrl="https://b.example/f" text="B"/></outline>'
            '<outline xmlUrl="https://c.example/f" text="C" category="Tech"/>',
            ns=True,
        )
    )
    assert len(doc.lists) == 1
    tech = doc.lists[0]
    assert [s.title for s in tech.sources] == ["A", "B", "C"]
    assert tech.budget == 10  # the first value wins
    assert tech.context == "personal"  # filled in from the second folder


def test_feed_at_top_level_and_in_a_list_is_not_unfiled() -> None:
    doc = parse_opml(
        opml(
            '<outline xmlUrl="https://a.example/f" text="A"/>'
            '<outline text="L"><outline xmlUrl="https://a.example/f" text="A"/></outline>'
            '<outline xmlUrl="https://b.example/f" text="B"/>'
            '<outline xmlUrl="https://b.example/f" text="B twice"/>'
        )
    )
    assert doc.unfiled == (feed("https://b.example/f", "B"),)


def test_attribute_names_are_case_insensitive() -> None:
    doc = parse_opml(
        opml(
            '<outline TEXT="One" XMLURL="https://a.example/1" HTMLURL="https://a.example/"/>'
            '<outline text="Two" xmlurl="https://a.example/2" htmlurl="https://a.example/"/>'
            '<outline Text="Three" XmlUrl="https://a.example/3" TYPE="RSS"/>'
        )
    )
    assert doc.unfiled == (
        feed("https://a.example/1", "One", "https://a.example/"),
        feed("https://a.example/2", "Two", "https://a.example/"),
        feed("https://a.example/3", "Three"),
    )


def test_xml_url_makes_a_feed_whatever_the_type() -> None:
    doc = parse_opml(
        opml(
            '<outline text="a" type="atom" xmlUrl="https://a.example/1"/>'
            '<outline text="b" type="link" xmlUrl="https://a.example/2"/>'
            '<outline text="c" xmlUrl="https://a.example/3"/>'
        )
    )
    assert [s.kind for s in doc.unfiled] == ["feed", "feed", "feed"]


def test_include_and_opml_links_are_list_sources() -> None:
    doc = parse_opml(
        opml(
            '<outline text="Blogroll" type="include" url="https://friend.example/blogroll.opml"/>'
            '<outline text="Other" type="link" url="https://x.example/list.OPML?v=2"/>'
            '<outline text="A page" type="link" url="https://x.example/about.html"/>'
        )
    )
    assert doc.unfiled == (
        OutlineSource("https://friend.example/blogroll.opml", "Blogroll", None, "opml"),
        OutlineSource("https://x.example/list.OPML?v=2", "Other", None, "opml"),
    )
    assert doc.skipped == (
        "https://x.example/about.html: not a feed or an OPML list (type 'link')",
    )


def test_unnamed_folder_contents_move_up_and_empty_lists_are_kept() -> None:
    doc = parse_opml(
        opml(
            '<outline><outline text="A" xmlUrl="https://a.example/f"/></outline>'
            '<outline text="Empty"/>'
            '<outline text="P"><outline title="Q"/></outline>'
            "<outline/>"
        )
    )
    assert doc.unfiled == (feed("https://a.example/f", "A"),)
    assert doc.lists == (OutlineList("Empty"), OutlineList("P", children=(OutlineList("Q"),)))


def test_feed_type_without_url_is_skipped_with_a_reason() -> None:
    doc = parse_opml(opml('<outline text="Broken" type="rss"/>'))
    assert doc.lists == () and doc.unfiled == ()
    assert doc.skipped == ("outline 'Broken': type 'rss' but no xmlUrl",)


def test_relative_urls_resolve_against_base_url() -> None:
    data = opml(
        '<outline text="R" xmlUrl="feeds/r.xml" htmlUrl="/"/>'
        '<outline text="Abs" xmlUrl="https://other.example/f"/>'
        '<outline text="Inc" type="include" url="../more.opml"/>'
    )
    doc = parse_opml(data, base_url="https://lists.example/pln/mine.opml")
    assert doc.unfiled == (
        feed("https://lists.example/pln/feeds/r.xml", "R", "https://lists.example/"),
        feed("https://other.example/f", "Abs"),
        OutlineSource("https://lists.example/more.opml", "Inc", None, "opml"),
    )
    without_base = parse_opml(data)
    assert [s.url for s in without_base.unfiled] == ["https://other.example/f"]
    assert without_base.skipped == (
        "feeds/r.xml: relative URL and no base URL to resolve it against",
        "../more.opml: relative URL and no base URL to resolve it against",
    )


def test_remote_documents_keep_only_http_urls() -> None:
    data = opml(
        '<outline text="secret" xmlUrl="file:///etc/passwd"/>'
        '<outline text="local" xmlUrl="/home/me/feed.xml"/>'
        '<outline text="js" xmlUrl="javascript:alert(1)"/>'
        '<outline text="gopher" type="include" url="gopher://x.example/list.opml"/>'
        '<outline text="ok" xmlUrl="https://ok.example/feed" htmlUrl="javascript:alert(1)"/>'
        '<outline text="bad" xmlUrl="http://[::1/feed"/>'
    )
    remote = parse_opml(data, base_url="https://lists.example/x.opml", allow_local=False)
    # "/home/me/feed.xml" in a remote document is a path on that server, not a local file
    assert remote.unfiled == (
        feed("https://lists.example/home/me/feed.xml", "local"),
        feed("https://ok.example/feed", "ok"),
    )
    assert remote.skipped == (
        "file:///etc/passwd: not an http(s) URL",
        "javascript:alert(1): not an http(s) URL",
        "gopher://x.example/list.opml: not an http(s) URL",
        "http://[::1/feed: not a valid URL",
    )

    no_base = parse_opml(data, allow_local=False)
    assert "/home/me/feed.xml: not an http(s) URL" in no_base.skipped

    local = parse_opml(data)  # a file the user chose: local feeds are fine
    assert [s.url for s in local.unfiled] == [
        "file:///etc/passwd",
        "/home/me/feed.xml",
        "https://ok.example/feed",
    ]
    assert local.unfiled[-1].html_url is None  # javascript: is never a site link


def test_pln_attributes_are_validated() -> None:
    doc = parse_opml(
        opml(
            '<outline text="A" pln:purpose="Why\nI read" pln:context="PERSONAL" pln:budget="15"/>'
            '<outline text="B" pln:context="work" pln:budget="-5"/>'
            '<outline text="C" pln:budget="1.5"/>'
            '<outline text="D" pln:budget="abc" pln:context=""/>'
            '<outline text="E" pln:budget="99999999999999999999"/>'
            '<outline text="F" pln:budget=" 0 " pln:context="both"/>'
            '<outline text="G" pln:budget="1441"/>',
            ns=True,
        )
    )
    got = {lst.name: (lst.purpose, lst.context, lst.budget) for lst in doc.lists}
    assert got == {
        "A": ("Why I read", "personal", 15),  # a raw newline in an attribute is a space in XML
        "B": (None, None, None),
        "C": (None, None, None),
        "D": (None, None, None),
        "E": (None, None, None),
        "F": (None, "both", 0),
        "G": (None, None, None),  # the one rule for budgets: 0 to 1440 minutes
    }


def test_pln_attributes_need_the_namespace() -> None:
    other = opml(
        '<outline xmlns:x="https://elsewhere.example/" text="A" x:purpose="not ours" x:budget="5"/>'
    )
    assert parse_opml(other).lists == (OutlineList("A"),)


def test_hostile_strings_come_out_clean_and_literal() -> None:
    nasty = "&#x9b;31mRed&#x9b;0m [@click=app.quit]x[/] &#x202e;gnp.exe"
    doc = parse_opml(
        opml(
            f'<outline text="{nasty}" pln:purpose="{nasty}">'
            f'<outline text="{nasty}" xmlUrl="https://a.example/f"/></outline>',
            head=f"<title>{nasty}</title>",
            ns=True,
        )
    )
    expected = "Red [@click=app.quit]x[/] gnp.exe"
    assert doc.title == expected
    assert doc.lists[0].name == expected
    assert doc.lists[0].purpose == expected
    assert doc.lists[0].sources[0].title == expected
    # ESC itself cannot appear in XML 1.0; files that contain it anyway are repaired
    raw = opml('<outline text="\x1b[31mRed\x1b[0m \x1b]8;;https://evil.example/\x07x\x1b]8;;\x07"'
               ' xmlUrl="https://a.example/f"/>')
    repaired = parse_opml(raw)
    assert repaired.unfiled[0].title == "Red x"
    assert repaired.repairs
    referenced = parse_opml(opml('<outline text="&#27;[1mBold" xmlUrl="https://a.example/f"/>'))
    assert referenced.unfiled[0].title == "Bold"


def test_title_only_head_and_missing_head() -> None:
    assert parse_opml(b"<opml><body/></opml>") == OPMLDocument(title=None, lists=(), unfiled=())
    assert parse_opml(opml("", head="<title> My  lists </title>")).title == "My lists"


# --- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n ", "the file is empty"),
        (b"<not-opml><body/></not-opml>", "not an OPML document: root element is <not-opml>"),
        (b"<html><body></body></html>", "root element is <html>"),
        (b"<opml><head/></opml>", "OPML has no <body>"),
        (b"<opml>\n<body>\n<outline text='x'>\n</body></opml>", "(line 4"),
        (b"<opml><body><outline text='x' xmlUrl='http://x/'/></body>", "not well-formed OPML"),
        (b"\x00\x01\x02\x03", "not well-formed OPML"),
        (b"just text", "not well-formed OPML"),
        (b"{\"version\": \"https://jsonfeed.org/version/1.1\"}", "not well-formed OPML"),
        (b"<opml><body><outline text=x/></body></opml>", "not well-formed OPML"),
        (b'<opml><body><outline text="<b>x</b>"/></body></opml>', "markup inside an attribute"),
        (
            (b'<opml><body><outline text="a" xmlUrl="http://a/"/>'
            b'<outline text="b  xmlUrl="http://b/"/>\n<outline text="c" xmlUrl="http://c/"/>'
            b"</body></opml>"),
            "not well-formed OPML",
        ),
    ],
    ids=repr,
)
def test_malformed_documents_raise_opml_error(data: bytes, message: str) -> None:
    with pytest.raises(OPMLError) as info:
        parse_opml(data)
    assert message in str(info.value)


def test_undefined_entity_message_names_it_and_the_line() -> None:
    # &zzz; is no HTML entity either, yet the repair keeps it as text: so force a failure
    # elsewhere in the same file to see the message for the original error.
    data = b'<?xml version="1.0"?>\n<opml>\n<body><outline text="&zzz;"></body></opml>'
    with pytest.raises(OPMLError) as info:
        parse_opml(data)
    assert str(info.value).startswith("not well-formed OPML: undefined entity &zzz; (line 3")


def test_repairs_escape_raw_ampersands_and_report_them() -> None:
    doc = parse_opml(
        b'<opml><body><outline text="Tom & Jerry &amp; AT&T; &copy; &#169;"'
        b' xmlUrl="https://a.example/f?a=1&b=2"/></body></opml>'
    )
    assert doc.unfiled == (feed("https://a.example/f?a=1&b=2", "Tom & Jerry & AT&T; © ©"),)
    assert doc.repairs == (
        "line 1: raw '&' escaped",
        "line 1: unknown entity &T; kept as text",
        "line 1: HTML entity &copy; replaced",
        "line 1: raw '&' escaped",
    )


def test_never_a_half_result() -> None:
    # The first outline is fine; the second is broken beyond repair: nothing is returned.
    data = (
        b'<opml><body><outline text="ok" xmlUrl="https://a.example/f"/>'
        b'<outline text="bad" xmlUrl="https://b.example/f"></body></opml>'
    )
    with pytest.raises(OPMLError):
        parse_opml(data)


def test_no_external_entities_no_dtd_no_network() -> None:
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<opml><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>'
    )
    with pytest.raises(OPMLError):
        parse_opml(xxe)
    laughs = b'<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
    ) + b']><opml><body><outline text="&i;" xmlUrl="https://a.example/f"/></body></opml>'
    with pytest.raises(OPMLError):
        parse_opml(laughs)
    # an external DTD is neither loaded nor fetched; the document itself is fine
    external = (
        b'<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">'
        b'<opml><body><outline text="A" xmlUrl="https://a.example/f"/></body></opml>'
    )
    assert parse_opml(external).unfiled == (feed("https://a.example/f", "A"),)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    deep = "".join(f'<outline text="L{i}">' for i in range(200)) + "</outline>" * 200
    with pytest.raises(OPMLError):
        parse_opml(opml(deep))
    long_category = "/".join(f"c{i}" for i in range(500))
    doc = parse_opml(
        opml(f'<outline text="A" xmlUrl="https://a.example/f" category="{long_category}"/>')
    )
    assert doc.lists == () and doc.unfiled == (feed("https://a.example/f", "A"),)
    assert doc.skipped and "more than" in doc.skipped[0]


def test_parse_needs_bytes() -> None:
    with pytest.raises(TypeError):
        parse_opml("<opml/>")  # type: ignore[arg-type]


def test_utf16_document() -> None:
    data = opml('<outline text="Ünïcode" xmlUrl="https://a.example/f"/>').decode()
    data = data.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    doc = parse_opml(data.encode("utf-16"))
    assert doc.unfiled == (feed("https://a.example/f", "Ünïcode"),)


# --- export and round trip -------------------------------------------------------------------

SHARED = feed("https://shared.example/feed.xml", "Shared by two lists", "https://shared.example/")
HAND_MADE = OPMLDocument(
    title='My "PLN" lists & more — ünïcode',
    lists=(
        OutlineList(
            name="Education",
            purpose='Why: "assessment" & feedback\nthat changes practice — für alle',
            context="professional",
            budget=20,
            sources=(feed("https://edu.example/rss", "Edu blog"), SHARED),
            children=(
                OutlineList(
                    name="Assessment",
                    purpose="Second line\n\tindented",
                    context="both",
                    budget=0,
                    sources=(SHARED, feed("https://assess.example/atom", None)),
                ),
                OutlineList(name="Empty child"),
            ),
        ),
        OutlineList(
            name="Leadership & <people>",
            context="personal",
            sources=(
                OutlineSource("https://friend.example/blogroll.opml", "A blogroll", None, "opml"),
                SHARED,
            ),
        ),
        OutlineList(name="Slash/name, with comma", sources=(feed("https://odd.example/f", "Odd"),)),
        OutlineList(name="Ordering", sources=(feed("https://z.example/f", "Z"), SHARED)),
    ),
    unfiled=(
        feed("https://unfiled.example/feed", "Loose feed"),
        OutlineSource("https://lists.example/other.opml", None, None, "opml"),
    ),
)


def test_hand_made_round_trip() -> None:
    exported = write_opml(HAND_MADE)
    assert parse_opml(exported) == HAND_MADE
    assert write_opml(parse_opml(exported)) == exported


def test_round_trip_of_empty_and_untitled_documents() -> None:
    for doc in (
        OPMLDocument(title=None, lists=(), unfiled=()),
        OPMLDocument(title="Only a title", lists=(), unfiled=()),
        OPMLDocument(title=None, lists=(OutlineList("Lonely"),), unfiled=()),
    ):
        assert parse_opml(write_opml(doc)) == doc


def test_export_shape() -> None:
    text = write_opml(HAND_MADE).decode("utf-8")
    assert text.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<opml")
    assert 'version="2.0"' in text
    assert f'xmlns:pln="{PLN_NS}"' in text
    assert "dateCreated" not in text and "dateModified" not in text
    assert "\n  <head>" in text and "\n    <outline" in text  # pretty-printed
    assert (
        '<outline type="rss" text="Shared by two lists" title="Shared by two lists"'
        ' xmlUrl="https://shared.example/feed.xml" htmlUrl="https://shared.example/"'
        ' category="/Education,/Education/Assessment,/Leadership &amp; &lt;people&gt;,/Ordering"/>'
    ) in text
    assert '<outline type="include" text="A blogroll" title="A blogroll"' in text
    assert 'pln:purpose="Why: &quot;assessment&quot; &amp; feedback&#10;that changes' in text
    assert 'pln:budget="0"' in text and 'pln:context="both"' in text
    # a name with "/" or "," cannot be a category path; the nesting alone carries it
    assert 'xmlUrl="https://odd.example/f"/>' in text
    # unfiled sources at the top level, with no category
    assert '\n    <outline type="rss" text="Loose feed" title="Loose feed"' in text
    assert '<outline type="include" text="" url="https://lists.example/other.opml"/>' in text


def test_export_is_deterministic() -> None:
    assert write_opml(HAND_MADE) == write_opml(HAND_MADE)


def test_export_is_readable_by_category_only_readers() -> None:
    # A reader that ignores nesting and uses only category sees the same grouping.
    from lxml import etree

    root = etree.fromstring(write_opml(HAND_MADE))
    cats = {
        el.get("xmlUrl"): el.get("category") for el in root.iter("outline") if el.get("xmlUrl")
    }
    assert cats["https://edu.example/rss"] == "/Education"
    assert cats["https://assess.example/atom"] == "/Education/Assessment"


def test_export_cleans_strings_a_caller_passed_in() -> None:
    doc = OPMLDocument(
        title="T\x1b[31mitle\x00",
        lists=(OutlineList("Na\x07me", sources=(feed("https://a.example/f", "Ti\ud800tle"),)),),
        unfiled=(),
    )
    again = parse_opml(write_opml(doc))
    assert again.title == "Title"
    assert again.lists[0].name == "Na me"
    assert again.lists[0].sources[0].title == "Title"


def test_skipped_and_repairs_take_no_part_in_equality() -> None:
    a = OPMLDocument(title=None, lists=(), unfiled=(), skipped=("x: why",), repairs=("fix",))
    assert a == OPMLDocument(title=None, lists=(), unfiled=())


def test_round_trip_of_random_documents() -> None:
    """Seeded random documents in the form parse_opml produces survive export + import."""
    import random

    names = ["A", "b", "Tech & <stuff>", 'Q"uote', "Ünï", "slash/name", "com,ma", "日本", "/x"]

    def source(r: random.Random, i: int) -> OutlineSource:
        kind = "opml" if r.random() < 0.2 else "feed"
        return OutlineSource(
            url=f"https://s{i}.example/{'l.opml' if kind == 'opml' else 'f'}?q={r.choice('1&%')}",
            title=r.choice([None, f"T{i}", 'Ti "tle" & <x>']),
            html_url=r.choice([None, f"https://h{i}.example/"]),
            kind=kind,
        )

    def lists(r: random.Random, depth: int, pool: list[OutlineSource]) -> tuple[OutlineList, ...]:
        return tuple(
            OutlineList(
                name=name,
                purpose=r.choice([None, 'Why:\n "x" & y\tz']),
                context=r.choice([None, "professional", "personal", "both"]),
                budget=r.choice([None, 0, 15]),
                sources=tuple(r.sample(pool, r.randint(0, 4))),
                children=lists(r, depth + 1, pool),
            )
            for name in r.sample(names, r.randint(0, 3 if depth < 3 else 0))
        )

    for seed in range(200):
        r = random.Random(seed)
        pool = [source(r, i) for i in range(8)]
        tree = lists(r, 0, pool)
        listed = {s.url for lst in all_lists(tree) for s in lst.sources}
        unfiled = tuple(s for s in r.sample(pool, 3) if s.url not in listed)
        doc = OPMLDocument(title=r.choice([None, "T & <t>"]), lists=tree, unfiled=unfiled)
        assert parse_opml(write_opml(doc)) == doc, f"seed {seed}"


def test_empty_xml_url_is_skipped_not_a_list() -> None:
    doc = parse_opml(opml('<outline text="a" xmlUrl="  "/>'))
    assert doc.lists == () and doc.unfiled == ()
    assert doc.skipped == ("outline 'a': empty xmlUrl",)


def test_liferea_source_outlines_are_subscribed_lists() -> None:
    """Issue 24.8: Liferea's type="source" outline is an OPML list, not a feed."""
    doc = parse_opml(
        opml(
            '<outline text="Planet" type="source" sourceType="fl_opml"'
            ' xmlUrl="https://planet.example/opml.xml"/>'
            '<outline text="Plain" type="source" url="https://x.example/list.opml"/>'
            '<outline text="A feed" type="rss" xmlUrl="https://a.example/feed"/>'
        )
    )
    assert [(s.url, s.kind) for s in doc.unfiled] == [
        ("https://planet.example/opml.xml", "opml"),
        ("https://x.example/list.opml", "opml"),
        ("https://a.example/feed", "feed"),
    ]
