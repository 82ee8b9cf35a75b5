"""The team leaderboard as a DataTable: rank, rep, score and KPI columns, each value coloured by attainment
(green at target, amber from 80 %, red below) with an arrow against the previous period, and the team totals
as the last row (from the service's totals: summed counts, never an average of the rows)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from kpitui.domain.formatting import MISSING, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS, KpiValue
from kpitui.domain.reports import Leaderboard, LeaderboardRow
from kpitui.ui.show import user_text

TOTAL_KEY = "__total__"
LAGGING = ("win_rate", "avg_deal_size", "cycle_days")
# Short header labels: every KPI column is KPI_WIDTH cells wide, sort mark included.
SHORT = {"conversations": "Convers.", "new_opps": "New opps", "avg_deal_size": "Avg deal", "cycle_days": "Cycle d",
         "open_pipeline": "Pipeline", "pipeline_coverage": "Coverage", "pipeline_velocity": "Velocity",
         "response_hours": "Resp. h", "forecast_accuracy": "Fcst acc", "new_customers": "New cust",
         "revenue_growth": "Rev. gr.", "call_review": "Review"}
KPI_WIDTH = 9
REP_WIDTH = 18
TEAM_WIDTH = 11


def short_label(key: str) -> str:
    return "Score" if key == "score" else SHORT.get(key, KPIS[key].label)[:KPI_WIDTH - 1]


def attainment_style(attainment: float | None) -> str:
    """Green at or above target, amber from 80 %, red below; no colour without a target."""
    if attainment is None:
        return ""
    if attainment >= 1:
        return "bold green"
    if attainment >= 0.8:
        return "yellow"
    return "red"


def trend_arrow(key: str, value: KpiValue, previous: KpiValue) -> Text:
    """▲ / ▼ against the previous period, green when it is an improvement for this KPI."""
    if value is None or previous is None or value == previous:
        return Text("  ")
    up = value > previous
    better = up if KPIS[key].higher_is_better else not up
    return Text(" ▲" if up else " ▼", style="green" if better else "red")


class LeaderboardTable(DataTable[Text]):
    """Rows keyed by rep id; `show` keeps the cursor on the same rep across reloads and re-sorts."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.keys: list[str] = []
        self.with_team = False
        self.rows_by_id: dict[int, LeaderboardRow] = {}
        self.order: list[int] = []

    def columns_for(self, keys: list[str], sort: str, with_team: bool) -> None:
        """Fixed widths: auto-sized columns laid out differently under load (flaky snapshots)."""
        self.clear(columns=True)
        self.keys, self.with_team = keys, with_team
        self.add_column("#", key="rank", width=3)
        self.add_column("Rep", key="rep", width=REP_WIDTH)
        if with_team:
            self.add_column("Team", key="team", width=TEAM_WIDTH)
        for key in ["score", *keys]:
            mark = "↓" if key == sort else ""
            label = Text(short_label(key) + mark, style="bold reverse" if key == sort else "bold",
                         justify="right")
            self.add_column(label, key=key, width=KPI_WIDTH)

    def show(self, board: Leaderboard, keys: list[str], selected: int | None = None) -> None:
        with_team = board.team is None
        self.columns_for(keys, board.sort, with_team)  # the sort mark lives in the header
        self.rows_by_id = {row.rep_id: row for row in board.rows}
        self.order = [row.rep_id for row in board.rows]
        for row in board.rows:
            self.add_row(*self._cells(row, keys, with_team), key=str(row.rep_id))
        self.add_row(*self._total_cells(board, keys, with_team), key=TOTAL_KEY)
        if selected is not None and selected in self.rows_by_id:
            self.move_cursor(row=self.order.index(selected))

    def _cells(self, row: LeaderboardRow, keys: list[str], with_team: bool) -> list[Text]:
        cells = [Text(str(row.rank or MISSING), justify="right"), user_text(row.rep, limit=REP_WIDTH)]
        if with_team:
            cells.append(user_text(row.team or "", limit=TEAM_WIDTH, style="dim"))
        cells.append(Text(format_ratio(row.score), style=attainment_style(row.score), justify="right"))
        for key in keys:
            value = row.kpis.get(key)
            cell = Text(format_kpi(key, value, compact=True), style=attainment_style(row.attainment.get(key)))
            cell.append_text(trend_arrow(key, value, row.previous.get(key)))
            cell.justify = "right"
            cells.append(cell)
        return cells

    def _total_cells(self, board: Leaderboard, keys: list[str], with_team: bool) -> list[Text]:
        cells = [Text("Σ", style="bold", justify="right"), Text("Total" if with_team else "Team total", style="bold")]
        if with_team:
            cells.append(Text(""))
        cells.append(Text(""))
        for key in keys:
            value = board.totals.get(key)
            cell = Text(format_kpi(key, value, compact=True), style="bold")
            cell.append_text(trend_arrow(key, value, board.previous_totals.get(key)))
            cell.justify = "right"
            cells.append(cell)
        return cells

    @property
    def selected_rep_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key in (None, TOTAL_KEY) else int(key)
