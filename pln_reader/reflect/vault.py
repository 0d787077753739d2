"""The Markdown vault: one file per link you annotated, shared or applied, for the notes tools
people sync themselves (Obsidian, Logseq, a git folder).

Each file: YAML front matter (every value a double-quoted JSON string, which YAML reads as the
same string, so no title can break out of it or add a key), then the highlights with their
comments, the notes, the shares and the applied entries (what you tried because of it), each
dated. Below :data:`MARK` the file is the user's: a run keeps it as it is. A file is written only
when its content changed (so its mtime says when it last did), names are chosen once per link
and kept in the store, and a link whose annotations, shares and applied entries are all gone
keeps its file, marked so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from ..core.errors import InputError
from ..core.files import write_atomically
from ..core.markdown import md_text
from ..core.models import Annotation, Applied, Credits, Link, Share
from ..store import applied as store_applied
from ..store import links as store_links
from ..store import notes as store_notes
from ..store import shares as store_shares
from ..store import vault as store_vault
from ..store.db import Storage

MARK = "<!-- your notes below -->"
"""Everything after this line in a vault file is the user's, kept by every run."""
MAX_NAME = 100
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u202a-\u202e\u2066-\u2069]+')


@dataclass
class VaultResult:
    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    orphaned: int = 0
    """Files of links with no annotation, share or applied entry left (kept, marked as such)."""


def safe_name(title: str | None, url: str) -> str:
    """A file name (without ``.md``) from the title: no path separators, control or bidi
    characters, leading dots or Windows-reserved names; at most :data:`MAX_NAME` characters."""
    text = unicodedata.normalize("NFC", (title or "").strip()) or url.split("//", 1)[-1]
    text = _UNSAFE.sub(" ", text).replace("..", ".")
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text:
        text = "link"
    if text.split(".")[0].lower() in _RESERVED:
        text = f"_{text}"
    return text[:MAX_NAME].rstrip(" .") or "link"


def _unique(base: str, taken: set[str], link_id: int) -> str:
    name = base
    if name.casefold() in taken:
        name = f"{base[: MAX_NAME - 8]} ({link_id})"
    n = 2
    while name.casefold() in taken:
        name = f"{base[: MAX_NAME - 12]} ({link_id}-{n})"
        n += 1
    return name


def _yaml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _day(when: datetime | None, zone: tzinfo | None) -> str | None:
    return when.astimezone(zone).date().isoformat() if when else None


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def render(link: Link, credits: Credits, tags: Sequence[str], annotations: Sequence[Annotation],
           shares: Sequence[Share], read_at: datetime | None, zone: tzinfo | None,
           applied: Sequence[Applied] = ()) -> str:
    """The generated part of a link's file (front matter and body, up to :data:`MARK`)."""
    front = {
        "url": link.url, "title": link.title or link.url,
        "sharers": [s.name or s.handle for s in credits.sharers],
        "authors": [a.name for a in credits.authors],
        "sources": list(link.sources), "lists": list(link.lists), "tags": list(tags),
        "saved": _day(link.saved_at, zone), "read": _day(read_at, zone),
    }
    lines = ["---", *(f"{key}: {_yaml(value)}" for key, value in front.items()), "---", ""]
    lines.append(f"# [{md_text(link.title or link.url)}](<{link.url}>)")
    if not annotations and not shares and not applied:
        lines += ["", ("*Nothing annotated, shared or applied any more: this file is kept for what "
                       "you wrote below.*")]
    highlights = [a for a in annotations if a.kind == "highlight"]
    notes = [a for a in annotations if a.kind == "note"]
    if highlights:
        lines += ["", "## Highlights"]
        for h in sorted(highlights, key=lambda a: (a.created_at, a.id)):
            lines += ["", _quote(h.body), "", f"*{_day(h.created_at, zone)}*"]
            if h.comment:
                lines[-1] += f" · My comment: {h.comment}"
    if notes:
        lines += ["", "## Notes"]
        for n in sorted(notes, key=lambda a: (a.created_at, a.id)):
            lines += ["", f"*{_day(n.created_at, zone)}*", "", n.body.rstrip("\n")]
    if shares:
        lines += ["", "## Shares"]
        for s in sorted(shares, key=lambda x: (x.shared_at, x.id)):
            line = f"- {_day(s.shared_at, zone)}, {s.channel}"
            if s.comment:
                line += f": “{md_text(s.comment) if s.origin != 'manual' else s.comment}”"
            if s.post_url:
                line += f" ([post](<{s.post_url}>))"
            lines.append(line)
    if applied:
        lines += ["", "## Applied"]
        for a in sorted(applied, key=lambda x: (x.at, x.id)):
            lines.append(f"- {_day(a.at, zone)}: {_one_line(a.text)}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """The user's words as one list item: later lines indented so they stay in the item, and no
    HTML comment opened (the line that starts the user's part is one)."""
    text = text.replace("<!--", "&lt;!--")
    return "\n  ".join(line.rstrip() for line in text.strip().splitlines())


def _user_part(existing: str | None) -> str:
    if existing is None or MARK not in existing:
        return f"\n{MARK}\n"
    return "\n" + existing[existing.index(MARK):]


def export_vault(store: Storage, folder: Path, *, zone: tzinfo | None = None,
                 link_ids: Iterable[int] | None = None) -> VaultResult:
    """Write (or bring up to date) the vault in ``folder``; only changed files are written."""
    folder = folder.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write the vault {folder}: {exc.strerror or exc}") from None
    result = VaultResult(folder)
    ids = list(link_ids) if link_ids is not None else store_vault.vault_link_ids(store)
    if not ids:
        return result
    links = store_vault.links_by_id(store, ids)
    credits = store_links.link_credits(store, list(links))
    names = store_vault.file_names(store)
    taken = {n.casefold() for n in names.values()}
    new_names: dict[int, str] = {}
    for link_id in ids:
        link = links.get(link_id)
        if link is None:
            continue
        name = names.get(link_id)
        if name is None:
            name = _unique(safe_name(link.title, link.url), taken, link_id)
            taken.add(name.casefold())
            new_names[link_id] = name
        annotations = store_notes.list_annotations(store, list_id=None, since=None, link_id=link_id)
        shares = store_shares.list_shares(store, link_id=link_id)
        applied = store_applied.list_applied(store, link_id=link_id)
        body = render(link, credits.get(link_id, Credits()), store_notes.tags_of(store, link_id),
                      annotations, shares, store_links.read_at(store, link_id), zone, applied)
        path = folder / f"{name}.md"
        try:
            existing = path.read_text("utf-8") if path.exists() else None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        content = body + _user_part(existing)
        if not annotations and not shares and not applied:
            result.orphaned += 1
        if existing == content:
            result.unchanged += 1
            continue
        write_atomically(path, content.encode("utf-8"))
        result.written.append(path)
    store_vault.remember_names(store, new_names)
    return result
