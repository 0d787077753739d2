"""Tests for pln_reader.core.urls: canonical URLs are the dedupe key of every link."""

from __future__ import annotations

import time

import pytest

from pln_reader.core.errors import InputError
from pln_reader.core.urls import TRACKING_PARAMS, canonicalize, is_http_url

CASES = [
    # (input, canonical form)
    ("https://example.com/a", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com?", "https://example.com/"),
    ("https://example.com/?", "https://example.com/"),
    # scheme and host case
    ("HTTPS://Example.COM/Path/Case", "https://example.com/Path/Case"),
    ("Http://WWW.Example.Org", "http://www.example.org/"),
    # default ports dropped, others kept (and written without leading zeros)
    ("https://example.com:443/x", "https://example.com/x"),
    ("http://example.com:80/x", "http://example.com/x"),
    ("http://example.com:443/x", "http://example.com:443/x"),
    ("https://example.com:80/x", "https://example.com:80/x"),
    ("https://example.com:8443/x", "https://example.com:8443/x"),
    ("http://example.com:080/", "http://example.com/"),
    ("http://example.com:/x", "http://example.com/x"),
    # fragments
    ("https://example.com/post#comments", "https://example.com/post"),
    ("https://example.com/post?id=3#x?y", "https://example.com/post?id=3"),
    ("https://example.com#", "https://example.com/"),
    # tracking parameters, remaining ones in order
    ("https://example.com/p?utm_source=rss&utm_medium=feed", "https://example.com/p"),
    ("https://example.com/p?id=3&utm_campaign=x&page=2", "https://example.com/p?id=3&page=2"),
    ("https://example.com/p?b=2&a=1&utm_content=z", "https://example.com/p?b=2&a=1"),
    ("https://example.com/p?UTM_Source=x&Q=1", "https://example.com/p?Q=1"),
    ("https://example.com/p?utm_whatever_new=1", "https://example.com/p"),
    ("https://example.com/p?fbclid=abc", "https://example.com/p"),
    ("https://example.com/p?gclid=1&dclid=2&gbraid=3&wbraid=4&msclkid=5", "https://example.com/p"),
    ("https://example.com/p?mc_cid=1&mc_eid=2&x=y", "https://example.com/p?x=y"),
    ("https://example.com/p?_hsenc=1&_hsmi=2&mkt_tok=3", "https://example.com/p"),
    ("https://example.com/p?igshid=1&yclid=2&ref_src=twsrc", "https://example.com/p"),
    ("https://example.com/p?oly_enc_id=1&oly_anon_id=2&vero_id=3&__s=4", "https://example.com/p"),
    ("https://example.com/p?gclid", "https://example.com/p"),
    # names that merely start like a tracking parameter are kept
    ("https://example.com/p?utm=1&gclidx=2&ref=home&source=rss", None),
    # empty parameters dropped
    ("https://example.com/p?a=1&&b=2&", "https://example.com/p?a=1&b=2"),
    ("https://example.com/p?&", "https://example.com/p"),
    # percent escapes: hex upper-cased, nothing decoded or encoded
    ("https://example.com/a%2fb?q=%e2%82%ac", "https://example.com/a%2Fb?q=%E2%82%AC"),
    ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
    ("https://example.com/café?q=ü", "https://example.com/café?q=ü"),
    ("https://example.com/a+b?q=a+b", "https://example.com/a+b?q=a+b"),
    # IDNA hosts become punycode (and case-folded)
    ("https://bücher.de/", "https://xn--bcher-kva.de/"),
    ("https://BÜCHER.de/x", "https://xn--bcher-kva.de/x"),
    ("http://例え.テスト/", "http://xn--r8jz45g.xn--zckzah/"),
    ("https://xn--bcher-kva.de/", "https://xn--bcher-kva.de/"),
    # IPv6 and IPv4 literals
    ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
    ("http://[2001:db8:0:0:0:0:0:1]:8080/x", "http://[2001:db8::1]:8080/x"),
    ("https://[::1]:443", "https://[::1]/"),
    ("http://127.0.0.1:80/", "http://127.0.0.1/"),
    # userinfo kept as given
    ("https://User:Pass@Example.com/", "https://User:Pass@example.com/"),
    # surrounding whitespace; newlines and tabs inside are dropped, as browsers do
    ("  https://example.com/x \n", "https://example.com/x"),
    ("https://example.com/long\n-title", "https://example.com/long-title"),
    # a raw space inside is encoded (a URL cannot contain one)
    ("https://example.com/a b?q=c d", "https://example.com/a%20b?q=c%20d"),
    # paths and trailing dots are not rewritten
    ("https://example.com/a/../b/./c", "https://example.com/a/../b/./c"),
    ("https://example.com./", "https://example.com./"),
]


@pytest.mark.parametrize(("url", "expected"), CASES, ids=[c[0] for c in CASES])
def test_canonicalize(url: str, expected: str | None) -> None:
    assert canonicalize(url) == (expected if expected is not None else url)


@pytest.mark.parametrize(("url", "_expected"), CASES, ids=[c[0] for c in CASES])
def test_canonicalize_is_idempotent(url: str, _expected: str | None) -> None:
    once = canonicalize(url)
    assert canonicalize(once) == once


def test_same_article_from_two_feeds_has_one_canonical_url() -> None:
    from_feed_a = "https://Blog.Example.com:443/2024/05/post/?utm_source=feedA&utm_medium=rss#more"
    from_feed_b = "https://blog.example.com/2024/05/post/?utm_source=newsletter&utm_campaign=may"
    from_social = "https://blog.example.com/2024/05/post/?fbclid=IwAR0abc"
    assert canonicalize(from_feed_a) == canonicalize(from_feed_b) == canonicalize(from_social)
    assert canonicalize(from_feed_a) == "https://blog.example.com/2024/05/post/"


def test_query_of_only_tracking_parameters_leaves_no_question_mark() -> None:
    assert canonicalize("https://example.com/x?utm_source=a&fbclid=b&gclid=c") == (
        "https://example.com/x"
    )


BAD = [
    "",
    "   ",
    "example.com/page",
    "/relative/path",
    "//example.com/protocol-relative",
    "ftp://example.com/file",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "mailto:someone@example.com",
    "data:text/html,hi",
    "http:example.com",
    "http://",
    "http:///path",
    "https://exa mple.com/",
    "http://example.com:99999/",
    "http://example.com:8o/",
    "http://[::1/",
    "http://[not-ipv6]/",
    "http://[::1]x/",
    "http://example.com\\@evil.com/",
    "http://exa<mple.com/",
    "https://example.com/\x1b[31mred",
    "https://example.com/\x00",
    "https://example.com/\x9b31m",
    "https://" + "a" * 64 + "ü.com/",
]


@pytest.mark.parametrize("url", BAD, ids=repr)
def test_not_absolute_http_urls_raise_input_error(url: str) -> None:
    with pytest.raises(InputError) as info:
        canonicalize(url)
    assert repr(url) in str(info.value)  # the message names the URL
    assert not is_http_url(url)


@pytest.mark.parametrize("value", [None, 42, b"https://example.com/"], ids=repr)
def test_non_strings_are_rejected(value: object) -> None:
    with pytest.raises(InputError):
        canonicalize(value)  # type: ignore[arg-type]
    assert not is_http_url(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url", ["http://example.com", "https://EXAMPLE.com:443/a?b=c#d", "https://[::1]/"]
)
def test_is_http_url(url: str) -> None:
    assert is_http_url(url)


def test_tracking_list_entries_are_lower_case_and_unique() -> None:
    assert len(set(TRACKING_PARAMS)) == len(TRACKING_PARAMS)
    assert all(p == p.lower() for p in TRACKING_PARAMS)
    assert "utm_*" in TRACKING_PARAMS


def test_fast_enough_for_the_refresh_hot_path() -> None:
    urls = [
        f"https://www.Example{i % 50}.com/2024/05/article-{i}/?utm_source=rss&utm_medium=rss&id={i}"
        for i in range(25_000)
    ] + [f"https://example.org/posts/{i}" for i in range(25_000)]
    start = time.perf_counter()
    for url in urls:
        canonicalize(url)
    elapsed = time.perf_counter() - start
    # About 0.3 s on the 2-core CI machine; the bound leaves room for a loaded runner.
    assert elapsed < 1.5, f"50,000 canonicalize() calls took {elapsed:.2f} s"


def test_network_errors_are_said_in_words_a_user_can_act_on() -> None:
    import socket

    from pln_reader.net.fetch import network_error_message

    message = network_error_message("https://blog.example.com/feed",
                                    OSError(socket.EAI_NONAME, "Name or service not known"))
    assert message == ("https://blog.example.com/feed: cannot find the server blog.example.com "
                       "(offline, or a mistyped address?)")
    refused = network_error_message("http://127.0.0.1:9/x", OSError("[Errno 111] Connection refused"))
    assert "refused the connection" in refused
