"""Pure URL helpers: the canonical form of a link, used as its dedupe key.

The same article reached from two feeds (or shared by two people) usually differs only in
tracking parameters, host case, a default port or a fragment. :func:`canonicalize` removes
those differences so that one row per article can be shown. It is on the refresh hot path
(every entry goes through it), so it is a hand-written split, not a general URL library.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from .errors import InputError

__all__ = ["TRACKING_PARAMS", "canonical_or_none", "canonicalize", "is_http_url"]

# Query parameters that only identify a campaign, a click or a recipient, never the resource.
# Matched case-insensitively on the parameter name; an entry ending in "*" is a prefix.
# Generic names ("ref", "source", "s", "si", "spm", ...) are left alone on purpose: some sites
# use them for real content, and a wrongly merged link is worse than a duplicate row.
TRACKING_PARAMS: tuple[str, ...] = (
    # Campaign tagging (Google Analytics convention, used by nearly every newsletter and CMS)
    "utm_*",
    # Matomo/Piwik campaign tagging
    "mtm_*", "pk_campaign", "pk_kwd", "pk_keyword", "pk_source", "pk_medium", "pk_content",
    "pk_cid",
    # Ad-network click ids: Google Ads/DoubleClick, Microsoft Ads, Facebook, Yandex,
    # Twitter/X, TikTok, LinkedIn, Instagram, Pinterest
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "fbclid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "epik",
    # Google cross-domain linker / Adobe Analytics keyword ids
    "_ga", "_gl", "s_kwcid",
    # E-mail marketing recipient/campaign ids: Mailchimp, HubSpot, Marketo, Vero, Omeda,
    # Drip, Klaviyo, ConvertKit
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp", "hsctatracking",
    "mkt_tok", "vero_id", "vero_conv", "oly_enc_id", "oly_anon_id", "__s", "_ke",
    "ck_subscriber_id",
    # Social share/embed referrers (Twitter/X embeds)
    "ref_src", "ref_url", "__twitter_impression",
)

_EXACT: frozenset[str] = frozenset(p for p in TRACKING_PARAMS if not p.endswith("*"))
_PREFIXES: tuple[str, ...] = tuple(p[:-1] for p in TRACKING_PARAMS if p.endswith("*"))
_DEFAULT_PORT = {"http": "80", "https": "443"}

# scheme "://" authority path ["?" query] ["#" fragment], matched in full; no part may hold a
# C0/C1 control character (one regex instead of a separate scan keeps the hot path short).
_SPLIT = re.compile(
    r"([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#\x00-\x1f\x7f-\x9f]*)([^?#\x00-\x1f\x7f-\x9f]*)"
    r"(?:\?([^#\x00-\x1f\x7f-\x9f]*))?(?:#[^\x00-\x1f\x7f-\x9f]*)?"
)
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# Characters that can never be in a host name (WHATWG "forbidden host code points", plus
# controls and space); their presence means the input is not a URL we should store.
_BAD_HOST = re.compile(r"[\x00-\x20\x7f#%/:<>?@\[\\\]^|\"`{}]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PORT = re.compile(r"[0-9]*")


def _upper_escapes(part: str) -> str:
    """Upper-case the hex digits of percent escapes (``%2f`` and ``%2F`` are the same)."""
    if "%" not in part:
        return part
    return _ESCAPE.sub(lambda m: m.group(0).upper(), part)


def _strip_tracking(query: str) -> str:
    """Drop tracking parameters and empty ones ("a=1&&b=2", a trailing "&"); keep the order."""
    kept = []
    for param in query.split("&"):
        if not param:
            continue
        name = param.partition("=")[0].lower()
        if name in _EXACT or name.startswith(_PREFIXES):
            continue
        kept.append(param)
    return "&".join(kept)


def _host(raw: str, url: str) -> str:
    """Return the normalised host (lower case, punycode, compressed IPv6) or raise."""
    if raw.startswith("["):
        inner = raw[1:-1] if raw.endswith("]") else ""
        addr, _, zone = inner.partition("%")
        try:
            text = ipaddress.IPv6Address(addr).compressed
        except ValueError:
            raise InputError(f"not a valid URL (bad IPv6 address): {url!r}") from None
        return f"[{text}%{zone}]" if zone else f"[{text}]"
    if raw.isascii():
        host = raw.lower()
    else:
        try:
            # The stdlib codec is IDNA 2003 (with nameprep, which also folds case).
            host = raw.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise InputError(f"not a valid URL (bad international host name): {url!r}") from None
    if not host or _BAD_HOST.search(host):
        raise InputError(f"not a valid URL (bad host): {url!r}")
    return host


def canonicalize(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL.

    Lower-cases scheme and host (international hosts become punycode), drops a default port,
    the fragment, tracking query parameters (:data:`TRACKING_PARAMS`) and an empty query,
    turns an empty path into ``/`` and upper-cases percent escapes. Everything else, including
    userinfo, parameter order and non-ASCII path characters, is kept as given.

    Raises :class:`InputError` naming the URL when it is not an absolute http(s) URL.
    """
    if not isinstance(url, str):
        raise InputError(f"not a URL: {url!r}")
    s = url.strip()
    if "\t" in s or "\n" in s or "\r" in s:
        # Browsers drop these when they parse a URL (WHATWG), so a wrapped link is the same link.
        s = s.replace("\t", "").replace("\n", "").replace("\r", "")
    m = _SPLIT.fullmatch(s)
    if m is None:
        if _CONTROLS.search(s):
            raise InputError(f"not a valid URL (control characters): {url!r}")
        raise InputError(f"not an absolute http(s) URL: {url!r}")
    scheme = m.group(1).lower()
    if scheme != "http" and scheme != "https":
        raise InputError(f"not an http(s) URL: {url!r}")
    authority, path, query = m.group(2), m.group(3), m.group(4)
    if "\\" in authority:
        # Browsers read a backslash as "/" in http(s) URLs, so for them the host ends there while
        # a plain split would take what follows "@": refuse a link whose host is ambiguous.
        raise InputError(f"not a valid URL (backslash in host): {url!r}")

    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        end = hostport.find("]")
        host_raw, rest = (hostport[: end + 1], hostport[end + 1 :]) if end != -1 else (hostport, "")
        if rest and not rest.startswith(":"):
            raise InputError(f"not a valid URL (bad host): {url!r}")
        port = rest[1:]
    else:
        host_raw, _, port = hostport.partition(":")
    if not host_raw:
        raise InputError(f"not a valid URL (no host): {url!r}")
    host = _host(host_raw, url)
    if port:
        if not _PORT.fullmatch(port) or int(port) > 65535:
            raise InputError(f"not a valid URL (bad port): {url!r}")
        port = str(int(port))  # "080" is port 80
        if port == _DEFAULT_PORT[scheme]:
            port = ""

    if " " in path:
        path = path.replace(" ", "%20")
    path = _upper_escapes(path) or "/"
    if query:
        if " " in query:
            query = query.replace(" ", "%20")
        query = _upper_escapes(_strip_tracking(query))

    out = [scheme, "://"]
    if at:
        out += (userinfo, "@")
    out.append(host)
    if port:
        out += (":", port)
    out.append(path)
    if query:
        out += ("?", query)
    return "".join(out)


def is_http_url(url: str) -> bool:
    """Return True when ``url`` is an absolute http(s) URL that :func:`canonicalize` accepts."""
    try:
        canonicalize(url)
    except InputError:
        return False
    return True


def canonical_or_none(url: str | None) -> str | None:
    """The canonical form of ``url``, or None when there is none (empty, not http(s), broken)."""
    if not url:
        return None
    try:
        return canonicalize(url)
    except InputError:
        return None


def path_to_url(path: Path) -> str:
    """A local file's ``file://`` URL (absolute, as links and sources store it)."""
    return path.resolve().as_uri()


def file_path(url_or_path: str) -> str:
    """The local path of a ``file://`` URL (a path is returned as it is)."""
    if url_or_path.startswith("file://"):
        from urllib.parse import urlsplit
        from urllib.request import url2pathname

        return url2pathname(urlsplit(url_or_path).path)
    return url_or_path
