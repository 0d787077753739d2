"""Pure Mastodon helpers: opaque ids, links that are articles, the tag RSS posts, whose token."""

from __future__ import annotations

from datetime import UTC, datetime

from pln_reader.core.config import SocialSettings
from pln_reader.feeds.parsed import ParsedEntry
from pln_reader.social import mastodon

HOST = "127.0.0.1:8080"


def test_list_ids_are_opaque() -> None:
    for list_id in ("42", "01M8SQNVNR6ASDZT5HQB2NXWPK", "AbC9xYz-_~.1"):
        assert mastodon.list_target(f"https://gts.example/lists/{list_id}") == ("https://gts.example", list_id)
    assert mastodon.list_target("http://127.0.0.1:8080/lists/01M8SQNVNR6ASDZT5HQB2NXWPK/") == (
        "http://127.0.0.1:8080", "01M8SQNVNR6ASDZT5HQB2NXWPK")
    for bad in ("https://gts.example/lists/", "https://gts.example/lists/a%2Fb",
                "https://gts.example/lists/1?x=2", "https://gts.example/lists/a/b", "ftp://x/lists/1"):
        assert mastodon.list_target(bad) is None, bad


def test_links_to_the_instance_itself_are_no_articles() -> None:
    html = (f'<p>Read <a href="https://example.org/a/1">x</a> and <a href="http://{HOST}/@bob/statuses/01ABC">'
            f'a post</a> <a href="http://{HOST}/tags/edchat" class="mention hashtag">#edchat</a></p>')
    assert mastodon.content_links(html, HOST) == ["https://example.org/a/1"]
    status = {"id": "01ABC", "account": {"acct": "alice", "url": f"http://{HOST}/@alice"}, "content": html,
              "card": {"url": f"http://{HOST}/@bob/statuses/01ABC", "title": "A status"},
              "url": f"http://{HOST}/@alice/statuses/01ABC", "created_at": "2026-12-01T10:00:00.000Z"}
    [post] = mastodon.status_posts(status, HOST)
    assert (post.link, post.title, post.sharer_handle) == ("https://example.org/a/1", None, f"@alice@{HOST}")


def test_tag_rss_posts_take_the_links_in_the_text() -> None:
    entry = ParsedEntry(
        id="https://edu.example/@kim/117", url="https://edu.example/@kim/117", title=None, author=None,
        published=datetime(2026, 11, 18, tzinfo=UTC), updated=None, summary="Read this #tag @ana",
        content=('<p>Read <a href="https://example.org/r">this</a> <a href="https://edu.example/tags/tag">'
                 '#<span>tag</span></a> <a href="https://social.example/@ana">@<span>ana</span></a> '
                 f'<a href="http://{HOST}/@x/1">here</a></p>'))
    [post] = mastodon.rss_posts([entry], HOST)
    assert (post.link, post.sharer_handle, post.post_url) == (
        "https://example.org/r", "@kim@edu.example", "https://edu.example/@kim/117")
    bare = ParsedEntry(id="g", url="https://edu.example/about", title=None, author=None, published=None,
                       updated=None, summary="no links", content="<p>no links</p>")
    [none] = mastodon.rss_posts([bare], HOST)
    assert none.link is None and none.sharer_handle == "edu.example"


def test_the_token_reads_tags_on_its_own_instance_only() -> None:
    social = SocialSettings(mastodon_token="tok", mastodon_instance="http://127.0.0.1:8080")
    assert mastodon.tag_token(social, "http://127.0.0.1:8080") == "tok"
    assert mastodon.tag_token(social, "http://127.0.0.1:8081") is None
    assert mastodon.tag_token(SocialSettings(mastodon_token="tok"), "http://127.0.0.1:8080") is None
    assert mastodon.tag_token(SocialSettings(mastodon_instance="http://127.0.0.1:8080"),
                              "http://127.0.0.1:8080") is None
