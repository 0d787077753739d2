"""Two devices and one real FreshRSS: read, saved (starred) and tags, both ways, in every order."""

from __future__ import annotations

import pytest

from pln_reader.library.facade import Library, open_library
from tests.integration.server import FeedServer

from .conftest import Device, FaultyProxy, OtherClient, rss

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LINKS = [f"https://news.example.org/{n}" for n in range(1, 5)]


@pytest.fixture
def pair(device: Device, feeds: FeedServer, other: OtherClient) -> tuple[Library, Library]:
    """Devices A and B, both subscribed (through A) to one feed of four links."""
    url = feeds.serve("/news.xml", rss("News", [(f"Item {n}", u) for n, u in enumerate(LINKS, 1)]))
    a, b = device("a"), device("b")
    a.add([url], lists=["News"])
    a.sync()
    b.sync()
    b.refresh()
    assert set(other.items()) == set(LINKS)
    return a, b


def tags(lib: Library, url: str) -> tuple[str, ...]:
    from pln_reader.store.notes import tags_of

    return tags_of(lib.store, lib.get_link(url).id)


def state(lib: Library, url: str) -> tuple[bool, bool]:
    link = lib.get_link(url)
    return link.read, link.saved


def test_save_read_and_tag_reach_the_other_device(pair: tuple[Library, Library],
                                                   other: OtherClient) -> None:
    a, b = pair
    a.save(LINKS[0], fetch_new=False)
    a.mark_read(LINKS[1])
    a.tag(LINKS[0], ["assessment"])
    assert a.sync_status().waiting == 3
    a.sync()
    assert a.sync_status().waiting == 0
    assert other.state(LINKS[0]) == (False, True)
    assert other.state(LINKS[1]) == (True, False)
    assert "user/-/label/assessment" in other.items()[LINKS[0]]["categories"]
    b.sync()
    assert state(b, LINKS[0]) == (False, True)
    assert state(b, LINKS[1]) == (True, False)
    assert tags(b, LINKS[0]) == ("assessment",)
    # and back: unsave, unread and untag on B
    b.unsave(LINKS[0])
    b.mark_read(LINKS[1], read=False)
    b.tag(LINKS[0], ["assessment"], remove=True)
    b.tag(LINKS[3], ["feedback"])
    b.sync()
    a.sync()
    assert state(a, LINKS[0]) == (False, False)
    assert state(a, LINKS[1]) == (False, False)
    assert tags(a, LINKS[0]) == ()
    assert tags(a, LINKS[3]) == ("feedback",)


def test_a_label_set_by_another_client_becomes_a_tag(pair: tuple[Library, Library],
                                                     other: OtherClient) -> None:
    a, _ = pair
    other.edit(LINKS[2], add="user/-/label/to-try")
    a.sync()
    assert tags(a, LINKS[2]) == ("to-try",)
    other.edit(LINKS[2], remove="user/-/label/to-try")
    a.sync()
    assert tags(a, LINKS[2]) == ()


def test_changes_made_by_another_client_reach_pln(pair: tuple[Library, Library],
                                                  other: OtherClient) -> None:
    a, _ = pair
    other.edit(LINKS[2], add=READ)
    other.edit(LINKS[3], add=STARRED)
    a.sync()
    assert state(a, LINKS[2]) == (True, False)
    assert state(a, LINKS[3]) == (False, True)
    other.edit(LINKS[2], remove=READ)
    other.edit(LINKS[3], remove=STARRED)
    a.sync()
    assert state(a, LINKS[2]) == (False, False)
    assert state(a, LINKS[3]) == (False, False)


def test_each_order_of_a_local_and_a_remote_change(pair: tuple[Library, Library],
                                                   other: OtherClient) -> None:
    a, _ = pair
    # 1. local, sync, then remote, sync: the remote change is new to pln, so it wins
    a.save(LINKS[0], fetch_new=False)
    a.sync()
    other.edit(LINKS[0], remove=STARRED)
    a.sync()
    assert state(a, LINKS[0]) == (False, False)
    assert other.state(LINKS[0]) == (False, False)
    # 2. remote, then local before a sync: the local change not yet pushed wins
    other.edit(LINKS[1], add=READ)
    a.mark_read(LINKS[1])
    a.mark_read(LINKS[1], read=False)
    a.sync()
    assert state(a, LINKS[1]) == (False, False)
    assert other.state(LINKS[1]) == (False, False)
    # 3. remote, sync, then local, sync: both happen in order, the local one last
    other.edit(LINKS[2], add=STARRED)
    a.sync()
    assert state(a, LINKS[2]) == (False, True)
    a.unsave(LINKS[2])
    a.sync()
    assert state(a, LINKS[2]) == (False, False)
    assert other.state(LINKS[2]) == (False, False)
    # 4. local and remote agree: nothing flips
    other.edit(LINKS[3], add=READ)
    a.mark_read(LINKS[3])
    a.sync()
    assert state(a, LINKS[3]) == (True, False)
    assert other.state(LINKS[3]) == (True, False)


def test_a_local_change_made_during_a_sync_wins_over_the_server(
        device: Device, feeds: FeedServer, other: OtherClient, proxy: FaultyProxy) -> None:
    url = feeds.serve("/during.xml", rss("During", [("D", LINKS[0])]))
    a = device("a", server=proxy.url("/api/greader.php"))
    a.add([url], lists=["News"])
    a.sync()
    other.edit(LINKS[0], add=STARRED)  # the server's change

    def meanwhile() -> None:  # on this device, after the push and before the pull
        with open_library(a.settings.home, settings=a.settings) as same_home:
            same_home.save(LINKS[0], fetch_new=False)
            same_home.unsave(LINKS[0])

    proxy.before["unread-count"] = meanwhile
    a.sync()
    assert state(a, LINKS[0]) == (False, False)  # not overwritten by the server's star
    assert a.sync_status().waiting == 2
    a.sync()
    a.sync()
    assert state(a, LINKS[0]) == (False, False)
    assert other.state(LINKS[0]) == (False, False)


def test_a_second_sync_with_nothing_new_makes_at_most_three_requests(
        pair: tuple[Library, Library]) -> None:
    a, _ = pair
    a.save(LINKS[0], fetch_new=False)
    a.sync()
    report = a.sync()
    print(report)
    assert report.requests <= 3, report
    assert (report.pushed, report.sent, report.applied) == (0, 0, 0)


def test_a_link_from_a_local_only_source_syncs_by_url(pair: tuple[Library, Library],
                                                      other: OtherClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    local = tmp_path / "mine.xml"
    local.write_bytes(rss("Mine", [("Same article", LINKS[3] + "?utm_source=mine")]))
    c = b  # device B reads a local file carrying the same link
    c.add([str(local)], lists=["Local"])
    c.save(LINKS[3], fetch_new=False)
    c.sync()
    assert other.state(LINKS[3]) == (False, True)
    assert all(not u.startswith("file:") for u in other.subscriptions())
    a.sync()
    assert state(a, LINKS[3]) == (False, True)

