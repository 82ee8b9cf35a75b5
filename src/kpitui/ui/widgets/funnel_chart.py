"""The funnel as a plotext bar chart: the rep's steps beside the team median. The plotted numbers stay on the
widget (`labels`, `values`, `team_values`) so tests read the chart's data."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import FunnelReport


class FunnelChart(PlotextPlot):
    def __init__(self, *, mine: str = "you", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.mine = mine
        self.labels: list[str] = []
        self.values: list[float] = []
        self.team_values: list[float] = []

    def show(self, report: FunnelReport) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        self.labels = [KPIS[step.key].label for step in report.steps]
        self.values = [float(step.value or 0) for step in report.steps]
        self.team_values = [float(step.value or 0) for step in report.team_median]
        # top of the funnel on top: plotext draws the first horizontal bar at the bottom
        plt.multiple_bar(self.labels[::-1], [self.values[::-1], self.team_values[::-1]],
                         labels=[self.mine, "team median"], orientation="horizontal", width=0.6)
        self.refresh()
