"""Fake social networks for tests: a Mastodon instance and a Bluesky AppView, each a real HTTP
server on 127.0.0.1 (random port) answering the real endpoints from recorded JSON fixtures in
``tests/fixtures/social/`` (see the README there for the API docs each fixture follows).

Both follow the house style of :class:`tests.integration.server.FeedServer`: a
``ThreadingHTTPServer`` on port 0, ``start()`` / ``stop()`` (or ``with``), ``base``, ``url()``,
and every request recorded in ``server.requests`` (:class:`RecordedRequest`, headers complete) and
counted in ``server.hits`` (by path).

:class:`FakeMastodon` (token :data:`MASTODON_TOKEN`, list ids ``"42"`` with 13 statuses and
``"43"`` empty, tag ``retrievalpractice``)::

    GET /api/v1/lists                          (token)  lists.json
    GET /api/v1/lists/:id                      (token)
    GET /api/v1/timelines/list/:id             (token)  list_timeline.json for "42"; max_id, min_id,
                                                        since_id, limit (default 20, max 40), Link
    GET /api/v1/timelines/tag/:name                     public statuses tagged :name, same paging
    GET /tags/:name                                     HTML page advertising the RSS
                                                        (``advertise_tag_rss``, as Mastodon's)
    GET /tags/:name.rss                                 RSS 2.0 of the same (the fallback)
    GET /api/v1/accounts/lookup?acct=                   Account
    GET /api/v1/accounts/verify_credentials    (token)  account.json (CredentialAccount)
    GET /api/v1/accounts/:id                            Account
    GET /api/v1/accounts/:id/statuses                   own_statuses.json for the token's user,
                                                        others' statuses from all fixtures;
                                                        exclude_replies, exclude_reblogs, only_media

:class:`FakeBluesky` (list :data:`BLUESKY_LIST_URI`, user :data:`BLUESKY_HANDLE`), all
``GET /xrpc/<nsid>``: ``com.atproto.identity.resolveHandle``, ``app.bsky.graph.getList``,
``app.bsky.feed.getListFeed`` (list_feed.json, 11 items), ``app.bsky.feed.getAuthorFeed``
(author_feed.json for the user; ``filter`` honoured). Cursors are ``"<epoch ms>::<cid>"`` of the
last item, as the real AppView's, and absent on the last page.

Rate limits: every ``/api/`` (Mastodon) or ``/xrpc/`` (Bluesky) response carries the network's
headers (``X-RateLimit-Limit/Remaining/Reset`` with an ISO 8601 reset; ``ratelimit-limit/
remaining/reset/policy`` with epoch seconds). ``server.rate_limit_after = N`` starts a fresh
window in which the first N requests pass and the rest get 429 until ``rate_limit_reset_seconds``
(default 2 s) have passed; then a new window of N begins. ``= None`` turns it off. Mastodon's 429
also has ``Retry-After`` (seconds); Bluesky's only if ``retry_after_header = True`` (the real
AppView sends none). ``/tags/*.rss`` is never limited, so a test can fall back to it.
``server.fail_after(N)`` answers 503 to every API request after the next N (a server failing
mid-page); ``fail_after(None)`` stops it.

Ids here are numeric, as Mastodon's; the real GoToSocial (tests/gotosocial.py) has ULIDs, and
the client compares neither.

Short links in the fixtures (no server expands them; :func:`short_link_routes` installs 301s on a
``FeedServer``). :data:`SHORT_LINKS` maps each to where it should lead:

* ``https://bit.ly/3xyz`` (Mastodon m04, bram) -> evidence.example.org/reading?utm_source=bitly
* ``https://t.co/AbC123xYz`` (Mastodon m07, alice) -> www.example.com/research/cognitive-load
* ``https://buff.ly/4aBcDeF`` (Mastodon m10, bram) -> news.example.org/2026/11/18/teacher-workload
* ``https://ow.ly/AbCd50XyZ1`` (Bluesky b07, ngozi) -> learning.example/worked-examples
* ``https://lnkd.in/eXmPl3Q`` (Bluesky b08, ben) -> careers.example.com/posts/mentoring-new-teachers

:data:`EXPECTED_ARTICLES` lists every distinct article (canonical URL: lower-case host, no
``utm_*``, no fragment, short links expanded) with who shared it where, for assertions. Fixture
times lie in the week before :data:`FIXTURE_NOW` (2026-11-20T10:00:00Z); the rate-limit clock is
the real one.
"""

from __future__ import annotations

from tests.social_bluesky import FakeBluesky, sort_at
from tests.social_common import (
    BLUESKY_DID,
    BLUESKY_HANDLE,
    BLUESKY_LIST_URI,
    BLUESKY_URIS,
    EXPECTED_ARTICLES,
    FIXTURE_NOW,
    FIXTURES,
    MASTODON_EMPTY_LIST_ID,
    MASTODON_IDS,
    MASTODON_LIST_ID,
    MASTODON_TAG,
    MASTODON_TOKEN,
    MASTODON_USER_ID,
    NO_LINK_ITEMS,
    SHORT_LINKS,
    RecordedRequest,
    Share,
    load_fixture,
    short_link_routes,
)
from tests.social_mastodon import FakeMastodon, mastodon_link_html, paginate_by_id

__all__ = [
    "BLUESKY_DID",
    "BLUESKY_HANDLE",
    "BLUESKY_LIST_URI",
    "BLUESKY_URIS",
    "EXPECTED_ARTICLES",
    "FIXTURES",
    "FIXTURE_NOW",
    "MASTODON_EMPTY_LIST_ID",
    "MASTODON_IDS",
    "MASTODON_LIST_ID",
    "MASTODON_TAG",
    "MASTODON_TOKEN",
    "MASTODON_USER_ID",
    "NO_LINK_ITEMS",
    "SHORT_LINKS",
    "FakeBluesky",
    "FakeMastodon",
    "RecordedRequest",
    "Share",
    "load_fixture",
    "mastodon_link_html",
    "paginate_by_id",
    "short_link_routes",
    "sort_at",
]
