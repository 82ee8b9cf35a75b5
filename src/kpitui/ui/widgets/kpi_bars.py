"""One KPI across the reps of the leaderboard as horizontal plotext bars, each rep's target marked with ┃.

The plotted numbers stay on the widget (`labels`, `values`, `targets`) so tests read the chart's data, not
its pixels."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Leaderboard
from kpitui.ui.show import plain

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


class KpiBarChart(PlotextPlot):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key = ""
        self.total = 0
        self.labels: list[str] = []
        self.values: list[float] = []
        self.targets: list[float | None] = []

    def show(self, board: Leaderboard, key: str) -> None:
        """Rank order from the top; a rep without a value gets an empty bar, without a target no marker."""
        self.key = key
        rows = board.rows[:MAX_BARS]  # the top of the ranking: hundreds of one-cell bars say nothing
        self.total = len(board.rows)
        self.labels = [short_name(r.rep) for r in rows]
        if key == "score":
            self.values = [chart_number(key, r.score) or 0.0 for r in rows]
            self.targets = [100.0 for _ in rows]
        else:
            self.values = [chart_number(key, r.kpis.get(key)) or 0.0 for r in rows]
            self.targets = [chart_number(key, r.targets.get(key)) for r in rows]
        self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        title = "Score (%)" if self.key == "score" else KPIS[self.key].label if self.key else ""
        if KPIS.get(self.key) is not None and KPIS[self.key].unit == "ratio":
            title += " (%)"
        if self.total > len(self.labels):
            title += f" · top {len(self.labels)} of {self.total}"
        plt.title(title)
        count = len(self.labels)
        if count:
            # plotext draws the first bar at the bottom: reverse so rank 1 is on top
            positions = list(range(1, count + 1))
            plt.bar(self.labels[::-1], self.values[::-1], orientation="horizontal", width=0.6,
                    color="cyan")
            marked = [(t, p) for t, p in zip(self.targets[::-1], positions, strict=True) if t is not None]
            if marked:
                plt.scatter([t for t, _ in marked], [p for _, p in marked], marker="┃", color="red",
                            label="target")
        self.refresh()
