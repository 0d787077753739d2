"""Sync with a Google Reader API server: setup, a sync, its status, and the outbox that local
changes are recorded in (in the change's own transaction, only while sync is set up)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..core.config import Settings, SyncSettings, remove_sync_settings, write_sync_settings
from ..core.errors import InputError
from ..store import sync as sync_db
from ..store.db import Storage, from_db

if TYPE_CHECKING:
    from ..core.models import ServerPull
    from ..refresh.run import Progress
    from ..sync.report import SyncReport


@dataclass(frozen=True, slots=True)
class SyncSetup:
    api_url: str
    tried: tuple[str, ...]
    settings_path: str


@dataclass(frozen=True, slots=True)
class SyncStatus:
    server: str
    user: str
    last_sync: datetime | None
    waiting: int
    last_error: str | None


class SyncMixin:
    """The facade's sync part. The password stays in settings; the auth token in memory."""

    store: Storage
    settings: Settings
    clock: Callable[[], datetime]

    @property
    def sync_enabled(self) -> bool:
        return self.settings.sync.enabled

    @property
    def fetches_through_server(self) -> bool:
        """Whether `pln refresh` takes the synced feeds' entries from the server."""
        return self.settings.sync.enabled and self.settings.sync.fetch == "server"

    def _pull_from_server(self, progress: Progress | None) -> ServerPull:
        """The refresh's server part: new items of the synced feeds, as entries."""
        from ..sync.pull import pull

        return pull(self.store, self.settings, now=self.clock(), progress=progress)

    def _carried_sources(self) -> set[int]:
        """Sources the server carries (fetched through it, not directly)."""
        return set(sync_db.synced_sources(self.store).values())

    def _quiet_on_server(self) -> set[int]:
        """Synced sources the server has delivered nothing from for ``direct_after_days``:
        fetched directly too, at their own interval, until the server delivers again."""
        days = self.settings.sync.direct_after_days
        return sync_db.quiet_sources(self.store, self.clock() - timedelta(days=days))

    def _sync_record(self, kind: str, **payload: Any) -> None:
        """Put a local change in the outbox (call inside the change's transaction)."""
        if self.settings.sync.enabled:
            sync_db.outbox_add(self.store, kind, payload, self.clock())

    def sync_setup(self, url: str, *, user: str, password: str) -> SyncSetup:
        """Find the API under ``url`` by logging in, then write ``[sync]`` to settings.toml
        (mode 600). The previous account's sync state is forgotten."""
        from ..sync.client import find_api

        if not user.strip():
            raise InputError("give the server's user name with --user")
        if not password:
            raise InputError("no password: type it at the prompt or set PLN_SYNC_PASSWORD")
        api_url, tried = find_api(url, user.strip(), password, self.settings.fetch)
        path = write_sync_settings(self.settings.home, server=api_url, user=user.strip(),
                                   password=password)
        old = self.settings.sync
        if (old.server, old.user) != (api_url, user.strip()):
            sync_db.forget_all(self.store)
        self.settings = dataclasses.replace(self.settings, sync=dataclasses.replace(
            self.settings.sync, server=api_url, user=user.strip(), password=password))
        return SyncSetup(api_url, tuple(tried), str(path))

    def sync(self) -> SyncReport:
        """Push local changes, then pull the server's (SyncError when it fails; nothing lost)."""
        from ..sync.engine import run_sync

        return run_sync(self.store, self.settings, now=self.clock())

    def sync_status(self) -> SyncStatus:
        conf = self.settings.sync
        if not conf.enabled:
            raise InputError("sync is not set up: run `pln sync setup URL --user NAME`")
        return SyncStatus(conf.server, conf.user, from_db(sync_db.meta(self.store, "last_sync")),
                          sync_db.outbox_count(self.store), sync_db.meta(self.store, "last_error"))

    def sync_off(self) -> None:
        """Forget the account: ``[sync]`` leaves settings.toml, the sync state leaves the store."""
        remove_sync_settings(self.settings.home)
        sync_db.forget_all(self.store)
        self.settings = dataclasses.replace(self.settings, sync=SyncSettings())

    def check_sync_server(self) -> str | None:
        """For `pln doctor`: None when the server answers and takes the password, else why not."""
        from ..sync.engine import check_server

        return check_server(self.settings)
