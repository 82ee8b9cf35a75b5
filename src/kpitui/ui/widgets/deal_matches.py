"""The deals a typed text matches, to pick one with ↑↓ and Enter (the activity form's deal field).

Hidden while the text names one deal or none; shown, listing each match's label, when it names several.
Labels are user text: options are `Content`, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kpitui.domain.records import DealRecord
from kpitui.ui.show import plain


class DealMatches(OptionList):
    DEFAULT_CSS = """
    DealMatches {
        display: none;
        height: auto;
        max-height: 6;
        margin-left: 10;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    DealMatches.-shown {
        display: block;
    }
    """

    @dataclass
    class Picked(Message):
        deal: DealRecord

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, compact=True, markup=False)
        self.matches: list[DealRecord] = []

    def show(self, matches: list[DealRecord]) -> None:
        """List `matches` (none or one: hide)."""
        self.matches = matches if len(matches) > 1 else []
        self.clear_options()
        for deal in self.matches:
            amount = "" if deal.amount is None else f"  {deal.amount:,.0f}"
            self.add_option(Option(Content.assemble(plain(deal.label), (f"  {plain(deal.stage)}{amount}",
                                                                         "$text-muted")), id=str(deal.id)))
        self.set_class(bool(self.matches), "-shown")
        if self.matches:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.matches):
            self.post_message(self.Picked(self.matches[index]))
