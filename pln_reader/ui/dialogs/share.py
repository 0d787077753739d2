"""Log that a link was shared: channel, optional comment and post URL."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from pln_reader.core.models import SHARE_CHANNELS
from pln_reader.core.urls import is_http_url

from ._base import Dialog, plain
from .results import ShareRequest

BAD_POST_URL = "the post URL must be an http(s) URL, or blank"


class ShareDialog(Dialog[ShareRequest | None]):
    """Where the link titled ``title`` was shared; ctrl+s saves."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save", id="dialog_save")]

    def __init__(self, title: str, *, default_channel: str = "mastodon") -> None:
        super().__init__()
        self._title = title
        self._channel = default_channel if default_channel in SHARE_CHANNELS else SHARE_CHANNELS[0]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static("Log a share of", classes="dialog-title -with-subject")
            yield Static(plain(self._title), id="subject", classes="dialog-subject")
            with Horizontal(classes="dialog-row"):
                yield Label("Channel")
                yield Select(
                    [(c, c) for c in SHARE_CHANNELS],
                    allow_blank=False,
                    value=self._channel,
                    id="channel",
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Comment")
                yield TextArea(
                    id="comment",
                    soft_wrap=True,
                    classes="dialog-comment",
                    placeholder="what you said about it (optional)",
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Post URL")
                yield Input(id="post-url", placeholder="https://… (optional)")
            yield self.error_line()
            yield self.buttons("Save")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#channel", Select).focus()

    def action_submit(self) -> None:
        """Validate the post URL and dismiss with a ShareRequest."""
        post_url = self.query_one("#post-url", Input).value.strip() or None
        if post_url is not None and not is_http_url(post_url):
            self.show_error(BAD_POST_URL)
            self.query_one("#post-url", Input).focus()
            return
        comment = self.query_one("#comment", TextArea).text.strip() or None
        channel = str(self.query_one("#channel", Select).value)
        self.dismiss(ShareRequest(channel=channel, comment=comment, post_url=post_url))


