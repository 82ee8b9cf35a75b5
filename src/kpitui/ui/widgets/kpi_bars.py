"""One KPI across the reps of the leaderboard as horizontal plotext bars, each rep's target marked with ┃.

Drawn so that it reads the same at 80x24, 200x50 and in a browser: every bar is a whole number of rows (plotext's
own `bar` rounds a bar's edges onto its neighbours' rows, so labels drifted from their bars and bars merged),
each label sits on its bar's middle row, one blank row at least between bars, no title or legend inside the
plot (the panel's title and subtitle say what it shows: `title`, `LEGEND`), and bars that do not fit are left
out ("top N of M" in the title) rather than squeezed. The target markers are drawn over the bars.

The plotted numbers stay on the widget (`labels`, `values`, `targets`) so tests read the chart's data, not
its pixels; `rows` says where each label and bar were drawn."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import RenderResult
from textual_plotext.plot import Plot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Leaderboard
from kpitui.ui.show import plain
from kpitui.ui.widgets.prebuilt_plot import Picture, PlotSpec, PrebuiltPlot

LABEL_WIDTH = 12
MAX_BARS = 20
FRAME_ROWS = 3  # the plot's top and bottom lines and the x tick labels
MAX_SLOT = 12  # rows per bar, gap included: thicker bars say nothing more
TARGET, DERIVED_TARGET = "┃", "┆"
LEGEND = f"{TARGET} target · {DERIVED_TARGET} derived"


def chart_number(key: str, value: object) -> float | None:
    """What a bar shows: money in currency units, ratios (and the score) in percent."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if key == "score" or KPIS[key].unit == "ratio":
        return round(number * 100, 1)
    return number


def short_name(name: str) -> str:
    text = plain(name)
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


@dataclass(frozen=True)
class Bars:
    """What the chart plots: the top of the ranking, one KPI (or the score), each rep's target."""

    key: str
    total: int
    labels: list[str]
    values: list[float]
    targets: list[float | None]
    derived: list[bool] = field(default_factory=list)  # the target was derived (cascade), not set

    @property
    def title(self) -> str:
        title = "Score (%)" if self.key == "score" else KPIS[self.key].label if self.key in KPIS else ""
        if self.key in KPIS and KPIS[self.key].unit == "ratio":
            title += " (%)"
        if self.total > len(self.labels):
            title += f" · top {len(self.labels)} of {self.total}"
        return title


def bars_of(board: Leaderboard, key: str) -> Bars:
    """Rank order from the top; a rep without a value gets an empty bar, without a target no marker."""
    rows = board.rows[:MAX_BARS]  # the top of the ranking: hundreds of one-cell bars say nothing
    labels = [short_name(r.rep) for r in rows]
    if key == "score":
        values = [chart_number(key, r.score) or 0.0 for r in rows]
        targets: list[float | None] = [100.0 for _ in rows]
    else:
        values = [chart_number(key, r.kpis.get(key)) or 0.0 for r in rows]
        targets = [chart_number(key, r.targets.get(key)) for r in rows]
    derived = [r.target_sources.get(key, "").startswith("derived:") for r in rows]
    return Bars(key, len(board.rows), labels, values, targets, derived if key != "score" else [])


@dataclass(frozen=True)
class Layout:
    """Rows of the plot's canvas: `shown` bars, one every `slot` rows, each `thick` rows; bar i (from the top)
    covers canvas rows counted from the top `i*slot .. i*slot+thick-1`, its label on the middle one."""

    shown: int
    slot: int
    thick: int

    @property
    def rows(self) -> int:
        return 0 if not self.shown else (self.shown - 1) * self.slot + self.thick

    def bar_rows(self, index: int) -> list[int]:
        return [index * self.slot + j for j in range(self.thick)]

    def label_row(self, index: int) -> int:
        return index * self.slot + (self.thick - 1) // 2


