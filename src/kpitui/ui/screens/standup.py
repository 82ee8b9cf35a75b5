"""Standup mode: a meeting that runs itself, full screen, large and high-contrast for a screen share. From rank 1
down, one rep at a time: the scorecard in big numbers with its pace, what they logged on the previous working
day, the deals to discuss (the biggest open ones and the stalled ones), their open action items, and a countdown
(2 minutes, `standup_seconds` in the config file) that moves on by itself. After the last rep, a summary: the
team's pace, who is behind, the actions agreed. Space / → next, ← previous, `p` pauses the countdown, `+` / `-`
change it, Esc leaves (with the rep last shown selected on the leaderboard)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Digits, Footer, Static
from textual.worker import get_current_worker

from kpitui.domain.errors import ConfigError
from kpitui.domain.formatting import MISSING, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period
from kpitui.domain.reports import FunnelReport, Scorecard, ScorecardLine
from kpitui.domain.scoring import Phase
from kpitui.domain.standup import PaceLine, RepBrief, StandupSummary, summarise
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.settings import load_config
from kpitui.ui.lineup import RepRef
from kpitui.ui.show import period_span, plain, problem, user_text
from kpitui.ui.widgets.countdown import DEFAULT_SECONDS, STEP_SECONDS, Countdown, CountdownLabel
from kpitui.ui.widgets.funnel_table import FunnelTable

TONE_CLASS = {"good": "-good", "steady": "-steady", "close": "-close", "poor": "-low", "none": "-none"}
TONE_WORDS = {"good": "ahead", "steady": "on track", "close": "close", "poor": "behind", "none": "no target"}


def standup_seconds() -> int:
    """The countdown per person: `standup_seconds` in the config file, else 2 minutes."""
    try:
        value = load_config().get("standup_seconds", DEFAULT_SECONDS)
    except ConfigError:
        return DEFAULT_SECONDS
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_SECONDS


def open_actions(svc: Kpitui, rep: RepRef) -> list[str]:
    """The rep's open action items from their 1:1 notes (svc.open_actions), soonest due first, as lines."""
    return [clean_text(item.text) + (f"  (due {item.due_on:%d %b})" if item.due_on else "")
            for item in svc.open_actions(rep.ref)]


def big_number(line: ScorecardLine) -> str:
    """What the Digits show: the compact value ('12', '3.4k')."""
    return format_kpi(line.key, line.value, compact=True)


def yesterday_words(brief: RepBrief) -> Content:
    """'Tue 20 Oct: 3 calls · 2 conversations · 1 meeting', or that nothing was logged."""
    day = brief.yesterday.strftime("%a %d %b")
    done = []
    for key, value in brief.yesterday_counts.items():
        if value:
            label = KPIS[key].label.lower()
            done.append(f"{value} {label[:-1] if value == 1 and label.endswith('s') else label}")
    if not done:
        return Content.assemble((day, "bold"), ": ", ("nothing logged", "bold ansi_bright_red"))
    return Content.assemble((day, "bold"), ": ", (" · ".join(done), "bold"))


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


class DealsToDiscuss(DataTable[Text]):
    def on_mount(self) -> None:
        self.cursor_type = "none"
        for label, key, width in (("Deal", "deal", 26), ("Stage", "stage", 12), ("Amount", "amount", 9),
                                  ("Quiet", "quiet", 12)):
            self.add_column(label, key=key, width=width)

    def show(self, brief: RepBrief) -> None:
        self.clear()
        for item in brief.deals:
            deal = item.deal
            quiet = Text(f"{item.quiet_days}d stalled", style="bold ansi_bright_red") if item.stalled \
                else Text(f"{item.quiet_days}d")
            self.add_row(user_text(f"{deal.account} · {deal.name}", limit=26), user_text(deal.stage, limit=12),
                         Text(format_kpi("revenue", deal.amount, compact=True), justify="right"), quiet,
                         key=str(deal.id))


