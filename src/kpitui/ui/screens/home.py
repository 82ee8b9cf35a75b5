"""The rep's home: scorecard tiles, the funnel beside the team median, recent activities (`k`: every KPI)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static
from textual.worker import get_current_worker

from kpitui.domain.periods import Period
from kpitui.domain.records import ActivityRecord
from kpitui.domain.reports import FunnelReport, Scorecard
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.keys import PERIOD_BINDINGS
from kpitui.ui.show import problem
from kpitui.ui.widgets.activity_table import ActivityTable
from kpitui.ui.widgets.banner import RepBanner
from kpitui.ui.widgets.funnel_chart import FunnelChart, legend
from kpitui.ui.widgets.funnel_table import FunnelTable
from kpitui.ui.widgets.kpi_table import KpiTable
from kpitui.ui.widgets.kpi_tile import show_tiles
from kpitui.ui.widgets.open_actions import OpenActions

RECENT = 50


class RepHome(Screen[None]):
    BINDINGS = [
        Binding("a", "app.log_activity", "Log", id="activity.log", tooltip="a call, email, meeting, …"),
        *PERIOD_BINDINGS,
        Binding("k", "toggle_kpis", "All KPIs", id="home.kpis", tooltip="every KPI as a table"),
        Binding("l", "app.go('activities')", "Activities", id="go.activities"),
        Binding("D", "app.go('deals')", "Deals", key_display="D", id="go.deals"),
        Binding("n", "app.new_deal", "New deal", id="deal.new", tooltip="a new opportunity (counts in new_opps)"),
        Binding("g", "app.go_menu", "Go to", id="go.menu"),
        Binding("r", "reload", "Refresh", show=False, id="home.reload"),
        Binding("q", "app.quit", "Quit", id="app.quit"),
    ]

    @dataclass
    class Loaded(Message):
        period: Period
        card: Scorecard
        funnel: FunnelReport
        recent: list[ActivityRecord]
        history: dict[str, list[object]]  # scorecard KPI -> values over the last periods, for the tiles

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui) -> None:
        super().__init__(id="home", classes="rep-screen")
        self.svc = svc
        self.card: Scorecard | None = None

    def compose(self) -> ComposeResult:
        yield RepBanner(id="banner")
        with Vertical(id="home-body"):
            yield Horizontal(id="tiles")
            yield OpenActions(self.svc, id="open-actions")
            with ContentSwitcher(initial="overview", id="home-switcher"):
                with Horizontal(id="overview"):
                    with Vertical(id="funnel-panel", classes="panel") as funnel_panel:
                        funnel_panel.border_title = "Funnel"
                        funnel_panel.border_subtitle = legend("you")
                        yield FunnelTable(id="funnel")
                        yield Static(id="diagnosis", markup=False)
                        yield FunnelChart(id="funnel-chart")
                    with Vertical(id="recent-panel", classes="panel") as recent_panel:
                        recent_panel.border_title = "Recent activities"
                        recent_panel.border_subtitle = "l: all"
                        yield ActivityTable(compact=True, id="recent")
                with Vertical(id="all-kpis-panel", classes="panel") as kpis_panel:
                    kpis_panel.border_title = "Every KPI"
                    kpis_panel.border_subtitle = "★ in the score · k: back"
                    yield KpiTable(id="all-kpis")
        yield Footer()

    def on_mount(self) -> None:
        actor = self.svc.actor
        assert actor is not None
        if self.app.period is None:  # type: ignore[attr-defined]
            self.app.period = Period.week_of(self.svc.today())  # type: ignore[attr-defined]
        self.query_one(RepBanner).show(actor.name, actor.team, self.app.period, self.svc.today(), self.svc.calendar)  # type: ignore[attr-defined]
        self.watch(self.app, "period", self._period_changed, init=True)
        self.app.data_changed.subscribe(self, self._data_changed)  # type: ignore[attr-defined]

    # -- loading ---------------------------------------------------------------------------------------------------
    def _period_changed(self, period: Period | None) -> None:
        if period is not None:
            self.add_class("-loading")
            self.load(period)

    def _data_changed(self, _what: str) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.load(period)

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def load(self, period: Period) -> None:
        worker = get_current_worker()
        try:
            card, funnel = self.svc.drilldown(period)
            history = self.svc.history(period, [line.key for line in card.lines if line.in_scorecard])
            recent = self.svc.activities(period=period, limit=RECENT)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(period, card, funnel, recent, history))

    async def on_rep_home_loaded(self, message: Loaded) -> None:
        if message.period != self.app.period:  # type: ignore[attr-defined]
            return  # an older request finished after the period changed
        self.remove_class("-loading")
        card = self.card = message.card
        actor = self.svc.actor
        assert actor is not None
        self.query_one(RepBanner).show(card.rep, card.team, card.period, self.svc.today(), self.svc.calendar,
                                       card.score, score_known=True)
        await show_tiles(self.query_one("#tiles", Horizontal), card, message.history)
        self.query_one(FunnelTable).report = message.funnel
        self.query_one(FunnelChart).show(message.funnel)
        self._show_diagnosis(message.funnel)
        self.query_one("#recent", ActivityTable).show(message.recent, self.svc.zone, card.period)
        self.query_one(KpiTable).show(card)

    def on_rep_home_failed(self, message: Failed) -> None:
        self.remove_class("-loading")
        self.notify(clean_text(message.problem), severity="error", markup=False)

    def _show_diagnosis(self, funnel: FunnelReport) -> None:
        """The coaching diagnosis in plain words, so a rep sees what their manager will see."""
        if funnel.diagnosis:
            lines = [Content.assemble(("• ", "$text-warning"), clean_text(f.message)) for f in funnel.diagnosis]
        else:
            lines = [Content.styled("No bottleneck stands out against the team median.", "$text-muted")]
        self.query_one("#diagnosis", Static).update(Content("\n").join(lines))

    # -- keys ------------------------------------------------------------------------------------------------------
    def action_toggle_kpis(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        showing_all = switcher.current == "all-kpis-panel"
        switcher.current = "overview" if showing_all else "all-kpis-panel"
        if not showing_all:
            self.query_one(KpiTable).focus()
