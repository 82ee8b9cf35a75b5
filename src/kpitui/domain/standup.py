"""What a standup talks about, rep by rep: yesterday's activity, pace, deals to discuss (the biggest open ones and
the stalled ones), and the summary at the end. Pure: the service hands in the numbers and the deals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.kpis import KpiValue
from kpitui.domain.records import DealRecord
from kpitui.domain.scoring import Tone

STALLED_DAYS = 14  # an open deal with no activity for this many days is stalled (DESIGN.md section 6, alerts)
BIGGEST_OPEN = 3
YESTERDAY_KEYS = ("calls", "conversations", "emails", "meetings", "demos", "proposals", "new_opps")
LOOK_BACK_DAYS = 31  # a previous working day further back than this is a calendar with no working days


def previous_working_day(calendar: WorkCalendar, today: date) -> date:
    """The working day before `today` (Monday's is Friday; after a holiday, the day before it)."""
    day = today - timedelta(days=1)
    for _ in range(LOOK_BACK_DAYS):
        if calendar.is_working(day):
            return day
        day -= timedelta(days=1)
    return today - timedelta(days=1)


@dataclass(frozen=True)
class DealBrief:
    """A deal with how long it has been quiet: days since its last activity (since it was created when none)."""

    deal: DealRecord
    last_activity: date | None
    quiet_days: int

    @property
    def is_open(self) -> bool:
        return self.deal.outcome == "open"

    @property
    def stalled(self) -> bool:
        return self.is_open and self.quiet_days >= STALLED_DAYS


def brief(deal: DealRecord, last_activity: date | None, today: date) -> DealBrief:
    since = last_activity if last_activity is not None else deal.created_on
    return DealBrief(deal, last_activity, max(0, (today - since).days))


def attention_order(deals: Sequence[DealBrief]) -> list[DealBrief]:
    """Open and stalled first (the quietest first), then the other open deals (biggest first), then the closed
    ones (most recently closed first): what a manager should look at comes first."""
    def key(item: DealBrief) -> tuple[int, float, float]:
        deal = item.deal
        if item.stalled:
            return (0, -item.quiet_days, -float(deal.amount or 0))
        if item.is_open:
            return (1, -float(deal.amount or 0), -item.quiet_days)
        closed = deal.closed_on or deal.created_on
        return (2, -closed.toordinal(), 0.0)

    return sorted(deals, key=lambda d: (*key(d), d.deal.id))


def deals_to_discuss(deals: Sequence[DealBrief], biggest: int = BIGGEST_OPEN) -> list[DealBrief]:
    """The standup's deals: every stalled open deal and the `biggest` open ones by amount, in attention order."""
    open_deals = [d for d in deals if d.is_open]
    largest = sorted(open_deals, key=lambda d: (-float(d.deal.amount or 0), d.deal.id))[:biggest]
    chosen = {d.deal.id for d in largest} | {d.deal.id for d in open_deals if d.stalled}
    return attention_order([d for d in open_deals if d.deal.id in chosen])


@dataclass(frozen=True)
class RepBrief:
    """One rep's turn in the standup, besides the scorecard: yesterday and the deals to discuss."""

    rep_id: int
    yesterday: date
    yesterday_counts: dict[str, KpiValue]
    deals: list[DealBrief]


@dataclass(frozen=True)
class PaceLine:
    """One rep in the summary: their score and its tone (pace while the period runs)."""

    rep: str
    score: float | None
    tone: Tone


@dataclass(frozen=True)
class StandupSummary:
    """The page at the end: the team's score and pace, who is behind, and the open actions."""

    team_score: float | None
    team_tone: Tone
    behind: list[PaceLine]
    on_pace: list[PaceLine]
    actions: list[str] = field(default_factory=list)


def summarise(lines: Sequence[PaceLine], team_score: float | None, team_tone: Tone,
              actions: Sequence[str] = ()) -> StandupSummary:
    """Who is behind: a rep whose score reads `poor` (behind pace, or missed once the period is over)."""
    behind = [line for line in lines if line.tone == "poor"]
    return StandupSummary(team_score, team_tone, behind, [line for line in lines if line.tone != "poor"],
                          list(actions))