class Standup(Screen[int | None]):
    BINDINGS = [
        Binding("escape,q", "leave", "Leave", key_display="esc", id="standup.leave"),
        Binding("space,right,n", "step(1)", "Next", key_display="space/→", priority=True, id="standup.next"),
        Binding("left,backspace", "step(-1)", "Previous", key_display="←", priority=True, id="standup.previous"),
        Binding("p", "pause", "Pause", id="standup.pause", tooltip="stop or restart the countdown"),
        Binding("plus,equals_sign", "more_time(1)", "+30s", key_display="+", id="standup.slower",
                tooltip="more time per person"),
        Binding("minus", "more_time(-1)", "-30s", key_display="-", id="standup.faster",
                tooltip="less time per person"),
    ]

    @dataclass
    class Loaded(Message):
        rep_id: int
        period: Period
        card: Scorecard
        funnel: FunnelReport
        brief: RepBrief
        actions: list[str]

    @dataclass
    class Summarised(Message):
        period: Period
        summary: StandupSummary

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, reps: list[RepRef], scope: str, team: str | None = None,
                 seconds: int | None = None, clock: Callable[[], float] | None = None) -> None:
        super().__init__(id="standup", classes="standup")
        self.svc = svc
        self.reps = reps
        self.scope = scope
        self.team = team
        self.index = 0  # from rank 1 down; len(reps) is the summary
        self.countdown = Countdown(seconds or standup_seconds(), clock or time.monotonic)
        self.ticks = 0
        self.card: Scorecard | None = None
        self.summary: StandupSummary | None = None

    @property
    def on_summary(self) -> bool:
        return self.index >= len(self.reps)

    @property
    def rep(self) -> RepRef:
        return self.reps[min(self.index, len(self.reps) - 1)]

    def compose(self) -> ComposeResult:
        with Horizontal(id="standup-head"):
            yield Static(id="standup-who", markup=False)
            yield Static(id="standup-where", markup=False)
            yield CountdownLabel(id="standup-clock", markup=False)
        with ContentSwitcher(id="standup-pages", initial="standup-rep"):
            with Vertical(id="standup-rep"):
                yield Horizontal(id="standup-tiles")
                with Horizontal(id="standup-middle"):
                    with Vertical(id="standup-day-panel", classes="standup-panel") as day:
                        day.border_title = "Yesterday"
                        yield Static(id="standup-yesterday", markup=False)
                        yield Static(id="standup-actions", markup=False)
                    with Vertical(id="standup-deals-panel", classes="standup-panel") as deals:
                        deals.border_title = "Deals to discuss"
                        deals.border_subtitle = "biggest open · stalled: no activity 14 days"
                        yield DealsToDiscuss(id="standup-deals")
                with Horizontal(id="standup-bottom"):
                    with Vertical(id="standup-funnel-panel", classes="standup-panel") as panel:
                        panel.border_title = "Funnel  (→ conversion · team median)"
                        yield FunnelTable(mine="Rep", id="standup-funnel")
                    yield Static(id="standup-diagnosis", markup=False)
            with Vertical(id="standup-summary"):
                yield Static(id="standup-summary-head", markup=False)
                with Horizontal(id="standup-summary-body"):
                    with Vertical(id="standup-behind-panel", classes="standup-panel") as behind:
                        behind.border_title = "Behind"
                        yield Static(id="standup-behind", markup=False)
                    with Vertical(id="standup-on-pace-panel", classes="standup-panel") as on_pace:
                        on_pace.border_title = "On pace"
                        yield Static(id="standup-on-pace", markup=False)
                    with Vertical(id="standup-agreed-panel", classes="standup-panel") as agreed:
                        agreed.border_title = "Actions agreed"
                        yield Static(id="standup-agreed", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        app_clock = getattr(self.app, "countdown_clock", None)
        if app_clock is not None and self.countdown.clock is time.monotonic:
            self.countdown = Countdown(self.countdown.seconds, app_clock)
        self._show_head()
        self.watch(self.app, "period", lambda _p: self.action_reload(), init=True)
        self.set_interval(1, self._tick, name="standup countdown")  # never reset: see widgets/countdown.py

    # -- the countdown -------------------------------------------------------------------------------------------
    def _tick(self) -> None:
        self.ticks += 1
        if not self.on_summary and self.countdown.over:
            self.action_step(1)
        self.query_one(CountdownLabel).show(self.countdown)

    # -- loading ---------------------------------------------------------------------------------------------------
    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is None:
            return
        if self.on_summary:
            self.summarise(period)
        else:
            self.load(self.rep, period)

    @work(thread=True, exclusive=True, group="standup", exit_on_error=False)
    def load(self, rep: RepRef, period: Period) -> None:
        worker = get_current_worker()
        try:
            card, funnel = self.svc.drilldown(period, rep.ref)
            brief = self.svc.rep_brief(rep.ref)
            actions = open_actions(self.svc, rep)
        except Exception as exc:
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(rep.rep_id, period, card, funnel, brief, actions))

    @work(thread=True, exclusive=True, group="standup", exit_on_error=False)
    def summarise(self, period: Period) -> None:
        worker = get_current_worker()
        try:
            board = self.svc.leaderboard(period, team=self.team)
            here = {r.rep_id for r in self.reps}
            lines = [PaceLine(row.rep, row.score, row.score_tone) for row in board.rows if row.rep_id in here]
            actions = [f"{rep.name}: {action}" for rep in self.reps for action in open_actions(self.svc, rep)]
        except Exception as exc:
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Summarised(period, summarise(lines, board.total_score, board.total_score_tone,
                                                                actions)))

    async def on_standup_loaded(self, message: Loaded) -> None:
        if self.on_summary or (message.rep_id, message.period) != (self.rep.rep_id, self.app.period):  # type: ignore[attr-defined]
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
        self.query_one("#standup-yesterday", Static).update(yesterday_words(message.brief))
        actions = self.query_one("#standup-actions", Static)
        actions.display = bool(message.actions)
        actions.update(Content.assemble(("Open actions\n", "bold underline"),
                                        "\n".join(f"☐ {a}" for a in message.actions)))
        self.query_one(DealsToDiscuss).show(message.brief)
        self.query_one(FunnelTable).report = message.funnel
        diagnosis = self.query_one("#standup-diagnosis", Static)
        if message.funnel.diagnosis:
            diagnosis.update(Content("\n").join(Content.assemble(("▶ ", "bold"), clean_text(f.message))
                                                for f in message.funnel.diagnosis))
        else:
            diagnosis.update(Content("No bottleneck against the team median."))
        self._show_head()

    def on_standup_summarised(self, message: Summarised) -> None:
        if not self.on_summary or message.period != self.app.period:  # type: ignore[attr-defined]
            return
        self.summary = summary = message.summary
        self.query_one("#standup-summary-head", Static).update(Content.assemble(
            ("Team score ", ""), (format_ratio(summary.team_score), "bold"), ("  ·  pace: ", ""),
            (TONE_WORDS[summary.team_tone], "bold"), ("  ·  behind: ", ""), (str(len(summary.behind)), "bold"),
            (f" of {len(summary.behind) + len(summary.on_pace)}", "")))

        def names(lines: list[PaceLine]) -> Content:
            if not lines:
                return Content("nobody")
            return Content("\n").join(Content.assemble((plain(line.rep), "bold"), f"  {format_ratio(line.score)}")
                                      for line in lines)

        self.query_one("#standup-behind", Static).update(names(summary.behind))
        self.query_one("#standup-on-pace", Static).update(names(summary.on_pace))
        self.query_one("#standup-agreed-panel").display = bool(summary.actions)
        self.query_one("#standup-agreed", Static).update(Content("\n").join(Content(f"☐ {plain(a)}")
                                                                             for a in summary.actions))
        self._show_head()

    def on_standup_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)

    def _show_head(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if self.on_summary:
            who = Content.assemble(("Summary", "bold"), ("  " + plain(self.scope), ""))
            where = f"{len(self.reps)} reps   "
        else:
            who = Content.assemble((plain(self.rep.name), "bold"), ("  " + plain(self.rep.team or ""), ""))
            mine = self.card is not None and self.card.rep_id == self.rep.rep_id
            score = format_ratio(self.card.score) if mine and self.card else MISSING
            where = f"score {score}   {self.index + 1}/{len(self.reps)}   "
        if period is not None:
            where += f"{period.label} {period_span(period)}   "
        self.query_one("#standup-who", Static).update(who)
        self.query_one("#standup-where", Static).update(Content(where))
        self.query_one(CountdownLabel).display = not self.on_summary
        self.query_one(CountdownLabel).show(self.countdown)
        self.query_one(ContentSwitcher).current = "standup-summary" if self.on_summary else "standup-rep"

    # -- keys ------------------------------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        """Forward to the summary after the last rep, never past it; back no further than rank 1."""
        index = max(0, min(len(self.reps), self.index + delta))
        if index == self.index:
            self.app.bell()
            return
        self.index = index
        self.countdown.restart()
        self._show_head()
        self.action_reload()

    def action_pause(self) -> None:
        self.countdown.toggle()
        self.query_one(CountdownLabel).show(self.countdown)

    def action_more_time(self, direction: int) -> None:
        self.countdown.change(direction * STEP_SECONDS)
        self.query_one(CountdownLabel).show(self.countdown)

    def action_leave(self) -> None:
        self.dismiss(self.rep.rep_id)
