"""Challenges of small steps: a TOML file of one step a day, each met by what the user does.

A challenge file has ``[challenge]`` (name, title, days, minutes_per_day) and ``[[step]]`` tables
(day, title, text, check, and optionally n, the count the check needs: 1 by default). Each check
counts events recorded since the challenge started (:mod:`pln_reader.store.challenges`), never
the state of the library. Day N of a challenge starts at the local midnight N-1 days after the
local day it started on, in the zone the user is in now.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from ..core.errors import InputError
from ..core.models import NETWORKS, PROFESSIONAL_CHANNELS
from ..core.periods import period_between
from ..core.text import plural
from ..store import challenges as sql
from ..store.db import Storage, from_db

BUILT_IN = Path(__file__).parent / "challenges"
"""The challenges that ship with pln (package data)."""

DEFAULT = "connected-30"

CHECKS = ("list_with_purpose", "sources_added", "social_source_added", "skim_days_on_budget", "saved",
          "read_in_full", "note", "highlight", "shared", "shared_on_professional_channel",
          "weekly_list_written", "source_pruned", "applied")
"""What a step can ask for; each takes ``n`` (how many; 1 by default)."""

_CHALLENGE_KEYS = ("name", "title", "days", "minutes_per_day")
_STEP_KEYS = ("day", "title", "text", "check", "n")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class Step:
    day: int
    title: str
    text: str
    check: str
    n: int = 1


@dataclass(frozen=True, slots=True)
class Challenge:
    name: str
    title: str
    days: int
    minutes_per_day: int
    steps: tuple[Step, ...]
    origin: str
    """``built-in`` or the path of the user's file."""
    definition: str
    """The file's text (a run keeps it as it was when started)."""


