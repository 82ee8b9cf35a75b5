"""One rep, as a manager coaches them: scorecard tiles, the funnel beside the team median (table, chart and the
diagnosis in plain words), the weekly trend of a KPI with its target line, activities, deals and 1:1 notes
(`o`; there `a` writes a note, `A` an action item, `x` ticks one off).

←/→ (n/p) step to the next rep in leaderboard order without leaving; Esc goes back with that rep selected."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from kpitui.domain.formatting import MISSING, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period
from kpitui.domain.records import ActivityRecord
from kpitui.domain.reports import FunnelReport, Scorecard, Trend
from kpitui.domain.standup import DealBrief
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.keys import QUIET_PERIOD_BINDINGS
from kpitui.ui.lineup import RepRef
from kpitui.ui.show import problem, user_text
from kpitui.ui.widgets.activity_table import ActivityTable
from kpitui.ui.widgets.breadcrumb import Breadcrumb
from kpitui.ui.widgets.funnel_chart import FunnelChart, legend
from kpitui.ui.widgets.funnel_table import FunnelTable
from kpitui.ui.widgets.kpi_tile import show_tiles
from kpitui.ui.widgets.notes_panel import NotesPanel
from kpitui.ui.widgets.trend_chart import TrendChart

TREND_KEYS = ("conversations", "meetings", "new_opps", "revenue", "calls", "proposals", "won_deals", "win_rate",
              "avg_deal_size", "cycle_days")
WEEKS = 13
RECENT = 50


def diagnosis_content(funnel: FunnelReport) -> Content:
    """The coaching diagnosis in plain words (the service's messages carry the numbers that triggered them)."""
    if funnel.diagnosis:
        return Content("\n").join(Content.assemble(("• ", "$text-warning"), clean_text(f.message))
                                  for f in funnel.diagnosis)
    return Content.styled("No bottleneck stands out against the team median.", "$text-muted")


class DealTable(DataTable[Text]):
    """Open deals first, the stalled ones (no activity for 14 days) on top and marked; then the closed ones."""

    COLUMNS = (("Deal", "deal", 10), ("Account", "account", 16), ("Quiet", "quiet", 11), ("Stage", "stage", 11),
               ("Amount", "amount", 9), ("Created", "created", 10), ("Closed", "closed", 10))

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for label, key, width in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, deals: list[DealBrief]) -> None:
        self.clear()
        for item in deals:
            deal = item.deal
            stage_style = {"won": "green", "lost": "red"}.get(deal.outcome, "")
            quiet = (Text(f"{item.quiet_days}d stalled", style="bold red") if item.stalled
                     else Text(f"{item.quiet_days}d") if item.is_open else Text(MISSING, style="dim"))
            self.add_row(user_text(deal.external_id or f"#{deal.id}", limit=10), user_text(deal.account, limit=16),
                         quiet, user_text(deal.stage, style=stage_style, limit=11),
                         Text(format_kpi("revenue", deal.amount, compact=True), justify="right"),
                         Text(deal.created_on.isoformat()),
                         Text(deal.closed_on.isoformat() if deal.closed_on else MISSING), key=str(deal.id))


