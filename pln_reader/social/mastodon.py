"""Mastodon: list and hashtag timelines, the user's own statuses, and the links in statuses.

API: GET /api/v1/timelines/list/:id and /api/v1/timelines/tag/:name (paged with max_id and
min_id, ``limit`` up to 40), /api/v1/lists, /api/v1/accounts/lookup, /api/v1/accounts/:id/statuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from ..core.config import SocialSettings
from ..core.errors import FetchError, InputError
from .client import SocialClient, exhausted, origin
from .posts import Post, parse_time, web_url

PAGE = 40
_LIST_PATH = re.compile(r"/lists/(\d+)/?")
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


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings that grow with time: compare by length, then text."""
    return len(status_id), status_id


def newest_id(ids: list[str]) -> str | None:
    return max(ids, key=_id_key) if ids else None


# -- the links of a status -------------------------------------------------------------------

_ANCHOR = re.compile(r"<a\s([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')


def content_links(html: str | None) -> list[str]:
    """Links in a status's HTML that are articles: not mentions, hashtags or media."""
    import html as html_lib

    found: list[str] = []
    for anchor in _ANCHOR.finditer(html or ""):
        attrs = {k.lower(): html_lib.unescape(v) for k, v in _ATTR.findall(anchor.group(1))}
        classes = attrs.get("class", "").split()
        rels = attrs.get("rel", "").split()
        href = attrs.get("href", "")
        if "mention" in classes or "hashtag" in classes or "tag" in rels:
            continue
        if href.startswith(("http://", "https://")) and href not in found:
            found.append(href)
    return found


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
    links = content_links(original.get("content"))
    card_url = card.get("url") if isinstance(card, Mapping) else None
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


# -- timelines -------------------------------------------------------------------------------


_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def link_header(headers: Mapping[str, str], base: str) -> dict[str, str]:
    """The ``Link`` header's URLs by rel (Mastodon pages with ``next`` and ``prev``).

    Only links to the same instance count: the token must never be sent anywhere else.
    """
    found = {rel: url for url, rel in _LINK.findall(headers.get("link", ""))}
    return {rel: url for rel, url in found.items() if origin(url) == origin(base)}


def timeline(client: SocialClient, url: str, *, token: str | None, cursor: str | None,
             since: datetime, max_pages: int, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Statuses newer than ``cursor`` (a status id); without one, back to ``since``.

    Pages follow the ``Link`` header as Mastodon asks (``prev`` for newer, ``next`` for older).
    """
    size = max(1, min(page, PAGE))
    next_url = url
    params: dict[str, Any] | None
    if cursor:
        # min_id gives the page just after the cursor; walk forward until nothing is newer.
        params = {"limit": size, "min_id": cursor}
        for _ in range(max_pages):
            found, headers = client.get_json(next_url, params, token=token)
            if not isinstance(found, list) or not found:
                return
            yield from found
            newer = link_header(headers, url).get("prev")
            if exhausted(headers):
                return
            if newer:
                next_url, params = newer, None
            else:
                params = {"limit": size, "min_id": newest_id([str(s.get("id")) for s in found])}
        return
    params = {"limit": size}
    for _ in range(max_pages):
        found, headers = client.get_json(next_url, params, token=token)
        if not isinstance(found, list) or not found:
            return
        yield from found
        times = [t for t in (parse_time(s.get("created_at")) for s in found) if t]
        older = link_header(headers, url).get("next")
        if (times and min(times) < since) or exhausted(headers) or not older:
            return
        next_url, params = older, None


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
        max_id: str | None = None
        for _ in range(max_pages):
            params: dict[str, Any] = {"limit": max(1, min(page, PAGE)), "exclude_replies": "true"}
            if max_id:
                params["max_id"] = max_id
            found, headers = client.get_json(url, params, token=token)
            if not isinstance(found, list) or not found:
                return
            yield from found
            times = [t for t in (parse_time(s.get("created_at")) for s in found) if t]
            if (times and min(times) < since) or exhausted(headers):
                return
            max_id = min((str(s.get("id")) for s in found), key=_id_key)

    return instance, statuses()