# -- reading challenge files ---------------------------------------------------------------


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def parse_challenge(text: str, origin: str) -> Challenge:
    """A challenge from its TOML text; InputError (one line naming ``origin``, the step and what
    is allowed) when it is not one."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{origin}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"challenge", "step"})
    if unknown:
        raise InputError(f"{origin}: unknown table {unknown[0]!r}; allowed: challenge, step")
    head = data.get("challenge")
    if not isinstance(head, dict):
        raise InputError(f"{origin}: needs a [challenge] table with {', '.join(_CHALLENGE_KEYS)}")
    extra = sorted(set(head) - set(_CHALLENGE_KEYS))
    if extra:
        raise InputError(f"{origin}: [challenge] has an unknown key {extra[0]!r}; allowed: "
                         f"{', '.join(_CHALLENGE_KEYS)}")
    name, title = head.get("name"), head.get("title")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(f"{origin}: [challenge] name must be lower-case letters, digits, - and _ "
                         f"(such as connected-30), not {name!r}")
    if not isinstance(title, str) or not title.strip():
        raise InputError(f"{origin}: [challenge] needs a title (text)")
    days, minutes = head.get("days"), head.get("minutes_per_day")
    if not _whole(days, 1, MAX_DAYS):
        raise InputError(f"{origin}: [challenge] days must be a whole number from 1 to {MAX_DAYS}, "
                         f"not {days!r}")
    if not _whole(minutes, 1, 24 * 60):
        raise InputError(f"{origin}: [challenge] minutes_per_day must be a whole number from 1 to "
                         f"1440, not {minutes!r}")
    assert isinstance(days, int) and isinstance(minutes, int)
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise InputError(f"{origin}: needs [[step]] tables, each with day, title, text and check")
    steps: dict[int, Step] = {}
    for number, raw in enumerate(raw_steps, 1):
        step = _step(raw, f"{origin}: step {number}", days)
        if step.day in steps:
            raise InputError(f"{origin}: step {number}: day {step.day} has a step already (one a day)")
        steps[step.day] = step
    return Challenge(name, title.strip(), days, minutes, tuple(sorted(steps.values(), key=lambda s: s.day)),
                     origin, text)


def _step(raw: object, where: str, days: int) -> Step:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: not a table; use [[step]] with day, title, text and check")
    extra = sorted(set(raw) - set(_STEP_KEYS))
    if extra:
        raise InputError(f"{where}: unknown key {extra[0]!r}; allowed: {', '.join(_STEP_KEYS)}")
    day, check, n = raw.get("day"), raw.get("check"), raw.get("n", 1)
    if not _whole(day, 1, days):
        raise InputError(f"{where}: day must be a whole number from 1 to {days}, not {day!r}")
    where = f"{where} (day {day})"
    for key in ("title", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InputError(f"{where}: needs a {key} (text)")
    if check not in CHECKS:
        what = f"unknown check {check!r}" if check is not None else "needs a check"
        raise InputError(f"{where}: {what}; allowed: {', '.join(CHECKS)}")
    if not _whole(n, 1, 10_000):
        raise InputError(f"{where}: n must be a whole number from 1 to 10000, not {n!r}")
    assert isinstance(day, int) and isinstance(check, str) and isinstance(n, int)
    return Step(day, " ".join(raw["title"].split()), " ".join(raw["text"].split()), check, n)


@functools.lru_cache(maxsize=4)
def _stored(text: str, origin: str) -> Challenge:
    """A running challenge's file, read once (the UI asks for it at every key that changes a
    count)."""
    return parse_challenge(text, origin)


def read_challenge(path: Path, origin: str | None = None) -> Challenge:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the challenge: {getattr(exc, 'strerror', None) or exc}"
                         ) from None
    return parse_challenge(text, origin or str(path))


def user_folder(home: Path) -> Path:
    return home / "challenges"


def available(home: Path) -> tuple[list[Challenge], list[str]]:
    """Built-in and user challenges (a user file of the same name comes instead of the built-in
    one), by name; and the problems of user files that are not challenges (one line each)."""
    found: dict[str, Challenge] = {}
    problems: list[str] = []
    for path in sorted(BUILT_IN.glob("*.toml")):
        challenge = read_challenge(path, "built-in")
        found[challenge.name] = challenge
    folder = user_folder(home)
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        try:
            challenge = read_challenge(path)
        except InputError as exc:
            problems.append(str(exc))
            continue
        found[challenge.name] = challenge
    return [found[name] for name in sorted(found)], problems


def find(home: Path, name: str) -> Challenge:
    """A challenge by name (user challenges first), or from a ``.toml`` file's path."""
    path = Path(name).expanduser()
    if name.endswith(".toml") or "/" in name:  # a file, not a name (names have no dot or slash)
        if not path.is_file():
            raise InputError(f"{path}: no such challenge file")
        return read_challenge(path)
    user = user_folder(home)
    for candidate in (user / f"{name}.toml", BUILT_IN / f"{name}.toml"):
        if candidate.is_file():
            found = read_challenge(candidate, None if candidate.parent == user else "built-in")
            if found.name == name:
                return found
    challenges, _ = available(home)
    for challenge in challenges:
        if challenge.name == name:
            return challenge
    names = ", ".join(c.name for c in challenges)
    raise InputError(f"no challenge named {name!r}; there are: {names} (see `pln challenge list`)")


# -- where a run is ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepState:
    step: Step
    count: int
    """How much of what the check counts has happened since the start (at most ``step.n``)."""
    met_at: datetime | None

    @property
    def done(self) -> bool:
        return self.met_at is not None


@dataclass(frozen=True, slots=True)
class ChallengeState:
    challenge: Challenge
    started_on: date
    started_at: datetime
    day: int
    """Today's day of the challenge (1 on the day it started; 0 or less before it starts)."""
    today: StepState | None
    """The step of today, if there is one."""
    open: tuple[StepState, ...]
    """Earlier steps not done yet, oldest first."""
    done: tuple[StepState, ...]
    """Steps met, in day order."""
    dismissed_today: bool

    @property
    def finished(self) -> bool:
        return self.day > self.challenge.days

    @property
    def steps_reached(self) -> int:
        return sum(1 for s in self.challenge.steps if s.day <= self.day)


def local_day(at: datetime, tz: tzinfo | None) -> date:
    """The local date of ``at`` (``tz`` None: the system's local time)."""
    return at.astimezone(tz).date()


def local_midnight(day: date, tz: tzinfo | None) -> datetime:
    """The local midnight that starts ``day``, in UTC."""
    start = period_between(day, day, tz).start
    assert start is not None
    return start


Counter = Callable[[Storage, datetime, tzinfo | None, Sequence[str], int], list[datetime]]
"""(store, since, zone, professional channels, n) -> the times of the first n events."""


