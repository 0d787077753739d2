"""Ask for a folder (prefilled, editable): where the Markdown vault is written."""

from __future__ import annotations

from pathlib import Path

from .path import PathDialog


class FolderDialog(PathDialog):
    """A one-line folder path; Enter gives it back with ``~`` expanded (it may not exist yet)."""

    def action_submit(self) -> None:
        """Dismiss with the folder, unless it is blank or an existing file."""
        from textual.widgets import Input

        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.show_error("give a folder to write to")
            return
        path = Path(text).expanduser()
        if path.exists() and not path.is_dir():
            self.show_error(f"{path} is a file: give a folder")
            return
        self.dismiss(path)
