"""Targets cascade (DESIGN.md section 4): a period without a set target of its own kind takes one derived from
the set targets of the larger periods that cover its days, in proportion to working days.

- The chain: a day from its week, a week from its month(s), a month from its quarter, a quarter from its year; a
  custom range from the months it touches. A week across two months takes each month's share; a month with no
  target of its own takes its share of its quarter (so a week can come from its quarter, or its year).
- Cumulative KPIs (counts, revenue) are prorated: the covering target × the part's working days / the covering
  period's working days, summed over the parts, quantized to 2 decimals (half up) at the end only. Ratios and
  averages (win rate, cycle days, CSAT…) carry over unchanged: the value of the part holding most of the
  period's working days (the first on a tie).
- Precedence, for a rep: (1) the rep's own target — set for the period, or derived from the rep's own larger
  targets alone; (2) the team default set for the period; (3) derived part by part, each part by this same rule
  (a rep's own November target and only the team's Q4 for December: the week across them takes November's
  share from the rep and December's from the team's quarter). So a set target wins over a derived one of the
  same owner, a rep's own month beats the team's quarter, and a rep's own quarter beats the team's set week: a
  rep's individual quota is what they are measured on; the team default is for reps without one. For the team
  row itself there is one owner and the rule is "set, else derived".
- `source`: the owner's name when the period's own target is set (`rep`, `team`), else `derived:` and the labels
  of the set periods used, joined by `+` (`derived:2026-Q4`, `derived:2026-11+2026-12`).

Pure: plain values in, plain values out; the store reads the covering periods' targets (`covering`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period

CENT = Decimal("0.01")
LONGEST_RANGE_DAYS = 400  # a custom range longer than this gets no derived target (it would read many months)
LARGER = {"day": "week", "week": "month", "month": "quarter", "quarter": "year", "range": "month"}

# One owner's set targets of one KPI: (period kind, period start) -> value
SetTargets = Mapping[tuple[str, date], Decimal]


@dataclass(frozen=True)
class Resolved:
    value: Decimal
    source: str  # "rep" | "team" | "derived:2026-Q4"

    @property
    def derived(self) -> bool:
        return self.source.startswith("derived:")


@dataclass(frozen=True)
class _Found:
    """A value before quantizing, and the set periods it came from (the period itself when set on it)."""

    value: Decimal
    owner: str
    used: tuple[Period, ...]


def parts(period: Period) -> list[Period]:
    """The periods of the next larger kind that cover `period` (a week: its one or two months)."""
    kind = LARGER.get(period.kind)
    if kind is None or (period.kind == "range" and period.days > LONGEST_RANGE_DAYS):
        return []
    found = [Period.containing(kind, period.start)]
    while found[-1].end < period.end:
        found.append(Period.containing(kind, found[-1].end))
    return found


def covering(period: Period) -> set[Period]:
    """Every period whose set target can feed `period`'s (itself included): what the store reads."""
    found = {period}
    for part in parts(period):
        found |= covering(part)
    return found


def _share(calendar: WorkCalendar, period: Period, part: Period) -> tuple[int, int]:
    """(days of `period` inside `part`, days of `part`): working days, or calendar days when `part` has none."""
    first, end = max(period.start, part.start), min(period.end, part.end)
    whole = calendar.working_days(part.start, part.end)
    if whole:
        return calendar.working_days(first, end), whole
    return (end - first).days, part.days


def _derive(period: Period, key: str, calendar: WorkCalendar,
            resolve: Callable[[Period], _Found | None]) -> _Found | None:
    pieces = parts(period)
    if not pieces:
        return None
    found = [resolve(piece) for piece in pieces]
    if any(f is None for f in found):
        return None
    complete = [f for f in found if f is not None]
    shares = [_share(calendar, period, piece) for piece in pieces]
    used = tuple(dict.fromkeys(p for f in complete for p in f.used))
    if KPIS[key].cumulative:
        value = sum((f.value * Decimal(inside) / Decimal(whole) if whole else Decimal(0)
                     for f, (inside, whole) in zip(complete, shares, strict=True)), Decimal(0))
    else:
        most = max(range(len(complete)), key=lambda i: (shares[i][0], -i))
        value, used = complete[most].value, complete[most].used
    return _Found(value, complete[0].owner, used)


def _within(period: Period, key: str, owner: str, targets: SetTargets, calendar: WorkCalendar) -> _Found | None:
    """`period`'s target from one owner's set targets alone: set, or derived from them."""
    value = targets.get((period.kind, period.start))
    if value is not None:
        return _Found(value, owner, (period,))
    return _derive(period, key, calendar, lambda part: _within(part, key, owner, targets, calendar))


def resolve_target(period: Period, key: str, owners: Sequence[tuple[str, SetTargets]],
                   calendar: WorkCalendar) -> Resolved | None:
    """The target of KPI `key` for `period`, from `owners` in precedence order (`[("rep", own), ("team",
    defaults)]`, or just the team's), each with its set targets of that KPI; None when nothing covers it."""
    if not owners:
        return None

    def any_owner(part: Period) -> _Found | None:
        (first, own), later = owners[0], owners[1:]
        found = _within(part, key, first, own, calendar)
        if found is not None:
            return found
        for name, targets in later:
            value = targets.get((part.kind, part.start))
            if value is not None:
                return _Found(value, name, (part,))
        return _derive(part, key, calendar, any_owner)

    found = any_owner(period)
    if found is None:
        return None
    if found.used == (period,):
        return Resolved(found.value, found.owner)
    value = found.value.quantize(CENT, rounding=ROUND_HALF_UP) if KPIS[key].cumulative else found.value
    return Resolved(value, "derived:" + "+".join(p.label for p in found.used))

