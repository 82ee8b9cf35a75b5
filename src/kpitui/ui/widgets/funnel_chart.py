"""The funnel as a plotext bar chart: the rep's steps beside the team median. The plotted numbers stay on the
widget (`labels`, `values`, `team_values`) so tests read the chart's data."""

from __future__ import annotations

from textual.content import Content
from textual_plotext import PlotextPlot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import FunnelReport

MINE_COLOR, TEAM_COLOR = "cyan", "orange"


def legend(mine: str) -> Content:
    """The colour key, for the panel's subtitle."""
    return Content.assemble(("██", "#00d7d7"), f" {mine}  ", ("██", "#ff8700"), " team median")


class FunnelChart(PlotextPlot):
    def __init__(self, *, mine: str = "you", with_median: bool = True, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.mine = mine
        self.with_median = with_median
        """False for a team's funnel: its totals beside the median rep's would share one misleading scale."""
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
        # Top of the funnel on top: plotext draws the first horizontal bar at the bottom. No plotext legend: its
        # markers drew as blank cells here and it covered the calls bars; `legend()` is the key, shown by the panel.
        if self.with_median:
            plt.multiple_bar(self.labels[::-1], [self.values[::-1], self.team_values[::-1]],
                             orientation="horizontal", width=0.6, color=[MINE_COLOR, TEAM_COLOR])
        else:
            plt.bar(self.labels[::-1], self.values[::-1], orientation="horizontal", width=0.6, color=MINE_COLOR)
        self.refresh()