def _skim_days(store: Storage, since: datetime, tz: tzinfo | None) -> list[datetime]:
    """When each local day's skim of some list first reached that list's budget."""
    totals: dict[tuple[int, date], int] = {}
    reached: dict[date, datetime] = {}
    for list_id, started, seconds, budget in sql.budget_skims(store, since):
        day = local_day(started, tz)
        totals[list_id, day] = totals.get((list_id, day), 0) + seconds
        if totals[list_id, day] >= budget * 60 and day not in reached:
            reached[day] = started + timedelta(seconds=seconds)
    return sorted(reached.values())


_COUNTERS: dict[str, Counter] = {
    "list_with_purpose": lambda s, t, z, p, n: sql.activity_times(s, "list_purpose", t, limit=n),
    "sources_added": lambda s, t, z, p, n: sql.activity_times(s, "source_added", t, limit=n),
    "social_source_added": lambda s, t, z, p, n: sql.activity_times(
        s, "source_added", t, details=tuple(NETWORKS), limit=n),
    "skim_days_on_budget": lambda s, t, z, p, n: _skim_days(s, t, z),
    "saved": lambda s, t, z, p, n: sql.link_event_times(s, "saved", t, limit=n),
    "read_in_full": lambda s, t, z, p, n: sql.activity_times(s, "read_in_reader", t, limit=n),
    "note": lambda s, t, z, p, n: sql.annotation_times(s, "note", t, limit=n),
    "highlight": lambda s, t, z, p, n: sql.annotation_times(s, "highlight", t, limit=n),
    "shared": lambda s, t, z, p, n: sql.share_times(s, t, limit=n),
    "shared_on_professional_channel": lambda s, t, z, p, n: sql.share_times(s, t, channels=p, limit=n),
    "weekly_list_written": lambda s, t, z, p, n: sql.activity_times(s, "weekly_list_written", t,
                                                                    limit=n),
    "source_pruned": lambda s, t, z, p, n: sql.activity_times(s, "source_pruned", t, limit=n),
    "applied": lambda s, t, z, p, n: sql.applied_times(s, t, limit=n),
}


def count_check(store: Storage, check: str, since: datetime, n: int, *, now: datetime,
                tz: tzinfo | None, professional: Sequence[str] = PROFESSIONAL_CHANNELS
                ) -> tuple[int, datetime | None]:
    """How many of what ``check`` counts happened since ``since`` (at most ``n``), and when the
    n-th did (None: not yet)."""
    times = _COUNTERS[check](store, since, tz, professional, n)
    return min(len(times), n), times[n - 1] if len(times) >= n else None


def start(store: Storage, challenge: Challenge, *, on: date | None, now: datetime,
          tz: tzinfo | None) -> None:
    """Start ``challenge`` on the local day ``on`` (default today): its events count from that
    day's midnight."""
    first = on or local_day(now, tz)
    sql.start_run(store, name=challenge.name, definition=challenge.definition, origin=challenge.origin,
                  started_on=first.isoformat(), started_at=local_midnight(first, tz))


def current(store: Storage, *, now: datetime, tz: tzinfo | None,
            professional: Sequence[str] = PROFESSIONAL_CHANNELS) -> ChallengeState | None:
    """Where the running challenge is today (None when none runs); steps reached and met since
    the last look are recorded as met, with the time the check was met."""
    run = sql.running(store)
    if run is None:
        return None
    challenge = _stored(run["definition"], run["origin"])
    started_on = date.fromisoformat(run["started_on"])
    started_at = from_db(run["started_at"])
    assert started_at is not None
    today = local_day(now, tz)
    day = (today - started_on).days + 1
    met = sql.steps_met(store, run["id"])
    states: list[StepState] = []
    newly: dict[int, datetime] = {}
    for step in challenge.steps:
        if step.day > day:
            break
        if step.day in met:
            states.append(StepState(step, step.n, met[step.day]))
            continue
        count, met_at = count_check(store, step.check, started_at, step.n, now=now, tz=tz,
                                    professional=professional)
        if met_at is not None:
            newly[step.day] = met_at
        states.append(StepState(step, count, met_at))
    sql.mark_met(store, run["id"], newly)
    todays = next((s for s in states if s.step.day == day), None)
    return ChallengeState(
        challenge=challenge, started_on=started_on, started_at=started_at, day=day, today=todays,
        open=tuple(s for s in states if not s.done and s.step.day < day),
        done=tuple(s for s in states if s.done), dismissed_today=run["dismissed_on"] == today.isoformat())


