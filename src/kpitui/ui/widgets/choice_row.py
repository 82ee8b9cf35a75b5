"""A one-line choice whose options each have a key ('c Call  e Email  m Meeting ...').

The keys themselves are bindings of the screen (so they work from anywhere but a text field); the row can
take focus and then left/right move the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class ChoiceRow(Widget, can_focus=True):
    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
    ]

    value: reactive[str] = reactive("")

    @dataclass
    class Changed(Message):
        row: ChoiceRow
        value: str

        @property
        def control(self) -> ChoiceRow:
            return self.row

    def __init__(self, options: list[tuple[str, str, str]], value: str, *, id: str | None = None) -> None:  # noqa: A002
        """options: (value, key shown, label)."""
        super().__init__(id=id, classes="choice-row")
        self.options = options
        self.set_reactive(ChoiceRow.value, value)

    def render(self) -> Content:
        parts: list[Content] = []
        for value, key, label in self.options:
            style = "reverse bold" if value == self.value else ""
            parts.append(Content.assemble((key, "bold $text-accent"), " ", (label, style)))
        return Content("  ").join(parts)

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        values = [v for v, _, _ in self.options]
        index = values.index(self.value) if self.value in values else 0
        self.value = values[(index + delta) % len(values)]
