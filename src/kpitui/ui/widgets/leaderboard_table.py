"""The team leaderboard as a DataTable: rank, rep, score and KPI columns, each value coloured by its tone (by
pace while the period runs: ahead green, on track cyan, behind red; by attainment once it is over: green at
target, amber from 80 %, red below) with an arrow against the previous period like for like, and the team
totals as the last row (from the service's totals: summed counts, never an average of the rows)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from kpitui.domain.formatting import MISSING, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS, KpiValue
from kpitui.domain.reports import Leaderboard, LeaderboardRow
from kpitui.domain.scoring import Tone
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


TONE_STYLE: dict[Tone, str] = {"good": "bold green", "steady": "cyan", "close": "yellow", "poor": "red", "none": ""}


def tone_style(tone: Tone | None) -> str:
    """The colour of a value's tone (domain.scoring.tone decides it); no colour without one."""
    return TONE_STYLE[tone or "none"]


def trend_arrow(key: str, value: KpiValue, previous: KpiValue) -> Text:
    """▲ / ▼ against the previous period (like for like), green when it is an improvement for this KPI."""
    if value is None or previous is None or value == previous:
        return Text("  ")
    up = value > previous
    better = up if KPIS[key].higher_is_better else not up
    return Text(" ▲" if up else " ▼", style="green" if better else "red")


class Cell(Text):
    """A cell of a fixed-width column. DataTable measures every cell of every new row on the event loop (for
    auto-width columns: ~0.1 ms a cell, 50 ms for an admin's ~500 reps × 25 columns) and ignores the result when
    the column has a width, as all of these have. Without `__rich_measure__` it takes the default instead; it
    renders exactly as `Text` (the cell is padded to the column's width, never measured)."""

    __rich_measure__ = None  # type: ignore[assignment]


def cell(text: str = "", style: str = "", justify: str | None = None) -> Cell:
    return Cell(text, style=style, justify=justify)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BoardRows:
    """A leaderboard ready for the table: the columns and every row's cells, built off the event loop (in the
    screen's worker thread) so the UI only hands them to the DataTable."""

    keys: list[str]
    sort: str
    with_team: bool
    columns: list[tuple[Text, str, int]]  # label, key, width
    rows: list[tuple[str, list[Text]]]  # row key, cells; the total row last
    order: list[int]
    rows_by_id: dict[int, LeaderboardRow]


def board_rows(board: Leaderboard, keys: list[str]) -> BoardRows:
    """Everything `LeaderboardTable.show` puts in the table. Pure: safe in a worker thread."""
    with_team = board.team is None
    columns: list[tuple[Text, str, int]] = [(Text("#"), "rank", 3), (Text("Rep"), "rep", REP_WIDTH)]
    if with_team:
        columns.append((Text("Team"), "team", TEAM_WIDTH))
    for key in ["score", *keys]:
        mark = "↓" if key == board.sort else ""
        label = Text(short_label(key) + mark, style="bold reverse" if key == board.sort else "bold", justify="right")
        columns.append((label, key, KPI_WIDTH))
    rows = [(str(row.rep_id), _cells(board, row, keys, with_team)) for row in board.rows]
    rows.append((TOTAL_KEY, _total_cells(board, keys, with_team)))
    return BoardRows(list(keys), board.sort, with_team, columns, rows, [row.rep_id for row in board.rows],
                     {row.rep_id: row for row in board.rows})


def _kpi_cell(key: str, value: KpiValue, previous: KpiValue, style: str) -> Text:
    shown = cell(format_kpi(key, value, compact=True), style=style, justify="right")
    shown.append_text(trend_arrow(key, value, previous))
    return shown


def _cells(board: Leaderboard, row: LeaderboardRow, keys: list[str], with_team: bool) -> list[Text]:
    cells: list[Text] = [cell(str(row.rank or MISSING), justify="right"),
                         user_text(row.rep, limit=REP_WIDTH, kind=Cell)]
    if with_team:
        cells.append(user_text(row.team or "", limit=TEAM_WIDTH, style="dim", kind=Cell))
    cells.append(cell(format_ratio(row.score), style=tone_style(row.score_tone), justify="right"))
    for key in keys:
        value = row.kpis.get(key)
        cells.append(_kpi_cell(key, value, row.previous.get(key), tone_style(board.tone(row, key))))
    return cells


def _total_cells(board: Leaderboard, keys: list[str], with_team: bool) -> list[Text]:
    cells: list[Text] = [cell("Σ", style="bold", justify="right"),
                         cell("Total" if with_team else "Team total", style="bold")]
    if with_team:
        cells.append(cell())
    cells.append(cell())
    for key in keys:
        cells.append(_kpi_cell(key, board.totals.get(key), board.previous_totals.get(key), "bold"))
    return cells


class LeaderboardTable(DataTable[Text]):
    """Rows keyed by rep id; `show` keeps the cursor on the same rep across reloads and re-sorts."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.keys: list[str] = []
        self.with_team = False
        self.rows_by_id: dict[int, LeaderboardRow] = {}
        self.order: list[int] = []

    def show(self, board: Leaderboard, keys: list[str], selected: int | None = None,
             prepared: BoardRows | None = None) -> None:
        """Replace the rows. `prepared` is `board_rows(board, keys)` made in a worker thread (else made here).
        Fixed column widths: auto-sized columns laid out differently under load (flaky snapshots)."""
        ready = prepared if prepared is not None else board_rows(board, keys)
        self.clear(columns=True)  # the sort mark lives in the header
        self.keys, self.with_team = ready.keys, ready.with_team
        for label, key, width in ready.columns:
            self.add_column(label, key=key, width=width)
        self.rows_by_id, self.order = ready.rows_by_id, ready.order
        for row_key, cells in ready.rows:
            self.add_row(*cells, key=row_key)
        if selected is not None and selected in self.rows_by_id:
            self.move_cursor(row=self.order.index(selected))

    @property
    def selected_rep_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key in (None, TOTAL_KEY) else int(key)
