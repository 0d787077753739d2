"""Mastodon: list and hashtag timelines, the user's own statuses, and the links in statuses.

API: GET /api/v1/timelines/list/:id and /api/v1/timelines/tag/:name (paged with max_id and
min_id, ``limit`` up to 40), /api/v1/lists, /api/v1/accounts/lookup, /api/v1/accounts/:id/statuses.

Ids (of lists and statuses) are opaque strings: decimal on Mastodon, ULIDs on GoToSocial, flake
ids on Pleroma and Akkoma. They are never compared: pages follow the server's ``Link`` header,
and the newest status is the first one the server returns (timelines are newest first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from ..core.config import SocialSettings
from ..core.errors import FetchError, InputError
from ..feeds.parsed import ParsedEntry
from .client import SocialClient, exhausted, origin
from .posts import Post, parse_time, web_url

PAGE = 40
_LIST_PATH = re.compile(r"/lists/([A-Za-z0-9._~-]+)/?")
"""A list id is opaque (digits, a ULID, a flake id): any unreserved URL characters."""
_TAG_PATH = re.compile(r"/tags/([^/?#]+?)(?:\.rss)?/?")


def list_target(url: str) -> tuple[str, str] | None:
    """``(instance, list id)`` of a list's web address ``https://instance/lists/ID``."""
    parts = urlsplit(url)
    match = _LIST_PATH.fullmatch(parts.path)
    if parts.scheme in ("http", "https") and parts.netloc and match and not parts.query:
        return origin(url), match.group(1)
    return None


def tag_target(url: str) -> tuple[str, str] | None:
    """``(instance, tag)`` of a hashtag page ``https://instance/tags/NAME``."""
    parts = urlsplit(url)
    match = _TAG_PATH.fullmatch(parts.path)
    if parts.scheme in ("http", "https") and parts.netloc and match and not parts.query:
        return origin(url), match.group(1).lower()
    return None


# -- the links of a status -------------------------------------------------------------------

