"""What the sources screen and the review screen do to a source: remove it (after asking),
mute or unmute it, move it to another list; ``u`` undoes a mute or a move."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...core.errors import PlnError
from ...core.text import plural

if TYPE_CHECKING:
    from ...core.models import Source
    from ..app import PlnApp


@dataclass(frozen=True, slots=True)
class SourceUndo:
    label: str
    run: Callable[[], object]


class SourceActionsMixin:
    """Needs :meth:`current_source` (the source under the cursor) and :meth:`reload`."""

    app: PlnApp
    source_undo: list[SourceUndo]
    from_list: str | None = None
    """Moving takes the source out of this list (None: out of every other list)."""

    if TYPE_CHECKING:
        def notify(self, message: str, **kwargs: Any) -> None: ...

    def current_source(self) -> Source | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def _fail(self, exc: PlnError) -> None:
        self.notify(str(exc), severity="error", markup=False)

    def action_remove_source(self) -> None:
        from ..dialogs.confirm import ConfirmDialog

        source = self.current_source()
        if source is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.library.remove_source(str(source.id))
            except PlnError as exc:
                self._fail(exc)
                return
            self.notify(f"removed {source.label}", markup=False)
            self.reload()

        self.app.push_screen(ConfirmDialog(
            f"Remove the source {source.label} and its {plural(source.entries, 'entry', 'entries')}? Links you saved, "
            "annotated or shared stay. This cannot be undone (add it again with a).",
            yes="Remove", no="Keep"), confirmed)

    def action_mute_source(self) -> None:
        source = self.current_source()
        if source is None:
            return
        library = self.app.library
        muted = source.active
        try:
            library.mute_source(str(source.id), muted=muted)
        except PlnError as exc:
            self._fail(exc)
            return
        verb = "muted" if muted else "unmuted"
        self.source_undo.append(SourceUndo(f"{verb} {source.label}",
                                           lambda: library.mute_source(str(source.id), muted=not muted)))
        self.notify(f"{verb} {source.label}" + (": not fetched until unmuted (u undoes)" if muted else ""),
                    markup=False)
        self.reload()

    def action_move_source(self) -> None:
        from ..dialogs.choose import ChoiceDialog

        source = self.current_source()
        if source is None:
            return
        library = self.app.library
        names = [t.name for t in library.lists() if t.name != self.from_list]
        if not names:
            self.notify("no other list to move it to: L makes one on the main screen")
            return
        before = source.lists

        def chosen(index: int | None) -> None:
            if index is None:
                return
            target = names[index]
            try:
                library.move_source(str(source.id), to_list=target, from_list=self.from_list)
            except PlnError as exc:
                self._fail(exc)
                return
            back = self.from_list or (before[0] if len(before) == 1 else None)
            if back is not None and target not in before:
                self.source_undo.append(SourceUndo(
                    f"moved {source.label} to {target}",
                    lambda: library.move_source(str(source.id), to_list=back, from_list=target)))
                self.notify(f"moved {source.label} to {target} (u undoes)", markup=False)
            else:
                self.notify(f"moved {source.label} to {target}", markup=False)
            self.reload()

        where = f" (out of {self.from_list})" if self.from_list else ""
        self.app.push_screen(ChoiceDialog(f"Move to the list{where}", names, subject=source.label), chosen)

    def action_undo_source(self) -> None:
        if not self.source_undo:
            self.notify("nothing to undo")
            return
        undo = self.source_undo.pop()
        try:
            undo.run()
        except PlnError as exc:
            self._fail(exc)
            return
        self.notify(f"undone: {undo.label}", markup=False)
        self.reload()
