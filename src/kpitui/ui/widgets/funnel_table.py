"""The funnel of the period as a compact table: each step's value, its conversion to the next step, and the
team median beside it. A bar column appears when there is room."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from kpitui.domain.formatting import MISSING, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import FunnelReport

WIDE_ENOUGH_FOR_BARS = 56


def _median(value: float | int | None) -> str:
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class FunnelTable(Widget):
    report: reactive[FunnelReport | None] = reactive(None)

    def __init__(self, *, mine: str = "You", median: str = "Team", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.mine = mine
        self.median = median

    def render(self) -> Table | Text:
        report = self.report
        if report is None:
            return Text("loading…", style="dim")
        width = self.content_size.width
        bars = width >= WIDE_ENOUGH_FOR_BARS
        table = Table(box=None, padding=(0, 1), pad_edge=False, expand=True, show_edge=False,
                      header_style="bold")
        table.add_column("Step", no_wrap=True, ratio=None)
        table.add_column(self.mine, justify="right", no_wrap=True)
        if bars:
            table.add_column("", no_wrap=True, ratio=1)
        table.add_column("→", justify="right", no_wrap=True)
        table.add_column(self.median, justify="right", no_wrap=True)
        table.add_column("→ ", justify="right", no_wrap=True)
        top = max((float(s.value or 0) for s in report.steps), default=0.0) or 1.0
        bar_cells = max(width - 46, 4)
        for mine, team in zip(report.steps, report.team_median, strict=True):
            row: list[Text] = [Text(KPIS[mine.key].label), Text(format_kpi(mine.key, mine.value))]
            if bars:
                cells = round(float(mine.value or 0) / top * bar_cells)
                row.append(Text("█" * cells, style="cyan"))
            worse = (mine.conversion is not None and team.conversion is not None
                     and mine.conversion < team.conversion * 0.8)
            row += [Text(format_ratio(mine.conversion), style="bold red" if worse else ""),
                    Text(_median(team.value), style="dim"), Text(format_ratio(team.conversion), style="dim")]
            table.add_row(*row)
        return table