_ANCHOR = re.compile(r"<a\s([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')


def content_links(html: str | None, instance_host: str = "") -> list[str]:
    """Links in a status's HTML that are articles: not mentions, hashtags, media or other pages
    of the instance itself (``instance_host``, with its port if any)."""
    import html as html_lib

    found: list[str] = []
    for anchor in _ANCHOR.finditer(html or ""):
        attrs = {k.lower(): html_lib.unescape(v) for k, v in _ATTR.findall(anchor.group(1))}
        classes = attrs.get("class", "").split()
        rels = attrs.get("rel", "").split()
        href = attrs.get("href", "")
        if "mention" in classes or "hashtag" in classes or "tag" in rels:
            continue
        if href.startswith(("http://", "https://")) and href not in found \
                and not _on_instance(href, instance_host):
            found.append(href)
    return found


def _on_instance(url: str, instance_host: str) -> bool:
    return bool(instance_host) and urlsplit(url).netloc.lower() == instance_host.lower()


def html_text(html: str | None) -> str | None:
    """The text of a status's HTML (paragraphs and line breaks kept)."""
    import html as html_lib

    if not html:
        return None
    text = re.sub(r"<br\s*/?>", "\n", html, flags=re.IGNORECASE)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", "", text)
    return html_lib.unescape(text).strip() or None


def _handle(account: Mapping[str, Any], instance_host: str) -> str:
    """``@user@domain``: a local account's ``acct`` has no domain, its profile URL has."""
    acct = str(account.get("acct") or account.get("username") or "?")
    if "@" in acct:
        return f"@{acct}"
    domain = urlsplit(str(account.get("url") or "")).netloc or instance_host
    return f"@{acct}@{domain}"


def status_posts(status: Mapping[str, Any], instance_host: str) -> list[Post]:
    """The posts (one per link) a status makes; a boost is a share by the booster."""
    sharer = status.get("account") or {}
    original = status.get("reblog") or status
    card = original.get("card") or {}
    text = html_text(original.get("content"))
    links = content_links(original.get("content"), instance_host)
    card_url = card.get("url") if isinstance(card, Mapping) else None
    if isinstance(card_url, str) and _on_instance(card_url, instance_host):
        card_url = None  # a card of one of the instance's own pages is no article
    if card_url:
        links = [card_url] + [u for u in links if u != card_url]
    base = {
        "author": str(sharer.get("display_name") or sharer.get("username") or "") or None,
        "sharer_handle": _handle(sharer, instance_host),
        "post_url": web_url(original.get("url")) or web_url(original.get("uri")),
        "text": text,
        "published": parse_time(status.get("created_at")),
    }
    key = str(status.get("id"))
    if not links:
        return [Post(key=key, link=None, title=None, summary=None, **base)]  # type: ignore[arg-type]
    posts = []
    for index, link in enumerate(links):
        is_card = link == card_url
        posts.append(Post(
            key=key if index == 0 else f"{key}#{index}", link=link,
            title=card.get("title") if is_card else None,
            summary=card.get("description") if is_card else None, **base))  # type: ignore[arg-type]
    return posts


def rss_posts(entries: Iterable[ParsedEntry], instance_host: str) -> list[Post]:
    """The posts of a hashtag's RSS feed (the fallback where the API needs sign-in).

    An item links to its status; the articles are the links in its text, less mentions and
    hashtags (whose text starts with ``@`` or ``#``: the feed's markup has lost their classes)
    and the instance's own pages. The sharer is read from the status's address (``/@user/ID``).
    """
    posts: list[Post] = []
    for entry in entries:
        parts = urlsplit(entry.url or "")
        user = parts.path.split("/")[1] if parts.path.startswith("/@") else ""
        base = {
            "author": None, "sharer_handle": f"{user}@{parts.netloc}" if user else parts.netloc or "?",
            "post_url": web_url(entry.url), "text": entry.summary,
            "published": entry.published or entry.updated,
        }
        links = [u for u in _item_links(entry.content) if not _on_instance(u, instance_host)]
        if not links:
            posts.append(Post(key=entry.id, link=None, title=None, summary=None, **base))  # type: ignore[arg-type]
        posts.extend(Post(key=entry.id if i == 0 else f"{entry.id}#{i}", link=u, title=None,
                          summary=None, **base)  # type: ignore[arg-type]
                     for i, u in enumerate(links))
    return posts


def _item_links(html: str | None) -> list[str]:
    from lxml import etree
    from lxml import html as lxml_html

    if not html:
        return []
    try:
        doc = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for anchor in doc.iter("a"):
        href = str(anchor.get("href") or "")
        if anchor.text_content().strip().startswith(("@", "#")):
            continue
        if href.startswith(("http://", "https://")) and href not in found:
            found.append(href)
    return found


# -- timelines -------------------------------------------------------------------------------


_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def link_header(headers: Mapping[str, str], base: str) -> dict[str, str]:
    """The ``Link`` header's URLs by rel (Mastodon pages with ``next`` and ``prev``).

    Only links to the same instance count: the token must never be sent anywhere else.
    """
    found = {rel: url for url, rel in _LINK.findall(headers.get("link", ""))}
    return {rel: url for rel, url in found.items() if origin(url) == origin(base)}


@dataclass
class Timeline:
    """Statuses read from a timeline, newest first as the server gave them, and the cursor."""

    statuses: list[dict[str, Any]] = field(default_factory=list)
    newest: str | None = None
    """The id of the newest status read (the server's first on its newest page), for ``min_id``."""


def _ids(found: list[Any]) -> list[dict[str, Any]]:
    return [s for s in found if isinstance(s, dict) and s.get("id") is not None]


def timeline(client: SocialClient, url: str, *, token: str | None, cursor: str | None,
             since: datetime, max_pages: int, page: int = PAGE) -> Timeline:
    """Statuses newer than ``cursor`` (a status id, as the server gave it); without one, back to
    ``since``.

    Pages follow the ``Link`` header as given (``prev`` for newer, ``next`` for older); ids are
    never compared, only passed back to the server.
    """
    size = max(1, min(page, PAGE))
    out = Timeline(newest=cursor)
    next_url = url
    params: dict[str, Any] | None
    if cursor:
        # min_id gives the page just after the cursor; walk forward until nothing is newer.
        params = {"limit": size, "min_id": cursor}
        for _ in range(max_pages):
            found, headers = client.get_json(next_url, params, token=token)
            items = _ids(found) if isinstance(found, list) else []
            if not items:
                break
            out.statuses[:0] = items  # each page is newer than the one before
            last, out.newest = out.newest, str(items[0]["id"])
            newer = link_header(headers, url).get("prev")
            if exhausted(headers) or out.newest == last:
                break
            if newer:
                next_url, params = newer, None
            else:  # no Link header: ask for what follows the newest status of this page
                next_url, params = url, {"limit": size, "min_id": out.newest}
        return out
    params = {"limit": size}
    for _ in range(max_pages):
        found, headers = client.get_json(next_url, params, token=token)
        items = _ids(found) if isinstance(found, list) else []
        if not items:
            break
        if not out.statuses:
            out.newest = str(items[0]["id"])
        out.statuses.extend(items)
        times = [t for t in (parse_time(s.get("created_at")) for s in items) if t]
        older = link_header(headers, url).get("next")
        if (times and min(times) < since) or exhausted(headers) or not older:
            break
        next_url, params = older, None
    return out


def list_timeline_url(instance: str, list_id: str) -> str:
    return f"{instance}/api/v1/timelines/list/{quote(list_id)}"


def tag_timeline_url(instance: str, tag: str) -> str:
    return f"{instance}/api/v1/timelines/tag/{quote(tag)}"


def _same_instance(a: str, b: str) -> bool:
    def key(url: str) -> tuple[str, str]:
        parts = urlsplit(url.strip().lower())
        default = {"https": 443, "http": 80}.get(parts.scheme)
        host = parts.hostname or ""
        port = parts.port if parts.port not in (None, default) else None
        return parts.scheme, f"{host}:{port}" if port else host
    return key(a) == key(b)


def token_instance(social: SocialSettings) -> str | None:
    """The instance the access token belongs to: that of ``[social] mastodon_account``, else
    ``[social] mastodon_instance``; None when neither says."""
    if social.mastodon_account:
        return parse_account(social.mastodon_account)[0]
    if social.mastodon_instance:
        text = social.mastodon_instance.strip()
        return origin(text if "://" in text else f"https://{text}")
    return None


def need_token(social: SocialSettings, instance: str) -> str:
    """The access token, for ``instance`` only.

    The token is sent to the instance it belongs to and nowhere else: a list on another
    instance (a shared "follow my list" link, say) is refused, since a server that merely looks
    like Mastodon would otherwise collect the token.
    """
    if not social.mastodon_token:
        raise InputError(f"a Mastodon list on {instance} needs an access token with scope read:lists: "
                         "set PLN_MASTODON_TOKEN (or [social] mastodon_token in settings.toml)")
    home = token_instance(social)
    if home is None:
        raise InputError("which instance is your Mastodon token for? set [social] mastodon_account = "
                         "\"@you@your.instance\" (or mastodon_instance = \"https://your.instance\") "
                         "in settings.toml: pln sends the token to that instance only")
    if not _same_instance(home, instance):
        raise InputError(f"{origin(instance)} is not your Mastodon instance ({home}): its lists need "
                         f"an account there, and pln sends your token to {home} only")
    return social.mastodon_token


def own_instance(social: SocialSettings, instance: str) -> bool:
    """Whether ``instance`` is the one the access token belongs to."""
    home = token_instance(social)
    return home is not None and _same_instance(home, instance)


def tag_token(social: SocialSettings, instance: str) -> str | None:
    """The access token for a hashtag timeline on ``instance``: on the token's own instance only
    (where tags may need sign-in); None elsewhere, where tags are read without it."""
    return (social.mastodon_token or None) if own_instance(social, instance) else None


SIGN_IN_REASONS = ("auth", "http_error:422")
"""How an instance says its hashtag timelines need a signed-in user (401, or Mastodon's 422)."""


def tag_refused(exc: FetchError, social: SocialSettings, instance: str, tag: str) -> FetchError:
    """A clear error for a hashtag timeline the instance would not serve."""
    if exc.reason not in SIGN_IN_REASONS or tag_token(social, instance):
        return exc  # with a token sent, the client's message (token rejected) is the right one
    if own_instance(social, instance):
        return FetchError(f"{instance} requires sign-in to read hashtags (#{tag}): set "
                          "PLN_MASTODON_TOKEN (or [social] mastodon_token), your token there",
                          reason="auth")
    return FetchError(f"{instance} requires sign-in to read hashtags (#{tag}); pln sends your "
                      "Mastodon token only to your own instance", reason="auth")


def is_mastodon(client: SocialClient, instance: str) -> bool:
    """Whether ``instance`` answers like a Mastodon server (GET /api/v1/instance).

    A server that cannot be reached raises: whether it is Mastodon cannot be told.
    """
    try:
        data, _ = client.get_json(f"{instance}/api/v1/instance")
    except FetchError as exc:
        if exc.reason in ("network_error", "timeout"):
            raise
        return False
    return isinstance(data, dict) and ("uri" in data or "domain" in data) and "version" in data


def lists(client: SocialClient, instance: str, token: str) -> list[dict[str, Any]]:
    data, _ = client.get_json(f"{instance}/api/v1/lists", token=token)
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def get_list(client: SocialClient, instance: str, list_id: str, token: str) -> dict[str, Any]:
    try:
        data, _ = client.get_json(f"{instance}/api/v1/lists/{quote(list_id)}", token=token)
    except FetchError as exc:
        if exc.reason == "not_found":
            raise FetchError(f"{instance} has no list {list_id} you can read (see `pln mastodon lists`)",
                             reason="not_found") from None
        raise
    if not isinstance(data, dict):
        raise FetchError(f"{instance}: unexpected answer for list {list_id}", reason="parse_error")
    return data


def parse_account(account: str) -> tuple[str, str]:
    """``(instance, user)`` of ``@user@instance.example`` or ``https://instance.example/@user``."""
    account = account.strip()
    if account.startswith(("http://", "https://")):
        instance, user = origin(account), urlsplit(account).path.strip("/").lstrip("@")
    else:
        user, _, host = account.lstrip("@").partition("@")
        instance = f"https://{host}"
        if not host:
            user = ""
    if not user or "/" in user:
        raise InputError(f"the Mastodon account {account!r} should look like @you@instance.example "
                         "or https://instance.example/@you")
    return instance, user


def account_statuses(client: SocialClient, account: str, *, token: str | None, since: datetime,
                     max_pages: int, page: int = PAGE) -> tuple[str, Iterator[dict[str, Any]]]:
    """``(instance, statuses)`` of an account (own posts, no replies).

    The account is ``@user@instance.example`` or its profile address ``https://instance/@user``.
    """
    instance, user = parse_account(account)
    data, _ = client.get_json(f"{instance}/api/v1/accounts/lookup", {"acct": user}, token=token)
    if not isinstance(data, dict) or "id" not in data:
        raise FetchError(f"{instance}: no account {user}", reason="not_found")
    url = f"{instance}/api/v1/accounts/{quote(str(data['id']))}/statuses"

    def statuses() -> Iterator[dict[str, Any]]:
        next_url: str = url
        params: dict[str, Any] | None = {"limit": max(1, min(page, PAGE)), "exclude_replies": "true"}
        for _ in range(max_pages):
            found, headers = client.get_json(next_url, params, token=token)
            items = _ids(found) if isinstance(found, list) else []
            if not items:
                return
            yield from items
            times = [t for t in (parse_time(s.get("created_at")) for s in items) if t]
            older = link_header(headers, url).get("next")
            if (times and min(times) < since) or exhausted(headers) or not older:
                return
            next_url, params = older, None

    return instance, statuses()
