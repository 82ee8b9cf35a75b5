"""The funnel as a plotext bar chart: your steps beside the team median (shown when the screen is large)."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import FunnelReport


class FunnelChart(PlotextPlot):
    def show(self, report: FunnelReport) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [KPIS[step.key].label for step in report.steps]
        mine = [float(step.value or 0) for step in report.steps]
        team = [float(step.value or 0) for step in report.team_median]
        plt.multiple_bar(labels, [mine, team], labels=["you", "team median"], orientation="horizontal",
                         width=0.6)
        self.refresh()
