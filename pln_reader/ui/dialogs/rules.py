"""Filter rules: the rules there are (delete removes one), and a new rule, tested before it is saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from pln_reader.core.errors import PlnError
from pln_reader.core.rules import ACTIONS, KINDS, PREVIEW_DAYS, Rule, RulePreview
from pln_reader.core.text import plural

from ._base import Dialog, plain

TestRule = Callable[[str, str, str, str | None], RulePreview]
SaveRule = Callable[[str, str, str, str | None], Rule]
RemoveRule = Callable[[int], Rule]


def describe_preview(p: RulePreview) -> str:
    """The preview as a few lines: counts over the last days, then examples."""
    lines = [f"Of {plural(p.considered, 'link')} first seen in the last {PREVIEW_DAYS} days:"]
    if p.action == "mute":
        lines.append(f"it would hide {p.hidden}, keep {p.kept}.")
        groups = [("hide", p.matched_examples)]
    elif p.action == "keep":
        lines.append(f"it would keep {p.kept}, hide {p.hidden}.")
        groups = [("keep", p.matched_examples), ("hide", p.unmatched_examples[:3])]
    else:
        lines.append(f"it would mark words in {plural(p.matched, 'title')}.")
        groups = [("mark", p.matched_examples)]
    lines += [f"  {label}: {title}" for label, examples in groups for title, _ in examples]
    if p.timeouts:
        lines.append(f"The expression ran out of time on {plural(p.timeouts, 'link')} (not matched).")
    return "\n".join(lines)


class RulesDialog(Dialog[bool]):
    """Dismissed with True when a rule was saved or removed (the links to load again)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "test", "Test rule", id="dialog_test_rule"),
        Binding("ctrl+s", "submit", "Save rule", id="dialog_save"),
        Binding("delete", "remove", "Remove rule", id="dialog_remove_rule"),
    ]
    CANCEL_RESULT: ClassVar[object] = False

    def __init__(self, rules: Sequence[Rule], list_name: str | None, *, test: TestRule,
                 save: SaveRule, remove: RemoveRule) -> None:
        super().__init__()
        self._rules = list(rules)
        self._list_name = list_name
        self._test, self._save, self._remove = test, save, remove
        self._tested: tuple[str, str, str, str | None] | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static("Rules: mute, keep only, spotlight", classes="dialog-title")
            yield OptionList(id="rules", classes="dialog-list")
            with Horizontal(classes="dialog-row"):
                yield Label("Action")
                yield Select([(a, a) for a in ACTIONS], value="mute", allow_blank=False, id="action")
            with Horizontal(classes="dialog-row"):
                yield Label("Match")
                yield Select([(k, k) for k in KINDS], value="word", allow_blank=False, id="kind")
            with Horizontal(classes="dialog-row"):
                yield Label("Pattern")
                yield Input(id="pattern", placeholder="a word, phrase, regex, author, domain or @handle")
            scopes = [("every list", "")] + ([(self._list_name, self._list_name)] if self._list_name else [])
            with Horizontal(classes="dialog-row"):
                yield Label("For")
                yield Select(scopes, value=self._list_name or "", allow_blank=False, id="scope")
            yield Static("Test a rule to see what it would do before you save it.", id="preview",
                         classes="dialog-text")
            yield self.error_line()
            with Horizontal(classes="dialog-buttons"):
                yield Button("Test", id="test")
                yield Button("Save", variant="primary", id="submit", disabled=True)
                yield Button("Close", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._show_rules()
        self.query_one("#pattern", Input).focus()

    def _show_rules(self) -> None:
        box = self.query_one("#rules", OptionList)
        box.clear_options()
        if not self._rules:
            box.add_option(Option(Content.styled("no rules yet", "dim"), id="none", disabled=True))
        for rule in self._rules:
            hides = f" (hides {rule.hides})" if rule.action != "spotlight" else ""
            box.add_option(Option(plain(f"#{rule.id} {rule.describe()}{hides}"), id=str(rule.id)))

    def _form(self) -> tuple[str, str, str, str | None]:
        scope = str(self.query_one("#scope", Select).value or "")
        return (str(self.query_one("#action", Select).value), str(self.query_one("#kind", Select).value),
                self.query_one("#pattern", Input).value, scope or None)

    @on(Input.Changed, "#pattern")
    @on(Select.Changed)
    def _form_changed(self) -> None:
        # A rule is saved only as it was tested.
        self._tested = None
        self.query_one("#submit", Button).disabled = True

    @on(Button.Pressed, "#test")
    def _test_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_test()

    def action_test(self) -> None:
        """Show what the rule in the form would hide or keep; it can be saved after that."""
        form = self._form()
        try:
            preview = self._test(*form)
        except PlnError as exc:
            self.show_error(str(exc))
            return
        self.show_error(None)
        self.query_one("#preview", Static).update(plain(describe_preview(preview), multiline=True))
        self._tested = form
        self.query_one("#submit", Button).disabled = False

    def action_submit(self) -> None:
        """Enter: test the rule first; once tested (unchanged since), save it."""
        form = self._form()
        if self._tested != form:
            self.action_test()
            return
        try:
            rule = self._save(*form)
        except PlnError as exc:
            self.show_error(str(exc))
            return
        self.changed = True
        self._rules.append(rule)
        self._show_rules()
        self.query_one("#pattern", Input).value = ""
        self.query_one("#preview", Static).update(plain(f"Saved #{rule.id} {rule.describe()}."))

    def action_remove(self) -> None:
        """Delete the highlighted rule (the links it hid come back)."""
        box = self.query_one("#rules", OptionList)
        if box.highlighted is None or not self._rules:
            return
        option = box.get_option_at_index(box.highlighted)
        if option.id is None or not option.id.isdigit():
            return
        gone = self._remove(int(option.id))
        self.changed = True
        self._rules = [r for r in self._rules if r.id != gone.id]
        self._show_rules()
        self.query_one("#preview", Static).update(plain(f"Removed #{gone.id} {gone.describe()}."))

    def action_cancel(self) -> None:
        self.dismiss(self.changed)
