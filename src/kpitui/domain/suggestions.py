"""Suggested targets (DESIGN.md section 4): per rep and KPI, the 80th percentile of the rep's last 12 complete
ISO weeks, scaled to the period by working days (a week = the calendar's working days a week, 5 by default),
rounded up for counts (money up to the cent).

History: a rep's history begins with the ISO week of their first logged activity or first deal created,
whichever is earlier. Only the weeks of the 12 from that week on count (weeks before it are not zeros: the rep
was not there yet); weeks after it with nothing logged do count, as zeros. Fewer than 4 such weeks: no
suggestion. A suggestion of 0 (a KPI the rep never touches) is left out: a target is a positive number.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period
from kpitui.domain.reports import json_number

SUGGEST_WEEKS = 12
MIN_WEEKS = 4
PERCENTILE_INDEX = 7  # quantiles(n=10)[7] is the 80th percentile
SUGGESTED_KPIS: tuple[str, ...] = ("calls", "conversations", "emails", "meetings", "demos", "proposals", "ideas",
                                   "new_opps", "won_deals", "revenue")


@dataclass(frozen=True)
class Suggestion:
    rep_id: int
    rep: str
    team: str | None
    kpi: str
    value: Decimal
    basis: str
    ref: str = ""  # what the service accepts to name the rep (email, else name)

    def as_json(self) -> dict[str, object]:
        value = int(self.value) if KPIS[self.kpi].unit == "count" else json_number(self.value, "money")
        return {"rep": self.rep, "kpi": self.kpi, "value": value, "basis": self.basis}


@dataclass(frozen=True)
class SuggestionsReport:
    period: Period
    team: str | None
    weeks: list[Period]
    suggestions: list[Suggestion]

    def as_json(self) -> dict[str, object]:
        return {"period": self.period.as_json(), "suggestions": [s.as_json() for s in self.suggestions]}


def complete_weeks(today: date, count: int = SUGGEST_WEEKS) -> list[Period]:
    """The `count` ISO weeks that ended before today, oldest first (this week is not over yet)."""
    return Period.week_of(today).previous().ending_here(count)


def history_weeks(weeks: Sequence[Period], first_day: date | None) -> list[int]:
    """Indexes of `weeks` from the week of the rep's first day on (none when the rep has no history)."""
    if first_day is None:
        return []
    first_week = Period.week_of(first_day).start
    return [i for i, week in enumerate(weeks) if week.start >= first_week]


def percentile_80(values: Sequence[float | int]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[PERCENTILE_INDEX]


def scaled(key: str, weekly_p80: float, period_days: int, week_days: int) -> Decimal:
    """A weekly figure for a period of `period_days` working days; counts rounded up, money (cents in,
    currency units out) up to the cent."""
    exact = Decimal(repr(weekly_p80)) * period_days / week_days
    if KPIS[key].unit == "money":
        return (exact / 100).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return Decimal(math.ceil(exact))


def suggest(key: str, weekly: Sequence[int], period_days: int, week_days: int) -> Decimal | None:
    """The suggestion from the weekly values of the rep's history weeks; None under MIN_WEEKS or when it is 0."""
    if len(weekly) < MIN_WEEKS:
        return None
    value = scaled(key, percentile_80(weekly), period_days, week_days)
    return value if value > 0 else None


def basis(weeks: Sequence[Period]) -> str:
    return f"p80 of {len(weeks)} weeks ({weeks[0].label}..{weeks[-1].label})"
