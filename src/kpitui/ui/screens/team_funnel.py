"""Enter on the leaderboard's Σ row: the team's funnel for the period — the summed steps with their conversions
beside the median rep's, and the team's bars. Esc goes back to the leaderboard."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from kpitui.domain.periods import Period
from kpitui.domain.reports import FunnelReport
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.keys import QUIET_PERIOD_BINDINGS
from kpitui.ui.show import problem
from kpitui.ui.widgets.breadcrumb import Breadcrumb
from kpitui.ui.widgets.funnel_chart import FunnelChart
from kpitui.ui.widgets.funnel_table import FunnelTable


class TeamFunnel(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="team_funnel.back", tooltip="to the leaderboard"),
        *QUIET_PERIOD_BINDINGS,
    ]

    @dataclass
    class Loaded(Message):
        period: Period
        report: FunnelReport

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, team: str) -> None:
        super().__init__(id="team-funnel", classes="manager-screen")
        self.svc = svc
        self.team = team
        self.report: FunnelReport | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="banner")
        with Vertical(id="team-funnel-panel", classes="panel") as panel:
            panel.border_title = "Team funnel"
            panel.border_subtitle = "summed steps · → conversion · median rep"
            yield FunnelTable(mine="Team", median="Median rep", id="team-funnel-table")
            yield FunnelChart(mine="team", with_median=False, id="team-funnel-chart")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "period", self._period_changed, init=True)

    def _period_changed(self, period: Period | None) -> None:
        if period is not None:
            self.query_one(Breadcrumb).show([self.team, "Funnel"], period)
            self.load(period)

    @work(thread=True, exclusive=True, group="team-funnel", exit_on_error=False)
    def load(self, period: Period) -> None:
        worker = get_current_worker()
        try:
            report = self.svc.funnel(period, team=self.team)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(period, report))

    def on_team_funnel_loaded(self, message: Loaded) -> None:
        if message.period != self.app.period:  # type: ignore[attr-defined]
            return
        self.report = message.report
        self.query_one(FunnelTable).report = message.report
        self.query_one(FunnelChart).show(message.report)

    def on_team_funnel_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)
