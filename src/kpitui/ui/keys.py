"""Bindings shared by the rep screens that show a period."""

from __future__ import annotations

from textual.binding import Binding

# `[`, `]` and `w` share one footer entry ("[ ] w Period"), and `t` is in the help only, so the footer of a rep
# screen keeps `? q` in view at 80 columns.
PREV_NEXT = Binding.Group("Period")
PERIOD_BINDINGS = [
    Binding("left_square_bracket", "app.shift_period(-1)", "Prev", key_display="[", id="period.previous",
            tooltip="the period before, same kind", group=PREV_NEXT),
    Binding("right_square_bracket", "app.shift_period(1)", "Next", key_display="]", id="period.next",
            tooltip="the period after, same kind", group=PREV_NEXT),
    Binding("w", "app.cycle_period_kind", "Wk/Mo/Qtr", id="period.kind",
            tooltip="week → month → quarter", group=PREV_NEXT),
    Binding("t", "app.this_period", "This period", show=False, id="period.current",
            tooltip="back to the week / month / quarter with today in it"),
]

QUIET_PERIOD_BINDINGS = [
    Binding(b.key, b.action, b.description, show=b.key == "w", key_display=b.key_display, id=b.id,
            tooltip=b.tooltip) for b in PERIOD_BINDINGS
]
"""The same keys where the footer is crowded: only `w` shown, all of them in the help screen."""

HIDDEN_PERIOD_BINDINGS = [
    Binding(b.key, b.action, b.description, show=False, key_display=b.key_display, id=b.id, tooltip=b.tooltip)
    for b in PERIOD_BINDINGS
]
"""The same keys on a screen that names them itself (the activity list's filter bar says `[ ] w`)."""