def layout(count: int, canvas: int) -> Layout:
    """As many bars as fit with a blank row between them (the top of the ranking), as thick as the room
    allows up to MAX_SLOT rows a bar, a third of each slot left blank."""
    shown = max(0, min(count, (canvas + 1) // 2))
    if shown <= 1:
        return Layout(shown, 1, max(1, min(canvas, MAX_SLOT - 2)))
    slot = min(MAX_SLOT, max(2, (canvas + 1) // shown))
    while True:
        thick = max(1, slot - max(1, round(slot / 3)))
        if (shown - 1) * slot + thick <= canvas or slot == 2:
            return Layout(shown, slot, thick)
        slot -= 1


def draw_bars(plt: Plot, bars: Bars, height: int) -> Layout:
    """The chart on `plt` for a widget `height` rows high; the plot takes the rows the bars need (its size is
    set here), the rest stays blank below it."""
    plt.clear_data()
    plt.clear_figure()
    fit = layout(len(bars.labels), height - FRAME_ROWS)
    if not fit.shown:
        return fit
    top = fit.rows - 1  # plotext counts rows from the bottom
    centres = [top - fit.label_row(i) for i in range(fit.shown)]
    for i, value in enumerate(bars.values[:fit.shown]):
        if value > 0:
            for row in fit.bar_rows(i):
                plt.plot([0, value], [top - row, top - row], marker="█", color="cyan")
    derived = bars.derived or [False] * len(bars.labels)
    for is_derived, marker in ((False, TARGET), (True, DERIVED_TARGET)):
        marked = [(t, centres[i]) for i, (t, d) in enumerate(zip(bars.targets[:fit.shown], derived, strict=False))
                  if t is not None and d is is_derived]
        if marked:
            plt.scatter([t for t, _ in marked], [row for _, row in marked], marker=marker, color="red")
    plt.yticks(centres, bars.labels[:fit.shown])
    plt.ylim(0, max(top, 1))
    highest = max([*bars.values[:fit.shown], *(t for t in bars.targets[:fit.shown] if t is not None)], default=0)
    ticks = nice_ticks(highest)
    plt.xlim(0, max(ticks[-1], highest * 1.05))
    plt.xticks(ticks, [tick_label(t) for t in ticks])
    return fit


def nice_ticks(highest: float) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 × 10^k) up to the first at or above `highest`: 0 25 50 75 100 125,
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
        text = f"{value / 1000:.1f}".rstrip("0").rstrip(".")
        return text + "k"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def picture_of(bars: Bars, spec: PlotSpec) -> tuple[Picture | None, Layout]:
    """The chart at `spec` (any thread: a plotext figure of its own), padded to the widget's height."""
    plot = Plot()
    fit = draw_bars(plot, bars, spec.height)
    if spec.width <= 0 or spec.height <= 0 or not fit.shown:
        return None, fit
    height = fit.rows + FRAME_ROWS
    plot.plotsize(spec.width, height)
    plot._set_size(spec.width, height)  # as PlotextPlot.render does (textual-plotext issue 5)
    plot.theme(spec.theme)
    text = Text.from_ansi(plot.build())
    text.append("\n" * max(0, spec.height - height))
    return Picture(spec, text), fit


@dataclass(frozen=True)
class PreparedBars:
    bars: Bars
    picture: Picture | None


def prepare_bars(board: Leaderboard, key: str, shape: PlotSpec | None) -> PreparedBars:
    """The chart's data and its picture at `shape` (`KpiBarChart.shape`), for a worker thread."""
    bars = bars_of(board, key)
    usable = shape is not None and shape.width > 0 and shape.height > 0
    return PreparedBars(bars, picture_of(bars, shape)[0] if usable else None)  # type: ignore[arg-type]


class KpiBarChart(PrebuiltPlot):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.bars = Bars("", 0, [], [], [])
        self.fit = Layout(0, 1, 1)

    @property
    def key(self) -> str:
        return self.bars.key

    @property
    def total(self) -> int:
        return self.bars.total

    @property
    def labels(self) -> list[str]:
        return self.bars.labels

    @property
    def values(self) -> list[float]:
        return self.bars.values

    @property
    def targets(self) -> list[float | None]:
        return self.bars.targets

    @property
    def title(self) -> str:
        """What the panel's title says: the KPI, and "top N of M" when not every rep has a bar."""
        title = self.bars.title.split(" · top ")[0]
        shown = min(len(self.bars.labels), self.fit.shown) if self.fit.shown else len(self.bars.labels)
        return title + (f" · top {shown} of {self.bars.total}" if shown < self.bars.total else "")

    def _retitle(self) -> None:
        panel = self.parent
        if panel is not None and self.bars.key and getattr(panel, "border_title", None) != self.title:
            panel.border_title = self.title  # type: ignore[attr-defined]

    def show(self, board: Leaderboard, key: str, prepared: PreparedBars | None = None) -> None:
        """`prepared`: `prepare_bars(board, key, ...)` from a worker thread (else drawn when shown)."""
        ready = prepared if prepared is not None else PreparedBars(bars_of(board, key), None)
        self.bars = ready.bars
        self.use(ready.picture)

    def render(self) -> RenderResult:
        picture = self._picture
        if picture is None or picture.spec != self.spec:
            picture, self.fit = picture_of(self.bars, self.spec)
            self._picture = picture
        else:
            self.fit = layout(len(self.bars.labels), self.spec.height - FRAME_ROWS)
        self.call_after_refresh(self._retitle)
        return picture.text if picture is not None else Text("")