def stop(store: Storage, now: datetime) -> str:
    """Stop the running challenge; returns its name."""
    run = sql.running(store)
    if run is None:
        raise InputError("no challenge is running (`pln challenge start` starts one)")
    sql.stop_run(store, run["id"], now)
    return str(run["name"])


def dismiss_today(store: Storage, *, now: datetime, tz: tzinfo | None) -> None:
    """Hide the running challenge's banner until the next local day."""
    run = sql.running(store)
    if run is None:
        raise InputError("no challenge is running")
    sql.dismiss(store, run["id"], local_day(now, tz).isoformat())


def summary_line(state: ChallengeState) -> str:
    """One line: the challenge, its day, today's step and its progress (plain text, not escaped:
    the caller cleans it for where it goes)."""
    c = state.challenge
    if state.day < 1:
        return f"{c.title}: starts on {state.started_on.isoformat()}"
    head = f"{c.name} · day {min(state.day, c.days)}/{c.days}"
    if state.finished:
        head = f"{c.name} · finished ({len(state.done)}/{len(c.steps)} steps done)"
    parts = [head]
    if state.today is not None and not state.finished:
        t = state.today
        mark = "done" if t.done else f"{t.count}/{t.step.n}"
        parts.append(f"today: {t.step.title} ({mark})")
    elif not state.finished:
        parts.append("no new step today")
    if state.open:
        parts.append(f"{len(state.open)} earlier step{'s' if len(state.open) != 1 else ''} open")
    return " · ".join(parts)


def state_json(state: ChallengeState) -> dict[str, object]:
    """The state as JSON (documented in the README)."""

    def step_json(s: StepState) -> dict[str, object]:
        return {"day": s.step.day, "title": s.step.title, "text": s.step.text, "check": s.step.check,
                "n": s.step.n, "count": s.count, "done": s.done,
                "met_at": s.met_at.isoformat() if s.met_at else None}

    c = state.challenge
    return {"name": c.name, "title": c.title, "origin": c.origin, "days": c.days,
            "minutes_per_day": c.minutes_per_day, "started_on": state.started_on.isoformat(),
            "day": state.day, "finished": state.finished,
            "today": step_json(state.today) if state.today else None,
            "open": [step_json(s) for s in state.open], "done": [step_json(s) for s in state.done],
            "steps": len(c.steps), "steps_reached": state.steps_reached}


def state_text(state: ChallengeState, *, tz: tzinfo | None, shown: Callable[[str], str]) -> str:
    """Where a challenge is, as `pln challenge` prints it: its day, the open steps of earlier
    days, today's step with its guidance, and the steps done with the day each was met. Every
    piece of challenge text goes through ``shown`` (the face's cleaner for where it goes)."""

    def met(s: StepState) -> str:
        return local_day(s.met_at, tz).isoformat() if s.met_at else ""

    def step_lines(s: StepState, *, with_text: bool) -> list[str]:
        mark = f"done {met(s)}" if s.done else f"{s.count}/{s.step.n}"
        lines = [f"  day {s.step.day:>2}  {shown(s.step.title)} ({mark})"]
        if with_text:
            lines.append(f"          {shown(s.step.text)}")
        return lines

    c = state.challenge
    lines = [(f"{shown(c.title)} ({shown(c.name)}): {c.minutes_per_day} minutes a day, "
             f"started {state.started_on.isoformat()}")]
    if state.day < 1:
        lines.append(f"it starts on {state.started_on.isoformat()}: day 1 is "
                     f"{plural(1 - state.day, 'day')} away")
        return "\n".join(lines)
    if state.finished:
        lines.append(f"the {c.days} days are over: {len(state.done)} of {len(c.steps)} steps done "
                     "(`pln challenge stop` ends it)")
    else:
        lines.append(f"day {state.day} of {c.days}")
    if state.open:
        lines.append("open from earlier days:")
        for s in state.open:
            lines += step_lines(s, with_text=True)
    if not state.finished:
        if state.today is not None:
            lines.append("today:")
            lines += step_lines(state.today, with_text=True)
        else:
            lines.append("today: no new step")
    done = [s for s in state.done if s is not state.today]
    if done:
        lines.append("done:")
        for s in done:
            lines += step_lines(s, with_text=False)
    return "\n".join(lines)
