"""Every catalogue KPI of the scorecard as one compact table (the `k` view on the rep home); money in k/M so
the numbers fit in 80 columns. What today still takes and what each KPI means follow to the right, and the
meaning column takes whatever width is left, so a wide terminal explains every KPI."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from kpitui.domain.formatting import MISSING, format_change, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Scorecard
from kpitui.ui.widgets.fit_columns import fit_column
from kpitui.ui.widgets.leaderboard_table import tone_style

ABOUT_MIN = 24


class KpiTable(DataTable[Text]):
    COLUMNS = (("KPI", "kpi"), ("Value", "value"), ("Target", "target"), ("Att.", "attainment"),
               ("Proj.", "projected"), ("Pace", "status"), ("Prev.", "previous"), ("Change", "change"),
               ("Due today", "due_today"), ("What it counts", "about"))

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for label, key in self.COLUMNS:
            self.add_column(label, key=key, width=ABOUT_MIN if key == "about" else None)

    def on_resize(self) -> None:
        fit_column(self, "about", ABOUT_MIN)

    def show(self, card: Scorecard, include_scorecard: bool = True) -> None:
        self.clear()
        for line in card.lines:
            if line.in_scorecard and not include_scorecard:
                continue
            self.add_row(
                Text(("★ " if line.in_scorecard else "  ") + line.label),
                Text(format_kpi(line.key, line.value, compact=True), justify="right"),
                Text(MISSING if line.target is None else format_kpi(line.key, line.target, compact=True),
                     justify="right"),
                Text(format_ratio(line.attainment), justify="right"),
                Text(format_kpi(line.key, line.projected, compact=True), justify="right"),
                Text("not started" if card.phase == "not started" else line.status or MISSING,
                     style=tone_style(line.tone)),
                Text(format_kpi(line.key, line.previous_to_date, compact=True), justify="right"),
                Text(format_change(line.change, line.key), justify="right"),
                Text(format_kpi(line.key, line.due_today, compact=True) if line.due_today is not None else "",
                     justify="right"),
                Text(KPIS[line.key].description or KPIS[line.key].label.lower(), style="dim", no_wrap=True,
                     overflow="ellipsis"),
                key=line.key,
            )
