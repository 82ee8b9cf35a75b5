"""Bindings shared by the rep screens that show a period."""

from __future__ import annotations

from textual.binding import Binding

PERIOD_BINDINGS = [
    Binding("left_square_bracket", "app.shift_period(-1)", "Prev", key_display="[", id="period.previous",
            tooltip="the period before, same kind"),
    Binding("right_square_bracket", "app.shift_period(1)", "Next", key_display="]", id="period.next",
            tooltip="the period after, same kind"),
    Binding("w", "app.cycle_period_kind", "Wk/Mo/Qtr", id="period.kind",
            tooltip="week → month → quarter"),
    Binding("t", "app.this_period", "Today", id="period.current", tooltip="back to the one with today"),
]

QUIET_PERIOD_BINDINGS = [
    Binding(b.key, b.action, b.description, show=b.key == "w", key_display=b.key_display, id=b.id,
            tooltip=b.tooltip) for b in PERIOD_BINDINGS
]
"""The same keys where the footer is crowded: only `w` shown, all of them in the help screen."""
