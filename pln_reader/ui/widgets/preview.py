"""The preview pane: a link's summary, every source and sharer behind it, the list's purpose,
and your notes rendered from Markdown (their own pane under the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from ...core.durations import duration
from ...core.markdown import md_text
from ...core.media import media_line
from ...core.models import Annotation, Link, LinkEntry, Share
from ...core.text import clean_text
from ..text import plain, plain_block

SUMMARY_LIMIT = 1200
"""Characters of a summary shown in the preview (the reader has the whole text)."""


@dataclass(frozen=True, slots=True)
class PreviewData:
    """Everything the preview shows about one link (gathered by the screen)."""

    link: Link
    entries: Sequence[LinkEntry] = ()
    shares: Sequence[Share] = ()
    annotations: Sequence[Annotation] = ()
    purpose: str | None = None
    tags: Sequence[str] = field(default=())
    versions: Sequence[Link] = ()
    """The links of its story (near-duplicate titles from other sources), this one among them."""


def _heading(text: str) -> Content:
    return Content.styled(text, "bold $text-accent")


def render_preview(data: PreviewData) -> Content:
    link = data.link
    parts: list[Content] = [plain(link.title or link.url, style="bold"), plain(link.url, style="dim")]
    state = [word for flag, word in ((link.saved, "saved"), (link.read, "read"), (link.hidden, "hidden"))
             if flag]
    if link.media is not None:
        state.append(link.time_label)
    elif link.reading_minutes:
        state.append(f"about {duration(link.reading_minutes)} to read")
    if state:
        parts.append(Content.styled(" · ".join(state), "italic"))
    if link.media is not None:
        parts.append(plain(media_line(link.media), style="italic"))
    summary = link.summary or next((e.summary for e in data.entries if e.summary), None)
    if summary:
        text = summary if len(summary) <= SUMMARY_LIMIT else summary[:SUMMARY_LIMIT] + "…"
        parts += [Content(""), plain_block(text)]
    if data.entries:
        count = len({e.sharer_handle or e.source for e in data.entries})
        parts += [Content(""), _heading("Shared by 1" if count == 1 else f"Shared by {count}")]
        for entry in data.entries:
            if entry.sharer_handle:  # a person on a social list: who, where, and what they said
                who = " ".join(x for x in (entry.author, entry.sharer_handle) if x) + f" in {entry.source}"
            else:
                who = entry.source + (f" ({entry.author})" if entry.author else "")
            parts.append(Content.assemble("• ", plain(who)))
            if entry.post_text:
                parts.append(Content.assemble("    ", plain_block(entry.post_text, style="italic")))
            elif entry.title and entry.title != link.title:
                parts.append(Content.assemble("    ", plain(entry.title, style="italic")))
    if len(data.versions) > 1:
        parts += [Content(""), _heading(f"{len(data.versions)} versions of this story")]
        for version in data.versions:
            source = version.sources[0] if version.sources else "?"
            parts.append(Content.assemble("• ", plain(f"{source}: {version.title or version.url}")))
            parts.append(Content.assemble("    ", plain(version.url, style="dim")))
    if data.shares:
        parts += [Content(""), _heading("You shared it")]
        for share in data.shares:
            when = share.shared_at.astimezone().strftime("%Y-%m-%d %H:%M")
            parts.append(Content.assemble(f"• {share.channel}, {when}"))
            if share.comment:
                parts.append(Content.assemble("    ", plain_block(share.comment, style="italic")))
    if data.annotations:
        parts += [Content(""), _heading("Your notes")]  # the notes follow, as Markdown
    if data.tags:
        parts.append(Content.assemble("tags: ", plain(", ".join(data.tags))))
    if data.purpose:
        parts += [Content(""), _heading("Why this list"), plain_block(data.purpose, style="italic")]
    return Content("\n").join(parts)


def notes_markdown(annotations: Sequence[Annotation]) -> str:
    """Your notes as one Markdown document: a note as you wrote it, a highlight as a quote of the
    passage (article text: escaped, so it stays text) and your comment under it."""
    blocks = []
    for note in annotations:
        if note.kind == "highlight":
            blocks.append("> " + md_text(note.body))
            if note.comment:
                blocks.append(clean_text(note.comment, multiline=True) or "")
        else:
            blocks.append(clean_text(note.body, multiline=True) or "")
        blocks.append("---")
    return "\n\n".join(blocks[:-1])


class Preview(VerticalScroll, can_focus=True):
    """Shows :class:`PreviewData` (or a hint when nothing is selected)."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="preview-body")
        notes = Markdown("", id="preview-notes", open_links=False)
        notes.display = False
        yield notes

    shown: int | None = None
    """The id of the link shown (None: none)."""

    def clear(self) -> None:
        """Show nothing until :meth:`show` (another list's links came in: its link must not
        stay in view while this one's is gathered). Cheap: the notes are hidden, not redrawn."""
        if self.shown is None:
            return
        self.shown = None
        self.query_one("#preview-body", Static).update(Content(""))
        self.query_one("#preview-notes", Markdown).display = False

    def show(self, data: PreviewData | None, *, empty: str = "Nothing selected.") -> None:
        self.shown = data.link.id if data else None
        body = self.query_one("#preview-body", Static)
        body.update(render_preview(data) if data else Content.styled(empty, "dim"))
        notes = self.query_one("#preview-notes", Markdown)
        notes.display = bool(data and data.annotations)
        notes.update(notes_markdown(data.annotations) if data and data.annotations else "")
        self.scroll_home(animate=False)
