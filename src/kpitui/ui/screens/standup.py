"""Standup mode: full screen, large and high-contrast for a screen share, one rep at a time — their scorecard in
big numbers and their funnel. Space / → next, ← previous, `p` starts or stops the timer that moves on by
itself, `+` / `-` change its pace, Esc leaves (with the last rep selected on the leaderboard)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer, Static
from textual.worker import get_current_worker

from kpitui.domain.formatting import MISSING, format_kpi, format_ratio
from kpitui.domain.periods import Period
from kpitui.domain.reports import FunnelReport, Scorecard, ScorecardLine
from kpitui.domain.scoring import Phase
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.lineup import RepRef
from kpitui.ui.show import period_span, plain, problem
from kpitui.ui.widgets.funnel_table import FunnelTable

DEFAULT_SECONDS = 30
STEP_SECONDS = 10


def big_number(line: ScorecardLine) -> str:
    """What the Digits show: the compact value ('12', '3.4k')."""
    return format_kpi(line.key, line.value, compact=True)


TONE_CLASS = {"good": "-good", "steady": "-steady", "close": "-close", "poor": "-low", "none": "-none"}


class StandupTile(Vertical):
    """One scorecard KPI: label, the value in big digits, 'of TARGET · ATTAINMENT · PACE'. The colour is the
    line's tone: pace while the period runs, attainment once it is over."""

    def __init__(self, key: str, label: str) -> None:
        super().__init__(id=f"standup-{key}", classes="standup-tile")
        self.key = key
        self.border_title = label

    def compose(self) -> ComposeResult:
        yield Digits("", classes="standup-digits")
        yield Static(classes="standup-target", markup=False)

    def show(self, line: ScorecardLine, phase: Phase = "over") -> None:
        self.query_one(Digits).update(big_number(line))
        target = MISSING if line.target is None else format_kpi(line.key, line.target, compact=True)
        if (line.target_source or "").startswith("derived:"):
            target = "≈" + target
        pace = "not started" if phase == "not started" else line.status if phase == "in progress" else None
        self.query_one(".standup-target", Static).update(
            Content.assemble(("of ", ""), (target, "bold"), (" · ", ""), (format_ratio(line.attainment), "bold"),
                             *((" · ", ""), (pace, "bold")) if pace else ()))
        for name in TONE_CLASS.values():
            self.set_class(name == TONE_CLASS[line.tone], name)


class Standup(Screen[int | None]):
    BINDINGS = [
        Binding("escape,q", "leave", "Leave", key_display="esc", id="standup.leave"),
        Binding("space,right,n", "step(1)", "Next", key_display="space/→", priority=True, id="standup.next"),
        Binding("left,backspace", "step(-1)", "Previous", key_display="←", priority=True, id="standup.previous"),
        Binding("p", "toggle_timer", "Timer", id="standup.timer", tooltip="advance by itself every N seconds"),
        Binding("plus,equals_sign", "pace(1)", "Slower", key_display="+", id="standup.slower",
                tooltip="more seconds per rep"),
        Binding("minus", "pace(-1)", "Faster", key_display="-", id="standup.faster", tooltip="fewer seconds per rep"),
    ]

    @dataclass
    class Loaded(Message):
        rep_id: int
        period: Period
        card: Scorecard
        funnel: FunnelReport

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, reps: list[RepRef], scope: str, index: int = 0) -> None:
        super().__init__(id="standup", classes="standup")
        self.svc = svc
        self.reps = reps
        self.scope = scope
        self.index = index
        self.seconds = DEFAULT_SECONDS
        self.timer: Timer | None = None
        self.card: Scorecard | None = None

    @property
    def rep(self) -> RepRef:
        return self.reps[self.index]

    def compose(self) -> ComposeResult:
        with Horizontal(id="standup-head"):
            yield Static(id="standup-who", markup=False)
            yield Static(id="standup-where", markup=False)
        yield Horizontal(id="standup-tiles")
        with Horizontal(id="standup-bottom"):
            with Vertical(id="standup-funnel-panel") as panel:
                panel.border_title = "Funnel  (→ conversion · team median)"
                yield FunnelTable(mine="Rep", id="standup-funnel")
            yield Static(id="standup-diagnosis", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show_head()
        self.watch(self.app, "period", lambda _p: self.action_reload(), init=True)

    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.load(self.rep, period)

    @work(thread=True, exclusive=True, group="standup", exit_on_error=False)
    def load(self, rep: RepRef, period: Period) -> None:
        worker = get_current_worker()
        try:
            card, funnel = self.svc.drilldown(period, rep.ref)
        except Exception as exc:
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(rep.rep_id, period, card, funnel))

    async def on_standup_loaded(self, message: Loaded) -> None:
        if (message.rep_id, message.period) != (self.rep.rep_id, self.app.period):  # type: ignore[attr-defined]
            return
        self.card = message.card
        tiles = self.query_one("#standup-tiles", Horizontal)
        lines = [line for line in message.card.lines if line.in_scorecard]
        shown = list(tiles.query(StandupTile))
        if [t.key for t in shown] != [line.key for line in lines]:
            await tiles.remove_children()
            shown = [StandupTile(line.key, line.label) for line in lines]
            await tiles.mount_all(shown)
        for tile, line in zip(shown, lines, strict=True):
            tile.show(line, message.card.phase)
        self.query_one(FunnelTable).report = message.funnel
        diagnosis = self.query_one("#standup-diagnosis", Static)
        if message.funnel.diagnosis:
            diagnosis.update(Content("\n").join(Content.assemble(("▶ ", "bold"), clean_text(f.message))
                                                for f in message.funnel.diagnosis))
        else:
            diagnosis.update(Content("No bottleneck against the team median."))
        self._show_head()

    def on_standup_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)

    def _show_head(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        who = Content.assemble((plain(self.rep.name), "bold"), ("  " + plain(self.rep.team or ""), ""))
        self.query_one("#standup-who", Static).update(who)
        score = format_ratio(self.card.score) if self.card and self.card.rep_id == self.rep.rep_id else MISSING
        timer = f"▶ every {self.seconds}s" if self.timer is not None else f"p: timer ({self.seconds}s)"
        where = f"score {score}   {self.index + 1}/{len(self.reps)}   "
        if period is not None:
            where += f"{period.label} {period_span(period)}   "
        self.query_one("#standup-where", Static).update(Content(where + timer))

    # -- keys ------------------------------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.reps)
        self._show_head()
        self.action_reload()
        if self.timer is not None:
            self.timer.reset()

    def action_toggle_timer(self) -> None:
        if self.timer is None:
            self.timer = self.set_interval(self.seconds, lambda: self.action_step(1))
        else:
            self.timer.stop()
            self.timer = None
        self._show_head()

    def action_pace(self, direction: int) -> None:
        self.seconds = max(STEP_SECONDS, self.seconds + direction * STEP_SECONDS)
        if self.timer is not None:
            self.timer.stop()
            self.timer = self.set_interval(self.seconds, lambda: self.action_step(1))
        self._show_head()

    def action_leave(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.dismiss(self.rep.rep_id)
