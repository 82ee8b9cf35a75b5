"""The team leaderboard as a DataTable: rank, rep, score and KPI columns, each value coloured by its tone (by
pace while the period runs: ahead green, on track cyan, behind red; by attainment once it is over: green at
target, amber from 80 %, red below) with an arrow against the previous period like for like, and the team
totals as the last row (from the service's totals: summed counts, never an average of the rows), with the
team's score (the score of the summed facts).

Made to fit: rank and Rep stay put while the KPI columns scroll sideways (`fixed_columns`); a wide terminal
shows more KPI columns (when the user has not chosen them) and spreads what is left over the columns."""

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
MAX_KPI_WIDTH = 14  # spreading a wide terminal's room stops here: wider numbers only drift apart
REP_WIDTH = 18
TEAM_WIDTH = 11
RANK_WIDTH = 3
PADDING = 2  # DataTable's cell padding, one each side
FROZEN = 2  # rank and Rep


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
    always: int = 0  # KPI columns always shown; the ones after them only where there is room (`fits`)

    @property
    def lead(self) -> int:
        """Columns before the KPIs: rank, rep, team (all teams), score."""
        return len(self.columns) - len(self.keys)

    def fits(self, width: int) -> int:
        """How many KPI columns to show in `width` cells: every one always shown, and the optional ones that
        fit whole beside them."""
        used = sum(w + PADDING for _label, _key, w in self.columns[:self.lead])
        room = max(0, (width - used) // (KPI_WIDTH + PADDING))
        return min(len(self.keys), max(self.always, room))

    def widths(self, shown: int, width: int) -> list[int]:
        """Column widths for `shown` KPI columns in `width` cells: what is left over is spread over the score
        and KPI columns (up to MAX_KPI_WIDTH each), so a wide terminal has no blank band on the right."""
        widths = [w for _label, _key, w in self.columns[:self.lead + shown]]
        spread = list(range(self.lead - 1, len(widths)))  # the score and the KPIs
        spare = width - sum(w + PADDING for w in widths)
        while spare > 0 and spread:
            grown = False
            for index in spread:
                if spare > 0 and widths[index] < MAX_KPI_WIDTH:
                    widths[index] += 1
                    spare -= 1
                    grown = True
            if not grown:
                break
        return widths


def board_rows(board: Leaderboard, keys: list[str], always: int | None = None) -> BoardRows:
    """Everything `LeaderboardTable.show` puts in the table. Pure: safe in a worker thread. `always`: how many
    of `keys` are shown whatever the width (all of them by default); the rest fill a wide terminal."""
    with_team = board.team is None
    columns: list[tuple[Text, str, int]] = [(Text("#"), "rank", RANK_WIDTH), (Text("Rep"), "rep", REP_WIDTH)]
    if with_team:
        columns.append((Text("Team"), "team", TEAM_WIDTH))
    for key in ["score", *keys]:
        mark = "↓" if key == board.sort else ""
        label = Text(short_label(key) + mark, style="bold reverse" if key == board.sort else "bold", justify="right")
        columns.append((label, key, KPI_WIDTH))
    rows = [(str(row.rep_id), _cells(board, row, keys, with_team)) for row in board.rows]
    rows.append((TOTAL_KEY, _total_cells(board, keys, with_team)))
    return BoardRows(list(keys), board.sort, with_team, columns, rows, [row.rep_id for row in board.rows],
                     {row.rep_id: row for row in board.rows}, len(keys) if always is None else always)


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
    cells.append(cell(format_ratio(board.total_score), style=f"bold {tone_style(board.total_score_tone)}",
                      justify="right"))
    for key in keys:
        style = f"bold {tone_style(board.total_tone(key))}"
        cells.append(_kpi_cell(key, board.totals.get(key), board.previous_totals.get(key), style))
    return cells


class LeaderboardTable(DataTable[Text]):
    """Rows keyed by rep id; `show` keeps the cursor on the same rep across reloads and re-sorts. Rank and Rep
    are frozen; the columns are laid out again for the new width when the terminal is resized."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, fixed_columns=FROZEN)
        self.keys: list[str] = []
        self.with_team = False
        self.rows_by_id: dict[int, LeaderboardRow] = {}
        self.order: list[int] = []
        self.ready: BoardRows | None = None
        self.laid_out_for = 0

    @property
    def room(self) -> int:
        """The cells a row may take without a horizontal scrollbar (the vertical one's included)."""
        return max(0, self.size.width - self.styles.scrollbar_size_vertical)

    def show(self, board: Leaderboard, keys: list[str], selected: int | None = None,
             prepared: BoardRows | None = None) -> None:
        """Replace the rows. `prepared` is `board_rows(board, keys)` made in a worker thread (else made here).
        Fixed column widths: auto-sized columns laid out differently under load (flaky snapshots)."""
        ready = prepared if prepared is not None else board_rows(board, keys)
        self.ready = ready
        self._lay_out(ready, selected)

    def _lay_out(self, ready: BoardRows, selected: int | None) -> None:
        width = self.room
        shown = ready.fits(width) if width else len(ready.keys)
        widths = ready.widths(shown, width) if width else [w for _l, _k, w in ready.columns]
        end = ready.lead + shown
        self.laid_out_for = width
        self.clear(columns=True)  # the sort mark lives in the header
        self.keys, self.with_team = ready.keys[:shown], ready.with_team
        for (label, key, _width), width_now in zip(ready.columns[:end], widths, strict=True):
            self.add_column(label, key=key, width=width_now)
        self.rows_by_id, self.order = ready.rows_by_id, ready.order
        for row_key, cells in ready.rows:
            self.add_row(*cells[:end], key=row_key)
        if selected is not None and selected in self.rows_by_id:
            self.move_cursor(row=self.order.index(selected))

    def on_resize(self) -> None:
        if self.ready is not None and self.room and self.room != self.laid_out_for:
            row = self.cursor_row
            self._lay_out(self.ready, None)
            self.move_cursor(row=row)

    def action_cursor_right(self) -> None:
        """→ scrolls one KPI column, not one cell (DataTable's row cursor): ~5 presses cross an 80-cell board."""
        self.scroll_to(x=self.scroll_target_x + self._column_step, animate=False)

    def action_cursor_left(self) -> None:
        self.scroll_to(x=max(0, self.scroll_target_x - self._column_step), animate=False)

    @property
    def _column_step(self) -> int:
        widths = [column.get_render_width(self) for column in self.ordered_columns[FROZEN:]]
        return max(widths[-1] if widths else KPI_WIDTH + PADDING, 1)

    @property
    def on_total(self) -> bool:
        """The cursor is on the Σ row (the team's totals)."""
        return bool(self.row_count) and self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value == TOTAL_KEY

    @property
    def selected_rep_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key in (None, TOTAL_KEY) else int(key)
