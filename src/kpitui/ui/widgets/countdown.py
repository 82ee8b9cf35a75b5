"""The standup's countdown per person: a deadline on a clock, not a count of timer callbacks.

The screen ticks once a second (one `set_interval(1, ...)` for the whole meeting, never reset from inside its own
callback) and each tick reads `remaining` off the clock, so a late tick never makes the meeting run slow and
moving to the next person only sets a new deadline. The clock is injectable (`KpituiApp.countdown_clock`):
tests move it forward instead of waiting two minutes."""

from __future__ import annotations

import math
from collections.abc import Callable

from textual.content import Content
from textual.widgets import Static

DEFAULT_SECONDS = 120
MIN_SECONDS = 10
STEP_SECONDS = 30


class Countdown:
    def __init__(self, seconds: int, clock: Callable[[], float]) -> None:
        self.seconds = max(MIN_SECONDS, seconds)
        self.clock = clock
        self.deadline = clock() + self.seconds
        self.paused_with: float | None = None  # seconds left when paused

    @property
    def paused(self) -> bool:
        return self.paused_with is not None

    @property
    def left(self) -> float:
        if self.paused_with is not None:
            return self.paused_with
        return max(0.0, self.deadline - self.clock())

    @property
    def remaining(self) -> int:
        """Whole seconds left, rounded up: 2:00 for the whole first second, 0 only when time is up."""
        return math.ceil(self.left - 1e-9)

    @property
    def over(self) -> bool:
        return not self.paused and self.remaining <= 0

    def restart(self) -> None:
        """A new person: the whole time again (still paused if it was)."""
        if self.paused_with is not None:
            self.paused_with = float(self.seconds)
        self.deadline = self.clock() + self.seconds

    def toggle(self) -> None:
        if self.paused_with is None:
            self.paused_with = self.left
        else:
            self.deadline = self.clock() + self.paused_with
            self.paused_with = None

    def change(self, delta: int) -> None:
        """More or less time per person, from now on and for the one speaking."""
        self.seconds = max(MIN_SECONDS, self.seconds + delta)
        if self.paused_with is not None:
            self.paused_with = max(0.0, self.paused_with + delta)
        else:
            self.deadline += delta


def clock_face(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class CountdownLabel(Static):
    """'⏱ 1:58' in the standup's head: red in the last 15 seconds, dim when paused."""

    def show(self, countdown: Countdown) -> None:
        left = countdown.remaining
        style = "dim" if countdown.paused else "bold red" if left <= 15 else "bold"
        suffix = "  paused (p)" if countdown.paused else f"  of {clock_face(countdown.seconds)}"
        self.update(Content.assemble(("⏱ ", ""), (clock_face(left), style), (suffix, "dim")))
