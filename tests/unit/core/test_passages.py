"""Highlights found again in an article's Markdown and marked there."""

from __future__ import annotations

from pln_reader.core.passages import (
    MARK_END,
    MARK_START,
    Passage,
    find_passage,
    mark_passages,
    marked_ranges,
)

MD = ("# Title\n\nLow-stakes **quizzes** at the start of each\nlesson helped [pupils](https://x.example/p)"
      " remember.\n\n- one item here\n- two items\n\nEnd.")


def test_a_passage_is_found_across_case_whitespace_markup_and_link_targets() -> None:
    span = find_passage(MD, "QUIZZES at the start of each   lesson helped pupils remember")
    assert span is not None and MD[span[0]:span[1]].startswith("quizzes") and MD[span[1] - 8:span[1]] == "remember"
    assert find_passage(MD, "https x example") is None  # a link's target is not its text
    assert find_passage(MD, "not in the text") is None
    assert find_passage(MD, " ... ") is None


def test_marks_go_around_each_line_and_the_comment_under_its_paragraph() -> None:
    marked = mark_passages(MD, [Passage("quizzes at the start of each lesson helped", "try *it*"),
                                Passage("item here two", None), Passage("gone since", "lost")])
    assert marked.missing == (Passage("gone since", "lost"),)
    assert [p.passage for p in marked.found] == ["quizzes at the start of each lesson helped", "item here two"]
    text = marked.markdown
    assert f"**{MARK_START}quizzes** at the start of each{MARK_END}\n{MARK_START}lesson helped{MARK_END}" in text
    assert f"- one {MARK_START}item here{MARK_END}\n- {MARK_START}two{MARK_END} items" in text  # after the bullet
    assert "remember.\n\n> ✎ try *it*\n\n- one" in text
    plain, ranges = marked_ranges(text)
    assert plain.replace("\n\n> ✎ try *it*", "") == MD
    assert [plain[a:b] for a, b in ranges] == ["quizzes** at the start of each", "lesson helped", "item here", "two"]


def test_a_comment_cannot_bring_controls_or_marks() -> None:
    marked = mark_passages("One line of text.", [Passage("line of", f"a\x1b[31m{MARK_START}b\nc")])
    assert marked.markdown == f"One {MARK_START}line of{MARK_END} text.\n\n> ✎ ab\n> c"
