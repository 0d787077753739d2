"""Reflection, as the faces ask for it: the weekly report and the list review, and their formats."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ..core.config import Settings
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

    def render_report(self, report: WeeklyReport, fmt: str, *, author: str = "pln_reader",
                      style: str | None = None, intro: str | None = None,
                      include: Iterable[str] | None = None, template: Path | None = None) -> bytes:
        """The report as ``md``, ``html``, ``json`` or ``atom``, in UTF-8, in ``style`` (post or
        report). What is not given comes from the ``[learned]`` settings; ``template`` is the
        user's own template file (else ``[learned] template`` when its name says ``fmt``)."""
        from ..reflect.render import render

        learned = self._settings().learned
        if include is None:
            include = [learned.include] if learned.include else []
        return render(report, fmt, author=author, style=style or learned.style,
                      intro=learned.intro if intro is None else intro, include=include,
                      template=template or self.learned_template(fmt))

    def write_report(self, path: Path, data: bytes, fmt: str) -> None:
        """Write an export of the weekly list to ``path`` (whole, or not at all) and record that
        it was written (a challenge's ``weekly_list_written`` counts these)."""
        from ..core.files import write_atomically

        write_atomically(path, data)
        self._as_reflected()._record_activity("weekly_list_written", detail=fmt)

    def report_links(self, report: WeeklyReport, fmt: str, *, style: str | None = None,
                     include: Iterable[str] | None = None) -> int:
        """How many links the export lists: the post's (annotated or shared, ``include`` read),
        or every link of the report (JSON is always the whole report)."""
        from ..reflect.learned import post_items

        learned = self._settings().learned
        if fmt == "json" or (style or learned.style) != "post":
            return len(report.items)
        if include is None:
            include = [learned.include] if learned.include else []
        return len(post_items(report, include))

    def learned_template(self, fmt: str) -> Path | None:
        """The ``[learned] template`` file if it is set and its name says ``fmt`` (a name that
        says no format is taken as Markdown)."""
        from ..reflect.templating import format_of

        settings = self._settings()
        if not settings.learned.template or fmt == "json":
            return None
        path = Path(settings.learned.template).expanduser()
        if not path.is_absolute():
            path = settings.home / path
        return path if (format_of(path) or "md") == fmt else None

    def _settings(self) -> Settings:
        return self._as_reflected().settings

    def review(self, days: int) -> Review:
        """The list review of the last ``days`` days."""
        from ..reflect.report import build_review

        return build_review(self._as_reflected(), days)

    def render_review(self, review: Review, fmt: str = "text") -> str:
        """The review as ``text`` for a terminal or as ``json``."""
        from ..reflect.review_render import render_review

        return render_review(review, fmt)
