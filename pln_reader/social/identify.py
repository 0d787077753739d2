"""Recognise a social source among the things a user can add, and check it exists."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import Settings
from ..core.errors import FetchError
from . import bluesky, mastodon
from .client import SocialClient
from .fetch import TAG_API_CLOSED, advertised_rss, no_feed


@dataclass(frozen=True, slots=True)
class SocialSource:
    kind: str
    url: str
    """The source's stable address: ``at://`` list URI, ``https://instance/lists/ID``, ``.../tags/NAME``."""
    title: str | None
    site_url: str | None


def identify(settings: Settings, target: str) -> SocialSource | None:
    """The social source ``target`` names (checked with its API), or None if it is not one.

    Raises FetchError / InputError with a clear message for a social source that cannot be used
    (unknown list, bad token, no token).
    """
    social = settings.social
    found = bluesky.list_target(target)
    if found is not None:
        actor, rkey = found
        with SocialClient(settings) as client:
            did = bluesky.resolve_did(client, social.bluesky_appview, actor)
            uri = bluesky.list_uri(did, rkey)
            info = bluesky.get_list(client, social.bluesky_appview, uri)
        creator = info.get("creator") or {}
        handle = creator.get("handle") or (actor if not actor.startswith("did:") else did)
        return SocialSource("bluesky_list", uri, info.get("name") or None,
                            bluesky.web_list_url(handle, rkey))
    listed = mastodon.list_target(target)
    tagged = mastodon.tag_target(target)
    if listed is None and tagged is None:
        return None
    instance = (listed or tagged)[0]  # type: ignore[index]
    with SocialClient(settings) as client:
        if not mastodon.is_mastodon(client, instance):
            return None  # an ordinary site with such a path: add it as a site
        if listed is not None:
            list_id = listed[1]
            list_token = mastodon.need_token(social, instance)
            info = mastodon.get_list(client, instance, list_id, list_token)
            return SocialSource("mastodon_list", f"{instance}/lists/{list_id}",
                                str(info.get("title") or f"List {list_id}"), f"{instance}/lists/{list_id}")
        assert tagged is not None
        name = tagged[1]
        token = mastodon.tag_token(social, instance)
        try:
            client.get_json(mastodon.tag_timeline_url(instance, name), {"limit": 1}, token=token)
        except FetchError as exc:
            if exc.reason == "rate_limited" or (token is not None and exc.reason == "auth"):
                raise  # a refused token is said now, not after the source is added
            if token is None and exc.reason in TAG_API_CLOSED \
                    and advertised_rss(settings, instance, name) is None:
                raise no_feed(mastodon.tag_refused(exc, social, instance, name), instance, name) from None
        return SocialSource("mastodon_tag", f"{instance}/tags/{name}", f"#{name} on {instance.split('//')[1]}",
                            f"{instance}/tags/{name}")
