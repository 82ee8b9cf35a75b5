"""One KPI across the reps of the leaderboard as horizontal plotext bars, each rep's target marked with ┃.

The plotted numbers stay on the widget (`labels`, `values`, `targets`) so tests read the chart's data, not
its pixels."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual_plotext.plot import Plot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Leaderboard
from kpitui.ui.show import plain
from kpitui.ui.widgets.prebuilt_plot import Picture, PlotSpec, PrebuiltPlot, prebuild

LABEL_WIDTH = 12
MAX_BARS = 20


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


def draw_bars(plt: Plot, bars: Bars) -> None:
    plt.clear_data()
    plt.clear_figure()
    key = bars.key
    title = "Score (%)" if key == "score" else KPIS[key].label if key else ""
    if KPIS.get(key) is not None and KPIS[key].unit == "ratio":
        title += " (%)"
    if bars.total > len(bars.labels):
        title += f" · top {len(bars.labels)} of {bars.total}"
    plt.title(title)
    count = len(bars.labels)
    if count:
        # plotext draws the first bar at the bottom: reverse so rank 1 is on top
        positions = list(range(1, count + 1))
        plt.bar(bars.labels[::-1], bars.values[::-1], orientation="horizontal", width=0.6, color="cyan")
        derived = (bars.derived or [False] * count)[::-1]
        for is_derived, marker, label in ((False, "┃", "target"), (True, "┆", "≈ target (derived)")):
            marked = [(t, p) for t, p, d in zip(bars.targets[::-1], positions, derived, strict=True)
                      if t is not None and d is is_derived]
            if marked:
                plt.scatter([t for t, _ in marked], [p for _, p in marked], marker=marker, color="red", label=label)


@dataclass(frozen=True)
class PreparedBars:
    bars: Bars
    picture: Picture | None


def prepare_bars(board: Leaderboard, key: str, shape: PlotSpec | None) -> PreparedBars:
    """The chart's data and its picture at `shape` (`KpiBarChart.shape`), for a worker thread."""
    bars = bars_of(board, key)
    return PreparedBars(bars, prebuild(lambda plt: draw_bars(plt, bars), shape))


class KpiBarChart(PrebuiltPlot):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key = ""
        self.total = 0
        self.labels: list[str] = []
        self.values: list[float] = []
        self.targets: list[float | None] = []
        self.derived: list[bool] = []

    def show(self, board: Leaderboard, key: str, prepared: PreparedBars | None = None) -> None:
        """`prepared`: `prepare_bars(board, key, ...)` from a worker thread (else made here, drawn when shown)."""
        ready = prepared if prepared is not None else PreparedBars(bars_of(board, key), None)
        bars = ready.bars
        self.key, self.total, self.labels, self.values, self.targets = (bars.key, bars.total, bars.labels,
                                                                        bars.values, bars.targets)
        self.derived = bars.derived
        draw_bars(self.plt, bars)
        self.use(ready.picture)
