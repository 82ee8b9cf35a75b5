"""Horizontal bars drawn on whole terminal rows with plotext, for the leaderboard chart and the funnel charts.

plotext's own `bar` / `multiple_bar` round a bar's edges onto the neighbouring rows: labels drifted off their bars,
an empty row appeared, bars merged with no gap (in a browser too). Here every bar is a run of full rows drawn as
lines (`█`), each label sits on its group's middle row, groups are at least one blank row apart, and the plot is
exactly as tall as its bars (the widget pads the rest): the same picture at 80x24, 200x50 and in a browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual_plotext.plot import Plot

FRAME_ROWS = 3  # the plot's top and bottom lines and the x tick labels
MAX_SLOT = 12  # rows per group, gap included: thicker bars say nothing more
COMPACT_BLOCK = "▆"


@dataclass(frozen=True)
class Layout:
    """Canvas rows counted from the top: `shown` groups, one every `slot` rows, each `thick` rows, made of
    `series` bars of `thick // series` rows; a group's label is on its middle row."""

    shown: int
    slot: int
    thick: int
    series: int = 1
    compact: bool = False  # no blank row between groups: bars drawn with `▆`, which leaves a gap in the row

    @property
    def block(self) -> str:
        return COMPACT_BLOCK if self.compact else "█"

    @property
    def rows(self) -> int:
        return 0 if not self.shown else (self.shown - 1) * self.slot + self.thick

    def bar_rows(self, index: int, series: int | None = None) -> list[int]:
        """The rows of group `index` (of one of its series when given)."""
        if series is None:
            return [index * self.slot + j for j in range(self.thick)]
        per = self.thick // self.series
        return [index * self.slot + series * per + j for j in range(per)]

    def label_row(self, index: int) -> int:
        return index * self.slot + (self.thick - 1) // 2


def layout(count: int, canvas: int, series: int = 1) -> Layout:
    """As many groups as fit with a blank row between them (the first ones), as thick as the room allows up to
    MAX_SLOT rows a group, about a third of each slot left blank. When that leaves some out and more fit
    without the blank rows, one row a bar, compact (each bar's block leaves its own gap)."""
    spaced = _spaced(count, canvas, series)
    compact = min(count, max(0, canvas) // series)
    if spaced.shown < count and compact > spaced.shown:
        return Layout(compact, series, series, series, compact=True)
    return spaced


def _spaced(count: int, canvas: int, series: int) -> Layout:
    shown = max(0, min(count, (canvas + 1) // (series + 1)))
    if shown == 0:
        return Layout(0, 1, series, series)
    if shown == 1:
        per = max(1, min(canvas, MAX_SLOT - 2) // series)
        return Layout(1, per * series + 1, per * series, series)
    slot = min(MAX_SLOT, max(series + 1, (canvas + 1) // shown))
    while True:
        per = max(1, (slot - max(1, round(slot / 3))) // series)
        if (shown - 1) * slot + per * series <= canvas or slot <= series + 1:
            return Layout(shown, slot, per * series, series)
        slot -= 1


@dataclass(frozen=True)
class Markers:
    """A marker on some groups' label row (targets): its x per group (None: none), the character, the colour."""

    values: Sequence[float | None]
    marker: str
    color: str


def draw_rows(plt: Plot, labels: Sequence[str], series: Sequence[tuple[Sequence[float], str]], height: int,
              markers: Sequence[Markers] = (), fit: Layout | None = None) -> Layout:
    """The bars on `plt` for a widget `height` rows high (the plot's size is set by `picture`); `fit`: a
    layout chosen by the caller (else `layout`)."""
    plt.clear_data()
    plt.clear_figure()
    fit = fit or layout(len(labels), height - FRAME_ROWS, max(1, len(series)))
    if not fit.shown:
        return fit
    top = fit.rows - 1  # plotext counts rows from the bottom
    centres = [top - fit.label_row(i) for i in range(fit.shown)]
    for number, (values, color) in enumerate(series):
        for i, value in enumerate(values[:fit.shown]):
            if value > 0:
                for row in fit.bar_rows(i, number):
                    plt.plot([0, value], [top - row, top - row], marker=fit.block, color=color)
    for marked in markers:
        points = [(x, centres[i]) for i, x in enumerate(marked.values[:fit.shown]) if x is not None]
        if points:
            plt.scatter([x for x, _ in points], [y for _, y in points], marker=marked.marker, color=marked.color)
    plt.yticks(centres, list(labels[:fit.shown]))
    plt.ylim(0, max(top, 1))
    highest = max([*(v for values, _c in series for v in values[:fit.shown]),
                   *(x for m in markers for x in m.values[:fit.shown] if x is not None)], default=0)
    ticks = nice_ticks(highest)
    plt.xlim(0, max(ticks[-1], highest * 1.05))
    plt.xticks(ticks, [tick_label(t) for t in ticks])
    return fit


def picture(plt: Plot, fit: Layout, width: int, height: int, theme: str) -> Text | None:
    """What `draw_rows` drew, as tall as its bars, padded with blank rows to `height`."""
    if width <= 0 or height <= 0 or not fit.shown:
        return None
    rows = fit.rows + FRAME_ROWS
    plt.plotsize(width, rows)
    plt._set_size(width, rows)  # as PlotextPlot.render does (textual-plotext issue 5)
    plt.theme(theme)
    text = Text.from_ansi(plt.build())
    text.append("\n" * max(0, height - rows))
    return text


def nice_ticks(highest: float) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 × 10^k) up to the first at or above `highest`: 0 50 100 150,
    not plotext's 0.0 27.4 54.7."""
    if highest <= 0:
        return [0.0, 1.0]
    rough = highest / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    count = math.ceil(highest / step - 1e-9)
    return [i * step for i in range(count + 1)]


def tick_label(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:.2f}".rstrip("0").rstrip(".")
