"""Notes, highlights and tags on links: the library's annotation methods."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from ..core.errors import InputError
from ..core.models import Annotation
from ..core.urls import canonicalize
from ..store.db import Storage


class AnnotationsMixin:
    """Notes, highlights and tags: the user's own words, never touched by a refresh."""

    store: Storage
    clock: Callable[[], datetime]
    _link_id: Callable[..., int]
    _list_id_of: Callable[[str | None], int | None]
    _sync_record: Callable[..., None]
    _vault_update: Callable[..., None]

    def add_note(self, url: str, text: str) -> int:
        text = text.strip()
        if not text:
            raise InputError("a note needs some text")
        from ..store.notes import add_annotation

        link_id = self._link_id(url)
        note_id = add_annotation(self.store, link_id, "note", text, None, self.clock())
        self._vault_update([link_id])
        return note_id

    def add_highlight(self, url: str, passage: str, *, comment: str | None = None) -> int:
        """Highlight a passage of the link's stored article (whitespace may differ)."""
        from ..store.articles import get_article
        from ..store.notes import add_annotation

        link_id = self._link_id(url)
        quoted = " ".join(passage.split())
        if not quoted:
            raise InputError("a highlight needs the passage it quotes")
        article = get_article(self.store, link_id)
        if article is None or not article.ok:
            raise InputError(f"{canonicalize(url)} has no article text to highlight yet: "
                             f"run `pln fetch-articles {canonicalize(url)}`")
        if quoted.casefold() not in " ".join((article.text or "").split()).casefold():
            raise InputError(f"the passage {quoted[:60]!r} is not in the article text of {canonicalize(url)}")
        highlight_id = add_annotation(self.store, link_id, "highlight", quoted, comment, self.clock())
        self._vault_update([link_id])
        return highlight_id

    def edit_annotation(self, annotation_id: int, *, text: str | None = None,
                        comment: str | None = None) -> None:
        from ..store.notes import annotation_kind, annotation_link_id, edit_annotation

        if text is not None and annotation_kind(self.store, annotation_id) == "highlight":
            raise InputError("a highlight's passage cannot be edited (change its --comment, "
                             "or delete it and highlight again)")
        edit_annotation(self.store, annotation_id, body=text, comment=comment, now=self.clock())
        self._vault_update([annotation_link_id(self.store, annotation_id)])

    def delete_annotation(self, annotation_id: int) -> None:
        from ..store.notes import annotation_link_id, delete_annotation

        link_id = annotation_link_id(self.store, annotation_id)
        delete_annotation(self.store, annotation_id)
        self._vault_update([link_id])

    def tag(self, url: str, tags: Sequence[str], *, remove: bool = False) -> tuple[str, ...]:
        from ..store.notes import set_tags, tags_of

        cleaned = [t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")]
        if not cleaned:
            raise InputError("give at least one tag")
        link_id = self._link_id(url)
        with self.store.transaction():
            before = set(tags_of(self.store, link_id))
            set_tags(self.store, link_id, [] if remove else cleaned, cleaned if remove else [], self.clock())
            after = set(tags_of(self.store, link_id))
            for tag in sorted(after - before):
                self._sync_record("tag", url=canonicalize(url), tag=tag, value=True)
            for tag in sorted(before - after):
                self._sync_record("tag", url=canonicalize(url), tag=tag, value=False)
        self._vault_update([link_id])
        return tags_of(self.store, link_id)

    def tags_of(self, url: str) -> tuple[str, ...]:
        """The tags of a link, sorted."""
        from ..store.notes import tags_of

        return tags_of(self.store, self._link_id(url))

    def annotations(self, *, list_name: str | None = None, since: datetime | None = None,
                    url: str | None = None, tag: str | None = None) -> list[Annotation]:
        """Notes and highlights, newest first; ``tag``: only those of links with that tag
        (case-insensitive, a leading # ignored)."""
        from ..store.notes import list_annotations

        list_id = self._list_id_of(list_name)
        link_id = self._link_id(url) if url else None
        found = list_annotations(self.store, list_id=list_id, since=since, link_id=link_id)
        wanted = (tag or "").strip().lstrip("#").casefold()
        if not wanted:
            return found
        return [a for a in found if wanted in {t.casefold() for t in a.tags}]
