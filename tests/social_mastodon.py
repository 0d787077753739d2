"""The fake Mastodon instance (see tests/social_server.py)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.social_common import (
    _INVALID_TOKEN,
    _NOT_FOUND,
    _NOT_FOUND_PAGE,
    _XML_BAD,
    MASTODON_EMPTY_LIST_ID,
    MASTODON_LIST_ID,
    MASTODON_TOKEN,
    MASTODON_USER_ID,
    _HTTPError,
    _int_or_none,
    _iso_ms,
    _parse_iso,
    _Request,
    _sid,
    _SocialServer,
    _truthy,
    load_fixture,
)


class FakeMastodon(_SocialServer):
    """A Mastodon instance for one user (``@reader@social.example``, :data:`MASTODON_USER_ID`).

    ``tokens`` maps each accepted bearer token to that user's account id (default
    ``{MASTODON_TOKEN: MASTODON_USER_ID}``). Real Mastodon also accepts ``?access_token=``; this
    fake does only if ``accept_query_token`` is set, so a client that leaks the token into URLs
    fails loudly. A token that is sent but wrong is refused on every ``/api/`` endpoint, as
    Doorkeeper does; a missing one only where the endpoint needs a user.
    """

    rate_limited_prefix = "/api/"
    default_rate_limit = 300
    default_rate_window = 300.0

    def __init__(self, tokens: dict[str, str] | None = None, *,
                 accept_query_token: bool = False) -> None:
        super().__init__()
        self.tokens = dict(tokens) if tokens is not None else {MASTODON_TOKEN: MASTODON_USER_ID}
        self.accept_query_token = accept_query_token
        self.lists: list[dict[str, Any]] = load_fixture("mastodon/lists.json")
        self.credential_account: dict[str, Any] = load_fixture("mastodon/account.json")
        self.list_timelines: dict[str, list[dict[str, Any]]] = {
            MASTODON_LIST_ID: load_fixture("mastodon/list_timeline.json"),
            MASTODON_EMPTY_LIST_ID: [],
        }
        self.tag_pool: list[dict[str, Any]] = load_fixture("mastodon/tag_timeline.json")
        self.own_statuses: list[dict[str, Any]] = load_fixture("mastodon/own_statuses.json")

    # -- test hooks -------------------------------------------------------------------------------

    tag_api_requires_token = False
    """Like an instance that keeps its public timelines for members (the tag RSS stays open)."""

    advertise_tag_rss = True
    """The tag's page (``/tags/NAME``) names its RSS feed with ``<link rel="alternate">``, as
    Mastodon's does; off, like GoToSocial's, whose tag pages advertise no feed."""

    def add_list_status(self, list_id: str, status: dict[str, Any]) -> dict[str, Any]:
        """Put ``status`` into list ``list_id``'s timeline (newest first by id) and return it."""
        with self.lock:
            items = self.list_timelines.setdefault(str(list_id), [])
            items.append(status)
            items.sort(key=_sid, reverse=True)
        return status

    def add_tag_status(self, status: dict[str, Any]) -> dict[str, Any]:
        """Make ``status`` visible in the tag timelines of its ``tags``."""
        with self.lock:
            self.tag_pool.append(status)
        return status

    def add_own_status(self, status: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.own_statuses.append(status)
            self.own_statuses.sort(key=_sid, reverse=True)
        return status

    def all_statuses(self) -> list[dict[str, Any]]:
        """Every status the instance knows, once each, newest first."""
        with self.lock:
            seen: dict[str, dict[str, Any]] = {}
            for items in [*self.list_timelines.values(), self.tag_pool, self.own_statuses]:
                for s in items:
                    seen.setdefault(s["id"], s)
            return sorted(seen.values(), key=_sid, reverse=True)

    def accounts(self) -> dict[str, dict[str, Any]]:
        """Every known Account by id (authors, boosters, boosted authors, the user)."""
        out: dict[str, dict[str, Any]] = {}
        for s in self.all_statuses():
            for st in (s, s.get("reblog")):
                if st:
                    out.setdefault(st["account"]["id"], st["account"])
        me = {k: v for k, v in self.credential_account.items() if k not in ("source", "role")}
        out[me["id"]] = me
        return out

    def new_status(self, acct: str, text: str, url: str | None = None, *, card: bool = False,
                   created_at: str | None = None, status_id: str | None = None,
                   visibility: str = "public") -> dict[str, Any]:
        """A full Status by a known account (``acct`` as in the fixtures, e.g. ``"alice"`` or
        ``"bram@scholar.example"``) whose content is ``text`` plus ``url`` as a Mastodon link,
        with a PreviewCard for ``url`` if ``card``. The id defaults to one minute after the newest
        status the server knows (so it sorts first), ``created_at`` to the id's time. Not added
        anywhere: pass it to :meth:`add_list_status` and friends."""
        account = next((a for a in self.accounts().values() if a["acct"] == acct), None)
        if account is None:
            raise KeyError(f"no account {acct!r} in the fixtures")
        if status_id is None:
            newest = max((_sid(s) for s in self.all_statuses()), default=0)
            status_id = str(newest + (60_000 << 16))
        if created_at is None:
            created_at = _iso_ms(datetime.fromtimestamp((int(status_id) >> 16) / 1000, UTC))
        domain = urlsplit(account["url"]).hostname
        content = f"<p>{escape(text, quote=False)}"
        if url:
            content += " " + mastodon_link_html(url)
        content += "</p>"
        return {
            "id": status_id, "created_at": created_at, "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
            "visibility": visibility, "language": "en",
            "uri": f"https://{domain}/users/{account['username']}/statuses/{status_id}",
            "url": f"https://{domain}/@{account['username']}/{status_id}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "quotes_count": 0,
            "edited_at": None, "favourited": False, "reblogged": False, "muted": False,
            "bookmarked": False, "content": content, "filtered": [], "reblog": None,
            "account": account, "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
            "card": _card(url) if (card and url) else None, "poll": None,
        }

    # -- protocol ---------------------------------------------------------------------------------

    def _rate_headers(self, limit: int, remaining: int, reset: float, over: bool) -> dict[str, str]:
        reset_iso = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": reset_iso}

    def _too_many(self, req: _Request, reset: float) -> None:
        wait = max(1, math.ceil(reset - time.time()))
        req.send_json(429, {"error": "Too many requests"}, {"Retry-After": str(wait)})

    def _token_user(self, req: _Request, *, required: bool) -> str | None:
        header = req.handler.headers.get("Authorization")
        token: str | None = None
        if header is not None:
            scheme, _, value = header.partition(" ")
            token = value.strip() if scheme.lower() == "bearer" else ""
        elif self.accept_query_token and "access_token" in req.query:
            token = req.query["access_token"]
        if token is None:
            if required:
                raise _HTTPError(401, _INVALID_TOKEN, _www_authenticate())
            return None
        user = self.tokens.get(token)
        if user is None:
            raise _HTTPError(401, _INVALID_TOKEN, _www_authenticate())
        return user

    def _route(self, req: _Request) -> None:
        path = req.path
        if path.startswith("/tags/") and path.endswith(".rss"):
            self._tag_rss(req, path[len("/tags/"):-len(".rss")])
            return
        if path.startswith("/tags/") and path.count("/") == 2 and self._tag_statuses(path[6:]) is not None:
            feed = f'<link rel="alternate" type="application/rss+xml" href="{self.base}{path}.rss">'
            page = f"<!DOCTYPE html><html><head>{feed if self.advertise_tag_rss else ''}</head></html>"
            req.send_body(200, page.encode(), "text/html; charset=utf-8")
            return
        if not path.startswith("/api/"):
            req.send_body(404, _NOT_FOUND_PAGE, "text/html; charset=utf-8")
            return
        segs = path.rstrip("/").split("/")[1:]  # ["api", "v1", ...]
        user = self._token_user(req, required=False)
        match segs:
            case ["api", "v1", "lists"]:
                self._token_user(req, required=True)
                req.send_json(200, self.lists)
            case ["api", "v1", "lists", list_id]:
                self._token_user(req, required=True)
                found = next((x for x in self.lists if x["id"] == list_id), None)
                if found is None:
                    raise _HTTPError(404, _NOT_FOUND)
                req.send_json(200, found)
            case ["api", "v1", "timelines", "list", list_id]:
                self._token_user(req, required=True)
                with self.lock:
                    items = list(self.list_timelines.get(list_id, []))
                    known = any(x["id"] == list_id for x in self.lists)
                if not known:
                    raise _HTTPError(404, _NOT_FOUND)
                self._send_timeline(req, items, ("limit",))
            case ["api", "v1", "instance"]:
                req.send_json(200, {"uri": "social.example", "title": "Social Example",
                                    "short_description": "A fake instance for tests",
                                    "version": "4.3.2", "languages": ["en"]})
            case ["api", "v1", "timelines", "tag", name]:
                if self.tag_api_requires_token and user is None:
                    raise _HTTPError(422, {"error": "This method requires an authenticated user"})
                tagged = self._tag_statuses(name)
                if tagged is None:
                    raise _HTTPError(404, _NOT_FOUND)
                permitted = ("any", "all", "none", "limit", "local", "only_media", "remote")
                self._send_timeline(req, tagged, permitted)
            case ["api", "v1", "accounts", "verify_credentials"]:
                self._token_user(req, required=True)
                req.send_json(200, self.credential_account)
            case ["api", "v1", "accounts", "lookup"]:
                acct = req.query.get("acct", "").lstrip("@")
                req.send_json(200, self._lookup(acct))
            case ["api", "v1", "accounts", account_id]:
                account = self.accounts().get(account_id)
                if account is None:
                    raise _HTTPError(404, _NOT_FOUND)
                req.send_json(200, account)
            case ["api", "v1", "accounts", account_id, "statuses"]:
                self._account_statuses(req, account_id, user)
            case _:
                raise _HTTPError(404, {"error": "Not Found"})

    def _lookup(self, acct: str) -> dict[str, Any]:
        want = acct.lower().removesuffix("@social.example")
        for account in self.accounts().values():
            if account["acct"].lower() == want:
                return account
        raise _HTTPError(404, _NOT_FOUND)

    def _tag_statuses(self, name: str) -> list[dict[str, Any]] | None:
        want = name.lower()
        pool = [s for s in self.all_statuses()
                if s.get("reblog") is None and s["visibility"] == "public"
                and any(t["name"].lower() == want for t in s.get("tags", []))]
        known_tags = {t["name"].lower() for s in self.all_statuses() for t in s.get("tags", [])}
        return pool if want in known_tags else None

    def _account_statuses(self, req: _Request, account_id: str, user: str | None) -> None:
        if account_id not in self.accounts():
            raise _HTTPError(404, _NOT_FOUND)
        with self.lock:
            if account_id == self.credential_account["id"]:
                items = list(self.own_statuses)
            else:
                items = [s for s in self.all_statuses() if s["account"]["id"] == account_id]
        if user != account_id:
            items = [s for s in items if s["visibility"] in ("public", "unlisted")]
        q = req.query
        if _truthy(q.get("exclude_replies")):
            items = [s for s in items if s.get("in_reply_to_id") is None]
        if _truthy(q.get("exclude_reblogs")):
            items = [s for s in items if s.get("reblog") is None]
        if _truthy(q.get("only_media")):
            items = [s for s in items if (s.get("reblog") or s)["media_attachments"]]
        permitted = ("limit", "only_media", "exclude_replies", "exclude_reblogs", "pinned", "tagged")
        self._send_timeline(req, items, permitted, next_only_when_full=True)

    def _send_timeline(self, req: _Request, items: list[dict[str, Any]], permitted: Iterable[str], *,
                       next_only_when_full: bool = False) -> None:
        q = req.query
        limit = 20 if "limit" not in q else min(abs(_int_or_none(q["limit"]) or 0), 40)
        page = paginate_by_id(items, limit, max_id=_int_or_none(q.get("max_id")),
                              since_id=_int_or_none(q.get("since_id")),
                              min_id=_int_or_none(q.get("min_id")))
        headers = {}
        if page:
            keep = {k: q[k] for k in permitted if k in q}

            def link(extra: dict[str, str]) -> str:
                return self.base + req.path + "?" + urlencode(sorted({**keep, **extra}.items()))

            links = []
            if not next_only_when_full or len(page) == limit:
                links.append(f'<{link({"max_id": page[-1]["id"]})}>; rel="next"')
            links.append(f'<{link({"min_id": page[0]["id"]})}>; rel="prev"')
            headers["Link"] = ", ".join(links)
        req.send_json(200, page, headers)

    def _tag_rss(self, req: _Request, name: str) -> None:
        items = self._tag_statuses(name)
        if items is None:
            req.send_body(404, _NOT_FOUND_PAGE, "text/html; charset=utf-8")
            return
        tag = name.lower()
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               ('<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" '
                'xmlns:media="http://search.yahoo.com/mrss/">'),
               "<channel>",
               f"<title>#{escape(tag)}</title>",
               f"<description>Public posts tagged #{escape(tag)}</description>",
               f"<link>{escape(self.base)}/tags/{escape(tag)}</link>"]
        if items:
            out.append(f"<lastBuildDate>{_rfc822(items[0]['created_at'])}</lastBuildDate>")
        out.append("<generator>Mastodon v4.3.2</generator>")
        for s in items[:20]:
            out += ["<item>",
                    f'<guid isPermaLink="true">{escape(s["url"])}</guid>',
                    f"<link>{escape(s['url'])}</link>",
                    f"<pubDate>{_rfc822(s['created_at'])}</pubDate>",
                    f"<description>{escape(_XML_BAD.sub('', s['content']))}</description>"]
            for m in s["media_attachments"]:
                out.append(f'<media:content url="{escape(m["url"])}" type="image/jpeg" '
                           'medium="image"/>')
            out += [f"<category>{escape(t['name'])}</category>" for t in s["tags"]]
            out.append("</item>")
        out += ["</channel>", "</rss>", ""]
        req.send_body(200, "\n".join(out).encode("utf-8"), "application/rss+xml; charset=utf-8")


