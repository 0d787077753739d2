"""Moving a source between lists, muting it, and notes filtered by tag: the Library methods the
UI's sources, review and notes screens call."""

from __future__ import annotations

import pytest

from pln_reader.core.errors import NotFoundError
from pln_reader.library.facade import Library
from tests.integration.server import FeedServer

RSS = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Classroom Notes</title>"
       b"<link>https://example.org/</link><item><title>Quizzes</title>"
       b"<link>https://example.org/quizzes</link></item></channel></rss>")


def test_move_source_takes_it_out_of_the_other_lists(server: FeedServer, library: Library) -> None:
    url = server.serve("/feed.xml", RSS)
    library.create_list("Teaching")
    library.create_list("Care")
    library.create_list("Later")
    [added] = library.add([url], lists=["Teaching", "Care"])
    assert added.source is not None
    moved = library.move_source(str(added.source.id), to_list="Later", from_list="Care")
    assert moved.lists == ("Later", "Teaching")
    moved = library.move_source(url, to_list="Care")
    assert moved.lists == ("Care",)
    assert [s.url for s in library.sources(list_name="Care")] == [url]
    assert library.sources(list_name="Teaching") == []
    assert [link.url for link in library.links()] == ["https://example.org/quizzes"]  # links stay


def test_move_to_a_list_that_is_not_there_changes_nothing(server: FeedServer, library: Library) -> None:
    url = server.serve("/feed.xml", RSS)
    library.add([url], lists=["Teaching"])
    with pytest.raises(NotFoundError, match="Nowhere"):
        library.move_source(url, to_list="Nowhere")
    assert library.find_source(url).lists == ("Teaching",)


def test_a_muted_source_is_not_fetched_and_keeps_its_links(server: FeedServer, library: Library) -> None:
    url = server.serve("/feed.xml", RSS)
    library.add([url], lists=["Teaching"])
    assert library.mute_source(url).active is False
    summary = library.refresh(force=True)
    assert [r.url for r in summary.results] == []
    assert len(library.links()) == 1
    assert library.mute_source(url, muted=False).active is True
    assert [r.url for r in library.refresh(force=True).results] == [url]


def test_annotations_filtered_by_tag(server: FeedServer, library: Library) -> None:
    url = server.serve("/feed.xml", RSS)
    library.add([url])
    first = library.add_note("https://example.org/quizzes", "try with 9B")
    library.save("https://example.org/other", fetch_new=False)
    library.add_note("https://example.org/other", "not tagged")
    library.tag("https://example.org/quizzes", ["Retrieval"])
    assert [a.id for a in library.annotations(tag="#retrieval")] == [first]
    assert library.annotations(tag="nothing") == []
    assert len(library.annotations(tag="  ")) == 2
