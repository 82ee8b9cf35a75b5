"""The manager's home: the team leaderboard for the period, sortable by any KPI, with a chart of the sorted
column across reps (targets marked), and beside the chart the "Needs attention" panel (the rules of `kpitui
alerts`; at 80 columns `a` shows it in the chart's place). Enter drills into a rep, from the board or from an
item of the panel; `a` moves between the board and the panel; `T` picks a team, `e` opens the targets editor,
`S` starts standup mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.worker import get_current_worker

from kpitui.domain.errors import KpituiError
from kpitui.domain.kpis import CATALOGUE, DEFAULT_SCORECARD, KPIS
from kpitui.domain.periods import Period
from kpitui.domain.reports import Leaderboard
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.keys import QUIET_PERIOD_BINDINGS
from kpitui.ui.lineup import RepRef, lineup
from kpitui.ui.screens.choose import NOTHING, ChooseOne
from kpitui.ui.screens.columns import ColumnChooser, chosen_columns, save_columns
from kpitui.ui.show import plain, problem
from kpitui.ui.widgets.attention import AttentionPanel
from kpitui.ui.widgets.breadcrumb import Breadcrumb
from kpitui.ui.widgets.kpi_bars import LEGEND, KpiBarChart, PreparedBars, prepare_bars
from kpitui.ui.widgets.leaderboard_table import LAGGING, BoardRows, LeaderboardTable, board_rows

if TYPE_CHECKING:
    from kpitui.store.people_queries import RepRow

DEFAULT_TREND = "conversations"


def board_keys(scorecard: list[str], sort: str, chosen: list[str] | None = None) -> tuple[list[str], int]:
    """The KPI columns, and how many of them are always shown: the ones the user chose (`c`), else the team's
    scorecard and the lagging ones followed by the rest of the catalogue for a wide terminal to fill; the sort
    KPI first when it is none of those (so it is in view without scrolling)."""
    keys = list(chosen) if chosen else [*scorecard, *(k for k in LAGGING if k not in scorecard)]
    if sort in KPIS and sort not in keys:
        keys.insert(0, sort)
    if chosen:
        return keys, len(keys)
    return [*keys, *(k.key for k in CATALOGUE if k.key not in keys)], len(keys)


class ManagerHome(Screen[None]):
    BINDINGS = [
        Binding("enter", "open_rep", "Drill in", id="manager.open", tooltip="the rep's scorecard, funnel, trend"),
        Binding("s,greater_than_sign", "sort_step(1)", "Sort", key_display="s", id="manager.sort_next",
                tooltip="sort by the next column (also >; < goes back)"),
        Binding("less_than_sign", "sort_step(-1)", "Sort back", key_display="<", show=False,
                id="manager.sort_previous", tooltip="sort by the column to the left"),
        Binding("K", "sort_menu", "Sort by…", key_display="K", show=False, id="manager.sort_menu",
                tooltip="choose any KPI of the catalogue"),
        # T and c are in the board's subtitle: the footer keeps room for the rest at 80 columns
        Binding("T", "choose_team", "Team", key_display="T", show=False, id="manager.team",
                tooltip="another of your teams"),
        Binding("c", "choose_columns", "Columns", show=False, id="manager.columns",
                tooltip="the KPI columns to show (remembered in the config file)"),
        *QUIET_PERIOD_BINDINGS,
        Binding("a", "attention", "Attention", id="manager.attention",
                tooltip="the Needs attention panel and back to the board (at 80 columns it shows it)"),
        Binding("e", "targets", "Targets", id="manager.targets", tooltip="reps × KPIs for this period"),
        Binding("S", "standup", "Standup", key_display="S", id="manager.standup",
                tooltip="full screen, rep by rep"),
        Binding("r", "reload", "Refresh", show=False, id="manager.reload"),
        Binding("q", "app.quit", "Quit", id="app.quit"),
    ]

    @dataclass
    class Loaded(Message):
        period: Period
        team: str | None
        sort: str
        board: Leaderboard
        keys: list[str]
        people: dict[int, RepRow]
        teams: list[tuple[int, str]]
        rows: BoardRows
        bars: PreparedBars
        seconds: float = field(default=0.0)

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, *, standup: bool = False) -> None:
        super().__init__(id="manager-home", classes="manager-screen")
        self.svc = svc
        self.team: str | None = None
        self.sort = "score"
        self.board: Leaderboard | None = None
        self.keys: list[str] = board_keys(list(DEFAULT_SCORECARD), "score")[0]
        self.chosen: list[str] | None = chosen_columns()
        self.people: dict[int, RepRow] = {}
        self.teams: list[tuple[int, str]] = []
        self.scorecards: dict[str, list[str]] = {}  # team -> its scorecard KPIs
        self.load_seconds: float | None = None
        self.start_standup = standup
        self.chart: KpiBarChart | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="banner")
        with Vertical(id="manager-body"):
            with Vertical(id="board-panel", classes="panel") as board_panel:
                board_panel.border_title = "Leaderboard"
                board_panel.border_subtitle = "Enter drill in · s sort · T team · c columns"
                yield LeaderboardTable(id="board")
            with Horizontal(id="manager-lower"):  # the chart, and Needs attention beside it
                with Vertical(id="board-chart-panel", classes="panel") as chart_panel:
                    chart_panel.border_title = "Chart"
                    chart_panel.border_subtitle = LEGEND
                    yield KpiBarChart(id="board-chart")
                yield AttentionPanel(self.svc, id="attention-panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.app.period is None:  # type: ignore[attr-defined]
            self.app.period = Period.week_of(self.svc.today())  # type: ignore[attr-defined]
        self._show_breadcrumb()
        self.chart = self.query_one(KpiBarChart)
        self.query_one(LeaderboardTable).focus()
        self.watch(self.app, "period", self._period_changed, init=True)
        self.app.data_changed.subscribe(self, lambda _what: self.action_reload())  # type: ignore[attr-defined]

    # -- loading ---------------------------------------------------------------------------------------------------
    def _period_changed(self, period: Period | None) -> None:
        if period is not None:
            self.action_reload()

    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.add_class("-loading")
            self.load(period, self.team, self.sort)
            self.query_one(AttentionPanel).load(period, self.team)

    @work(thread=True, exclusive=True, group="leaderboard", exit_on_error=False)
    def load(self, period: Period, team: str | None, sort: str) -> None:
        """The board, and everything the table and the chart show made ready here (cells, the chart's picture):
        the event loop only hands them over, so keys are answered while an admin's ~500 rows arrive."""
        worker = get_current_worker()
        started = perf_counter()
        try:
            board = self.svc.leaderboard(period, team=team, sort=sort, with_previous=True)
            people = self.people or {p.id: p for p in self.svc.people()}
            teams = self.teams or self.svc.teams()
            keys, always = board_keys(self._scorecard_of(board, people, period), sort, self.chosen)
            seconds = perf_counter() - started
            if worker.is_cancelled:
                return
            rows = board_rows(board, keys, always)
            bars = prepare_bars(board, sort, self.chart.shape if self.chart is not None else None)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(period, team, sort, board, keys, people, teams, rows, bars, seconds))

    def _scorecard_of(self, board: Leaderboard, people: dict[int, RepRow], period: Period) -> list[str]:
        """The team's scorecard KPIs (per-team weights), read from its first rep's scorecard; the default one
        when several teams are in view. (Worker thread.)"""
        if board.team is None or not board.rows:
            return list(DEFAULT_SCORECARD)
        if board.team not in self.scorecards:
            first = people.get(board.rows[0].rep_id)
            try:
                card = self.svc.scorecard(period, first.email or first.name if first else board.rows[0].rep)
                self.scorecards[board.team] = [line.key for line in card.lines if line.in_scorecard]
            except Exception:  # the default is a fine header; the board itself loaded
                return list(DEFAULT_SCORECARD)
        return self.scorecards[board.team]

    def on_manager_home_loaded(self, message: Loaded) -> None:
        if (message.period, message.team, message.sort) != (self.app.period, self.team, self.sort):  # type: ignore[attr-defined]
            return  # an older request finished after the view changed
        self.remove_class("-loading")
        self.board, self.keys, self.people, self.teams = message.board, message.keys, message.people, message.teams
        self.load_seconds = message.seconds
        table = self.query_one(LeaderboardTable)
        table.show(message.board, message.keys, selected=table.selected_rep_id, prepared=message.rows)
        chart = self.query_one(KpiBarChart)
        chart.show(message.board, message.sort, prepared=message.bars)
        self.query_one("#board-chart-panel").border_title = chart.title
        self._show_breadcrumb()
        if self.start_standup:
            self.start_standup = False
            self.action_standup()

    def on_manager_home_failed(self, message: Failed) -> None:
        self.remove_class("-loading")
        self.notify(clean_text(message.problem), severity="error", markup=False)

    def _show_breadcrumb(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is None:
            return
        extra = Content.assemble(("sorted by ", "$text-muted"),
                                 ("score" if self.sort == "score" else KPIS[self.sort].label, "bold"))
        self.query_one(Breadcrumb).show([self.scope_label, "Leaderboard"], period, extra)

    @property
    def scope_label(self) -> str:
        if self.board is not None and self.board.team:
            return plain(self.board.team)
        if self.team:
            return plain(self.team)
        actor = self.svc.actor
        return "All teams" if actor is None or actor.role == "admin" else "All my teams"

    @property
    def lineup(self) -> list[RepRef]:
        return [] if self.board is None else lineup(self.board, self.people)

    # -- sorting ---------------------------------------------------------------------------------------------------
    def _set_sort(self, key: str) -> None:
        self.sort = key
        self._show_breadcrumb()
        self.action_reload()

    def action_sort_step(self, delta: int) -> None:
        columns = ["score", *(self.query_one(LeaderboardTable).keys or self.keys)]
        index = columns.index(self.sort) if self.sort in columns else 0
        self._set_sort(columns[(index + delta) % len(columns)])

    def action_sort_menu(self) -> None:
        options = [("score", "Score"), *((k.key, f"{k.label}  ({k.family})") for k in CATALOGUE)]
        self.app.push_screen(ChooseOne("Sort by", options, self.sort),
                             lambda key: self._set_sort(key) if key else None)

    # -- columns ---------------------------------------------------------------------------------------------------
    def action_choose_columns(self) -> None:
        table = self.query_one(LeaderboardTable)
        current = self.chosen or table.keys or self.keys
        self.app.push_screen(ColumnChooser(list(current), self.default_columns), self._columns_chosen)

    @property
    def default_columns(self) -> list[str]:
        """The team's scorecard and the lagging KPIs: the columns when none are chosen."""
        team = self.board.team if self.board is not None and self.board.team else ""
        keys, always = board_keys(self.scorecards.get(team, list(DEFAULT_SCORECARD)), "score")
        return keys[:always]

    def _columns_chosen(self, keys: list[str] | None) -> None:
        """The defaults chosen again are saved as no choice (an empty list): a wide terminal fills up again."""
        if not keys:
            return
        chosen = None if set(keys) == set(self.default_columns) else keys
        self.chosen = chosen
        self.action_reload()
        try:
            save_columns(chosen or [])
        except KpituiError as exc:
            self.notify(clean_text(f"Columns not remembered: {exc}"), severity="warning", markup=False)

    # -- team ------------------------------------------------------------------------------------------------------
    def team_options(self) -> list[tuple[str, str]]:
        """Your teams (svc.teams()); 'all' first when you may see several, or everything (admins)."""
        actor = self.svc.actor
        admin = actor is None or actor.role == "admin"
        options = [(name, name) for _id, name in self.teams]
        if admin:
            options.insert(0, (NOTHING, "All teams"))
        elif len(options) > 1:
            options.insert(0, (NOTHING, "All my teams"))
        return options

    def action_choose_team(self) -> None:
        if not self.teams:
            self.teams = self.svc.teams()
        current = self.team if self.team is not None else NOTHING
        self.app.push_screen(ChooseOne("Team", self.team_options(), current), self._team_chosen)

    def _team_chosen(self, value: str | None) -> None:
        if value is None:
            return
        self.team = None if value == NOTHING else value
        self.scorecards.pop(self.team or "", None)
        self.board = None
        self._show_breadcrumb()
        self.action_reload()

    # -- drill down ------------------------------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#board")
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_rep()

    def action_open_rep(self) -> None:
        if self.query_one(LeaderboardTable).on_total:
            self.open_team_funnel()
            return
        rep_id = self.query_one(LeaderboardTable).selected_rep_id
        if rep_id is None or self.board is None:
            return
        person = self.people.get(rep_id)
        if person is not None and not self.svc.can_see_detail(person):
            self.notify(clean_text(f"You may not open {person.name}: managers see their own teams' reps"),
                        severity="error", markup=False)
            return
        self.open_rep(rep_id)

    def open_rep(self, rep_id: int) -> None:
        from kpitui.ui.screens.rep_detail import RepDetail

        reps = self.lineup
        index = next((i for i, r in enumerate(reps) if r.rep_id == rep_id), None)
        if index is None:
            return
        self.app.open_screen(RepDetail(self.svc, reps, index, self.scope_label, self.trend_key),  # type: ignore[attr-defined]
                             self.select_rep)

    def open_team_funnel(self) -> None:
        """Enter on the Σ row: the funnel of the team in view (of several teams, pick one first)."""
        from kpitui.ui.screens.team_funnel import TeamFunnel

        if self.board is None or not self.board.team:
            self.notify("Pick a team (T) to see its funnel", severity="warning")
            return
        self.app.open_screen(TeamFunnel(self.svc, self.board.team))  # type: ignore[attr-defined]

    # -- needs attention -------------------------------------------------------------------------------------------
    def action_attention(self) -> None:
        """To the panel (showing it where it is hidden, at 80 columns) or, from it, back to the board."""
        panel = self.query_one(AttentionPanel)
        if panel.has_focus_within:
            self._leave_attention()
            return
        self.query_one("#manager-lower").add_class("-attention")
        panel.focus_list()

    def on_attention_panel_leave(self, _message: AttentionPanel.Leave) -> None:
        self._leave_attention()

    def _leave_attention(self) -> None:
        self.query_one("#manager-lower").remove_class("-attention")
        self.query_one(LeaderboardTable).focus()

    def on_attention_panel_open_rep(self, message: AttentionPanel.OpenRep) -> None:
        """Esc from the drill-down comes back to the board with that rep selected (the panel hidden at 80)."""
        self.query_one("#manager-lower").remove_class("-attention")
        self.open_rep(message.rep_id)

    @property
    def trend_key(self) -> str:
        return self.sort if self.sort in KPIS else DEFAULT_TREND

    def select_rep(self, rep_id: int | None) -> None:
        """Back from the drill-down or standup: the cursor on the rep last shown."""
        table = self.query_one(LeaderboardTable)
        if rep_id is not None and rep_id in table.order:
            table.move_cursor(row=table.order.index(rep_id))
        table.focus()

    # -- targets, standup ------------------------------------------------------------------------------------------
    def targets_team(self) -> str | None:
        """The team in view; else the selected rep's; else your first team."""
        if self.board is not None and self.board.team:
            return self.board.team
        rep_id = self.query_one(LeaderboardTable).selected_rep_id
        if self.board is not None and rep_id is not None:
            row = next((r for r in self.board.rows if r.rep_id == rep_id), None)
            if row is not None and row.team:
                return row.team
        return self.teams[0][1] if self.teams else None

    def action_targets(self) -> None:
        from kpitui.ui.screens.targets import TargetsEditor

        team = self.targets_team()
        if team is None:
            self.notify("No team to set targets for", severity="warning")
            return
        self.app.open_screen(TargetsEditor(self.svc, team))  # type: ignore[attr-defined]

    def action_standup(self) -> None:
        """The meeting, from rank 1 down (the reps whose detail you may see)."""
        from kpitui.ui.screens.standup import Standup

        reps = [r for r in self.lineup if (p := self.people.get(r.rep_id)) is None or self.svc.can_see_detail(p)]
        if not reps:
            self.notify("Nobody to step through", severity="warning")
            return
        team = self.board.team if self.board is not None else self.team
        self.app.open_screen(Standup(self.svc, reps, self.scope_label, team), self.select_rep)  # type: ignore[attr-defined]
