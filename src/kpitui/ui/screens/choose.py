"""Pick one from a short list (a team, a KPI to sort by): a modal OptionList that returns the chosen value.

Labels may be user text (team names): they become `Content`, never markup."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kpitui.ui.show import plain

NOTHING = "\x00"
"""The value of an option meaning 'none of them' (all teams), distinct from a cancelled choice (None)."""


class ChooseOne(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None) -> None:
        """options: (value, label)."""
        super().__init__(classes="choose")
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="choose", classes="menu") as box:
            box.border_title = plain(self.title_text)
            box.border_subtitle = "↑/↓ Enter · esc"
            yield OptionList(*(Option(Content(plain(label)), id=str(index))
                               for index, (_value, label) in enumerate(self.options)), id="choose-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _ in self.options]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()

    @on(OptionList.OptionSelected, "#choose-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[int(event.option.id or 0)][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
