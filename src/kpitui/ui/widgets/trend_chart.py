"""Weekly values of one KPI for one rep with the target line (plotext). The plotted numbers stay on the
widget (`weeks`, `values`, `targets`) so tests read the chart's data."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Trend
from kpitui.ui.widgets.kpi_bars import chart_number


class TrendChart(PlotextPlot):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key = ""
        self.weeks: list[str] = []
        self.values: list[float | None] = []
        self.targets: list[float | None] = []

    def show(self, trend: Trend) -> None:
        self.key = trend.key
        self.weeks = [p.period.label for p in trend.points]
        self.values = [chart_number(trend.key, p.value) for p in trend.points]
        self.targets = [chart_number(trend.key, p.target) for p in trend.points]
        self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not self.weeks:
            self.refresh()
            return
        unit = " (%)" if KPIS[self.key].unit == "ratio" else ""
        xs = list(range(1, len(self.weeks) + 1))
        shown = [(x, v) for x, v in zip(xs, self.values, strict=True) if v is not None]
        if shown:
            plt.plot([x for x, _ in shown], [v for _, v in shown], marker="braille", color="cyan",
                     label=KPIS[self.key].label + unit)
            plt.scatter([x for x, _ in shown], [v for _, v in shown], marker="●", color="cyan")
        aimed = [(x, t) for x, t in zip(xs, self.targets, strict=True) if t is not None]
        if aimed:
            plt.plot([x for x, _ in aimed], [t for _, t in aimed], marker="braille", color="red", label="target")
        # every other week label (W31, W33, ...) so they do not run into each other
        ticks = xs[::2] if len(xs) > 7 else xs
        plt.xticks(ticks, [self.weeks[x - 1].split("-")[-1] for x in ticks])
        plt.ylim(0, None)
        self.refresh()