class RepDetail(Screen[int | None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="to the leaderboard, this rep selected"),
        Binding("right,n", "step(1)", "Next rep", key_display="→/n", priority=True, id="detail.next"),
        Binding("left,p", "step(-1)", "Prev rep", key_display="←/p", priority=True, id="detail.previous"),
        *QUIET_PERIOD_BINDINGS,
        Binding("k", "trend_kpi(1)", "Trend KPI", id="detail.trend_kpi", tooltip="the KPI of the trend chart"),
        Binding("v", "tab('trend')", "Trend", show=False, id="detail.tab_trend"),
        Binding("l", "tab('activities')", "Activities", id="detail.tab_activities"),
        Binding("d", "tab('deals')", "Deals", id="detail.tab_deals"),
        Binding("o", "tab('notes')", "1:1 notes", id="detail.tab_notes", tooltip="notes and action items"),
        Binding("a", "add_note(False)", "Note", id="detail.note_add", tooltip="write a 1:1 note"),
        Binding("A", "add_note(True)", "Action", key_display="A", id="detail.action_add",
                tooltip="an action item, with a due date"),
        Binding("x", "note_done", "Done", id="detail.note_done", tooltip="mark the action item done"),
        Binding("r", "reload", "Refresh", show=False, id="detail.reload"),
    ]

    @dataclass
    class Loaded(Message):
        rep_id: int
        period: Period
        key: str
        card: Scorecard
        funnel: FunnelReport
        trend: Trend
        activities: list[ActivityRecord]
        deals: list[DealBrief]

    @dataclass
    class Failed(Message):
        rep_id: int
        problem: str

    def __init__(self, svc: Kpitui, reps: list[RepRef], index: int, scope: str, trend_key: str = "conversations"):
        super().__init__(id="rep-detail", classes="manager-screen")
        self.svc = svc
        self.reps = reps
        self.index = index
        self.scope = scope
        self.trend_key = trend_key if trend_key in KPIS else "conversations"
        self.card: Scorecard | None = None
        self.funnel: FunnelReport | None = None
        self.trend: Trend | None = None
        self.loaded_once = False

    @property
    def rep(self) -> RepRef:
        return self.reps[self.index]

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="banner")
        yield Horizontal(id="detail-tiles")
        with Horizontal(id="detail-body"):
            with Vertical(id="detail-funnel-panel", classes="panel") as funnel_panel:
                funnel_panel.border_title = "Funnel"
                funnel_panel.border_subtitle = legend("rep")
                yield FunnelTable(mine="Rep", id="detail-funnel")
                yield Static(id="detail-diagnosis", markup=False)
                yield FunnelChart(mine="rep", id="detail-funnel-chart")
            with TabbedContent(id="detail-tabs", initial="trend"):
                with TabPane("Trend", id="trend"):
                    yield TrendChart(id="detail-trend")
                with TabPane("Activities", id="activities"):
                    yield ActivityTable(compact=True, id="detail-activities")
                with TabPane("Deals", id="deals"):
                    yield DealTable(id="detail-deals")
                with TabPane("1:1 notes", id="notes"):
                    yield NotesPanel(self.svc, id="detail-notes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show_breadcrumb()
        self.watch(self.app, "period", self._period_changed, init=True)

    # -- loading ---------------------------------------------------------------------------------------------------
    def _period_changed(self, period: Period | None) -> None:
        if period is not None:
            self._show_breadcrumb()
            self.action_reload()

    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.add_class("-loading")
            self.load(self.rep, period, self.trend_key)
            self.query_one(NotesPanel).show_rep(self.rep.rep_id, self.rep.ref)

    @work(thread=True, exclusive=True, group="rep-detail", exit_on_error=False)
    def load(self, rep: RepRef, period: Period, key: str) -> None:
        worker = get_current_worker()
        try:
            card, funnel = self.svc.drilldown(period, rep.ref)
            trend = self.svc.trend(key, rep=rep.ref, weeks=WEEKS, until=period)
            activities = self.svc.activities(rep=rep.ref, period=period, limit=RECENT)
            deals = self.svc.deals_by_attention(rep=rep.ref)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(rep.rep_id, problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(rep.rep_id, period, key, card, funnel, trend, activities, deals))

    async def on_rep_detail_loaded(self, message: Loaded) -> None:
        if (message.rep_id, message.period, message.key) != (self.rep.rep_id, self.app.period, self.trend_key):  # type: ignore[attr-defined]
            return  # an older request finished after the rep, period or KPI changed
        self.remove_class("-loading")
        self.loaded_once = True
        self.card, self.funnel, self.trend = message.card, message.funnel, message.trend
        await show_tiles(self.query_one("#detail-tiles", Horizontal), message.card)
        self.query_one(FunnelTable).report = message.funnel
        self.query_one("#detail-diagnosis", Static).update(diagnosis_content(message.funnel))
        self.query_one(FunnelChart).show(message.funnel)
        self.query_one(TrendChart).show(message.trend)
        self._label_trend_tab()
        self.query_one(ActivityTable).show(message.activities, self.svc.zone, message.period)
        self.query_one(DealTable).show(message.deals)
        self._show_breadcrumb()

    def on_rep_detail_failed(self, message: Failed) -> None:
        self.remove_class("-loading")
        self.notify(clean_text(message.problem), severity="error", markup=False)
        if not self.loaded_once:
            self.dismiss(None)  # e.g. not your team: stay where you were

    def _label_trend_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("trend").label = Content(f"Trend: {KPIS[self.trend_key].label}")  # type: ignore[assignment]

    def _show_breadcrumb(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is None:
            return
        extra = [Content.styled(f"{self.index + 1}/{len(self.reps)}", "$text-muted")]
        if self.card is not None and self.card.rep_id == self.rep.rep_id:
            extra.append(Content.assemble(("  score ", "$text-muted"), (format_ratio(self.card.score), "bold")))
        self.query_one(Breadcrumb).show([self.scope, self.rep.name], period, Content.assemble(*extra))

    # -- keys ------------------------------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        if len(self.reps) < 2:
            self.app.bell()
            return
        self.index = (self.index + delta) % len(self.reps)
        self._show_breadcrumb()
        self.action_reload()

    def action_trend_kpi(self, delta: int) -> None:
        keys = list(TREND_KEYS) if self.trend_key in TREND_KEYS else [self.trend_key, *TREND_KEYS]
        self.trend_key = keys[(keys.index(self.trend_key) + delta) % len(keys)]
        self.query_one(TabbedContent).active = "trend"
        self._label_trend_tab()
        self.action_reload()

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane

    # -- 1:1 notes: a/A/x act in the notes tab only (and show in the footer there) --------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_note", "note_done"):
            tabs = self.query(TabbedContent)
            return bool(tabs) and tabs.first().active == "notes"
        return True

    def on_tabbed_content_tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def action_add_note(self, action: bool) -> None:
        from kpitui.ui.screens.note_form import NoteForm

        panel = self.query_one(NotesPanel)
        self.app.push_screen(NoteForm(self.svc, self.rep.ref, self.rep.name, action=action),
                             lambda note: panel.reload(select=note.id) if note is not None else None)

    def action_note_done(self) -> None:
        self.query_one(NotesPanel).tick_selected()

    def action_back(self) -> None:
        self.dismiss(self.rep.rep_id)
