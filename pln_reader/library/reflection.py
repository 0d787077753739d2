"""Reflection, as the faces ask for it: the weekly report and the list review, and their formats."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ..core.periods import Period
    from ..reflect.report import Library, Review, WeeklyReport


class ReflectionMixin:
    """The weekly "what I learned" report and the list review (the engine is :mod:`pln_reader.reflect`)."""

    def _as_reflected(self) -> Library:
        # The facade that mixes this in has what the engine reads (reflect.report.Library).
        return cast("Library", self)

    def weekly_report(self, period: Period | None, *, list_name: str | None = None) -> WeeklyReport:
        """What happened in ``period`` (None: the whole history), for one list or all."""
        from ..reflect.report import build_history, build_weekly

        if period is None:
            return build_history(self._as_reflected(), list_name=list_name)
        return build_weekly(self._as_reflected(), period, list_name=list_name)

    def render_report(self, report: WeeklyReport, fmt: str, *, author: str = "pln_reader") -> bytes:
        """The report as ``md``, ``html``, ``json`` or ``atom``, in UTF-8."""
        from ..reflect.render import render

        return render(report, fmt, author=author)

    def review(self, days: int) -> Review:
        """The list review of the last ``days`` days."""
        from ..reflect.report import build_review

        return build_review(self._as_reflected(), days)

    def render_review(self, review: Review, fmt: str = "text") -> str:
        """The review as ``text`` for a terminal or as ``json``."""
        from ..reflect.review_render import render_review

        return render_review(review, fmt)
