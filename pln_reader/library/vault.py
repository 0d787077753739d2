"""The Markdown vault, as the faces ask for it: `pln export vault`, and the files brought up to
date after each change to a link's notes, highlights, tags or shares when ``[vault] dir`` is set."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.config import Settings
from ..core.errors import InputError, PlnError
from ..store.db import Storage

if TYPE_CHECKING:
    from ..reflect.vault import VaultResult

log = logging.getLogger("pln_reader")


class VaultMixin:
    store: Storage
    settings: Settings
    clock: Callable[[], datetime]
    vault_runner: Callable[[list[int]], None] | None = None
    """Set by the UI to update the vault in a worker thread (so no key waits on the files);
    None: the update runs at once, after the change."""

    def _vault_dir(self, folder: Path | str | None) -> Path:
        chosen = folder or self.settings.vault.dir
        if not chosen:
            raise InputError("which folder? give one (`pln export vault DIR`) or set [vault] dir")
        path = Path(chosen).expanduser()
        return path if path.is_absolute() else self.settings.home / path

    def export_vault(self, folder: Path | str | None = None) -> VaultResult:
        """Write the vault (default: ``[vault] dir``); only files whose content changed."""
        from ..core.periods import local_zone
        from ..reflect.vault import export_vault

        return export_vault(self.store, self._vault_dir(folder), zone=local_zone())

    def _vault_update(self, link_ids: Iterable[int | None]) -> None:
        """Bring the files of these links up to date, when ``[vault] dir`` is set. A vault that
        cannot be written is logged, never a reason for the change itself to fail."""
        ids = [i for i in link_ids if i is not None]
        if not self.settings.vault.dir or not ids:
            return
        if self.vault_runner is not None:
            self.vault_runner(ids)
            return
        self.update_vault(ids)

    def update_vault(self, link_ids: list[int]) -> None:
        """The files of these links brought up to date now (``[vault] dir``)."""
        from ..core.periods import local_zone
        from ..reflect.vault import export_vault

        try:
            export_vault(self.store, self._vault_dir(None), zone=local_zone(), link_ids=link_ids)
        except PlnError as exc:
            log.warning("the vault was not updated: %s", exc)
