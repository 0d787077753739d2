"""Two devices and one real FreshRSS: lists <-> folders and sources <-> subscriptions."""

from __future__ import annotations

from pln_reader.library.facade import Library
from tests.integration.server import FeedServer

from .conftest import Device, OtherClient, rss


def names(lib: Library) -> dict[str, str | None]:
    """list name -> its parent's name."""
    by_id = {t.id: t.name for t in lib.lists()}
    return {t.name: by_id.get(t.parent_id) if t.parent_id else None for t in lib.lists()}


def feeds_of(lib: Library) -> dict[str, tuple[str, ...]]:
    return {s.url: s.lists for s in lib.sources()}


def test_lists_and_subscriptions_follow_from_device_to_device(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    a_url = feeds.serve("/a.xml", rss("Feed A", [("A one", "https://a.example.org/1")]))
    b_url = feeds.serve("/b.xml", rss("Feed B", [("B one", "https://b.example.org/1")]))
    a, b = device("a"), device("b")

    # create a list (with a feed: the API has no call for an empty folder)
    a.create_list("Teaching", purpose="Classroom practice")
    [added] = a.add([a_url], lists=["Teaching"])
    assert added.error is None
    a.sync()
    assert other.folder_of(a_url) == "Teaching"
    b.sync()
    assert feeds_of(b) == {a_url: ("Teaching",)}
    b.edit_list("Teaching", purpose="B's own purpose", budget_minutes=15)

    # nest a list
    a.create_list("Assessment", parent="Teaching")
    a.add([b_url], lists=["Assessment"])
    a.sync()
    assert other.folder_of(b_url) == "Teaching/Assessment"
    b.sync()
    assert names(b) == {"Teaching": None, "Assessment": "Teaching"}
    assert feeds_of(b)[b_url] == ("Assessment",)

    # rename the parent: the nested folder follows; purpose and budget stay local
    a.edit_list("Teaching", new_name="School")
    a.sync()
    assert other.folder_of(a_url) == "School"
    assert other.folder_of(b_url) == "School/Assessment"
    b.sync()
    assert names(b) == {"School": None, "Assessment": "School"}
    school = b.get_list("School")
    assert (school.purpose, school.budget_minutes) == ("B's own purpose", 15)

    # unsubscribe on A
    a.remove_source(a_url)
    a.sync()
    assert a_url not in other.subscriptions()
    b.sync()
    assert a_url not in feeds_of(b)

    # delete the nested list on A: its feed stays, in no list
    a.delete_list("Assessment")
    a.sync()
    b.sync()
    assert "Assessment" not in names(b)
    assert feeds_of(b)[b_url] == ()
    assert b.sync().waiting == 0


def test_a_subscription_made_elsewhere_appears_in_its_list(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    c_url = feeds.serve("/c.xml", rss("Feed C", [("C one", "https://c.example.org/1")]))
    other.post("subscription/edit", [("ac", "subscribe"), ("s", f"feed/{c_url}"),
                                     ("a", "user/-/label/Social work/Supervision")])
    b = device("b")
    b.sync()
    assert names(b) == {"Social work": None, "Supervision": "Social work"}
    assert feeds_of(b) == {c_url: ("Supervision",)}
    other.post("subscription/edit", [("ac", "unsubscribe"), ("s", other.subscriptions()[c_url]["id"])])
    b.sync()
    assert feeds_of(b) == {}


def test_a_feed_in_several_lists_goes_to_the_server_in_its_first(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    url = feeds.serve("/multi.xml", rss("Multi", [("M", "https://multi.example.org/1")]))
    a, b = device("a"), device("b")
    a.create_list("Teaching")
    a.create_list("Research")
    a.add([url], lists=["Teaching", "Research"])
    a.sync()
    assert other.folder_of(url) == "Teaching"
    a.sync()
    assert feeds_of(a)[url] == ("Research", "Teaching")  # the others stay in pln
    b.sync()
    assert feeds_of(b)[url] == ("Teaching",)


def test_an_unsubscribe_elsewhere_keeps_saved_links_and_notes(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    url = feeds.serve("/keep.xml", rss("Keep", [("Saved", "https://keep.example.org/1"),
                                                ("Not saved", "https://keep.example.org/2")]))
    b = device("b")
    b.add([url], lists=["Teaching"])
    b.sync()
    b.save("https://keep.example.org/1", fetch_new=False)
    note = b.add_note("https://keep.example.org/1", "Try with Year 9")
    b.share("https://keep.example.org/1", channel="team", comment="worth a look")
    b.sync()
    other.post("subscription/edit", [("ac", "unsubscribe"), ("s", other.subscriptions()[url]["id"])])
    b.sync()
    assert url not in feeds_of(b)
    kept = b.get_link("https://keep.example.org/1")
    assert kept.saved and kept.annotations == 1 and kept.shares == 1
    assert [n.id for n in b.annotations()] == [note]
    assert [link.url for link in b.links(list_name="Teaching")] == []


def test_the_member_feeds_of_a_subscribed_opml_list_sync_in_its_folder(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    one = feeds.serve("/m1.xml", rss("Member one", [("1", "https://m1.example.org/1")]))
    two = feeds.serve("/m2.xml", rss("Member two", [("2", "https://m2.example.org/1")]))
    opml = feeds.serve("/roll.opml", (
        '<?xml version="1.0"?><opml version="2.0"><head><title>Roll</title></head><body>'
        f'<outline type="rss" text="one" xmlUrl="{one}"/><outline type="rss" text="two" xmlUrl="{two}"/>'
        "</body></opml>").encode(), "text/x-opml")
    a = device("a")
    [added] = a.add([opml], lists=["Blogroll"])
    assert added.error is None
    a.sync()
    subs = other.subscriptions()
    assert set(subs) == {one, two}  # the OPML list itself stays local
    assert {other.folder_of(one), other.folder_of(two)} == {"Blogroll"}


def test_a_feed_the_server_writes_another_way_is_not_doubled(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    url = feeds.serve("/same.xml", rss("Same", [("S", "https://same.example.org/1")]))
    other.post("subscription/edit", [("ac", "subscribe"), ("s", f"feed/{url}?utm_source=phone"),
                                     ("a", "user/-/label/Teaching")])
    a = device("a")
    a.add([url], lists=["Teaching"])
    a.sync()
    a.sync()
    assert [s.url for s in a.sources()] == [url]
    assert len(other.subscriptions()) == 1
