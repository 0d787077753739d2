"""The reader: a link's article as Markdown, fetched in a worker, with notes, highlights, shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Markdown, Static

from ...core.durations import duration
from ...core.errors import NotFoundError, PlnError
from ...core.models import ARTICLE_STATUS_MEANINGS, Annotation, Article, Link
from ...core.passages import Passage, mark_passages
from ...core.text import clean_text, plural
from ..text import plain
from ..widgets.marked_markdown import MarkedMarkdown
from .link_actions import ask_applied, ask_note, ask_share, open_in_browser, play_media

if TYPE_CHECKING:
    from ...library.facade import Library
    from ..app import PlnApp
    from ..dialogs.results import HighlightRequest


class ChaptersLoaded(Message):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines


class ArticleFetched(Message):
    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


def status_meaning(status: str) -> str:
    meanings = ARTICLE_STATUS_MEANINGS
    return meanings.get(status) or meanings.get(status.split(":")[0], status)


def no_text_reason(article: Article) -> str:
    """Why an article has no text, said once: the extraction's own sentence (it names the
    cause and carries the detail), else the status's general meaning."""
    return (article.error or "").strip() or status_meaning(article.status)


class ReaderScreen(Screen[None]):
    """Read one link in the terminal, even where the site is blocked at work (cached text)."""

    app: PlnApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="reader_back"),
        Binding("j,down", "scroll_down", "Down", show=False, id="reader_down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="reader_up"),
        Binding("space", "page_down", "Page down", show=False, id="reader_page"),
        Binding("n", "note", "Note", id="reader_note"),
        Binding("h", "highlight", "Highlight", id="reader_highlight"),
        Binding("right_square_bracket", "next_highlight", "Next highlight", show=False,
                id="reader_next_highlight"),
        Binding("left_square_bracket", "previous_highlight", "Previous highlight", show=False,
                id="reader_previous_highlight"),
        Binding("s", "save", "Save", id="reader_save"),
        Binding("S", "share", "Log share", id="reader_share"),
        Binding("A", "applied", "Applied", show=False, id="reader_applied"),
        Binding("o", "open_browser", "Browser", id="reader_open"),
        Binding("p", "play", "Play", show=False, id="reader_play"),
        Binding("c", "copy_link", "Copy link", show=False, id="reader_copy"),
        Binding("r", "refetch", "Fetch again", show=False, id="reader_refetch"),
    ]

    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link
        self.article: Article | None = None
        self.annotations: list[Annotation] = []
        self.missing: tuple[Passage, ...] = ()
        """Highlights whose passage is not in the text shown (listed at the end instead)."""
        self._at_highlight = -1

    def compose(self) -> ComposeResult:
        yield Static(plain(self.link.title or self.link.url, style="bold"), id="reader-title")
        yield Static(plain(self.link.url, style="dim"), id="reader-meta")
        yield LoadingIndicator(id="reader-loading")
        with VerticalScroll(id="reader-body"):
            yield Static("", id="reader-status")
            yield Static("", id="reader-chapters")
            yield MarkedMarkdown("", id="reader-text", open_links=False)
            yield Static("", id="reader-notes-title")
            yield Markdown("", id="reader-notes", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reader-chapters", Static).display = False
        if self.link.media is not None and (self.link.media.chapter_list or self.link.media.chapters):
            self.load_chapters()
        self._reload_annotations()
        self.show_notes()
        library = self.app.library
        url = self.link.url

        def opened(library: Library) -> None:
            library.record_read_in_reader(url)
            library.mark_read(url)

        self.app.write(opened)
        try:
            self.article = library.article(self.link.url)
        except NotFoundError:
            self._loading(True)
            self.fetch_article(force=False)
            return
        self._show()

    def show_notes(self) -> None:
        """Your notes, and highlights not found in the text, rendered from Markdown at the end
        (a highlight found in the text is marked there, its comment under it)."""
        from ..widgets.preview import notes_markdown

        missing = {m.passage for m in self.missing}
        shown = [a for a in self.annotations if a.kind != "highlight" or a.body in missing]
        title = self.query_one("#reader-notes-title", Static)
        notes = self.query_one("#reader-notes", Markdown)
        title.display = notes.display = bool(shown)
        heading = "Your notes"
        if missing:
            heading += f" ({plural(len(missing), 'highlight')} not found in this text)"
        title.update(Content.styled(heading, "bold $text-accent"))
        notes.update(notes_markdown(shown))

    def _reload_annotations(self) -> None:
        self.annotations = self.app.library.annotations(url=self.link.url)
        # Until the text is shown (and where there is none), every highlight is listed at the end.
        self.missing = tuple(Passage(a.body, a.comment) for a in self.annotations if a.kind == "highlight")

    def _loading(self, on: bool) -> None:
        self.query_one("#reader-loading").display = on
        self.query_one("#reader-body").display = not on

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def fetch_article(self, force: bool) -> None:
        """Fetch and extract in a thread, with the worker's own connection."""
        try:
            with self.app.open_worker_library() as library:
                library.fetch_articles(urls=[self.link.url], force=force)
        except PlnError as exc:
            self.post_message(ArticleFetched(str(exc)))
            return
        self.post_message(ArticleFetched())

    @work(thread=True, exclusive=True, group="chapters", exit_on_error=False)
    def load_chapters(self) -> None:
        """An episode's chapters (its chapters document may need a fetch: never on the UI thread)."""
        from ...core.media import chapter_lines

        try:
            with self.app.open_worker_library() as library:
                lines = chapter_lines(library.chapters(self.link.url))
        except PlnError:
            return
        self.post_message(ChaptersLoaded(lines))

    @on(ChaptersLoaded)
    def _chapters(self, event: ChaptersLoaded) -> None:
        box = self.query_one("#reader-chapters", Static)
        box.display = bool(event.lines)
        box.update(Content("\n").join([Content.styled("Chapters", "bold $text-accent"),
                                        *(plain(line) for line in event.lines), Content("")]))

    @on(ArticleFetched)
    def _fetched(self, event: ArticleFetched) -> None:
        self._loading(False)
        if event.error:
            self._status(f"Could not fetch the article: {event.error}. Press o to open it in the browser.")
            return
        try:
            self.article = self.app.library.article(self.link.url)
        except NotFoundError as exc:
            self._status(str(exc))
            return
        self._show()

    def _status(self, text: str, *, style: str = "bold $warning") -> None:
        status = self.query_one("#reader-status", Static)
        status.display = bool(text)
        status.update(Content.styled(clean_text(text, multiline=True) or "", style))

    def _show(self) -> None:
        article = self.article
        self._loading(False)
        if article is None:
            return
        meta = [article.site_name, article.author,
                article.published.astimezone().strftime("%Y-%m-%d") if article.published else None,
                f"{duration(article.reading_minutes)} read" if article.reading_minutes else None]
        if self.link.media is not None:  # an episode or video: its time, and whether this is its transcript
            meta[3] = self.link.time_label
            meta.append("transcript, times at the left" if article.cues else None)
        self.query_one("#reader-meta", Static).update(
            plain(" · ".join(m for m in meta if m) or self.link.url, style="dim"))
        if article.ok:
            self._status("")
            text = clean_text(article.markdown or article.text, multiline=True) or ""
            marked = mark_passages(text, [Passage(a.body, a.comment) for a in self.annotations
                                          if a.kind == "highlight"])
            self.missing = marked.missing
            self._at_highlight = -1
            self.query_one("#reader-text", Markdown).update(marked.markdown)
            self.show_notes()
        else:
            self._status(f"No article text: {no_text_reason(article)}\n"
                         "Press o to open it in the browser, r to fetch it again.")
            summary = self.link.summary or ""
            self.query_one("#reader-text", Markdown).update(clean_text(summary, multiline=True) or "")
            self.show_notes()

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        open_in_browser(self, event.href)

    # -- actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#reader-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#reader-body", VerticalScroll).scroll_up()

    def action_page_down(self) -> None:
        self.query_one("#reader-body", VerticalScroll).scroll_page_down()

    def action_refetch(self) -> None:
        self._loading(True)
        self.fetch_article(force=True)

    def action_open_browser(self) -> None:
        open_in_browser(self, self.link.url)

    def action_play(self) -> None:
        play_media(self, self.link)

    def action_copy_link(self) -> None:
        self.app.copy_to_clipboard(self.link.url)
        self.notify("link copied")

    def action_save(self) -> None:
        self.link = self.app.library.save(self.link.url, fetch_new=False)
        self.notify("saved to the reading queue")

    def action_note(self) -> None:
        def saved() -> None:
            self._reload_annotations()
            self.show_notes()

        ask_note(self.app, self.link.url, self.link.title or self.link.url, saved)

    def action_next_highlight(self) -> None:
        self._jump(1)

    def action_previous_highlight(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        """Scroll the next (or previous) highlighted passage to the top of the page."""
        blocks = self.query_one("#reader-text", MarkedMarkdown).highlight_blocks()
        if not blocks:
            self.notify("no highlight in this text: select a passage and press h", markup=False)
            return
        if self._at_highlight < 0 and step < 0:
            self._at_highlight = len(blocks)
        at = self._at_highlight + step
        if not 0 <= at < len(blocks):
            self.notify("that was the last highlight" if step > 0 else "that was the first highlight",
                        markup=False)
            return
        self._at_highlight = at
        self.query_one("#reader-body", VerticalScroll).scroll_to_widget(
            blocks[at], top=True, animate=False)

    def action_share(self) -> None:
        ask_share(self.app, self.link.url, self.link.title or self.link.url, lambda: None)

    def action_applied(self) -> None:
        ask_applied(self.app, self.link.url, self.link.title or self.link.url, lambda: None)

    def action_highlight(self) -> None:
        from ..dialogs.highlight import HighlightDialog

        article = self.article
        if article is None or not article.ok:
            self.notify("there is no article text to highlight", severity="warning")
            return
        selected = self.get_selected_text() or ""

        def done(request: HighlightRequest | None) -> None:
            if request is None:
                return
            try:
                self.app.library.add_highlight(self.link.url, request.passage, comment=request.comment)
            except PlnError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify("highlight saved")
            self._reload_annotations()
            self._show()

        self.app.push_screen(HighlightDialog(article.text or "", passage=selected), done)
