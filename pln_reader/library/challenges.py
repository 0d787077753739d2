"""Challenges, as the faces ask for them: start, where it is today, stop, the banner's dismissal;
and the activity events the other parts of the facade record for the checks to count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..core.config import Settings
from ..store.db import Storage

if TYPE_CHECKING:
    from ..reflect.challenge import Challenge, ChallengeState


class ChallengesMixin:
    """A challenge of small steps (the engine is :mod:`pln_reader.reflect.challenge`)."""

    store: Storage
    settings: Settings
    clock: Callable[[], datetime]

    def _record_activity(self, kind: str, *, list_id: int | None = None, source_id: int | None = None,
                         detail: str | None = None, times: int = 1) -> None:
        """Record something the user did that no other table keeps (see store.challenges)."""
        from ..store.challenges import record_activity

        record_activity(self.store, kind, self.clock(), list_id=list_id, source_id=source_id,
                        detail=detail, times=times)

    def challenges(self) -> tuple[list[Challenge], list[str]]:
        """Built-in and user challenges, and one line for each user file that is not one."""
        from ..reflect.challenge import available

        return available(self.settings.home)

    def start_challenge(self, name: str | None = None, *, on: date | None = None) -> ChallengeState:
        """Start a challenge (by name or file path; default connected-30) on ``on`` (default
        today, local time). One runs at a time."""
        from ..core.periods import local_zone
        from ..reflect.challenge import DEFAULT, find, start

        challenge = find(self.settings.home, name or DEFAULT)
        start(self.store, challenge, on=on, now=self.clock(), tz=local_zone())
        state = self.challenge()
        assert state is not None
        return state

    def challenge(self) -> ChallengeState | None:
        """Where the running challenge is today; None when none runs."""
        from ..core.periods import local_zone
        from ..reflect.challenge import current

        return current(self.store, now=self.clock(), tz=local_zone(),
                       professional=self.settings.channels.professional)

    def stop_challenge(self) -> str:
        """Stop the running challenge (its progress stays in the store); returns its name."""
        from ..reflect.challenge import stop

        return stop(self.store, self.clock())

    def dismiss_challenge_today(self) -> None:
        """Hide the challenge banner until tomorrow (local time)."""
        from ..core.periods import local_zone
        from ..reflect.challenge import dismiss_today

        dismiss_today(self.store, now=self.clock(), tz=local_zone())

    def challenge_json(self, state: ChallengeState) -> dict[str, object]:
        """Where a challenge is, as JSON (the shape `pln challenge --json` prints)."""
        from ..reflect.challenge import state_json

        return state_json(state)

    def challenge_text(self, state: ChallengeState) -> str:
        """Where a challenge is, in full, as `pln challenge` prints it (its text cleaned of
        escape sequences and control characters, dates in local time)."""
        from ..core.periods import local_zone
        from ..core.text import clean_text
        from ..reflect.challenge import state_text

        return state_text(state, tz=local_zone(), shown=lambda value: clean_text(value) or "")

    def challenge_line(self, state: ChallengeState) -> str:
        """One line on where a challenge is: its day, today's step and its progress (raw text:
        the face cleans it)."""
        from ..reflect.challenge import summary_line

        return summary_line(state)
