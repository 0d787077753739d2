"""Rules and stories on a real store fed by a real HTTP server (issue 22)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pln_reader.core.errors import InputError
from pln_reader.core.models import EntryRow
from pln_reader.library.facade import Library
from pln_reader.store import entries as storage_entries
from tests.integration.server import FeedServer

PUB = "Mon, 16 Nov 2026 10:00:00 GMT"


def feed(title: str, *items: tuple[str, str] | tuple[str, str, str]) -> bytes:
    body = ""
    for item in items:
        t, u = item[0], item[1]
        author = f"<dc:creator>{item[2]}</dc:creator>" if len(item) > 2 else ""
        body += (f"<item><title>{t}</title><link>{u}</link><description>About {t}</description>"
                 f"{author}<pubDate>{PUB}</pubDate></item>")
    return (f'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{title}</title>{body}</channel></rss>").encode()


def titles(links: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(k.title or k.url for k in links)


@pytest.fixture
def two_feeds(server: FeedServer, library: Library) -> tuple[str, str]:
    a = server.serve("/a.xml", feed("Teacher blog",
                                    ("Retrieval practice works", "https://blog.example/retrieval", "Ana"),
                                    ("Crypto comes to the classroom", "https://blog.example/crypto", "Ana"),
                                    ("Buy our course now", "https://ads.example/course", "Spammy Sam"),
                                    ("Sub-domain offer", "https://promo.ads.example/offer", "Sam"),
                                    ("Not an ad", "https://notads.example/page", "Ana")))
    b = server.serve("/b.xml", feed("Leader blog",
                                    ("Spaced practice for leaders", "https://lead.example/spaced", "Bo"),
                                    ("Cryptography basics, part 1", "https://lead.example/crypto-1", "Bo")))
    library.create_list("Teaching")
    library.add([a], lists=["Teaching"])
    library.add([b])
    return a, b


def test_a_mute_word_hides_its_links_names_the_rule_and_removal_brings_them_back(
        two_feeds: tuple[str, str], library: Library) -> None:
    rule = library.add_rule("mute", "word", "crypto")
    assert rule.hides == 1  # a whole word: "Cryptography" is not "crypto"
    assert "Crypto comes to the classroom" not in titles(library.links())
    assert "Cryptography basics, part 1" in titles(library.links())
    [hidden] = library.links(hidden=True)
    assert hidden.title == "Crypto comes to the classroom"
    assert hidden.hidden_by == (f"#{rule.id} mute word \"crypto\"",)
    assert library.view_counts()["all"] == 6
    library.remove_rule(rule.id)
    assert "Crypto comes to the classroom" in titles(library.links())
    assert library.links(hidden=True) == []
    assert library.rules() == []


def test_rules_run_on_new_entries_at_refresh(server: FeedServer, two_feeds: tuple[str, str],
                                            library: Library) -> None:
    library.add_rule("mute", "phrase", "flash sale")
    server.update("/b.xml", feed("Leader blog", ("Spaced practice for leaders", "https://lead.example/spaced"),
                                 ("A FLASH-SALE on planners", "https://lead.example/sale"),
                                 ("Flash cards and sales", "https://lead.example/cards")))
    library.refresh(force=True)
    shown = titles(library.links())
    assert "A FLASH-SALE on planners" not in shown and "Flash cards and sales" in shown
    assert [k.title for k in library.links(hidden=True)] == ["A FLASH-SALE on planners"]


def test_keep_only_for_one_list(two_feeds: tuple[str, str], library: Library) -> None:
    library.add_rule("keep", "phrase", "retrieval practice", list_name="Teaching")
    assert titles(library.links(list_name="Teaching")) == ["Retrieval practice works"]
    assert library.get_list("Teaching").unread == 1  # the lists' counts leave them out too
    assert len(library.links()) == 7  # a list's rule leaves the other views alone
    library.add_rule("keep", "word", "crypto", list_name="Teaching")  # two keeps: either one
    assert titles(library.links(list_name="Teaching")) == ["Crypto comes to the classroom",
                                                          "Retrieval practice works"]
    hidden = library.links(list_name="Teaching", hidden=True)
    assert len(hidden) == 3 and all(len(k.hidden_by) == 2 for k in hidden)
    first = library.rules()[0]
    library.remove_rule(first.id)
    assert titles(library.links(list_name="Teaching")) == ["Crypto comes to the classroom"]


def test_regex_author_and_domain_rules(two_feeds: tuple[str, str], library: Library) -> None:
    library.add_rule("mute", "regex", r"\bpart \d+\b")
    library.add_rule("mute", "author", "spammy")
    library.add_rule("mute", "domain", "ads.example")
    shown = titles(library.links())
    assert shown == ["Crypto comes to the classroom", "Not an ad", "Retrieval practice works",
                     "Spaced practice for leaders"]
    assert {r.kind: r.hides for r in library.rules()} == {"regex": 1, "author": 1, "domain": 2}


def test_a_bad_regex_is_refused_with_the_error_and_nothing_changes(
        two_feeds: tuple[str, str], library: Library) -> None:
    with pytest.raises(InputError, match=r"bad regular expression '\(unclosed': missing \)"):
        library.add_rule("mute", "regex", "(unclosed")
    with pytest.raises(InputError, match="bad regular expression"):
        library.test_rule("mute", "regex", "*oops")
    assert library.rules() == [] and len(library.links()) == 7


def test_a_sharer_rule_matches_the_handle_shared_by_counts(library: Library) -> None:
    now = datetime.now(UTC)
    source_id, _ = library.store.add_source("mastodon_list", "https://social.example/lists/1",
                                            title="PLN", now=now)

    def row(key: str, url: str, handle: str) -> EntryRow:
        return EntryRow(key=key, link_url=url, url=url, title=f"Post {key} about learning", author=None,
                        published=now, updated=None, summary=None, content_chars=None, digest=key,
                        sharer_handle=handle)

    with library.store.transaction():
        storage_entries.write_entries(library.store, source_id, [
            row("1", "https://x.example/1", "@ana@social.example"),
            row("2", "https://x.example/2", "@loud@social.example"),
            row("3", "https://x.example/1", "@loud@social.example")], now)
    rule = library.add_rule("mute", "sharer", "LOUD@social.example")
    assert rule.pattern == "@loud@social.example" and rule.hides == 2
    library.remove_rule(rule.id)
    library.add_rule("keep", "sharer", "@ana@social.example")
    assert [k.url for k in library.links()] == ["https://x.example/1"]


def test_the_preview_counts_and_shows_examples_before_saving(
        two_feeds: tuple[str, str], library: Library) -> None:
    mute = library.test_rule("mute", "domain", "ads.example")
    assert (mute.considered, mute.matched, mute.hidden, mute.kept) == (7, 2, 2, 5)
    assert sorted(u for _, u in mute.matched_examples) == ["https://ads.example/course",
                                                          "https://promo.ads.example/offer"]
    keep = library.test_rule("keep", "word", "practice", list_name="Teaching")
    assert (keep.considered, keep.matched, keep.hidden) == (5, 1, 4)
    assert keep.matched_examples == (("Retrieval practice works", "https://blog.example/retrieval"),)
    assert len(keep.unmatched_examples) == 4
    slow = library.test_rule("mute", "regex", "(x+x+)+y")
    assert slow.matched == 0
    assert library.rules() == []  # nothing was saved


def test_spotlight_rules_hide_nothing(two_feeds: tuple[str, str], library: Library) -> None:
    library.add_rule("spotlight", "word", "practice")
    library.add_rule("spotlight", "word", "crypto", list_name="Teaching")
    assert len(library.links()) == 7
    assert [r.pattern for r in library.spotlight_rules()] == ["practice"]
    assert [r.pattern for r in library.spotlight_rules("Teaching")] == ["practice", "crypto"]
    with pytest.raises(InputError, match="exists already"):
        library.add_rule("spotlight", "word", "Practice ")


def test_one_row_per_story_and_marking_one_read_marks_the_group(server: FeedServer,
                                                                library: Library) -> None:
    a = server.serve("/news-a.xml", feed("Paper A", ("Ofsted to scrap single-word judgements",
                                                     "https://a.example/ofsted"),
                                         ("Phonics screening results, part 1", "https://a.example/p1")))
    b = server.serve("/news-b.xml", feed("Paper B", ("Ofsted to scrap single word judgements",
                                                     "https://b.example/ofsted-news"),
                                         ("Phonics screening results, part 2", "https://b.example/p2")))
    c = server.serve("/news-c.xml", feed("Paper C", ("Ofsted to scrap single-word judgements!",
                                                     "https://c.example/ofsted")))
    library.add([a, b])
    library.add([c])  # a later version joins the story
    rows = library.links()
    assert len(rows) == 3
    [story] = [k for k in rows if k.versions > 1]
    assert story.versions == 3
    versions = library.story_versions(story.url)
    assert sorted(k.url for k in versions) == ["https://a.example/ofsted", "https://b.example/ofsted-news",
                                               "https://c.example/ofsted"]
    assert {k.story_id for k in versions} == {story.story_id}
    assert all(k.versions == 1 for k in rows if "Phonics" in (k.title or ""))  # part 1 / part 2
    changed = library.mark_read_many(["https://b.example/ofsted-news"])
    assert len(changed) == 3
    assert all(k.read for k in library.story_versions(story.url))
    assert len(library.links(unread=True)) == 2
    library.mark_read("https://c.example/ofsted", read=False)
    assert not any(k.read for k in library.story_versions(story.url))
    # a rule hiding the row's version lets another version stand for the story
    library.add_rule("mute", "domain", story.url.split("/")[2])
    again = [k for k in library.links() if k.versions > 1]
    assert len(again) == 1 and again[0].url != story.url
