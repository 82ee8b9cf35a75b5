"""The rep's day (DESIGN.md sections 4-6): what is due today per leading KPI, what the revenue gap takes down
the funnel (the reverse funnel), the deals to follow up, and the rank in the team. Pure: the service hands in
the values, nothing here reads the database.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kpitui.domain.formatting import format_kpi
from kpitui.domain.kpis import FUNNEL_STEPS, KPIS, KpiValue
from kpitui.domain.periods import Period
from kpitui.domain.reports import json_number

# A step where the rep has fewer than this many (proposals, say) says little about the rep: the team's median
# conversion stands in for theirs.
MIN_AT_STEP = 5
FOLLOW_UP_AFTER_DAYS = 7  # an open deal with no activity for this many days wants a follow-up
HISTORY_WEEKS = 13  # the reverse funnel's rates: the last 13 full weeks
# singular, plural: "1 more conversation", "3 more conversations"
NOUNS: dict[str, tuple[str, str]] = {
    "calls": ("call", "calls"), "conversations": ("conversation", "conversations"), "emails": ("email", "emails"),
    "meetings": ("meeting", "meetings"), "demos": ("demo", "demos"), "proposals": ("proposal", "proposals"),
    "ideas": ("idea", "ideas"), "new_opps": ("new opp", "new opps"), "won_deals": ("won deal", "won deals"),
}


def noun(key: str, count: int | float | Decimal) -> str:
    one, many = NOUNS.get(key, (KPIS[key].label.lower(), KPIS[key].label.lower()))
    return one if count == 1 else many


@dataclass(frozen=True)
class Due:
    """One leading KPI with a target: where it stands and what today asks of it."""

    key: str
    value: KpiValue
    target: Decimal
    due_today: KpiValue  # None when the period is not in progress
    per_day_left: KpiValue

    def as_json(self) -> dict[str, object]:
        unit = KPIS[self.key].unit
        return {"key": self.key, "value": json_number(self.value, unit), "target": json_number(self.target, unit),
                "due_today": json_number(self.due_today, unit), "per_day_left": json_number(self.per_day_left, unit)}

    @property
    def words(self) -> str:
        """'3 more conversations today to be on pace', 'on pace' when nothing more is due today."""
        if self.due_today is None:
            return "no pace outside a period in progress"
        if not self.due_today:
            return "on pace"
        return f"{format_kpi(self.key, self.due_today)} more {noun(self.key, self.due_today)} today to be on pace"


@dataclass(frozen=True)
class Need:
    """One step of the reverse funnel: `needed` more of `key` by the period's end (revenue: the gap itself)."""

    key: str
    needed: int | Decimal
    rate: Fraction | None = None  # the conversion from this step to the next one that was used
    rate_source: str = ""  # "you" | "team median" (the rep had fewer than MIN_AT_STEP at this step)

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "needed": json_number(self.needed, KPIS[self.key].unit)}

    @property
    def words(self) -> str:
        if self.key == "revenue":
            return f"{format_kpi('revenue', self.needed)} revenue"
        return f"{self.needed:,} {noun(self.key, self.needed)}"


@dataclass(frozen=True)
class FollowUp:
    deal_id: int
    deal: str  # as activities name it: the external id, else the deal's name
    name: str
    account: str
    days_since_activity: int

    def as_json(self) -> dict[str, object]:
        return {"deal": self.deal, "account": self.account, "days_since_activity": self.days_since_activity}


@dataclass(frozen=True)
class TodayReport:
    rep: str
    team: str | None
    date: date
    period: Period
    due: list[Due]
    what_it_takes: list[Need]
    follow_ups: list[FollowUp]
    rank: int | None
    ranked_reps: int = 0  # how many reps the team's leaderboard ranks (for "2nd of 6")
    notes: list[str] = field(default_factory=list)  # why a part is empty, in words

    def as_json(self) -> dict[str, object]:
        return {"rep": self.rep, "date": self.date.isoformat(), "due": [d.as_json() for d in self.due],
                "what_it_takes": [n.as_json() for n in self.what_it_takes],
                "follow_ups": [f.as_json() for f in self.follow_ups], "rank": self.rank}


def days_since(today: date, created_on: date, last_activity_on: date | None) -> int:
    """Days since the last linked activity, or since the deal was created when that is later or none."""
    last = created_on if last_activity_on is None else max(created_on, last_activity_on)
    return (today - last).days


def step_rates(mine: Mapping[str, int], team: Sequence[Mapping[str, int]]) -> list[tuple[Fraction | None, str]]:
    """For each funnel step but the last, the conversion to the next step (next / this) and whose it is: the
    rep's own when they have at least MIN_AT_STEP at the step, else the median of the team members' own rates
    (members with none at the step have no rate); None when neither exists. Exact fractions, so a hand-worked
    ⌈4 / (1/3)⌉ is 12, not 13."""
    rates: list[tuple[Fraction | None, str]] = []
    for i, key in enumerate(FUNNEL_STEPS[:-1]):
        following = FUNNEL_STEPS[i + 1]
        if mine.get(key, 0) >= MIN_AT_STEP:
            rates.append((Fraction(mine.get(following, 0), mine[key]), "you"))
            continue
        members = [Fraction(m.get(following, 0), m[key]) for m in team if m.get(key, 0) > 0]
        rates.append((statistics.median(members) if members else None, "team median"))
    return rates


def reverse_funnel(gap: Decimal | None, avg_deal_size: Decimal | None, rates: Sequence[tuple[Fraction | None, str]],
                   ) -> list[Need]:
    """The revenue gap turned into the activity it takes, from won deals down to calls: won deals = ⌈gap /
    average deal⌉, then each step above = ⌈what the next step needs / this step's conversion⌉ (whole deals,
    whole proposals, ...). Nothing when there is no gap; the chain stops at a step whose conversion is unknown
    or zero (no number of calls makes up for a step that never converts)."""
    if gap is None or gap <= 0:
        return []
    needs = [Need("revenue", gap)]
    if not avg_deal_size or avg_deal_size <= 0:
        return needs
    needed = math.ceil(Fraction(gap) / Fraction(avg_deal_size))
    needs.append(Need("won_deals", needed))
    for i in range(len(FUNNEL_STEPS) - 2, -1, -1):
        rate, source = rates[i]
        if not rate:
            break
        needed = math.ceil(Fraction(needed) / rate)
        needs.append(Need(FUNNEL_STEPS[i], needed, rate, source))
    return needs


def deal_size(own: KpiValue, won_deals: int, team: Sequence[KpiValue]) -> Decimal | None:
    """The average deal that closes the gap: the rep's own over the history when they won at least
    MIN_AT_STEP deals, else the median of the team members' own averages (a member who won none has none)."""
    if won_deals >= MIN_AT_STEP and own is not None:
        return Decimal(str(own))
    sizes = [Decimal(str(size)) for size in team if size is not None]
    return statistics.median(sizes) if sizes else None