def paginate_by_id(items: list[dict[str, Any]], limit: int, *, max_id: int | None = None,
                   since_id: int | None = None, min_id: int | None = None) -> list[dict[str, Any]]:
    """Mastodon's ``paginate_by_id``: newest first below ``max_id``; with ``min_id`` the ``limit``
    statuses immediately above it (``since_id`` then ignored), still returned newest first."""
    ordered = sorted(items, key=_sid, reverse=True)
    if min_id is not None:
        above = [s for s in ordered if _sid(s) > min_id and (max_id is None or _sid(s) < max_id)]
        return list(reversed(list(reversed(above))[:limit]))
    below = [s for s in ordered if max_id is None or _sid(s) < max_id]
    return [s for s in below if since_id is None or _sid(s) > since_id][:limit]


def _www_authenticate() -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", '
                                'error_description="The access token is invalid"'}


def _rfc822(iso: str) -> str:
    return format_datetime(_parse_iso(iso), usegmt=True)


def mastodon_link_html(url: str) -> str:
    """``url`` marked up as Mastodon renders a link in status content."""
    scheme, _, rest = url.partition("://")
    prefix = scheme + "://"
    if rest.startswith("www."):
        prefix, rest = prefix + "www.", rest[4:]
    vis, tail, cls = (rest[:30], rest[30:], "ellipsis") if len(rest) > 30 else (rest, "", "")
    return (f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
            f'<span class="invisible">{escape(prefix)}</span><span class="{cls}">{escape(vis)}</span>'
            f'<span class="invisible">{escape(tail)}</span></a>')


def _card(url: str) -> dict[str, Any]:
    return {"url": url, "title": f"Article at {urlsplit(url).hostname}", "description": "",
            "language": "en", "type": "link", "author_name": "", "author_url": "",
            "provider_name": "", "provider_url": "", "html": "", "width": 0, "height": 0,
            "image": None, "image_description": "", "embed_url": "", "blurhash": None,
            "published_at": None, "authors": []}


