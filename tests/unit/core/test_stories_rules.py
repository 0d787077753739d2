"""Stories (near-duplicate titles) and rule checking: pure functions, no store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pln_reader.core.errors import InputError
from pln_reader.core.rules import RegexMatcher, Rule, check_rule, search_many, spotlight_spans
from pln_reader.core.stories import (
    StoryLink,
    group_stories,
    lone_links,
    same_story,
    similar_pairs,
    similarity,
    title_words,
)

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
WINDOW = timedelta(days=3)


def link(i: int, title: str, *, days: float = 0, sources: tuple[int, ...] = (), story: int | None = None
         ) -> StoryLink:
    return StoryLink(i, title, T0 + timedelta(days=days), frozenset(sources or (i,)), story)


@pytest.mark.parametrize(("a", "b"), [
    ("OpenAI releases GPT-5 to the public", "OpenAI releases GPT-5 to the public!"),
    ("Ofsted to scrap single-word school judgements", "Ofsted to scrap single word school judgements"),
    ("The EU passes its AI Act after long talks", "EU passes its AI Act after long talks"),
])
def test_true_pairs_are_one_story(a: str, b: str) -> None:
    assert same_story(title_words(a), title_words(b), 0.8)
    assert group_stories([link(2, b, days=1)], [link(1, a)], threshold=0.8, window=WINDOW) == {1: 1, 2: 1}


@pytest.mark.parametrize(("a", "b"), [
    # a series: the numbers differ, the story differs
    ("Retrieval practice in the classroom, part 1", "Retrieval practice in the classroom, part 2"),
    ("What is new in Python 3.12 for teachers", "What is new in Python 3.13 for teachers"),
    # the same words, mostly: another story
    ("Apple announces new iPad for schools", "Apple announces new MacBook for schools"),
    ("Snow closes schools in Leeds on Monday", "Snow closes schools in York on Monday"),
    # too short to tell stories apart
    ("Weekly links", "Weekly links"),
])
def test_near_misses_stay_apart(a: str, b: str) -> None:
    assert not same_story(title_words(a), title_words(b), 0.8)
    assert group_stories([link(2, b)], [link(1, a)], threshold=0.8, window=WINDOW) == {}


def test_same_title_needs_other_sources_and_three_days() -> None:
    title = "A new study on homework and sleep in teenagers"
    same_source = group_stories([link(2, title, sources=(7,))], [link(1, title, sources=(7,))],
                                threshold=0.8, window=WINDOW)
    too_late = group_stories([link(2, title, days=3.5)], [link(1, title)], threshold=0.8, window=WINDOW)
    in_time = group_stories([link(2, title, days=2.9)], [link(1, title)], threshold=0.8, window=WINDOW)
    assert same_source == {} and too_late == {} and in_time == {1: 1, 2: 1}


def test_the_threshold_is_a_setting() -> None:
    a, b = "School phone bans spread across Europe", "School phone bans spread across Europe fast"
    assert similarity(title_words(a), title_words(b)) == pytest.approx(6 / 7)
    assert group_stories([link(2, b)], [link(1, a)], threshold=0.9, window=WINDOW) == {}
    assert group_stories([link(2, b)], [link(1, a)], threshold=0.8, window=WINDOW) == {1: 1, 2: 1}


def test_a_new_version_joins_a_stored_story_and_merges_groups() -> None:
    title = "Teachers strike over pay in three regions"
    known = [link(5, title, story=5), link(9, title, story=5), link(3, title + " today", days=-1)]
    changes = group_stories([link(12, title, days=0.5)], known, threshold=0.8, window=WINDOW)
    assert changes == {12: 3, 5: 3, 9: 3, 3: 3}


def test_rule_checks() -> None:
    assert check_rule("mute", "domain", "https://www.Example.COM/path") == "example.com"
    assert check_rule("mute", "sharer", "Ana@Social.Example") == "@ana@social.example"
    assert check_rule("keep", "phrase", "  retrieval   practice ") == "retrieval practice"
    with pytest.raises(InputError, match="bad regular expression '\\[a-': "):
        check_rule("mute", "regex", "[a-")
    with pytest.raises(InputError, match="several words"):
        check_rule("mute", "word", "two words")
    with pytest.raises(InputError, match="not a domain"):
        check_rule("mute", "domain", "not a domain")
    with pytest.raises(InputError, match="unknown rule action"):
        check_rule("delete", "word", "x")


def test_a_catastrophic_regex_is_cut_off_and_counted() -> None:
    matcher = RegexMatcher(r"(x+x+)+y", timeout=0.01)
    assert matcher("x" * 3000) is False
    assert matcher.timeouts == 1
    assert matcher("a title with xxy in it") is True
    for _ in range(25):  # after 20 timeouts the expression is given up for the run
        matcher("x" * 3000)
    assert matcher.timeouts == 20 and matcher("xxy") is False


def test_spotlight_marks_whole_words_and_phrases() -> None:
    rules = [Rule(1, "spotlight", "word", "AI"), Rule(2, "spotlight", "phrase", "retrieval practice"),
             Rule(3, "mute", "word", "exam")]
    title = "AI and retrieval practice: said (no exam, no TRAIN)"
    assert [title[a:b] for a, b in spotlight_spans(title, rules)] == ["AI", "retrieval practice"]


def test_regexes_searched_in_batches_find_what_one_by_one_finds() -> None:
    import random

    rng = random.Random(4)
    words = ["the", "a", "week", "12", "part", "one", "two", "three", "ai", "crypto", "learning", "x", "y"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 8))) for _ in range(1500)]
    for pattern in (r"\bweek \d+\b", r"^(the|a) ", r"crypto$", r"x*", r"(?s).*learning", r"^$",
                    r"\bai\b.*\bx\b", r"[^a]+two", r"\s+y", r"(?<=the )a", r"\Aa", r"y\s*$"):
        one = RegexMatcher(pattern)
        assert search_many(pattern, texts) == ({i for i, t in enumerate(texts) if one(t)}, 0), pattern
    found, timeouts = search_many(r"(x+x+)+y", ["x" * 3000, "xxy"], timeout=0.01)
    assert found == {1} and timeouts == 2  # the batch, then the long title alone
    # a pattern this slow everywhere stops after MAX_TIMEOUTS searches, not after every link
    import time

    began = time.perf_counter()
    found, timeouts = search_many(r"(x+x+)+y", ["x" * 3000] * 2000, timeout=0.01)
    assert found == set() and timeouts == 20 and time.perf_counter() - began < 5


def test_links_whose_numbers_no_other_title_has_are_left_out_before_their_words() -> None:
    titles = {
        1: "Retrieval practice in the classroom, part 1",
        2: "Retrieval practice in the classroom, part 1!",  # the same numbers: may pair
        3: "Retrieval practice in the classroom, part 2",  # its own numbers: lone
        4: "Python <b>3.13</b> for teachers",  # markup left out: "3" and "13", as 5 has
        5: "What is new in Python 3.13",
        6: "Snow closes schools in Leeds",  # no numbers: never lone
        7: "Snow closes schools in York",
        8: "Budget 3.1\u0663 explained",  # the words "3.1" and "\u0663": as 9, not as 10
        9: "Budget 3.1 and \u0663 explained",
        10: "Budget 3 and 1\u0663 explained",
        11: "<h2>Weekly links for teachers</h2>",  # digits only in markup: no numbers
    }
    assert lone_links(titles.items()) == {3, 10}
    assert lone_links([(1, None), (2, ""), (3, "A title 7"), (4, "Another 7")]) == set()


def test_leaving_lone_links_out_finds_every_pair_one_by_one_comparison_finds() -> None:
    import random

    rng = random.Random(22)
    words = ["teachers", "strike", "over", "pay", "in", "three", "regions", "part", "school",
             "<i>phones</i>", "ban", "3.13", "12", "7", "1\u0663", "\u0663", "the", "new"]
    links = [link(i, " ".join(rng.choices(words, k=rng.randint(2, 7))), days=rng.uniform(0, 5))
             for i in range(1, 1200)]
    new, known = links[600:], links[:600]
    found = set(similar_pairs(new, known, threshold=0.8, window=WINDOW))
    expected, new_ids = set(), {k.id for k in new}
    for a in new:
        for b in links:
            if b.id != a.id and not (b.id in new_ids and b.id < a.id) and abs(a.published - b.published) <= WINDOW \
                    and same_story(title_words(a.title), title_words(b.title), 0.8):
                expected.add((a.id, b.id))
    assert found == expected and len(expected) > 50
    assert lone_links((k.id, k.title) for k in links)  # the test leaves some out
