"""The funnel as horizontal bars: the rep's steps beside the team median (or a team's summed steps alone), drawn
on whole rows (row_bars.py) so each step's name sits on its bars and steps never merge. The plotted numbers stay
on the widget (`labels`, `values`, `team_values`) so tests read the chart's data."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.content import Content
from textual_plotext import PlotextPlot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import FunnelReport
from kpitui.ui.widgets.row_bars import FRAME_ROWS, Layout, Markers, draw_rows, layout, picture

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
        self.fit = Layout(0, 1, 1)

    def show(self, report: FunnelReport) -> None:
        # Top of the funnel on top. No plotext legend: it covered the calls bars; `legend()` is the key, shown
        # by the panel.
        self.labels = [KPIS[step.key].label for step in report.steps]
        self.values = [float(step.value or 0) for step in report.steps]
        self.team_values = [float(step.value or 0) for step in report.team_median]
        self.refresh()

    def render(self) -> RenderResult:
        """Every step always: the median as a second bar where there is room for all of them, else as an
        orange ┃ on the step's bar."""
        width, height = self.size.width, self.size.height
        series = [(self.values, MINE_COLOR)]
        markers: list[Markers] = []
        if self.with_median:
            both = layout(len(self.labels), height - FRAME_ROWS, 2)
            if both.shown >= len(self.labels):
                series.append((self.team_values, TEAM_COLOR))
            else:
                markers.append(Markers(self.team_values, "┃", TEAM_COLOR))
        self.fit = draw_rows(self.plt, self.labels, series, height, markers)
        text = picture(self.plt, self.fit, width, height, self._get_plotext_theme_name(self.app.theme))
        return text if text is not None else Text("")
