"""Modal dialogs: each is a ``ModalScreen[T]`` that ends in ``dismiss(value)`` with a typed result."""

from __future__ import annotations

from pathlib import Path

from .add_source import AddSourceDialog
from .confirm import ConfirmDialog
from .edit_list import ListDialog
from .failures import FailuresDialog
from .highlight import HighlightDialog
from .note import NoteDialog
from .results import HighlightRequest, ListEdit, ShareRequest
from .share import ShareDialog

DIALOGS_TCSS = Path(__file__).resolve().parent.parent / "dialogs.tcss"
"""The stylesheet of every dialog: the app adds it to its ``CSS_PATH``."""

__all__ = [
    "DIALOGS_TCSS",
    "AddSourceDialog",
    "ConfirmDialog",
    "FailuresDialog",
    "HighlightDialog",
    "HighlightRequest",
    "ListDialog",
    "ListEdit",
    "NoteDialog",
    "ShareDialog",
    "ShareRequest",
]
