"""An entry's media, read from its XML element: RSS ``enclosure``, Atom ``link rel="enclosure"``,
Media RSS (``media:content``, ``media:group``, ``media:thumbnail``), iTunes (``itunes:duration``,
``itunes:episode``, ``itunes:image``) and Podcasting 2.0 (``podcast:transcript``,
``podcast:chapters``).

Both XML readers use this one function on the same elements, so the fast path and the
feedparser fallback give the same media by construction: the fast path calls :func:`media_of`
on each entry it walks, the fallback on the entries of a forgiving lxml parse
(:func:`media_in_document`). Documents with none of these names skip it entirely
(:func:`has_media`), which keeps plain blogs as fast as before.
"""

from __future__ import annotations

from lxml import etree

from pln_reader.feeds.raw import RawMedia

# Plain substring tests (memchr-fast), not a case-blind regex: this runs on every feed body.
_MARKERS = (b"enclosure", b"yahoo.com/mrss", b"itunes.com/dtds", b"iTunes.com/DTDs",
            b"itunes.com/DTDs", b"podcastindex", b"podcast-namespace")

_FAMILIES = {
    "http://search.yahoo.com/mrss": "media",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "https://podcastindex.org/namespace/1.0": "podcast",
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "http://www.w3.org/2005/atom": "atom",
    "http://purl.org/atom/ns#": "atom",
    "http://podlove.org/simple-chapters": "psc",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9": "",
    "http://backend.userland.com/rss2": "",
}
_names: dict[str, tuple[str | None, str]] = {}

_RECOVER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, remove_comments=True, remove_pis=True)


def has_media(data: bytes) -> bool:
    """Whether the document could hold any media at all (a cheap look at the bytes)."""
    return any(marker in data for marker in _MARKERS)


def names_media(data: bytes, namespaces: list[tuple[str, str]]) -> bool:
    """:func:`has_media` for a document whose namespace declarations are known (the fast path)."""
    return b"enclosure" in data or any(
        _FAMILIES.get(uri.strip().lower().rstrip("/")) in ("media", "itunes", "podcast")
        or "itunes.com/dtds" in uri.lower() for _, uri in namespaces)


def _name(tag: str) -> tuple[str | None, str]:
    """(family, local name): family ``""`` for RSS's own elements, None for anything unknown."""
    found = _names.get(tag)
    if found is None:
        if tag[:1] == "{":
            ns, local = tag[1:].split("}", 1)
            family = _FAMILIES.get(ns.strip().lower().rstrip("/"))
            if family is None and "itunes.com/dtds" in ns.lower():
                family = "itunes"
            found = (family, local.lower())
        else:
            found = ("", tag.lower())
        _names[tag] = found
    return found


def _text(el: etree._Element) -> str | None:
    text = (el.text or "").strip()
    return text or None


def media_of(item: etree._Element) -> RawMedia | None:
    """What one ``<item>``/``<entry>`` says about its media, or None when it says nothing."""
    media: RawMedia | None = None
    for ch in item:
        tag = ch.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        family, local = _name(tag)
        if family is None:
            continue
        if media is None:
            media = RawMedia()
        if family == "" and local == "enclosure":
            url = ch.get("url") or ch.get("href")
            if url:
                media.candidates.append((url, ch.get("type"), None, ch.get("length"), None, False))
        elif family in ("atom", "") and local == "link":
            if (ch.get("rel") or "").strip().lower() == "enclosure" and ch.get("href"):
                media.candidates.append((ch.get("href") or "", ch.get("type"), None,
                                         ch.get("length"), None, False))
        elif family == "media":
            _media_rss(ch, local, media)
        elif family == "itunes":
            if local == "duration":
                media.duration = _text(ch)
            elif local == "episode":
                media.episode = _text(ch)
            elif local == "image" and media.image is None:
                media.image = ch.get("href") or _text(ch)
        elif family == "podcast":
            if local == "transcript" and ch.get("url"):
                media.transcripts.append((ch.get("url") or "", ch.get("type"), ch.get("language")))
            elif local == "chapters" and ch.get("url") and media.chapters is None:
                media.chapters = ch.get("url")
        elif family == "psc" and local == "chapters":
            for chapter in ch:
                if (isinstance(chapter.tag, str) and _name(chapter.tag) == ("psc", "chapter")
                        and chapter.get("start") and chapter.get("title")):
                    media.chapter_list.append((chapter.get("start") or "", chapter.get("title") or ""))
    if media is None or not (media.candidates or media.image or media.transcripts):
        return None
    return media


def _media_rss(el: etree._Element, local: str, media: RawMedia) -> None:
    if local == "content":
        url = el.get("url")
        if url:
            media.candidates.append((url, el.get("type"), el.get("medium"), el.get("fileSize"),
                                     el.get("duration"), el.get("isDefault") == "true"))
        for ch in el:  # a thumbnail inside the content it belongs to
            if isinstance(ch.tag, str) and _name(ch.tag) == ("media", "thumbnail"):
                _media_rss(ch, "thumbnail", media)
    elif local == "group":
        for ch in el:
            if isinstance(ch.tag, str):
                family, name = _name(ch.tag)
                if family == "media":
                    _media_rss(ch, name, media)
    elif local == "thumbnail" and media.image is None and el.get("url"):
        media.image = el.get("url")


def media_in_document(data: bytes) -> list[RawMedia | None] | None:
    """The media of every entry of a document, in order (a forgiving parse), or None if unreadable."""
    try:
        root = etree.fromstring(data, _RECOVER)
    except (etree.LxmlError, ValueError):
        return None
    if root is None:
        return None
    found: list[RawMedia | None] = []
    _entries(root, found)
    return found


def _entries(el: etree._Element, found: list[RawMedia | None]) -> None:
    for ch in el:
        tag = ch.tag
        if not isinstance(tag, str):
            continue
        family, local = _name(tag)
        if local in ("item", "entry") and family in ("", "atom"):
            found.append(media_of(ch))
        else:
            _entries(ch, found)
