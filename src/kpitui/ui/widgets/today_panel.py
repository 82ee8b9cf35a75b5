"""The rep's day on the home (DESIGN.md section 5): what today asks per leading KPI, what the revenue gap takes
down the funnel, the deals gone quiet, and the rank in the team. It loads itself in a thread worker, like the
home's other data, so a slow database never blocks a key press."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from kpitui.domain.formatting import format_kpi
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period
from kpitui.domain.today import FOLLOW_UP_AFTER_DAYS, Due, TodayReport, noun
from kpitui.services import Kpitui
from kpitui.ui.show import plain, problem

MUTED = "$text-muted"
NBSP = "\u00a0"
FOLLOW_UPS_SHOWN = 3
COLUMNS_FROM = 96  # the panel's own width from which its three parts sit side by side


def day_period(period: Period | None, today: date) -> Period:
    """The period the panel speaks of: the one in view when it holds today, else the one of the same kind that
    does (a rep browsing last week still sees what today asks); a custom range falls back to this week."""
    if period is not None and today in period:
        return period
    kind = period.kind if period is not None and period.kind in ("week", "month", "quarter", "year") else "week"
    return Period.containing(kind, today)


def due_words(due: Due, width: int) -> str:
    """'3 more conversations today to be on pace', shortened where the panel is narrow so a line never wraps."""
    amount = format_kpi(due.key, due.due_today)
    what = noun(due.key, due.due_today)  # type: ignore[arg-type]
    return next((text for text in (due.words, f"{amount} more {what} today", f"+{amount} {what} today")
                 if len(text) <= width), f"+{amount} {what}")


def due_lines(report: TodayReport, width: int = 80) -> list[Content]:
    """'3 more conversations today to be on pace' per KPI behind pace; those on pace on one line."""
    if not report.due:
        return [Content.styled("No leading KPI has a target for this period.", MUTED)]
    behind = [Content.assemble(("• ", "$text-warning"), due_words(d, width - 2)) for d in report.due if d.due_today]
    on_pace = [noun(d.key, 2) for d in report.due if d.due_today == 0]
    lines = behind
    if on_pace:
        lines.append(Content.assemble(("✓ ", "$text-success"), ("on pace: ", "$text-success"), ", ".join(on_pace)))
    if all(d.due_today is None for d in report.due):
        lines = [Content.styled("No pace today: the period is not in progress.", MUTED)]
    return lines


def takes_lines(report: TodayReport) -> list[Content]:
    """The reverse funnel as one chain: 'to win 13,500.00: 1 won deal ← 2 proposals ← … ← 190 calls'."""
    needs = report.what_it_takes
    if not needs:
        return [Content.styled("No revenue gap to close.", MUTED)]
    gap = needs[0]
    head = Content.assemble((gap.words.removesuffix(" revenue"), "bold"), (" revenue to win", MUTED))
    if len(needs) == 1:
        return [head, Content.styled("No average deal yet to turn it into deals.", MUTED)]
    # each step unbreakable, so a narrow panel wraps between steps, never inside "3 new opps"
    chain = Content(" ← ").join(Content(n.words.replace(" ", NBSP)) for n in needs[1:])
    lines = [Content.assemble(head, (": ", MUTED), chain)]
    borrowed = [KPIS[n.key].label.lower() for n in needs if n.rate_source == "team median"]
    if borrowed:
        lines.append(Content.styled(f"team median rate for {', '.join(borrowed)}", MUTED))
    return lines


def follow_lines(report: TodayReport) -> list[Content]:
    if not report.follow_ups:
        return [Content.styled(f"No open deal quiet for {FOLLOW_UP_AFTER_DAYS} days.", MUTED)]
    lines = [Content.assemble((f"{f.days_since_activity:>3}d ", "$text-warning"), plain(f.name or f.deal),
                              (" · " + plain(f.account), MUTED) if f.account else "")
             for f in report.follow_ups[:FOLLOW_UPS_SHOWN]]
    more = len(report.follow_ups) - FOLLOW_UPS_SHOWN
    if more > 0:
        lines.append(Content.styled(f"+ {more} more (D: deals)", MUTED))
    return lines


def rank_words(report: TodayReport) -> str:
    if report.rank is None:
        return "no rank yet" if report.team else "no team"
    return f"rank {report.rank} of {report.ranked_reps}"


class TodayPanel(Vertical):
    """Three parts side by side when wide, stacked when narrow (app.tcss)."""

    @dataclass
    class Loaded(Message):
        period: Period
        report: TodayReport

    def __init__(self, svc: Kpitui, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="panel")
        self.svc = svc
        self.border_title = "Today"
        self.period: Period | None = None
        self.report: TodayReport | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="today-parts"):
            for part, heading in (("due", "Due today"), ("takes", "What the gap takes"), ("follow", "Follow up")):
                with Vertical(classes="today-part"):
                    yield Static(Content.styled(heading, "bold"), classes="today-heading", markup=False)
                    yield Static(id=f"today-{part}", markup=False)

    def on_resize(self) -> None:
        """Side by side where each part gets a sentence's width, stacked (without headings) where not."""
        self.set_class(self.size.width >= COLUMNS_FROM, "-columns")
        if self.report is not None:
            self.show(self.report)

    @property
    def part_width(self) -> int:
        """The width one part's lines get (the panel's, or a third of it side by side, less the gutter)."""
        width = self.content_size.width or self.size.width
        return width // 3 - 2 if self.has_class("-columns") else width - 1

    def show_period(self, period: Period | None) -> None:
        """Load the day for the home's period `period` (see `day_period`)."""
        self.period = day_period(period, self.svc.today())
        self.load(self.period)

    def reload(self) -> None:
        if self.period is not None:
            self.load(self.period)

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load(self, period: Period) -> None:
        worker = get_current_worker()
        try:
            report = self.svc.rep_day(period=period)
        except Exception as exc:  # shown in the panel, never a dead worker
            self.app.call_from_thread(self._show_problem, problem(exc))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(period, report))

    def on_today_panel_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.period != self.period:
            return  # an older request finished after the period changed
        self.show(message.report)

    def show(self, report: TodayReport) -> None:
        self.report = report
        self.border_title = f"Today · {report.date:%a %-d %b} · {report.period.label}"
        self.border_subtitle = rank_words(report) + (f" in {plain(report.team)}" if report.team else "")
        self._fill("#today-due", due_lines(report, self.part_width))
        self._fill("#today-takes", takes_lines(report))
        self._fill("#today-follow", follow_lines(report))

    def _fill(self, selector: str, lines: list[Content]) -> None:
        self.query_one(selector, Static).update(Content("\n").join(lines))

    def _show_problem(self, text: str) -> None:
        self.query_one("#today-due", Static).update(Content.styled(plain(text), "$text-error"))
